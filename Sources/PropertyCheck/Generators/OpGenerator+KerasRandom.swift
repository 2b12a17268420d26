import Formats
import Reference

extension OpGenerator {
    static let kerasLayers = ["Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SimpleRNN",
                              "LSTM", "GRU", "BatchNormalization", "LayerNormalization", "Embedding", "MaxPooling1D",
                              "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "Flatten", "Conv1DTranspose", "Conv2DTranspose"]

    public static let countParams = OpGenerator(
        op: "count_params",
        params: [Param("layer", 0...(kerasLayers.count - 1)), Param("units", from: 1, scale: 3, cap: 300), Param("kernel1", 1...7),
                 Param("kernel2", 1...7), Param("stride", 1...3), Param("dilation", 1...3), Param("groups", 1...4),
                 Param("multiplier", 1...3), Param("useBias", 0...1), Param("returnSequences", 0...1), Param("resetAfter", 0...1),
                 Param("padding", 0...2), Param("dim1", from: 1, scale: 2, cap: 64), Param("dim2", from: 1, scale: 2, cap: 64),
                 Param("channels", from: 1, scale: 2, cap: 64), Param("unknownDim", 0...3), Param("scalarKernel", 0...1),
                 Param("channelsFirst", 0...1), Param("lora", 0...3), Param("normAxis", 0...3), Param("center", 0...1),
                 Param("scale", 0...1), Param("extra", 0...1)],
        build: { p, _, _ in
            let layer = kerasLayers[p.v("layer")]
            let rank = layer.hasSuffix("1D") || layer == "Conv1DTranspose" ? 1 : 2
            func tuple(_ values: [Int]) -> JSONValue { p.v("scalarKernel") == 1 && Set(values).count == 1 ? JSONValue(values[0]) : J.ints(values) }
            let kernel = rank == 1 ? [p.v("kernel1")] : [p.v("kernel1"), p.v("kernel2")]
            let paddings = layer == "Conv1D" ? ["valid", "same", "causal"] : ["valid", "same"]
            let padding = paddings[p.v("padding") % paddings.count]
            let (stride, dilation) = p.v("stride") > 1 ? (p.v("stride"), 1) : (1, p.v("dilation"))
            var config: [(String, JSONValue)] = [("name", .string("generated")), ("trainable", .bool(true))]
            var shape: [Int?]
            let c = p.v("channels") * (layer.hasPrefix("Conv") ? p.v("groups") : 1)
            let spatial: [Int?] = (rank == 1 ? [p.v("dim1")] : [p.v("dim1"), p.v("dim2")]).enumerated().map { i, d in p.v("unknownDim") == i + 1 ? nil : d }
            let first = p.v("channelsFirst") == 1
            func arranged(_ spatial: [Int?], _ c: Int) -> [Int?] { first ? [c] + spatial : spatial + [c] }
            let lora: [(String, JSONValue)] = p.v("lora") > 0 ? [("lora_rank", JSONValue(p.v("lora"))), ("lora_alpha", JSONValue(p.v("lora")))] : []
            let dataFormat: [(String, JSONValue)] = [("data_format", .string(first ? "channels_first" : "channels_last"))]
            switch layer {
            case "Dense":
                config += [("units", JSONValue(p.v("units"))), ("use_bias", .bool(p.v("useBias") == 1))] + lora
                shape = p.v("unknownDim") == 1 ? [nil, c] : [c]
            case "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D":
                config += [("kernel_size", tuple(kernel)), ("strides", tuple(Array(repeating: stride, count: rank))),
                           ("padding", .string(padding)), ("dilation_rate", tuple(Array(repeating: dilation, count: rank))),
                           ("use_bias", .bool(p.v("useBias") == 1))]
                if layer.hasPrefix("Conv") {
                    config += [("filters", JSONValue(p.v("groups") * max(1, p.v("units") / 8))), ("groups", JSONValue(p.v("groups")))] + lora
                } else {
                    config += [("depth_multiplier", JSONValue(p.v("multiplier")))]
                    if layer.hasPrefix("Separable") { config += [("filters", JSONValue(max(1, p.v("units") / 4)))] }
                }
                config += dataFormat
                shape = arranged(spatial, c)
            case "Conv1DTranspose", "Conv2DTranspose":
                // An output padding below the stride, or none (inferred) when `extra` is 0.
                let outputPadding: JSONValue = p.v("extra") == 1 ? tuple(Array(repeating: stride - 1, count: rank)) : .null
                config += [("filters", JSONValue(max(1, p.v("units") / 8))), ("kernel_size", tuple(kernel)),
                           ("strides", tuple(Array(repeating: stride, count: rank))), ("padding", .string(p.v("padding") % 2 == 0 ? "valid" : "same")),
                           ("output_padding", outputPadding), ("dilation_rate", tuple(Array(repeating: dilation, count: rank))),
                           ("use_bias", .bool(p.v("useBias") == 1))] + dataFormat
                shape = arranged(spatial, p.v("channels"))
            case "SimpleRNN", "LSTM", "GRU":
                config += [("units", JSONValue(max(1, p.v("units") / 4))), ("use_bias", .bool(p.v("useBias") == 1)),
                           ("return_sequences", .bool(p.v("returnSequences") == 1))]
                if layer == "GRU" { config += [("reset_after", .bool(p.v("resetAfter") == 1))] }
                shape = [p.v("unknownDim") == 1 ? nil : p.v("dim1"), c]
            case "BatchNormalization", "LayerNormalization":
                shape = Array(spatial.prefix(p.v("unknownDim") % 3)) + [c]
                // An axis of the input (batch included in Keras's numbering), positive or negative.
                let axis = [-1, shape.count, -shape.count, 1][p.v("normAxis")]
                config += [("center", .bool(p.v("center") == 1)), ("scale", .bool(p.v("scale") == 1))]
                if layer == "BatchNormalization" {
                    config += [("axis", JSONValue(axis)), ("renorm", .bool(p.v("extra") == 1))]
                } else {
                    let axes = p.v("normAxis") == 3 && shape.count > 1 ? J.ints(Array(1...shape.count)) : JSONValue(axis)
                    config += [("axis", axes), ("rms_scaling", .bool(p.v("extra") == 1))]
                }
            case "Embedding":
                config += [("input_dim", JSONValue(p.v("units"))), ("output_dim", JSONValue(p.v("channels")))] + lora
                shape = [spatial[0]]
            case "Flatten":
                config += dataFormat
                shape = arranged(spatial, c)
            default:
                config += [("pool_size", tuple(kernel)), ("padding", .string(padding))] + dataFormat
                if p.v("stride") > 1 { config += [("strides", tuple(Array(repeating: stride, count: rank)))] } else { config += [("strides", .null)] }
                shape = arranged(spatial, c)
            }
            let generated = GeneratedCase(op: "count_params",
                                          attrs: [("layer", .string(layer)), ("config", .object(config)),
                                                  ("input_shape", .array(shape.map { $0.map { JSONValue($0) } ?? .null }))],
                                          inputs: [])
            // Only layers Keras itself would build.
            guard let prepared = try? generated.prepare(), (try? prepared.reference()) != nil else { return nil }
            return generated
        },
        invalid: { p, rng in
            let kinds: [(String, [(String, JSONValue)], [Int])] = [
                ("Conv2D", [("filters", JSONValue(4)), ("kernel_size", JSONValue(3)), ("strides", JSONValue(2)), ("dilation_rate", JSONValue(2))], [9, 9, 3]),
                ("Conv2D", [("filters", JSONValue(4)), ("kernel_size", JSONValue(5))], [3, 3, 2]),
                ("Conv1D", [("filters", JSONValue(3)), ("kernel_size", JSONValue(2)), ("groups", JSONValue(2))], [9, 4]),
                ("Dense", [("units", JSONValue(0))], [3]),
            ]
            let (layer, config, shape) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "count_params", attrs: [("layer", .string(layer)), ("config", .object(config)), ("input_shape", J.ints(shape))],
                                 inputs: [])
        })

