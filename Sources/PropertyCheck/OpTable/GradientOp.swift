import Formats
import Reference

/// A gradient op as the gradient laws see it: which forward op it differentiates, by which operand,
/// and the names its cases and the forward op's cases use. The laws build the forward case from a
/// gradient case with these names, so they hold for any implementation that offers both ops.
public struct GradientOp: Sendable {
    /// The gradient op (`conv2d_backprop_filter`).
    public let op: String
    /// The forward op (`conv2d`).
    public let forward: String
    /// True for the input gradient, false for the filter gradient.
    public let ofInput: Bool
    /// The forward op's filter input (`filters` for conv1d and conv2d, `filter` for depthwise).
    public let forwardFilter: String
    /// The operands' rank (4 for the 2-D ops, 3 for conv1d).
    public let rank: Int

    /// The attribute holding the differentiated operand's shape.
    public var sizes: String { ofInput ? "input_sizes" : "filter_sizes" }
    /// The other forward operand, an input of the gradient case.
    public var given: String { ofInput ? "filter" : "input" }

    public static let all: [GradientOp] = [
        GradientOp(op: "conv2d_backprop_input", forward: "conv2d", ofInput: true, forwardFilter: "filters", rank: 4),
        GradientOp(op: "conv2d_backprop_filter", forward: "conv2d", ofInput: false, forwardFilter: "filters", rank: 4),
        GradientOp(op: "depthwise_conv2d_backprop_input", forward: "depthwise_conv2d", ofInput: true, forwardFilter: "filter", rank: 4),
        GradientOp(op: "depthwise_conv2d_backprop_filter", forward: "depthwise_conv2d", ofInput: false, forwardFilter: "filter", rank: 4),
        GradientOp(op: "conv1d_backprop_input", forward: "conv1d", ofInput: true, forwardFilter: "filters", rank: 3),
        GradientOp(op: "conv1d_backprop_filter", forward: "conv1d", ofInput: false, forwardFilter: "filters", rank: 3),
    ]

    /// The gradient op named `op`, if it is one.
    public static func named(_ op: String) -> GradientOp? { all.first { $0.op == op } }

    /// The differentiated operand's shape, from the case's size attribute.
    public func shape(_ c: GeneratedCase) -> [Int]? {
        guard let sizes = c.attrs.first(where: { $0.0 == sizes })?.1.array?.compactMap(\.int), sizes.count == rank else { return nil }
        return sizes
    }

    /// The forward case of `operand` (the differentiated one) with the case's other operand.
    public func forwardCase(_ c: GeneratedCase, operand: AnyTensor) -> GeneratedCase? {
        guard let other = c.input(given) else { return nil }
        let (x, w) = ofInput ? (operand, other) : (other, operand)
        return GeneratedCase(op: forward, attrs: c.attrs.filter { $0.0 != sizes }, inputs: [("input", x), (forwardFilter, w)])
    }
}
