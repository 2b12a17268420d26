import Foundation
import Reference

/// `conform explain` for conv2d_at, frame, epoch_pairing and stateless_uniform.
extension Explain {
    /// One output of an H×W convolution: the taps it visits, its work and memory, against the
    /// full convolution and against convolving a zero-padded copy.
    public static func convolutionAt(input: [Int], kernel: [Int], at: (row: Int, col: Int), mode: String, anchor: String) throws -> [String] {
        guard input.count == 2, kernel.count == 2 else {
            throw OpError(op: "explain", field: "--input/--kernel", expected: "HxW each, e.g. 10000x10000", actual: "\(input) and \(kernel)")
        }
        guard let m = Conv2DAtAttributes.Mode(rawValue: mode), let a = Conv2DAtAttributes.Anchor(rawValue: anchor) else {
            throw OpError(op: "explain", field: "--mode/--anchor", expected: "correlation or convolution, corner or center", actual: "\(mode), \(anchor)")
        }
        let attrs = Conv2DAtAttributes(row: at.row, col: at.col, mode: m, anchor: a)
        let window = try Reference.conv2dAtWindow(input, kernel, attrs)
        let (h, w, kh, kw) = (Double(input[0]), Double(input[1]), Double(kernel[0]), Double(kernel[1]))
        let taps = Double(window.rows.count * window.cols.count)
        var out = ["conv2d_at(\(mode), \(anchor)) of a \(count(input[0]))×\(count(input[1])) input with a \(count(kernel[0]))×\(count(kernel[1])) kernel at (\(at.row), \(at.col))"]
        out.append("window: kernel rows \(window.rows.lowerBound)..<\(window.rows.upperBound), columns \(window.cols.lowerBound)..<\(window.cols.upperBound) fall on the input (top-left tap at input (\(window.top), \(window.left))); the rest read padding and are skipped")
        out.append("this output: \(count(Int(taps))) multiply–adds (\(count(Int(2 * taps))) FLOPs), one pass over the window; memory beyond the inputs: at most 256 partial sums (\(bytes(256 * 8)))")
        let full = h * w * kh * kw
        out.append("the full convolution: \(count(input[0] * input[1])) outputs, up to \(String(format: "%.3g", full)) multiply–adds (\(String(format: "%.3g", full / max(taps, 1)))× this one), \(bytes(h * w * 4)) of float32 output")
        let padded = (h + kh - 1) * (w + kw - 1) * 4
        out.append("a zero-padded copy to convolve instead: \((input[0] + kernel[0] - 1))×\((input[1] + kernel[1] - 1)) floats, \(bytes(padded)) before a single output")
        return out
    }

    /// `tf.signal.frame`: how many frames, which samples each covers, how much padding.
    public static func frame(signal: [Int], length: Int, step: Int, padEnd: Bool) throws -> [String] {
        let attrs = FrameAttributes(frameLength: length, frameStep: step, padEnd: padEnd)
        let frames = try Reference.frameGeometry(signal, attrs)
        let n = signal.last ?? 0
        var out = ["tf.signal.frame(signal \(signal), frame_length=\(length), frame_step=\(step), pad_end=\(padEnd ? "True" : "False")) along the last axis"]
        out.append("\(count(frames)) frames: output shape \(Array(signal.dropLast()) + [frames, length])"
                   + (padEnd ? " (ceil(\(n)/\(step)); pad_end keeps every frame that starts inside the signal)" : " (1 + (\(n) − \(length)) / \(step), floored; a frame must fit)"))
        for i in Array(Set([0, 1, frames - 1].filter { $0 >= 0 && $0 < frames })).sorted() {
            let start = i * step, end = start + length
            let padding = max(0, end - n)
            out.append("frame \(i): samples \(start)..<\(min(end, n))" + (padding > 0 ? " and \(padding) pad values" : ""))
        }
        if !padEnd && frames * step < n { out.append("samples \(max(0, (frames - 1) * step + length))..<\(n) are in no frame") }
        return out
    }

    /// Which candidate each row gets in each epoch, reproducibly (candidates numbered within their row).
    public static func pairing(rows lengths: [Int], seed: Int64, epochs: Int, firstEpoch: Int, mode: String) throws -> [String] {
        guard let m = EpochPairingAttributes.Mode(rawValue: mode) else {
            throw OpError(op: "explain", field: "--mode", expected: "tensorflow or cycle", actual: mode)
        }
        guard !lengths.isEmpty, lengths.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }), lengths.count <= 1 << 16 else {
            throw OpError(op: "explain", field: "--rows", expected: "candidate counts from 1 to 2^20, e.g. 3,1,4", actual: "\(lengths)")
        }
        var splits = [Int64(0)]
        for l in lengths { splits.append(splits.last! + Int64(l)) }
        // Candidate k of row r is the number k: the table shows positions within each row.
        let candidates = lengths.flatMap { (0..<$0).map(Int64.init) }
        let attrs = EpochPairingAttributes(seed: seed, epochs: epochs, firstEpoch: firstEpoch, mode: m)
        let pairs = try Reference.epochPairing(try Tensor(shape: [splits.count], scalars: splits), try Tensor(shape: [candidates.count], scalars: candidates), attrs)
        var out = ["epoch_pairing(\(mode), seed \(seed)) of \(lengths.count) rows with \(lengths.map(String.init).joined(separator: ", ")) candidates: the candidate (by position in its row) each row gets"]
        for e in 0..<epochs {
            let picks = (0..<lengths.count).map { r in "row \(r) → \(pairs.scalars[e * lengths.count + r])" }
            out.append("epoch \(firstEpoch + e): " + picks.joined(separator: ", "))
        }
        out.append(m == .tensorflow ? "each epoch draws u = stateless_uniform([rows], seed=[\(seed), epoch]) and picks min(floor(u·len), len − 1): the same on every run, independent across epochs"
                                    : "each row walks a seeded permutation of its candidates, one per epoch: every candidate once per cycle of len epochs")
        return out
    }

    /// `tf.random.stateless_uniform`: the values, and the Philox key and counter behind them.
    public static func uniform(shape: [Int], seed: [Int64], dtype: String, minval: Double?, maxval: Double?) throws -> [String] {
        guard let d = DType(rawValue: dtype) else {
            throw OpError(op: "explain", field: "--dtype", expected: "float16, float32, float64, int32 or int64", actual: dtype)
        }
        guard seed.count == 2 else { throw OpError(op: "explain", field: "--seed", expected: "two integers s0,s1", actual: "\(seed)") }
        let attrs = StatelessUniformAttributes(shape: shape, seed: seed, dtype: d, minval: minval, maxval: maxval)
        let values = try Reference.statelessUniform(attrs)
        let stream = Philox(seed: seed[0], seed[1])
        var out = ["stateless_uniform(shape \(shape), seed [\(seed[0]), \(seed[1])], \(dtype)): \(count(values.count)) values"]
        out.append("Philox4x32-10: key (\(stream.key.0), \(stream.key.1)), counter starting at (\(stream.counter.0), \(stream.counter.1), \(stream.counter.2), \(stream.counter.3)); \(d.byteWidth == 8 ? "two words" : "one word") per value")
        let shown = min(values.count, 8)
        out.append("first \(shown): " + (0..<shown).map { values.text(at: $0) }.joined(separator: ", "))
        return out
    }
}
