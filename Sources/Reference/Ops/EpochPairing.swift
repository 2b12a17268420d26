/// Attributes of epoch_pairing.
public struct EpochPairingAttributes: Equatable, Sendable {
    /// How a row's partner is chosen each epoch.
    public enum Mode: String, Sendable, CaseIterable {
        /// Exactly TensorFlow's program: `k = min(floor(u · len), len − 1)` with
        /// `u = stateless_uniform([n], seed: [seed, epoch])`.
        case tensorflow
        /// Each row walks a seeded permutation of its candidates, one per epoch, so every
        /// admissible pair is seen once per cycle of `len` epochs (not reproducible in TensorFlow).
        case cycle
    }

    public var seed: Int64
    public var epochs: Int
    public var firstEpoch: Int
    public var mode: Mode

    public init(seed: Int64, epochs: Int, firstEpoch: Int = 0, mode: Mode = .tensorflow) {
        self.seed = seed
        self.epochs = epochs
        self.firstEpoch = firstEpoch
        self.mode = mode
    }
}

/// Picks one admissible partner per row for each of `epochs` epochs: `pairs [epochs, n]`.
///
/// Rows are a ragged list in TensorFlow's encoding: row r's candidates are
/// `candidates[row_splits[r] ..< row_splits[r+1]]`. In `.tensorflow` mode epoch e is
///
///     u = stateless_uniform([n], seed: [seed, e])     (float32)
///     k = min(Int64(floor(u · Float(len))), len − 1)
///     pairs[e][r] = candidates[row_splits[r] + k]
///
/// In `.cycle` mode, epoch e of row r with `len` candidates takes position `e % len` of the
/// permutation `cyclePermutation(len, seed, row: r, cycle: e / len)`.
///
/// - Complexity: O(n) per epoch; no epoch is stored beyond the output.
public func epochPairing(
    _ rowSplits: Tensor<Int64>, _ candidates: Tensor<Int64>, _ attrs: EpochPairingAttributes
) throws(OpError) -> Tensor<Int64> {
    let lengths = try validatePairingRows(rowSplits, candidates, attrs)
    let n = lengths.count
    var pairs = [Int64](repeating: 0, count: attrs.epochs * n)
    for e in 0..<attrs.epochs {
        let epoch = attrs.firstEpoch + e
        let stream = Philox(seed: attrs.seed, Int64(epoch))
        for r in 0..<n {
            let len = lengths[r]
            let k: Int
            switch attrs.mode {
            case .tensorflow:
                let u = float32Unit(stream.word(UInt64(r)))
                k = min(Int((u * Float(len)).rounded(.down)), len - 1)
            case .cycle:
                k = cyclePermutation(count: len, seed: attrs.seed, row: r, cycle: epoch / len)(epoch % len)
            }
            pairs[e * n + r] = candidates.scalars[Int(rowSplits.scalars[r]) + k]
        }
    }
    return Tensor(validatedShape: [attrs.epochs, n], scalars: pairs)
}

/// Checks the ragged encoding and the attributes; returns each row's candidate count.
public func validatePairingRows(
    _ rowSplits: Tensor<Int64>, _ candidates: Tensor<Int64>, _ attrs: EpochPairingAttributes
) throws(OpError) -> [Int] {
    let v = Validator(op: "epoch_pairing")
    try v.rank("row_splits", rowSplits.shape, 1, layout: "[n+1]")
    try v.rank("candidates", candidates.shape, 1, layout: "[nnz]")
    try v.nonNegative("epochs", attrs.epochs)
    try v.nonNegative("first_epoch", attrs.firstEpoch)
    guard attrs.firstEpoch <= Int(Int32.max), attrs.epochs <= Int(Int32.max) else {
        throw v.fail("epochs", expected: "first_epoch + epochs < 2³¹", actual: "\(attrs.firstEpoch) + \(attrs.epochs)")
    }
    let splits = rowSplits.scalars
    guard let first = splits.first else {
        throw v.fail("row_splits", expected: "at least one entry (n+1 for n rows)", actual: "an empty tensor")
    }
    guard first == 0 else { throw v.fail("row_splits[0]", expected: "0", actual: "\(first)") }
    guard splits.last == Int64(candidates.count) else {
        throw v.fail("row_splits[\(splits.count - 1)]", expected: "the candidate count \(candidates.count)",
                     actual: "\(splits.last!)")
    }
    var lengths = [Int]()
    lengths.reserveCapacity(splits.count - 1)
    for r in 0..<(splits.count - 1) {
        let len = splits[r + 1] - splits[r]
        guard len > 0 else {
            throw v.fail("row_splits[\(r)...\(r + 1)]", expected: "row \(r) with at least one candidate",
                         actual: "\(len) candidates (splits \(splits[r]), \(splits[r + 1]))")
        }
        lengths.append(Int(len))
    }
    guard attrs.epochs == 0 || lengths.count <= Int.max / attrs.epochs, lengths.count * attrs.epochs <= Validator.maxOutputElements else {
        throw v.fail("epochs", expected: "epochs × rows ≤ \(Validator.maxOutputElements)", actual: "\(attrs.epochs) × \(lengths.count)")
    }
    // The pairs and the row lengths, within the memory budget (an epoch of no rows still costs its stream).
    _ = try v.outputCount([attrs.epochs, lengths.count])
    try v.memory("row_splits", elements: lengths.count, bytesEach: 8, shape: rowSplits.shape)
    return lengths
}

/// A seeded permutation of `0..<count`, different for every `(seed, row, cycle)`.
///
/// A 4-round Feistel network on the smallest even-bit domain `2^(2h) ≥ count`, with Philox
/// round keys, walks the cycle until it lands below `count` (a bijection on `0..<count`,
/// expected ≤ 4 steps). Evaluating one position costs O(1) expected, so a row is never shuffled.
public func cyclePermutation(count: Int, seed: Int64, row: Int, cycle: Int) -> (Int) -> Int {
    var bits = 1
    while (1 << (2 * bits)) < count { bits += 1 }
    let half = UInt32(bits), mask = UInt32((1 << bits) - 1)
    let keyWords = Philox(seed: seed, Int64(row)).block(UInt64(cycle))
    let keys = [keyWords.0, keyWords.1, keyWords.2, keyWords.3]
    func encrypt(_ x: UInt32) -> UInt32 {
        var (l, r) = (x >> half, x & mask)
        for k in keys {
            let f = Philox.block(counter: (r, k, 0, 0), key: (k, ~k)).0 & mask
            (l, r) = (r, l ^ f)
        }
        return l << half | r
    }
    return { position in
        var x = encrypt(UInt32(position))
        while x >= UInt32(count) { x = encrypt(x) }
        return Int(x)
    }
}
