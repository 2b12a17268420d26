import Reference

/// A valid input TensorFlow (or Keras) is known to refuse: a limitation of its implementation,
/// not of the definition. A candidate that refuses such a case is counted under the refusal's id
/// (like a quirk), not failed, so a TensorFlow run shows what else it gets wrong.
public struct KnownRefusal: Sendable {
    public let id: String
    public let ops: [String]
    /// What TensorFlow says, for the report.
    public let note: String
    let applies: @Sendable (_ attrs: [(String, JSONValue)]) -> Bool

    public static let all: [KnownRefusal] = [depthwiseUnequalStrides, causalStrideDilation]

    /// The refusal that explains `op` refusing a case with `attrs`, if any.
    public static func explaining(op: String, attrs: [(String, JSONValue)]) -> KnownRefusal? {
        all.first { $0.ops.contains(op) && $0.applies(attrs) }
    }

    /// How a report says what the quirk or refusal `id` explains.
    public static func phrase(for id: String) -> String {
        if let refusal = all.first(where: { $0.id == id }) { return "refuses a valid input as TensorFlow is known to (\(id): \(refusal.note))" }
        return "departs as TensorFlow's known quirk \(id)"
    }

    static func ints(_ attrs: [(String, JSONValue)], _ key: String) -> [Int] {
        attrs.first { $0.0 == key }?.1.array?.compactMap(\.int) ?? []
    }

    /// `DepthwiseConv2dNative` refuses unequal row and column strides ("Current implementation
    /// only supports equal length strides in the row and column dimensions"); separable_conv2d
    /// runs it for its depthwise step.
    static let depthwiseUnequalStrides = KnownRefusal(
        id: "depthwise-unequal-strides", ops: ["depthwise_conv2d", "separable_conv2d"],
        note: "DepthwiseConv2dNative supports only equal row and column strides"
    ) { attrs in
        let s = ints(attrs, "strides")
        return s.count == 2 && s[0] != s[1]
    }

    /// Keras `Conv1D`, TensorFlow's only causal convolution, refuses a stride > 1 together with a
    /// dilation > 1 ("`strides > 1` not supported in conjunction with `dilation_rate > 1`").
    static let causalStrideDilation = KnownRefusal(
        id: "keras-conv1d-stride-dilation", ops: ["conv1d"],
        note: "Keras Conv1D refuses strides > 1 with dilation_rate > 1"
    ) { attrs in
        attrs.first { $0.0 == "padding" }?.1.string == "CAUSAL" && (ints(attrs, "strides").first ?? 1) > 1 && (ints(attrs, "dilations").first ?? 1) > 1
    }
}
