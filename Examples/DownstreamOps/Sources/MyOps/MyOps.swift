import Reference

/// Hand-written ops, as a user of Conform would write them: plain loops, their own conventions.
public enum MyOps {
    /// Grouped 1-D cross-correlation, NWC × K(Cin/G)O, with stride, dilation and VALID / SAME / CAUSAL
    /// or explicit padding; the output length and the pads follow TensorFlow's rules.
    public static func conv1d(_ x: Tensor<Float>, _ f: Tensor<Float>, _ attrs: Conv1DAttributes) throws -> Tensor<Float> {
        guard x.rank == 3, f.rank == 3 else { throw OpError(op: "conv1d", field: "input", expected: "[N, W, C] and [K, C/G, O]", actual: "\(x.shape), \(f.shape)") }
        let (n, w, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let (k, cpg, cout) = (f.shape[0], f.shape[1], f.shape[2])
        guard cpg > 0, cin % cpg == 0, cout % (cin / cpg) == 0 else {
            throw OpError(op: "conv1d", field: "filters", expected: "a divisor of \(cin) input channels", actual: "\(cpg)")
        }
        let groups = cin / cpg, opg = cout / groups
        let (s, d) = (attrs.strides[0], attrs.dilations[0])
        let span = d * (k - 1) + 1
        let (out, before): (Int, Int)
        switch attrs.padding {
        case .valid: (out, before) = ((w - span + s) / s, 0)
        case .same: (out, before) = ((w + s - 1) / s, max(0, ((w + s - 1) / s - 1) * s + span - w) / 2)
        case .causal: (out, before) = ((w + s - 1) / s, span - 1)
        case let .explicit(pairs): (out, before) = ((w + pairs[0].before + pairs[0].after - span + s) / s, pairs[0].before)
        }
        // TensorFlow's size (n − span + s) / s truncates toward zero: 0 is an empty output, only a negative size an error.
        guard out >= 0 else { throw OpError(op: "conv1d", field: "input", expected: "at least \(span - 2 * s + 1) steps", actual: "\(w)") }
        var y = [Float](repeating: 0, count: n * out * cout)
        for b in 0..<n {
            for i in 0..<out {
                for o in 0..<cout {
                    let first = (o / opg) * cpg
                    var sum: Float = 0
                    for t in 0..<k {
                        let p = i * s + t * d - before
                        guard p >= 0 && p < w else { continue }
                        for c in 0..<cpg { sum += x.scalars[(b * w + p) * cin + first + c] * f.scalars[(t * cpg + c) * cout + o] }
                    }
                    y[(b * out + i) * cout + o] = sum
                }
            }
        }
        return try Tensor(shape: [n, out, cout], scalars: y)
    }

    /// `tf.signal.frame` along any axis: frames of `frame_length` every `frame_step`, the axis
    /// replaced by `[frames, frame_length]`.
    public static func frame(_ signal: Tensor<Float>, _ attrs: FrameAttributes) throws -> Tensor<Float> {
        let axis = attrs.axis < 0 ? attrs.axis + signal.rank : attrs.axis
        guard signal.rank > 0, (0..<signal.rank).contains(axis), attrs.frameLength > 0, attrs.frameStep > 0 else {
            throw OpError(op: "frame", field: "axis", expected: "an axis of the signal, positive length and step", actual: "\(attrs.axis)")
        }
        let n = signal.shape[axis]
        let outer = signal.shape[..<axis].reduce(1, *), inner = signal.shape[(axis + 1)...].reduce(1, *)
        let (length, step) = (attrs.frameLength, attrs.frameStep)
        let frames = attrs.padEnd ? (n + step - 1) / step : (n >= length ? (n - length) / step + 1 : 0)
        var out = [Float]()
        for o in 0..<outer {
            for i in 0..<frames {
                for j in 0..<length {
                    let p = i * step + j
                    for e in 0..<inner { out.append(p < n ? signal.scalars[(o * n + p) * inner + e] : Float(attrs.padValue)) }
                }
            }
        }
        return try Tensor(shape: Array(signal.shape[..<axis]) + [frames, length] + Array(signal.shape[(axis + 1)...]), scalars: out)
    }
}
