import Optimized
import Reference

extension OpEntry {
    public static let countParams = OpEntry(
        name: "count_params", kind: .exact, inputs: [], outputs: ["trainable", "non_trainable", "output_shape"],
        attrs: ["layer", "config", "input_shape"]
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

    /// Decodes `layer` and the configuration keys that matter; the other keys Keras writes are ignored.
    static func kerasLayer(_ c: CaseContext) throws(FixtureError) -> KerasLayer {
        let layers = ["Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SimpleRNN",
                      "LSTM", "GRU", "BatchNormalization", "LayerNormalization", "Embedding", "MaxPooling1D",
                      "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "Flatten"]
        let name = try c.string("layer", oneOf: layers)
        let config = c.attr("config") ?? .object([])
        guard config.object != nil else {
            throw c.error(.wrongType, "attrs.config", expected: "an object", actual: config.kindName)
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
        let rank = name.hasSuffix("1D") ? 1 : 2
        switch name {
        case "Dense":
            return .dense(units: try int("units"), useBias: try bool("use_bias", default: true))
        case "Conv1D", "Conv2D":
            return .conv(rank: rank, filters: try int("filters"), kernel: try tuple("kernel_size", rank: rank),
                         strides: try tuple("strides", rank: rank, default: 1), padding: try string("padding", default: "valid"),
                         dilation: try tuple("dilation_rate", rank: rank, default: 1), groups: try int("groups", default: 1),
                         useBias: try bool("use_bias", default: true))
        case "DepthwiseConv2D":
            return .depthwiseConv2D(kernel: try tuple("kernel_size", rank: 2), strides: try tuple("strides", rank: 2, default: 1),
                                    padding: try string("padding", default: "valid"),
                                    dilation: try tuple("dilation_rate", rank: 2, default: 1),
                                    depthMultiplier: try int("depth_multiplier", default: 1), useBias: try bool("use_bias", default: true))
        case "SeparableConv1D", "SeparableConv2D":
            return .separableConv(rank: rank, filters: try int("filters"), kernel: try tuple("kernel_size", rank: rank),
                                  strides: try tuple("strides", rank: rank, default: 1), padding: try string("padding", default: "valid"),
                                  dilation: try tuple("dilation_rate", rank: rank, default: 1),
                                  depthMultiplier: try int("depth_multiplier", default: 1), useBias: try bool("use_bias", default: true))
        case "SimpleRNN", "LSTM", "GRU":
            return .recurrent(kind: KerasLayer.Recurrent(rawValue: name)!, units: try int("units"),
                              useBias: try bool("use_bias", default: true),
                              returnSequences: try bool("return_sequences", default: false),
                              resetAfter: try bool("reset_after", default: true))
        case "BatchNormalization": return .batchNormalization
        case "LayerNormalization": return .layerNormalization
        case "Embedding": return .embedding(inputDim: try int("input_dim"), outputDim: try int("output_dim"))
        case "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D":
            let pool = try tuple("pool_size", rank: rank)
            let strides = value("strides").map { $0.isNull } ?? true ? pool : try tuple("strides", rank: rank)
            return .pooling(rank: rank, poolSize: pool, strides: strides, padding: try string("padding", default: "valid"))
        default:
            return .flatten
        }
    }
}
