/// A Keras layer, with the configuration keys that decide its weights and output shape.
public enum KerasLayer: Equatable, Sendable {
    /// Dense(units), applied to the last axis; `lora_rank` freezes the kernel and adds two
    /// trainable factors `[in, r]` and `[r, units]`.
    case dense(units: Int, useBias: Bool, loraRank: Int? = nil)
    /// Conv1D (rank 1) or Conv2D (rank 2); channels last unless `channelsFirst`.
    case conv(rank: Int, filters: Int, kernel: [Int], strides: [Int], padding: String, dilation: [Int],
              groups: Int, useBias: Bool, channelsFirst: Bool = false, loraRank: Int? = nil)
    /// Conv1DTranspose (rank 1) or Conv2DTranspose (rank 2); `outputPadding` nil: inferred.
    case convTranspose(rank: Int, filters: Int, kernel: [Int], strides: [Int], padding: String, outputPadding: [Int]?, dilation: [Int],
                       useBias: Bool, channelsFirst: Bool)
    /// DepthwiseConv2D.
    case depthwiseConv2D(kernel: [Int], strides: [Int], padding: String, dilation: [Int],
                         depthMultiplier: Int, useBias: Bool, channelsFirst: Bool = false)
    /// SeparableConv1D (rank 1) or SeparableConv2D (rank 2).
    case separableConv(rank: Int, filters: Int, kernel: [Int], strides: [Int], padding: String,
                       dilation: [Int], depthMultiplier: Int, useBias: Bool, channelsFirst: Bool = false)
    /// SimpleRNN, LSTM or GRU on `[T, in]`.
    case recurrent(kind: Recurrent, units: Int, useBias: Bool, returnSequences: Bool, resetAfter: Bool)
    /// BatchNormalization over one axis (Keras's index, batch included: -1 is the last).
    case batchNormalization(axis: Int = -1, center: Bool = true, scale: Bool = true, renorm: Bool = false)
    /// LayerNormalization over one or more axes (batch included in the numbering).
    case layerNormalization(axes: [Int] = [-1], center: Bool = true, scale: Bool = true, rmsScaling: Bool = false)
    /// Embedding(input_dim, output_dim); `lora_rank` freezes the table and adds `[V, r]`, `[r, D]`.
    case embedding(inputDim: Int, outputDim: Int, loraRank: Int? = nil)
    /// MaxPooling / AveragePooling 1D (rank 1) or 2D (rank 2).
    case pooling(rank: Int, poolSize: [Int], strides: [Int], padding: String, channelsFirst: Bool = false)
    /// Flatten (channels_first only transposes before flattening: the same count and length).
    case flatten

    public enum Recurrent: String, Sendable { case simpleRNN = "SimpleRNN", lstm = "LSTM", gru = "GRU" }
}

/// What `count_params` reports for a built layer.
public struct LayerCount: Equatable, Sendable {
    public var trainable: Int
    public var nonTrainable: Int
    /// Batch excluded; nil for an unknown dimension.
    public var outputShape: [Int?]

    public init(trainable: Int, nonTrainable: Int, outputShape: [Int?]) {
        self.trainable = trainable
        self.nonTrainable = nonTrainable
        self.outputShape = outputShape
    }
}

