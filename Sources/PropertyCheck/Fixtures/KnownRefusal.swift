import Reference

/// A valid input a framework (TensorFlow, Keras, ONNX Runtime) is known to refuse: a limitation of
/// its implementation, not of the definition, found by a live campaign and written up in
/// docs/FINDINGS.md. A candidate that refuses such a case with that framework's message is counted
/// under the refusal's id (like a quirk), not failed, so a run shows what else it gets wrong. The
/// message must match too: another framework refusing the same case for its own reason is that
/// framework's failure, not this known limitation.
public struct KnownRefusal: Sendable {
    public let id: String
    public let ops: [String]
    /// Whose limitation it is, for the report.
    public let framework: String
    /// What the framework says, for the report.
    public let note: String
    /// Text the framework's refusal message contains (any one, case-insensitive).
    let messages: [String]
    let applies: @Sendable (_ attrs: [(String, JSONValue)]) -> Bool

    public static let all: [KnownRefusal] = [depthwiseUnequalStrides, causalStrideDilation, onnxSameDilation]

    /// The refusal that explains `op` refusing a case with `attrs` by `message`, if any.
    public static func explaining(op: String, attrs: [(String, JSONValue)], message: String) -> KnownRefusal? {
        let said = message.lowercased()
        return all.first { $0.ops.contains(op) && $0.applies(attrs) && $0.messages.contains { said.contains($0.lowercased()) } }
    }

    /// How a report says what the quirk or refusal `id` explains.
    public static func phrase(for id: String) -> String {
        if let refusal = all.first(where: { $0.id == id }) {
            return "refuses a valid input as \(refusal.framework) is known to (\(id): \(refusal.note))"
        }
        return "departs as \(Departure.named(id)?.framework ?? "TensorFlow")'s known quirk \(id)"
    }

    static func ints(_ attrs: [(String, JSONValue)], _ key: String) -> [Int] {
        attrs.first { $0.0 == key }?.1.array?.compactMap(\.int) ?? []
    }

    /// `DepthwiseConv2dNative` refuses unequal row and column strides ("Current implementation
    /// only supports equal length strides in the row and column dimensions"); separable_conv2d
    /// runs it for its depthwise step.
    static let depthwiseUnequalStrides = KnownRefusal(
        id: "depthwise-unequal-strides", ops: ["depthwise_conv2d", "separable_conv2d"], framework: "TensorFlow",
        note: "DepthwiseConv2dNative supports only equal row and column strides",
        messages: ["only supports equal length strides"]
    ) { attrs in
        let s = ints(attrs, "strides")
        return s.count == 2 && s[0] != s[1]
    }

    /// Keras `Conv1D`, TensorFlow's only causal convolution, refuses a stride > 1 together with a
    /// dilation > 1 ("`strides > 1` not supported in conjunction with `dilation_rate > 1`").
    static let causalStrideDilation = KnownRefusal(
        id: "keras-conv1d-stride-dilation", ops: ["conv1d"], framework: "Keras",
        note: "Keras Conv1D refuses strides > 1 with dilation_rate > 1",
        messages: ["not supported in conjunction with `dilation_rate > 1`"]
    ) { attrs in
        attrs.first { $0.0 == "padding" }?.1.string == "CAUSAL" && (ints(attrs, "strides").first ?? 1) > 1 && (ints(attrs, "dilations").first ?? 1) > 1
    }

    /// ONNX Runtime's CPU `Conv` refuses `auto_pad = SAME_UPPER` (TensorFlow's SAME) with a
    /// dilation above 1 ("Dilation not supported for AutoPadType::SAME_UPPER or
    /// AutoPadType::SAME_LOWER"); explicit `pads` work.
    static let onnxSameDilation = KnownRefusal(
        id: "onnxruntime-same-dilation", ops: ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"], framework: "ONNX Runtime",
        note: "Conv refuses auto_pad SAME_UPPER with a dilation above 1",
        messages: ["dilation not supported for autopadtype::same_upper"]
    ) { attrs in
        attrs.first { $0.0 == "padding" }?.1.string == "SAME" && ints(attrs, "dilations").contains { $0 > 1 }
    }
}
