import Formats
import Optimized
import Reference

extension OpEntry {
    public static let countParams = OpEntry(
        name: "count_params", kind: .exact, inputs: [], outputs: ["trainable", "non_trainable", "output_shape"],
        attributes: [AttributeSpec("layer", "a Keras class"), .optional("config", .object([]), "as `get_config()` writes it"),
                     AttributeSpec("input_shape", "sizes, null for unknown")],
        notes: ["trainable": "[] (int64)", "non_trainable": "[] (int64)", "output_shape": "[rank] (int64)"]
    ) { (c: inout CaseContext) in
        let layer = try kerasLayer(c)
        guard let shapeValue = c.attr("input_shape") else {
            throw c.error(.missingField, "attrs.input_shape", expected: "a list of sizes or nulls", actual: "nothing")
        }
        guard let items = shapeValue.array else {
            throw c.error(.wrongType, "attrs.input_shape", expected: "a list of sizes or nulls", actual: shapeValue.description)
        }
        var inputShape = [Int?]()
        for (i, item) in items.enumerated() {
            if item.isNull { inputShape.append(nil); continue }
            guard let n = item.int else {
                throw c.error(.wrongType, "attrs.input_shape[\(i)]", expected: "an integer or null", actual: item.description)
            }
            inputShape.append(n)
        }
        let shape = inputShape
        let outputs: @Sendable (LayerCount) -> [String: AnyTensor] = { count in
            [
                "trainable": .int64(Tensor(scalar: Int64(count.trainable))),
                "non_trainable": .int64(Tensor(scalar: Int64(count.nonTrainable))),
                "output_shape": .int64(try! Tensor(shape: [count.outputShape.count], scalars: count.outputShape.map { Int64($0 ?? -1) })),
            ]
        }
        return PreparedCase(reference: { ReferenceRun(outputs: outputs(try Reference.countParams(layer, inputShape: shape))) },
                            optimized: { outputs(try Optimized.countParams(layer, inputShape: shape)) })
    }