/// Keras's parameter counts and output shape for `layer` built on `inputShape` (batch excluded).
///
/// | layer | trainable |
/// |---|---|
/// | Dense(u) on `in` | `in·u + u` (LoRA rank r: `u` + `in·r + r·u`, `in·u` non-trainable) |
/// | Conv(F, k, G) | `prod(k)·(Cin/G)·F + F` |
/// | ConvTranspose(F, k) | `prod(k)·F·Cin + F` (output lengths by `transposedLength`) |
/// | DepthwiseConv2D(k, m) | `kh·kw·Cin·m + Cin·m` |
/// | SeparableConv(F, k, m) | `prod(k)·Cin·m + Cin·m·F + F` |
/// | SimpleRNN / LSTM / GRU(u) | `g·(u·(in+u) + b·u)`, g = 1/4/3, b = 1 (2 for GRU reset_after) |
/// | BatchNormalization on axis of size C | `C` per center/scale, plus `2C` non-trainable (`5C` with renorm) |
/// | LayerNormalization on axes of total size P | `P` per center/scale (rms_scaling: `P`, no center) |
/// | Embedding(V, D) | `V·D` (LoRA rank r: `V·r + r·D`, `V·D` non-trainable) |
/// | pooling, Flatten | 0 |
///
/// `use_bias = false` drops the bias terms; `data_format = channels_first` reads the channels
/// from the first axis and puts them first in the output. Spatial output lengths follow docs/OPS.md's
/// padding table: `(n − d·(k−1) − 1)/s + 1` for valid, `(n − 1)/s + 1` for same and causal.
public func countParams(_ layer: KerasLayer, inputShape: [Int?]) throws(OpError) -> LayerCount {
    let v = Validator(op: "count_params")
    func known(_ axis: Int, _ what: String) throws(OpError) -> Int {
        guard inputShape.indices.contains(axis), let d = inputShape[axis] else {
            throw v.fail("input_shape", expected: "a known \(what)", actual: "\(inputShape.map { $0.map(String.init) ?? "null" })")
        }
        guard d > 0 else { throw v.fail("input_shape[\(axis)]", expected: "a positive size", actual: "\(d)") }
        return d
    }
    func rank(_ r: Int, _ layout: String) throws(OpError) {
        guard inputShape.count == r else {
            throw v.fail("input_shape", expected: "rank \(r) \(layout) (batch excluded)", actual: "rank \(inputShape.count)")
        }
    }
    for (i, d) in inputShape.enumerated() {
        if let d, d <= 0 || d > 1 << 40 { throw v.fail("input_shape[\(i)]", expected: "a size in 1...2⁴⁰ or null", actual: "\(d)") }
    }
    try layer.checkMagnitudes(v)
    let bias = { (use: Bool, n: Int) in use ? n : 0 }

    /// Channel axis and spatial axes of a rank-`r` channels-last or channels-first input.
    func layout(_ r: Int, _ first: Bool) -> (channel: Int, spatial: [Int?]) {
        first ? (0, Array(inputShape.dropFirst())) : (r, Array(inputShape.prefix(r)))
    }
    func arrange(_ spatial: [Int?], _ channels: Int?, _ first: Bool) -> [Int?] { first ? [channels] + spatial : spatial + [channels] }
    /// Keras's axis (batch included; negative from the end) as an index of `inputShape`.
    func axisIndex(_ a: Int, _ field: String) throws(OpError) -> Int {
        let full = inputShape.count + 1
        let index = a < 0 ? full + a : a
        guard index >= 1 && index < full else {
            throw v.fail(field, expected: "an axis of the input other than the batch axis (1…\(full - 1) or −\(full - 1)…−1)", actual: "\(a)")
        }
        return index - 1
    }

    switch layer {
    case let .dense(units, useBias, lora):
        try v.positive("units", [units])
        guard !inputShape.isEmpty else { throw v.fail("input_shape", expected: "rank ≥ 1", actual: "rank 0") }
        let inDim = try known(inputShape.count - 1, "last dimension")
        let kernel = try v.product("units", inDim, units)
        if let r = lora {
            try v.positive("lora_rank", [r])
            return LayerCount(trainable: try v.product("lora_rank", inDim, r) + v.product("lora_rank", r, units) + bias(useBias, units),
                              nonTrainable: kernel, outputShape: inputShape.dropLast() + [units])
        }
        return LayerCount(trainable: kernel + bias(useBias, units), nonTrainable: 0, outputShape: inputShape.dropLast() + [units])

    case let .conv(r, filters, kernel, strides, padding, dilation, groups, useBias, first, lora):
        try rank(r + 1, r == 1 ? (first ? "[C, W]" : "[W, C]") : (first ? "[C, H, W]" : "[H, W, C]"))
        try v.positive("filters", [filters])
        try v.positive("groups", [groups])
        let (channelAxis, spatialIn) = layout(r, first)
        let cin = try known(channelAxis, "channel dimension")
        guard filters % groups == 0 else { throw v.fail("filters", expected: "a multiple of groups \(groups)", actual: "\(filters)") }
        guard cin % groups == 0 else { throw v.fail("groups", expected: "a divisor of the input channels \(cin)", actual: "\(groups)") }
        let spatial = try convSpatial(v, spatialIn, kernel, strides, padding, dilation, allowCausal: r == 1)
        let weights = try v.product("filters", kernel.reduce(1, *), cin / groups, filters)
        if let rank = lora {
            try v.positive("lora_rank", [rank])
            let a = try v.product("lora_rank", kernel.reduce(1, *), cin / groups, rank), b = try v.product("lora_rank", rank, filters)
            return LayerCount(trainable: a + b + bias(useBias, filters), nonTrainable: weights, outputShape: arrange(spatial, filters, first))
        }
        return LayerCount(trainable: weights + bias(useBias, filters), nonTrainable: 0, outputShape: arrange(spatial, filters, first))

    case let .convTranspose(r, filters, kernel, strides, padding, outputPadding, dilation, useBias, first):
        try rank(r + 1, r == 1 ? (first ? "[C, W]" : "[W, C]") : (first ? "[C, H, W]" : "[H, W, C]"))
        try v.positive("filters", [filters])
        try v.count("kernel_size", kernel, r)
        try v.positive("kernel_size", kernel)
        try v.count("strides", strides, r)
        try v.positive("strides", strides)
        try v.count("dilation_rate", dilation, r)
        try v.positive("dilation_rate", dilation)
        guard ["valid", "same"].contains(padding) else { throw v.fail("padding", expected: "\"valid\", \"same\"", actual: "\"\(padding)\"") }
        guard strides.max()! == 1 || dilation.max()! == 1 else {
            throw v.fail("strides", expected: "all 1 when dilation_rate > 1 (Keras rejects both)", actual: "\(strides) with dilation_rate \(dilation)")
        }
        if let p = outputPadding {
            try v.count("output_padding", p, r)
            for axis in 0..<r where p[axis] < 0 || p[axis] >= strides[axis] {
                throw v.fail("output_padding", expected: "each below its stride \(strides[axis]) (Keras rejects it otherwise)", actual: "\(p)")
            }
        }
        let (channelAxis, spatialIn) = layout(r, first)
        let cin = try known(channelAxis, "channel dimension")
        let spatial: [Int?] = spatialIn.enumerated().map { axis, n in
            n.map { transposedLength(input: $0, kernel: kernel[axis], stride: strides[axis], dilation: dilation[axis],
                                     padding: padding == "same" ? .same : .valid, outputPadding: outputPadding?[axis]) }
        }
        let weights = try v.product("filters", kernel.reduce(1, *), filters, cin)
        return LayerCount(trainable: weights + bias(useBias, filters), nonTrainable: 0, outputShape: arrange(spatial, filters, first))

    case let .depthwiseConv2D(kernel, strides, padding, dilation, m, useBias, first):
        try rank(3, first ? "[C, H, W]" : "[H, W, C]")
        try v.positive("depth_multiplier", [m])
        let (channelAxis, spatialIn) = layout(2, first)
        let cin = try known(channelAxis, "channel dimension")
        let spatial = try convSpatial(v, spatialIn, kernel, strides, padding, dilation, allowCausal: false)
        return LayerCount(trainable: try v.product("depth_multiplier", kernel.reduce(1, *), cin, m) + bias(useBias, cin * m), nonTrainable: 0,
                          outputShape: arrange(spatial, cin * m, first))

    case let .separableConv(r, filters, kernel, strides, padding, dilation, m, useBias, first):
        try rank(r + 1, r == 1 ? (first ? "[C, W]" : "[W, C]") : (first ? "[C, H, W]" : "[H, W, C]"))
        try v.positive("filters", [filters])
        try v.positive("depth_multiplier", [m])
        let (channelAxis, spatialIn) = layout(r, first)
        let cin = try known(channelAxis, "channel dimension")
        let spatial = try convSpatial(v, spatialIn, kernel, strides, padding, dilation, allowCausal: false)
        return LayerCount(trainable: try v.product("depth_multiplier", kernel.reduce(1, *), cin, m)
                              + v.product("filters", cin, m, filters) + bias(useBias, filters),
                          nonTrainable: 0, outputShape: arrange(spatial, filters, first))

    case let .recurrent(kind, units, useBias, returnSequences, resetAfter):
        try rank(2, "[T, features]")
        try v.positive("units", [units])
        let inDim = try known(1, "feature dimension")
        let gates = switch kind { case .simpleRNN: 1; case .lstm: 4; case .gru: 3 }
        let biasPerGate = useBias ? (kind == .gru && resetAfter ? 2 * units : units) : 0
        return LayerCount(trainable: try v.product("units", gates, try v.product("units", units, inDim + units) + biasPerGate), nonTrainable: 0,
                          outputShape: returnSequences ? [inputShape[0], units] : [units])

    case let .batchNormalization(axis, center, scale, renorm):
        guard !inputShape.isEmpty else { throw v.fail("input_shape", expected: "rank ≥ 1", actual: "rank 0") }
        let c = try known(try axisIndex(axis, "axis"), "size on axis \(axis)")
        return LayerCount(trainable: (center ? c : 0) + (scale ? c : 0), nonTrainable: (renorm ? 5 : 2) * c, outputShape: inputShape)

    case let .layerNormalization(axes, center, scale, rms):
        guard !inputShape.isEmpty else { throw v.fail("input_shape", expected: "rank ≥ 1", actual: "rank 0") }
        guard !axes.isEmpty else { throw v.fail("axis", expected: "one axis or more", actual: "[]") }
        var indices = [Int](), size = 1
        for a in axes {
            let i = try axisIndex(a, "axis")
            guard !indices.contains(i) else { throw v.fail("axis", expected: "distinct axes", actual: "\(axes)") }
            indices.append(i)
            size = try v.product("axis", size, try known(i, "size on axis \(a)"))
        }
        // rms_scaling keeps only the scale (gamma), whatever `center` says.
        let weights = rms ? 1 : (center ? 1 : 0) + (scale ? 1 : 0)
        return LayerCount(trainable: weights * size, nonTrainable: 0, outputShape: inputShape)

    case let .embedding(inputDim, outputDim, lora):
        try v.positive("input_dim", [inputDim])
        try v.positive("output_dim", [outputDim])
        let table = try v.product("output_dim", inputDim, outputDim)
        if let r = lora {
            try v.positive("lora_rank", [r])
            return LayerCount(trainable: try v.product("lora_rank", inputDim, r) + v.product("lora_rank", r, outputDim), nonTrainable: table,
                              outputShape: inputShape + [outputDim])
        }
        return LayerCount(trainable: table, nonTrainable: 0, outputShape: inputShape + [outputDim])

    case let .pooling(r, poolSize, strides, padding, first):
        try rank(r + 1, r == 1 ? (first ? "[C, W]" : "[W, C]") : (first ? "[C, H, W]" : "[H, W, C]"))
        try v.count("pool_size", poolSize, r)
        try v.positive("pool_size", poolSize)
        try v.count("strides", strides, r)
        try v.positive("strides", strides)
        guard padding == "valid" || padding == "same" else {
            throw v.fail("padding", expected: "\"valid\" or \"same\"", actual: "\"\(padding)\"")
        }
        let (channelAxis, spatialIn) = layout(r, first)
        var out = [Int?]()
        for axis in 0..<r {
            guard let n = spatialIn[axis] else { out.append(nil); continue }
            let len = padding == "valid" ? floorDiv(n - poolSize[axis], strides[axis]) + 1 : (n - 1) / strides[axis] + 1
            guard len > 0 else {
                throw v.fail("input_shape[\(first ? axis + 1 : axis)]", expected: "at least pool_size \(poolSize[axis]) under valid padding", actual: "\(n)")
            }
            out.append(len)
        }
        return LayerCount(trainable: 0, nonTrainable: 0, outputShape: arrange(out, inputShape[channelAxis], first))

    case .flatten:
        var product: Int? = 1
        for d in inputShape {
            guard let p = product, let d else { product = nil; break }
            product = try v.product("input_shape", p, d)
        }
        return LayerCount(trainable: 0, nonTrainable: 0, outputShape: [product])
    }
}

