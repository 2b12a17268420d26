import Formats
import Reference

/// A known way TensorFlow departs from the definition (docs/OPS.md's quirks). A fixture case that
/// names one in `departs` records TensorFlow's departing output: an implementation passes it by
/// computing the definition, and the recorded output must still depart the way the quirk says,
/// else the case fails naming the quirk (a new TensorFlow release that stopped departing).
public struct Departure: Sendable {
    public let id: String
    public let op: String
    /// Whose departure it is, for the report.
    public var framework = "TensorFlow"
    /// nil when `recorded` departs from `definition` as the quirk says; else why not.
    let check: @Sendable (_ inputs: [String: AnyTensor], _ attrs: [(String, JSONValue)], _ recorded: AnyTensor, _ definition: AnyTensor) -> String?

    public static let all: [Departure] = [depthwiseStrideDilation, separableStrideDilation, depthwiseGradientStrideDilation(ofInput: true),
                                          depthwiseGradientStrideDilation(ofInput: false), glimpseUniformNoise,
                                          onnxSameCropConv1d, onnxSameCropConv2d, onnxSameCropDepthwise, onnxSameCropSeparable]

    public static func named(_ id: String) -> Departure? { all.first { $0.id == id } }

    /// The quirk of `op` that explains `got` departing from `definition`, if any.
    public static func explaining(op: String, inputs: [String: AnyTensor], attrs: [(String, JSONValue)], got: AnyTensor, definition: AnyTensor) -> Departure? {
        all.first { $0.op == op && $0.check(inputs, attrs, got, definition) == nil }
    }

    /// `tf.nn.depthwise_conv2d` with a stride > 1 and a dilation > 1 runs the strided convolution
    /// on each space-to-batch phase of the input (`nn_ops.with_space_to_batch`), so it returns the
    /// wrong pixels of the stride-1 dilated output, in a shape of its own (`spaceToBatchDepthwise`).
    static let depthwiseStrideDilation = Departure(id: "depthwise-stride-dilation", op: "depthwise_conv2d") { inputs, attrs, recorded, _ in
        guard let x = inputs["input"], let f = inputs["filter"] else { return "input and filter expected" }
        let predicted: Tensor<Double>
        switch spaceToBatchDepthwise(x, f, attrs) {
        case let .success(t): predicted = t
        case let .failure(why): return why.reason
        }
        return agreement(recorded, predicted, "the stride-1 dilated output's pixel")
    }

    /// `tf.nn.separable_conv2d` inherits the depthwise quirk: its pointwise 1×1 convolution runs on
    /// the space-to-batch depthwise answer.
    static let separableStrideDilation = Departure(id: "separable-stride-dilation", op: "separable_conv2d") { inputs, attrs, recorded, _ in
        guard let x = inputs["input"], let d = inputs["depthwise_filter"], case let p? = inputs["pointwise_filter"], p.shape.count == 4 else {
            return "input, depthwise and pointwise filters expected"
        }
        let depthwise: Tensor<Double>
        switch spaceToBatchDepthwise(x, d, attrs) {
        case let .success(t): depthwise = t
        case let .failure(why): return why.reason
        }
        guard let pointwise = try? Tensor(shape: p.shape, scalars: p.doubles),
              let predicted = try? Reference.conv2d(depthwise, pointwise, Conv2DAttributes(padding: .valid)) else {
            return "the pointwise convolution of the quirk's depthwise answer cannot be computed"
        }
        return agreement(recorded, predicted, "the pointwise convolution of the quirk's depthwise pixel")
    }

