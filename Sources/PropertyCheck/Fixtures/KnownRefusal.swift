import Formats
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
    /// Whether the refusal covers a case: its attributes and, by name, the shapes of its inputs and
    /// of the outputs the definition gives it.
    let applies: @Sendable (_ attrs: [(String, JSONValue)], _ shapes: [String: [Int]]) -> Bool

    public static let all: [KnownRefusal] = [depthwiseUnequalStrides, causalStrideDilation, onnxSameDilation,
                                             torchEmptyOutput, onnxEmptyOutput, torchNoOutputChannels, kerasConv1DNoFilters,
                                             depthwiseDilatedEmptyOutput, tensorflowGroupedGradient, tensorflowDilatedGradient,
                                             kerasTransposeStrideDilation]

    /// The refusal that explains `op` refusing a case with `attrs` and `inputs`, whose outputs by the
    /// definition have `outputShapes`, by `message`, if any.
    public static func explaining(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputShapes: [String: [Int]],
                                  message: String) -> KnownRefusal? {
        let shapes = Dictionary(inputs.map { ($0.0, $0.1.shape) }, uniquingKeysWith: { first, _ in first })
            .merging(outputShapes) { _, output in output }
        return explaining(op: op, attrs: attrs, shapes: shapes, message: message)
    }

    /// The refusal that explains `op` refusing a case with `attrs`, whose inputs and outputs by the
    /// definition have `shapes` (by name), by `message`, if any.
    public static func explaining(op: String, attrs: [(String, JSONValue)], shapes: [String: [Int]],
                                  message: String) -> KnownRefusal? {
        let said = message.lowercased()
        return all.first {
            $0.ops.contains(op) && $0.applies(attrs, shapes) && $0.messages.contains { said.contains($0.lowercased()) }
        }
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
    /// runs it for its depthwise step, and the gradients' tape runs it forward (and its own
    /// backprop kernels, which say the same).
    static let depthwiseUnequalStrides = KnownRefusal(
        id: "depthwise-unequal-strides",
        ops: ["depthwise_conv2d", "separable_conv2d", "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter"], framework: "TensorFlow",
        note: "DepthwiseConv2dNative supports only equal row and column strides",
        messages: ["only supports equal length strides"]
    ) { attrs, _ in
        let s = ints(attrs, "strides")
        return s.count == 2 && s[0] != s[1]
    }

    /// Keras `Conv1D`, TensorFlow's only causal convolution, refuses a stride > 1 together with a
    /// dilation > 1 ("`strides > 1` not supported in conjunction with `dilation_rate > 1`").
    static let causalStrideDilation = KnownRefusal(
        id: "keras-conv1d-stride-dilation", ops: ["conv1d"], framework: "Keras",
        note: "Keras Conv1D refuses strides > 1 with dilation_rate > 1",
        messages: ["not supported in conjunction with `dilation_rate > 1`"]
    ) { attrs, _ in
        attrs.first { $0.0 == "padding" }?.1.string == "CAUSAL" && (ints(attrs, "strides").first ?? 1) > 1 && (ints(attrs, "dilations").first ?? 1) > 1
    }

    /// ONNX Runtime's CPU `Conv` refuses `auto_pad = SAME_UPPER` (TensorFlow's SAME) with a
    /// dilation above 1 ("Dilation not supported for AutoPadType::SAME_UPPER or
    /// AutoPadType::SAME_LOWER"); explicit `pads` work.
    static let onnxSameDilation = KnownRefusal(
        id: "onnxruntime-same-dilation", ops: ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"], framework: "ONNX Runtime",
        note: "Conv refuses auto_pad SAME_UPPER with a dilation above 1",
        messages: ["dilation not supported for autopadtype::same_upper"]
    ) { attrs, _ in
        attrs.first { $0.0 == "padding" }?.1.string == "SAME" && ints(attrs, "dilations").contains { $0 > 1 }
    }

    /// Whether a convolution's output (`[N, spatial…, C]`) has a spatial extent of 0: the padded
    /// input is shorter than the dilated kernel along that axis, where TensorFlow's output-size
    /// rule `(n − extent + s) / s` truncates to 0 rows and returns an empty tensor.
    static func emptySpatialOutput(_ outputShapes: [String: [Int]]) -> Bool {
        guard let shape = outputShapes["output"], shape.count >= 3 else { return false }
        return shape.dropFirst().dropLast().contains(0)
    }

    /// PyTorch's convolutions refuse a padded input shorter than the kernel ("Kernel size can't be
    /// greater than actual input size") where TensorFlow returns an empty output.
    /// Its autograd gradients go through the same forward convolution, and refuse alike where the
    /// forward output (`out_backprop`'s shape) is empty.
    static let torchEmptyOutput = KnownRefusal(
        id: "torch-conv-empty-output", ops: ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"] + gradientOps,
        framework: "PyTorch",
        note: "F.conv1d/F.conv2d refuse a padded input shorter than the dilated kernel, where the output is empty",
        messages: ["kernel size can't be greater than actual input size"]
    ) { _, shapes in emptySpatialOutput(["output": shapes["out_backprop"] ?? shapes["output"] ?? []]) }

    /// PyTorch's convolutions refuse a weight with 0 output channels ("expected weight to be at
    /// least G at dimension 0", G the groups), where TensorFlow returns the empty output `[…, 0]`.
    /// Likewise for the gradients of a convolution with no output channels.
    static let torchNoOutputChannels = KnownRefusal(
        id: "torch-conv-no-output-channels", ops: ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"] + gradientOps,
        framework: "PyTorch",
        note: "F.conv1d/F.conv2d refuse a weight of 0 output channels, where the output is empty",
        messages: ["expected weight to be at least"]
    ) { _, shapes in (shapes["out_backprop"] ?? shapes["output"])?.last == 0 }

    /// The gradient ops, whose peers run the forward convolution under their training path.
    static let gradientOps = ["conv2d_backprop_input", "conv2d_backprop_filter", "depthwise_conv2d_backprop_input",
                              "depthwise_conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter"]

    /// TensorFlow's CPU `Conv2DBackpropInput` (what `GradientTape` runs for conv2d's and conv1d's
    /// gradients: the registered gradient of Conv2D computes both operands', with oneDNN on or off)
    /// refuses grouped convolutions, whose forward op it computes. In a graph (tf.function) the
    /// filter gradient's kernel refuses them another way: it asks for Cin, not Cin/G, filter channels.
    static let tensorflowGroupedGradient = KnownRefusal(
        id: "tf-cpu-grouped-gradient", ops: ["conv2d_backprop_input", "conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter"],
        framework: "TensorFlow",
        note: "Conv2DBackpropInput on CPU refuses grouped convolutions (\"Gradients for grouped convolutions are not supported on CPU\")",
        messages: ["gradients for grouped convolutions are not supported on cpu", "filter_size does not have enough elements"]
    ) { _, shapes in
        // The input gradient's output has the input's shape; the filter gradient's, the filter's.
        let filterGradient = shapes["filter"] == nil
        guard let cin = (filterGradient ? shapes["input"] : shapes["output"])?.last,
              let perGroup = (filterGradient ? shapes["output"] : shapes["filter"])?.dropLast().last else { return false }
        return perGroup > 0 && cin != perGroup
    }

    /// And dilated ones (Keras's transposed convolutions run the same kernel).
    static let tensorflowDilatedGradient = KnownRefusal(
        id: "tf-cpu-dilated-gradient",
        ops: ["conv2d_backprop_input", "conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter", "conv2d_transpose", "conv1d_transpose"],
        framework: "TensorFlow",
        note: "Conv2DBackpropInput on CPU refuses dilation rates above 1 (\"do not yet support dilation rates larger than 1\")",
        messages: ["do not yet support dilation rates larger than 1"]
    ) { attrs, _ in
        attrs.first { $0.0 == "dilations" }?.1.array?.contains { ($0.int ?? 1) > 1 } == true
    }

    /// Keras's `Conv1DTranspose` and `Conv2DTranspose` refuse a stride > 1 together with a dilation
    /// > 1 on any axis, which the definition (the convolution's adjoint) computes.
    static let kerasTransposeStrideDilation = KnownRefusal(
        id: "keras-transpose-stride-dilation", ops: ["conv2d_transpose", "conv1d_transpose"], framework: "Keras",
        note: "Keras Conv1DTranspose/Conv2DTranspose refuse strides > 1 with dilation_rate > 1",
        messages: ["not supported in conjunction with `dilation_rate > 1`"]
    ) { attrs, _ in
        ints(attrs, "strides").contains { $0 > 1 } && ints(attrs, "dilations").contains { $0 > 1 }
    }

    /// Keras `Conv1D` (TensorFlow's causal convolution) refuses 0 filters ("Expected a strictly
    /// positive value"), where tf.nn's convolutions return the empty output.
    static let kerasConv1DNoFilters = KnownRefusal(
        id: "keras-conv1d-no-filters", ops: ["conv1d"], framework: "Keras",
        note: "Keras Conv1D refuses filters = 0",
        messages: ["expected a strictly positive value. received filters"]
    ) { attrs, outputs in
        attrs.first { $0.0 == "padding" }?.1.string == "CAUSAL" && outputs["output"]?.last == 0
    }

    /// tf.nn.depthwise_conv2d (and separable_conv2d's depthwise step) runs a dilated kernel as
    /// a strided convolution between SpaceToBatchND and BatchToSpaceND; when the output is empty
    /// the last step refuses ("cropped_shape[0]=-1 must be non-negative") where the output-size
    /// rule gives 0 rows.
    static let depthwiseDilatedEmptyOutput = KnownRefusal(
        id: "tf-depthwise-dilated-empty-output",
        ops: ["depthwise_conv2d", "separable_conv2d", "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter"], framework: "TensorFlow",
        note: "the space-to-batch wrapper of a dilated depthwise convolution refuses an empty output",
        messages: ["must be non-negative"]
    ) { attrs, shapes in
        ints(attrs, "dilations").contains { $0 > 1 } && emptySpatialOutput(["output": shapes["out_backprop"] ?? shapes["output"] ?? []])
    }

    /// ONNX Runtime's CPU `Conv` refuses the same inputs ("Invalid input shape").
    static let onnxEmptyOutput = KnownRefusal(
        id: "onnxruntime-conv-empty-output", ops: ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"], framework: "ONNX Runtime",
        note: "Conv refuses a padded input shorter than the dilated kernel, where the output is empty",
        messages: ["invalid input shape"]
    ) { _, outputs in emptySpatialOutput(outputs) }
}