/// Spatial output lengths of a Keras convolution, with Keras's checks.
private func convSpatial(
    _ v: Validator, _ spatial: [Int?], _ kernel: [Int], _ strides: [Int], _ padding: String, _ dilation: [Int],
    allowCausal: Bool
) throws(OpError) -> [Int?] {
    let r = spatial.count
    try v.count("kernel_size", kernel, r)
    try v.positive("kernel_size", kernel)
    try v.count("strides", strides, r)
    try v.positive("strides", strides)
    try v.count("dilation_rate", dilation, r)
    try v.positive("dilation_rate", dilation)
    let paddings = allowCausal ? ["valid", "same", "causal"] : ["valid", "same"]
    guard paddings.contains(padding) else {
        throw v.fail("padding", expected: paddings.map { "\"\($0)\"" }.joined(separator: ", "), actual: "\"\(padding)\"")
    }
    guard strides.max()! == 1 || dilation.max()! == 1 else {
        throw v.fail("strides", expected: "all 1 when dilation_rate > 1 (Keras rejects both)", actual: "\(strides) with dilation_rate \(dilation)")
    }
    var out = [Int?]()
    for axis in 0..<r {
        guard let n = spatial[axis] else { out.append(nil); continue }
        let len = padding == "valid" ? floorDiv(n - dilation[axis] * (kernel[axis] - 1) - 1, strides[axis]) + 1
                                     : (n - 1) / strides[axis] + 1
        guard len > 0 else {
            throw v.fail("input_shape[\(axis)]", expected: "at least the dilated kernel extent \(dilation[axis] * (kernel[axis] - 1) + 1) under valid padding", actual: "\(n)")
        }
        out.append(len)
    }
    return out
}

