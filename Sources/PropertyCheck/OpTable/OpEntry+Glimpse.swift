import Optimized
import Reference

extension OpEntry {
    public static let extractGlimpse = OpEntry(
        name: "extract_glimpse", kind: .exact, inputs: ["input", "offsets"], outputs: ["output"],
        attributes: [AttributeSpec("size", "[gh,gw]"), .optional("centered", true), .optional("normalized", true),
                     .optional("noise", "zero", "or uniform, gaussian"), .optional("version", 2, "or 1"),
                     .optional("seed", 0, "Conform's own: seeds the uniform or gaussian fill")],
        notes: ["input": "[B,H,W,C]", "offsets": "[B,2] as (y, x)", "output": "[B,gh,gw,C]"]
    ) { (c: inout CaseContext) in
        let noise = try c.string("noise", oneOf: GlimpseAttributes.Noise.allCases.map(\.rawValue))
        let attrs = GlimpseAttributes(
            size: try c.ints("size"), centered: try c.bool("centered"),
            normalized: try c.bool("normalized"), noise: GlimpseAttributes.Noise(rawValue: noise)!,
            version: try c.int("version"), seed: try c.int64("seed"))
        let (x, offsets) = (try c.input("input", as: Float.self), try c.input("offsets", as: Float.self))
        let reference: @Sendable () throws -> ReferenceRun = {
            ReferenceRun(outputs: ["output": .float32(try Reference.extractGlimpse(x, offsets, attrs))])
        }
        let optimized: @Sendable () throws -> [String: AnyTensor] = {
            ["output": .float32(try Optimized.extractGlimpse(x, offsets, attrs))]
        }
        guard attrs.noise != .zero else { return PreparedCase(reference: reference, optimized: optimized) }
        let noiseJudge: PreparedCase.Judge = { implementation, got, expected, run in
            // TensorFlow's noise is not reproducible: pixels inside the image must match bit for bit,
            // and every fill value the implementation computed must lie in the range the noise mode
            // promises (the expected side's fill may be somebody else's noise: never read).
            guard let g = got["output"], let e = expected["output"] else {
                return [.mismatched("output", "no output named output")]
            }
            let fill = glimpseFillMask(x, offsets, attrs)
            guard case let .float32(computed) = g, computed.count == fill.fill.count else {
                return [.mismatched("output", "expected a float32 output of \(fill.fill.count) elements [B, gh, gw, C], got \(g.dtype) \(g.shape)")]
            }
            var check = OutputCheck.exact("output", got: g, expected: e, skip: { fill.isFill($0) })
            // Conform's own two draw the same seeded noise: the reference run fixes every fill value,
            // so the optimized op's fill must be those bits, not merely in range.
            if check.mismatch == nil, implementation == .optimized, let own = run.outputs["output"] {
                let fillCheck = OutputCheck.exact("output", got: g, expected: own, skip: { !fill.isFill($0) })
                if fillCheck.mismatch != nil || !fillCheck.passed { return [fillCheck] }
            }
            if check.mismatch == nil, let bad = fill.firstOutOfRange(computed.scalars) {
                check.passed = false
                check.worst = .init(index: OutputCheck.multiIndex(bad.index, shape: computed.shape), expected: bad.range,
                                    got: "\(computed.scalars[bad.index])", ulp: nil, ratio: nil)
            }
            return [check]
        }
        return PreparedCase(reference: reference, optimized: optimized, judge: noiseJudge)
    }
}

/// Which output elements of a glimpse are fill, and the range each fill value must lie in.
struct GlimpseFillMask {
    var fill: [Bool]
    var low: [Float]
    var high: [Float]

    func isFill(_ i: Int) -> Bool { fill[i] }

    func firstOutOfRange(_ values: [Float]) -> (index: Int, range: String)? {
        for i in values.indices where fill[i] && !(values[i] >= low[i] && values[i] <= high[i]) {
            return (i, "a fill value in [\(low[i]), \(high[i])]")
        }
        return nil
    }
}

func glimpseFillMask(_ x: Tensor<Float>, _ offsets: Tensor<Float>, _ attrs: GlimpseAttributes) -> GlimpseFillMask {
    let (batch, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (gh, gw) = (attrs.size[0], attrs.size[1])
    var mask = GlimpseFillMask(fill: [], low: [], high: [])
    for b in 0..<batch {
        let item = x.scalars[(b * h * w * c)..<((b + 1) * h * w * c)]
        var lo = [Float](repeating: item.min() ?? 0, count: c), hi = [Float](repeating: item.max() ?? 0, count: c)
        if attrs.noise == .gaussian {
            for ch in 0..<c {
                let channel = stride(from: item.startIndex + ch, to: item.endIndex, by: c).map { item[$0] }
                lo[ch] = channel.min() ?? 0
                hi[ch] = channel.max() ?? 0
            }
        }
        let (top, left) = attrs.corner(offsetY: offsets.scalars[2 * b], offsetX: offsets.scalars[2 * b + 1], height: h, width: w)
        for i in 0..<gh {
            for j in 0..<gw {
                for ch in 0..<c {
                    let (y, xx) = (top + i, left + j)
                    mask.fill.append(!(y >= 0 && y < h && xx >= 0 && xx < w))
                    mask.low.append(lo[ch])
                    mask.high.append(hi[ch])
                }
            }
        }
    }
    return mask
}