    /// The depthwise gradients a tape computes through `tf.nn.depthwise_conv2d` with a stride and a
    /// dilation > 1 are the adjoints of that quirky forward map Q, not of the definition's. Q is
    /// linear in each operand, so a recorded gradient r is Q's adjoint applied to g exactly when
    /// `⟨Q(z), g⟩ = ⟨z, r⟩` for every z: checked on three pseudo-random z of the differentiated
    /// operand's shape, within the recorded dtype's rounding of both sums.
    static func depthwiseGradientStrideDilation(ofInput: Bool) -> Departure {
        let op = ofInput ? "depthwise_conv2d_backprop_input" : "depthwise_conv2d_backprop_filter"
        return Departure(id: "depthwise-stride-dilation", op: op) { inputs, attrs, recorded, _ in
            guard let g = inputs["out_backprop"], let given = inputs[ofInput ? "filter" : "input"] else { return "out_backprop expected" }
            let forward = attrs.filter { $0.0 != "input_sizes" && $0.0 != "filter_sizes" }
            let u: Double = recorded.dtype == .float16 ? Float16.unitRoundoff : recorded.dtype == .float32 ? Float.unitRoundoff : Double.unitRoundoff
            let (gv, r) = (g.doubles, recorded.doubles)
            for probe in 1...3 {
                let values: [Double] = (0..<recorded.count).map { (i: Int) -> Double in
                    let hashed: UInt64 = UInt64(i * 3 + probe) &* 0x9E37_79B9_7F4A_7C15
                    return Double(Int(hashed >> 40) % 2001 - 1000) / 1000
                }
                let z = recorded.with(shape: recorded.shape, values: values)
                let q: Tensor<Double>
                switch spaceToBatchDepthwise(ofInput ? z : given, ofInput ? given : z, forward) {
                case let .success(t): q = t
                case let .failure(why): return why.reason
                }
                guard q.shape == g.shape else { return "the quirk's forward output \(q.shape) is not out_backprop's \(g.shape)" }
                var left = 0.0, right = 0.0, size = 0.0
                for (a, b) in zip(q.scalars, gv) { left += a * b; size += abs(a * b) }
                for (a, b) in zip(values, r) { right += a * b; size += abs(a * b) }
                let terms = Double(q.count + r.count)
                let tolerance: Double = 64 * u * terms * max(size, Double.leastNormalMagnitude)
                if abs(left - right) > tolerance {
                    return "⟨Q(z), g⟩ = \(left) but ⟨z, recorded⟩ = \(right): not the adjoint of the quirk's forward map"
                }
            }
            return nil
        }
    }

    struct Mismatch: Error { let reason: String }