extension KerasLayer {
    /// Every size in the configuration is at most 2⁴⁰, so no count below can overflow 64 bits
    /// except through the products `Validator.product` checks.
    func checkMagnitudes(_ v: Validator) throws(OpError) {
        let values: [(String, [Int])]
        switch self {
        case let .dense(units, _, lora): values = [("units", [units]), ("lora_rank", lora.map { [$0] } ?? [])]
        case let .conv(_, filters, kernel, strides, _, dilation, groups, _, _, lora):
            values = [("filters", [filters]), ("kernel_size", kernel), ("strides", strides), ("dilation_rate", dilation), ("groups", [groups]),
                      ("lora_rank", lora.map { [$0] } ?? [])]
        case let .convTranspose(_, filters, kernel, strides, _, outputPadding, dilation, _, _):
            values = [("filters", [filters]), ("kernel_size", kernel), ("strides", strides), ("dilation_rate", dilation),
                      ("output_padding", (outputPadding ?? []).map(abs))]
        case let .depthwiseConv2D(kernel, strides, _, dilation, m, _, _):
            values = [("kernel_size", kernel), ("strides", strides), ("dilation_rate", dilation), ("depth_multiplier", [m])]
        case let .separableConv(_, filters, kernel, strides, _, dilation, m, _, _):
            values = [("filters", [filters]), ("kernel_size", kernel), ("strides", strides), ("dilation_rate", dilation), ("depth_multiplier", [m])]
        case let .recurrent(_, units, _, _, _): values = [("units", [units])]
        case let .embedding(inputDim, outputDim, lora):
            values = [("input_dim", [inputDim]), ("output_dim", [outputDim]), ("lora_rank", lora.map { [$0] } ?? [])]
        case let .pooling(_, poolSize, strides, _, _): values = [("pool_size", poolSize), ("strides", strides)]
        case let .batchNormalization(axis, _, _, _): values = [("axis", [abs(axis)])]
        case let .layerNormalization(axes, _, _, _): values = [("axis", axes.map { abs($0) })]
        case .flatten: values = []
        }
        for (field, list) in values {
            for x in list where x > 1 << 40 {
                throw v.fail(field, expected: "at most 2⁴⁰", actual: "\(x)")
            }
        }
    }
}

/// Floor division, as Python's `//`.
func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