    public static let statelessUniform = OpGenerator(
        op: "stateless_uniform",
        params: [Param("rank", 0...3), Param("dim", from: 0, scale: 4, cap: 300), Param("dtype", 0...4), Param("bounds", 0...3)],
        build: { p, _, rng in
            let shape = (0..<p.v("rank")).map { i in i == 0 ? p.v("dim") : 1 + p.v("dim") % 5 }
            let dtype = ["float16", "float32", "float64", "int32", "int64"][p.v("dtype")]
            var attrs: [(String, JSONValue)] = [("shape", J.ints(shape)),
                                                ("seed", .array([.number(String(Int64(bitPattern: rng.next()))), .number(String(Int64(bitPattern: rng.next()) >> 40))])),
                                                ("dtype", .string(dtype))]
            let integer = p.v("dtype") >= 3
            switch (p.v("bounds"), integer) {
            case (0, false): break
            case (_, false): attrs += [("minval", JSONValue(-Double(p.v("bounds")))), ("maxval", JSONValue(Double(p.v("bounds")) * 2.5))]
            case (let b, true):
                let lo = [0, -7, -(1 << 30), 5][b], hi = [10, 7, 1 << 30, 6][b]
                attrs += [("minval", JSONValue(lo)), ("maxval", JSONValue(hi))]
            }
            return GeneratedCase(op: "stateless_uniform", attrs: attrs, inputs: [])
        },
        invalid: { p, rng in
            let kinds: [[(String, JSONValue)]] = [
                [("shape", J.ints([3])), ("seed", J.ints([1, 2])), ("dtype", .string("int32"))],
                [("shape", J.ints([3])), ("seed", J.ints([1, 2])), ("dtype", .string("int64")), ("minval", JSONValue(5)), ("maxval", JSONValue(5))],
                [("shape", J.ints([-1])), ("seed", J.ints([1, 2]))],
            ]
            return GeneratedCase(op: "stateless_uniform", attrs: kinds[Int(rng.next() % UInt64(kinds.count))], inputs: [])
        })

