import Reference

/// epoch_pairing in O(n) per epoch: each epoch's n uniforms come from the vectorised Philox stream
/// of `[seed, epoch]`; rows are picked by `min(floor(u·len), len − 1)` and gathered. No epoch is
/// stored beyond the output. The cycling mode evaluates each row's Feistel permutation at one
/// position (O(1) expected per row), as the reference defines it.
///
/// Exact: equal to the reference bit for bit.
///
/// - Complexity: O(epochs · n).
public func epochPairing(
    _ rowSplits: Tensor<Int64>, _ candidates: Tensor<Int64>, _ attrs: EpochPairingAttributes
) throws(OpError) -> Tensor<Int64> {
    let lengths = try Reference.validatePairingRows(rowSplits, candidates, attrs)
    let n = lengths.count
    var pairs = [Int64](repeating: 0, count: attrs.epochs * n)
    let floatLengths = lengths.map(Float.init)
    PathCounter.hit(attrs.mode == .tensorflow ? .pairingTensorFlow : .pairingCycle)
    // Planted bug (the test-only twin): cycle mode one position ahead.
    #if CONFORM_MUTANTS
    let shift = Mutants.on(.cycleShifted) ? 1 : 0
    #else
    let shift = 0
    #endif
    // The workers read raw buffers: indexing the shared arrays retained and released their
    // storage on every access, one reference count bouncing between the cores (two threads ran
    // slower than one).
    let splitsArray = rowSplits.scalars, candidatesArray = candidates.scalars
    splitsArray.withUnsafeBufferPointer { splits in
    candidatesArray.withUnsafeBufferPointer { pool in
    lengths.withUnsafeBufferPointer { lengths in
    floatLengths.withUnsafeBufferPointer { floatLengths in
    pairs.withUnsafeMutableBufferPointer { out in
        let o = UnsafeSendable(out.baseAddress!)
        Threading.forEach(attrs.epochs) { e in
            #if CONFORM_MUTANTS
            let epoch = Mutants.on(.pairingWrongEpoch) ? e : attrs.firstEpoch + e
            #else
            let epoch = attrs.firstEpoch + e
            #endif
            let row = o.value + e * n
            switch attrs.mode {
            case .tensorflow:
                PhiloxSIMD.words(Philox(seed: attrs.seed, Int64(epoch)), first: 0, count: n) { words, offset in
                    for j in 0..<words.count {
                        let r = offset + j
                        let k = min(Int((float32Unit(words[j]) * floatLengths[r]).rounded(.down)), lengths[r] - 1)
                        row[r] = pool[Int(splits[r]) + k]
                    }
                }
            case .cycle:
                for r in 0..<n {
                    let len = lengths[r]
                    // Planted bug (the test-only twin): a loop that never ends for a single candidate.
                    #if CONFORM_MUTANTS
                    while len == 1 && Mutants.on(.cycleHangsOnSingleCandidate) {}
                    #endif
                    let k = cyclePermutation(count: len, seed: attrs.seed, row: r, cycle: epoch / len)((epoch + shift) % len)
                    row[r] = pool[Int(splits[r]) + k]
                }
            }
        }
    }
    }
    }
    }
    }
    return try! Tensor(shape: [attrs.epochs, n], scalars: pairs)
}