    /// TensorFlow's depthwise answer when a stride and a dilation exceed 1, in Double.
    ///
    /// Per spatial axis, with input length `n`, kernel `k`, dilation `r`, stride `s` and base
    /// padding `(a, b)` (zero for VALID, `(k-1)r` split low-first for SAME, the pairs for explicit):
    /// `extra = (r - (n+a+b) mod r) mod r`, each phase is `m = (n+a+b+extra)/r` long, the strided
    /// VALID convolution keeps `q = ⌊(m-k)/s⌋ + 1` of it, and the answer is `q·r - extra` long.
    /// Its element `t` is the stride-1 dilated output (padding `(a, b+extra)`) at
    /// `t mod r + r·s·⌊t/r⌋`: for r = s = 2, rows 0, 1, 4, 5, 8, … where the definition has 0, 2, 4.
    /// With SAME padding the base padding differs from the definition's whenever a stride exceeds
    /// 1, so the quirk needs a stride and a dilation > 1, not necessarily on the same axis.
    static func spaceToBatchDepthwise(_ input: AnyTensor, _ filter: AnyTensor, _ attrs: [(String, JSONValue)]) -> Result<Tensor<Double>, Mismatch> {
        func pair(_ key: String) -> [Int] { attrs.first { $0.0 == key }?.1.array?.compactMap(\.int) ?? [1, 1] }
        let (strides, dilations) = (pair("strides"), pair("dilations"))
        guard input.shape.count == 4, filter.shape.count == 4, strides.count == 2, dilations.count == 2,
              strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }),
              let x = try? Tensor(shape: input.shape, scalars: input.doubles), let f = try? Tensor(shape: filter.shape, scalars: filter.doubles) else {
            return .failure(Mismatch(reason: "a 2-D depthwise convolution expected"))
        }
        guard strides.contains(where: { $0 > 1 }), dilations.contains(where: { $0 > 1 }) else {
            return .failure(Mismatch(reason: "the quirk needs a stride > 1 and a dilation > 1"))
        }
        let base: [PadPair]
        switch attrs.first(where: { $0.0 == "padding" })?.1 {
        case .string("SAME")?:
            base = (0..<2).map { let total = (f.shape[$0] - 1) * dilations[$0]; return PadPair(total / 2, total - total / 2) }
        case let .array(pairs)?:
            base = pairs.compactMap { $0.array?.compactMap(\.int) }.filter { $0.count == 2 }.map { PadPair($0[0], $0[1]) }
        default: base = [PadPair(0, 0), PadPair(0, 0)]
        }
        guard base.count == 2 else { return .failure(Mismatch(reason: "padding pairs for two axes expected")) }
        var extra = [0, 0], length = [0, 0]
        for axis in 0..<2 {
            let (n, k, r, s) = (x.shape[axis + 1], f.shape[axis], dilations[axis], strides[axis])
            let padded = n + base[axis].before + base[axis].after
            extra[axis] = (r - padded % r) % r
            let phase = (padded + extra[axis]) / r
            length[axis] = phase >= k ? max(0, ((phase - k) / s + 1) * r - extra[axis]) : 0
        }
        let padding = Padding.explicit([PadPair(base[0].before, base[0].after + extra[0]), PadPair(base[1].before, base[1].after + extra[1])])
        guard let full = try? Reference.depthwiseConv2d(x, f, Conv2DAttributes(padding: padding, dilations: dilations)) else {
            return .failure(Mismatch(reason: "the stride-1 dilated output cannot be computed"))
        }
        let (c, fh, fw) = (full.shape[3], full.shape[1], full.shape[2])
        var out = [Double]()
        for batch in 0..<x.shape[0] {
            for t in 0..<length[0] {
                for u in 0..<length[1] {
                    let i = t % dilations[0] + dilations[0] * strides[0] * (t / dilations[0])
                    let j = u % dilations[1] + dilations[1] * strides[1] * (u / dilations[1])
                    guard i < fh, j < fw else { return .failure(Mismatch(reason: "pixel (\(t), \(u)) maps outside the stride-1 dilated output")) }
                    let pixel: Int = ((batch * fh + i) * fw + j) * c
                    out += full.scalars[pixel..<(pixel + c)]
                }
            }
        }
        guard let answer = try? Tensor(shape: [x.shape[0], length[0], length[1], c], scalars: out) else {
            return .failure(Mismatch(reason: "the quirk's answer cannot be formed"))
        }
        return .success(answer)
    }

    /// nil when `recorded` is `predicted` to 64 unit roundoffs of its dtype relative to the element
    /// plus 8 of the largest magnitude: room for another summation order, not for another pixel.
    static func agreement(_ recorded: AnyTensor, _ predicted: Tensor<Double>, _ what: String) -> String? {
        guard recorded.shape == predicted.shape else { return "shape \(recorded.shape), the quirk's is \(predicted.shape)" }
        let u: Double = switch recorded.dtype {
        case .float16: Float16.unitRoundoff
        case .float32: Float.unitRoundoff
        default: Double.unitRoundoff
        }
        let got = recorded.doubles, scale = predicted.scalars.map(abs).max() ?? 0
        for (index, (a, b)) in zip(got, predicted.scalars).enumerated() where !(abs(a - b) <= 64 * u * max(abs(a), abs(b)) + 8 * u * scale) {
            return "element \(OutputCheck.multiIndex(index, shape: predicted.shape)) is \(a), not \(what) \(b)"
        }
        return nil
    }

    /// `tf.compat.v1.image.extract_glimpse(uniform_noise=False)` still fills with uniform noise: the
    /// in-image pixels are the definition's, the fill is not zero and lies in the image's range.
    static let glimpseUniformNoise = Departure(id: "glimpse-uniform-noise-false", op: "extract_glimpse") { inputs, _, recorded, definition in
        guard case let .float32(x)? = inputs["input"], case let .float32(tf) = recorded, case let .float32(def) = definition else {
            return "float32 input and output expected"
        }
        guard tf.shape == def.shape, let lo = x.scalars.min(), let hi = x.scalars.max() else { return "shape \(tf.shape), the definition's is \(def.shape)" }
        // The definition's zero fill marks the pixels outside the image.
        let fill = def.scalars.indices.filter { def.scalars[$0] == 0 }
        let inside = def.scalars.indices.filter { def.scalars[$0] != 0 }
        if let bad = inside.first(where: { tf.scalars[$0] != def.scalars[$0] }) { return "in-image element \(bad) differs from the definition" }
        guard fill.contains(where: { tf.scalars[$0] != 0 }) else { return "the fill is zero: no noise" }
        if let bad = fill.first(where: { !(tf.scalars[$0] >= lo && tf.scalars[$0] <= hi) }) {
            return "fill element \(bad) = \(tf.scalars[bad]) lies outside the image's [\(lo), \(hi)]"
        }
        return nil
    }
}