    public static let epochPairing = OpGenerator(
        op: "epoch_pairing",
        params: [Param("rows", from: 1, scale: 4, cap: 400), Param("maxLength", from: 1, scale: 1, cap: 40), Param("epochs", 0...6),
                 Param("firstEpoch", 0...50), Param("seedMagnitude", 0...3), Param("cycle", 0...1)],
        build: { p, _, rng in
            var splits: [Int64] = [0]
            for r in 0..<p.v("rows") {
                // Rows of length 1 and the longest, and everything between.
                let len = r % 7 == 0 ? 1 : 1 + Int(rng.next() % UInt64(p.v("maxLength")))
                splits.append(splits.last! + Int64(len))
            }
            let candidates = (0..<Int(splits.last!)).map { _ in Int64(rng.next() % 10_000) }
            let seed = Int64(bitPattern: rng.next()) >> (62 - 20 * p.v("seedMagnitude"))
            return GeneratedCase(op: "epoch_pairing",
                                 attrs: [("seed", .number(String(seed))), ("epochs", JSONValue(p.v("epochs"))),
                                         ("first_epoch", JSONValue(p.v("firstEpoch"))), ("mode", .string(p.v("cycle") == 1 ? "cycle" : "tensorflow"))],
                                 inputs: [("row_splits", .int64(try! Tensor(shape: [splits.count], scalars: splits))),
                                          ("candidates", .int64(try! Tensor(shape: [candidates.count], scalars: candidates)))])
        },
        invalid: { p, rng in
            let kinds: [[Int64]] = [[0, 2, 2, 3], [1, 2, 3], [0, 2, 5]]
            let splits = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "epoch_pairing", attrs: [("seed", JSONValue(1)), ("epochs", JSONValue(2))],
                                 inputs: [("row_splits", .int64(try! Tensor(shape: [splits.count], scalars: splits))),
                                          ("candidates", .int64(try! Tensor(shape: [3], scalars: [7, 8, 9])))])
        })

    /// Every op's generator, in op-table order.
    public static var all: [OpGenerator] { OpTable.descriptors.map(\.generator) }
}
