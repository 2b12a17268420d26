import Reference

/// A known way TensorFlow departs from the definition (OPS.md's quirks). A fixture case that
/// names one in `departs` records TensorFlow's departing output: an implementation passes it by
/// computing the definition, and the recorded output must still depart the way the quirk says,
/// else the case fails naming the quirk (a new TensorFlow release that stopped departing).
public struct Departure: Sendable {
    public let id: String
    public let op: String
    /// nil when `recorded` departs from `definition` as the quirk says; else why not.
    let check: @Sendable (_ inputs: [String: AnyTensor], _ attrs: [(String, JSONValue)], _ recorded: AnyTensor, _ definition: AnyTensor) -> String?

    public static let all: [Departure] = [depthwiseStrideDilation, glimpseUniformNoise]

    public static func named(_ id: String) -> Departure? { all.first { $0.id == id } }

    /// `tf.nn.depthwise_conv2d` with stride and dilation > 1: every pixel it returns is a pixel of
    /// the stride-1 dilated output (same padding mode), but not the ones the stride picks.
    static let depthwiseStrideDilation = Departure(id: "depthwise-stride-dilation", op: "depthwise_conv2d") { inputs, attrs, recorded, definition in
        guard case let .float32(x)? = inputs["input"], case let .float32(f)? = inputs["filter"],
              case let .float32(tf) = recorded, case let .float32(def) = definition else { return "float32 input, filter and output expected" }
        guard tf.shape == def.shape else { return "shape \(tf.shape), the definition's is \(def.shape)" }
        let dilations = attrs.first { $0.0 == "dilations" }?.1.array?.compactMap(\.int) ?? [1, 1]
        let padding: Padding
        switch attrs.first(where: { $0.0 == "padding" })?.1 {
        case .string("SAME")?: padding = .same
        case let .array(pairs)?:
            padding = .explicit(pairs.compactMap { $0.array?.compactMap(\.int) }.filter { $0.count == 2 }.map { PadPair($0[0], $0[1]) })
        default: padding = .valid
        }
        guard let full = try? Reference.depthwiseConv2d(x, f, Conv2DAttributes(padding: padding, dilations: dilations)) else {
            return "the stride-1 dilated output cannot be computed"
        }
        let (oh, ow, c) = (tf.shape[1], tf.shape[2], tf.shape[3]), (fh, fw) = (full.shape[1], full.shape[2])
        func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-5 * max(abs(a), abs(b)) + 1e-6 }
        func pixel(_ t: Tensor<Float>, _ w: Int, _ i: Int, _ j: Int) -> ArraySlice<Float> { t.scalars[((i * w + j) * c)..<((i * w + j + 1) * c)] }
        for r in 0..<oh {
            for col in 0..<ow {
                let found = (0..<fh).contains { i in (0..<fw).contains { j in zip(pixel(tf, ow, r, col), pixel(full, fw, i, j)).allSatisfy(close) } }
                if !found { return "pixel (\(r), \(col)) is no pixel of the stride-1 dilated output" }
            }
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