    /// Configuration keys that cannot change a count or an output shape, per layer: exactly the
    /// other keys Keras 3.15's `get_config()` writes for it (plus `lora_alpha` beside `lora_rank`).
    static let neutralKeys: [String: Set<String>] = {
        let common: Set = ["name", "trainable", "dtype"]
        let dense = common.union(["activation", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                                  "kernel_constraint", "bias_constraint", "activity_regularizer", "lora_alpha"])
        let conv = dense
        let depthwise = common.union(["activation", "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                                      "depthwise_constraint", "bias_constraint", "activity_regularizer"])
        let separable = depthwise.union(["pointwise_initializer", "pointwise_regularizer", "pointwise_constraint"])
        let rnn = dense.subtracting(["lora_alpha"]).union([
            "recurrent_initializer", "recurrent_regularizer", "recurrent_constraint", "dropout", "recurrent_dropout", "go_backwards",
            "stateful", "unroll", "zero_output_for_mask", "seed"])
        let normalization = common.union(["epsilon", "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                                          "beta_constraint", "gamma_constraint"])
        return [
            "Dense": dense, "Conv1D": conv, "Conv2D": conv, "Conv1DTranspose": conv.subtracting(["lora_alpha"]),
            "Conv2DTranspose": conv.subtracting(["lora_alpha"]), "DepthwiseConv2D": depthwise, "SeparableConv1D": separable,
            "SeparableConv2D": separable, "SimpleRNN": rnn, "LSTM": rnn.union(["recurrent_activation", "unit_forget_bias"]),
            "GRU": rnn.union(["recurrent_activation"]),
            "BatchNormalization": normalization.union(["momentum", "moving_mean_initializer", "moving_variance_initializer", "synchronized",
                                                       "renorm_clipping", "renorm_momentum"]),
            "LayerNormalization": normalization,
            "Embedding": common.union(["embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "activity_regularizer",
                                       "mask_zero", "lora_alpha"]),
            "MaxPooling1D": common, "MaxPooling2D": common, "AveragePooling1D": common, "AveragePooling2D": common, "Flatten": common,
        ]
    }()

    /// Configuration keys that change a count or an output shape, per layer: each is honoured.
    static let countingKeys: [String: Set<String>] = {
        let conv: Set = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "use_bias", "lora_rank"]
        let depthwise: Set = ["kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "use_bias"]
        let transpose: Set = ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "use_bias"]
        let separable = depthwise.union(["filters"])
        let rnn: Set = ["units", "use_bias", "return_sequences", "return_state"]
        let pooling: Set = ["pool_size", "strides", "padding", "data_format"]
        return [
            "Dense": ["units", "use_bias", "lora_rank", "quantization_config"], "Conv1D": conv, "Conv2D": conv,
            "Conv1DTranspose": transpose, "Conv2DTranspose": transpose,
            "DepthwiseConv2D": depthwise, "SeparableConv1D": separable, "SeparableConv2D": separable,
            "SimpleRNN": rnn, "LSTM": rnn, "GRU": rnn.union(["reset_after"]),
            "BatchNormalization": ["axis", "center", "scale", "renorm"], "LayerNormalization": ["axis", "center", "scale", "rms_scaling"],
            "Embedding": ["input_dim", "output_dim", "lora_rank", "quantization_config"],
            "MaxPooling1D": pooling, "MaxPooling2D": pooling, "AveragePooling1D": pooling, "AveragePooling2D": pooling,
            "Flatten": ["data_format"],
        ]
    }()

    /// Decodes `layer` and its configuration: every key that changes a count or an output shape is
    /// honoured, keys that cannot are accepted, and any other key is unusable input naming it.
    static func kerasLayer(_ c: CaseContext) throws(FixtureError) -> KerasLayer {
        let layers = ["Dense", "Conv1D", "Conv2D", "Conv1DTranspose", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SimpleRNN",
                      "LSTM", "GRU", "BatchNormalization", "LayerNormalization", "Embedding", "MaxPooling1D",
                      "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "Flatten"]
        let name = try c.string("layer", oneOf: layers)
        let config = c.attr("config") ?? .object([])
        guard let entries = config.object else {
            throw c.error(.wrongType, "attrs.config", expected: "an object", actual: config.kindName)
        }
        let counting = countingKeys[name] ?? [], neutral = neutralKeys[name] ?? []
        for (key, _) in entries where !counting.contains(key) && !neutral.contains(key) {
            throw c.error(.unexpectedField, "attrs.config.\(key)",
                          expected: "a \(name) key Conform honours (" + counting.sorted().joined(separator: ", ") + ") or one that cannot change a count",
                          actual: "\"\(key)\"")
        }
        func value(_ key: String) -> JSONValue? { config[key] }
        func int(_ key: String, default d: Int? = nil) throws(FixtureError) -> Int {
            guard let v = value(key) else {
                if let d { return d }
                throw c.error(.missingField, "attrs.config.\(key)", expected: "an integer", actual: "nothing")
            }
            guard let n = v.int else { throw c.error(.wrongType, "attrs.config.\(key)", expected: "an integer", actual: v.description) }
            return n
        }
        func optionalInt(_ key: String) throws(FixtureError) -> Int? {
            guard let v = value(key), !v.isNull else { return nil }
            guard let n = v.int else { throw c.error(.wrongType, "attrs.config.\(key)", expected: "an integer or null", actual: v.description) }
            return n
        }
        func bool(_ key: String, default d: Bool) throws(FixtureError) -> Bool {
            guard let v = value(key) else { return d }
            guard let b = v.bool else { throw c.error(.wrongType, "attrs.config.\(key)", expected: "true or false", actual: v.description) }
            return b
        }
        func string(_ key: String, default d: String) throws(FixtureError) -> String {
            guard let v = value(key) else { return d }
            guard let s = v.string else { throw c.error(.wrongType, "attrs.config.\(key)", expected: "a string", actual: v.description) }
            return s.lowercased()
        }
        func channelsFirst() throws(FixtureError) -> Bool {
            guard let v = value("data_format"), !v.isNull else { return false }
            switch v.string {
            case "channels_last"?: return false
            case "channels_first"?: return true
            default: throw c.error(.invalidInput, "attrs.config.data_format", expected: "\"channels_last\" or \"channels_first\"", actual: v.description)
            }
        }
        /// An int or a list of ints, broadcast to `rank` entries as Keras does.
        func tuple(_ key: String, rank: Int, default d: Int? = nil) throws(FixtureError) -> [Int] {
            guard let v = value(key), !v.isNull else {
                if let d { return Array(repeating: d, count: rank) }
                throw c.error(.missingField, "attrs.config.\(key)", expected: "an integer or a list of \(rank)", actual: "nothing")
            }
            if let n = v.int { return Array(repeating: n, count: rank) }
            guard let items = v.array, items.count == rank else {
                throw c.error(.wrongType, "attrs.config.\(key)", expected: "an integer or a list of \(rank) integers", actual: v.description)
            }
            var out = [Int]()
            for item in items {
                guard let n = item.int else {
                    throw c.error(.wrongType, "attrs.config.\(key)", expected: "a list of integers", actual: v.description)
                }
                out.append(n)
            }
            return out
        }
        /// Keys whose only value Conform can count with.
        func require(_ key: String, _ allowed: JSONValue, _ why: String) throws(FixtureError) {
            if let v = value(key), v != allowed, !(allowed.isNull && v.isNull) {
                throw c.error(.invalidInput, "attrs.config.\(key)", expected: "\(allowed.description) (\(why))", actual: v.description)
            }
        }
        try require("quantization_config", .null, "a quantized layer's weights are not counted")
        let rank = name.hasSuffix("1D") || name.hasSuffix("1DTranspose") ? 1 : 2
        switch name {
        case "Dense":
            return .dense(units: try int("units"), useBias: try bool("use_bias", default: true), loraRank: try optionalInt("lora_rank"))
        case "Conv1D", "Conv2D":
            return .conv(rank: rank, filters: try int("filters"), kernel: try tuple("kernel_size", rank: rank),
                         strides: try tuple("strides", rank: rank, default: 1), padding: try string("padding", default: "valid"),
                         dilation: try tuple("dilation_rate", rank: rank, default: 1), groups: try int("groups", default: 1),
                         useBias: try bool("use_bias", default: true), channelsFirst: try channelsFirst(), loraRank: try optionalInt("lora_rank"))
        case "Conv1DTranspose", "Conv2DTranspose":
            let outputPadding: [Int]? = value("output_padding").map { $0.isNull } == false ? try tuple("output_padding", rank: rank) : nil
            return .convTranspose(rank: rank, filters: try int("filters"), kernel: try tuple("kernel_size", rank: rank),
                                  strides: try tuple("strides", rank: rank, default: 1), padding: try string("padding", default: "valid"),
                                  outputPadding: outputPadding, dilation: try tuple("dilation_rate", rank: rank, default: 1),
                                  useBias: try bool("use_bias", default: true), channelsFirst: try channelsFirst())
        case "DepthwiseConv2D":
            return .depthwiseConv2D(kernel: try tuple("kernel_size", rank: 2), strides: try tuple("strides", rank: 2, default: 1),
                                    padding: try string("padding", default: "valid"),
                                    dilation: try tuple("dilation_rate", rank: 2, default: 1),
                                    depthMultiplier: try int("depth_multiplier", default: 1), useBias: try bool("use_bias", default: true),
                                    channelsFirst: try channelsFirst())
        case "SeparableConv1D", "SeparableConv2D":
            return .separableConv(rank: rank, filters: try int("filters"), kernel: try tuple("kernel_size", rank: rank),
                                  strides: try tuple("strides", rank: rank, default: 1), padding: try string("padding", default: "valid"),
                                  dilation: try tuple("dilation_rate", rank: rank, default: 1),
                                  depthMultiplier: try int("depth_multiplier", default: 1), useBias: try bool("use_bias", default: true),
                                  channelsFirst: try channelsFirst())
        case "SimpleRNN", "LSTM", "GRU":
            try require("return_state", .bool(false), "with return_state the output is a list, which output_shape cannot hold")
            return .recurrent(kind: KerasLayer.Recurrent(rawValue: name)!, units: try int("units"),
                              useBias: try bool("use_bias", default: true),
                              returnSequences: try bool("return_sequences", default: false),
                              resetAfter: try bool("reset_after", default: true))
        case "BatchNormalization":
            return .batchNormalization(axis: try int("axis", default: -1), center: try bool("center", default: true),
                                       scale: try bool("scale", default: true), renorm: try bool("renorm", default: false))
        case "LayerNormalization":
            let axes: [Int]
            if let v = value("axis"), let items = v.array {
                var list = [Int]()
                for item in items {
                    guard let n = item.int else { throw c.error(.wrongType, "attrs.config.axis", expected: "an integer or a list of integers", actual: v.description) }
                    list.append(n)
                }
                axes = list
            } else {
                axes = [try int("axis", default: -1)]
            }
            return .layerNormalization(axes: axes, center: try bool("center", default: true), scale: try bool("scale", default: true),
                                       rmsScaling: try bool("rms_scaling", default: false))
        case "Embedding":
            return .embedding(inputDim: try int("input_dim"), outputDim: try int("output_dim"), loraRank: try optionalInt("lora_rank"))
        case "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D":
            let pool = try tuple("pool_size", rank: rank)
            let strides = value("strides").map { $0.isNull } ?? true ? pool : try tuple("strides", rank: rank)
            return .pooling(rank: rank, poolSize: pool, strides: strides, padding: try string("padding", default: "valid"),
                            channelsFirst: try channelsFirst())
        default:
            _ = try channelsFirst()
            return .flatten
        }
    }
}
