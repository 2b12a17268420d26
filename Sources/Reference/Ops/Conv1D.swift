/// Grouped 1-D cross-correlation `[N, W, Cin] × [K, Cin/G, Cout]`: conv2d with H = 1.
///
///     out[b,i,o] = Σ_{t<K, c<Cin/G} xpad[b, i·s + t·d, g·(Cin/G) + c] · w[t,c,o],   g = o / (Cout/G)
///
/// CAUSAL (Keras) pads `d·(K−1)` zeros in front and none behind, then runs VALID.
///
/// - Complexity: O(N·Wo·Cout·K·Cin/G).
@inlinable
public func conv1dAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Accumulated {
    let (x2, f2, attrs2) = try conv1dAsConv2d(input, filters, attrs)
    var acc = try conv2dAccumulated(x2, f2, attrs2)
    acc.shape = [acc.shape[0], acc.shape[2], acc.shape[3]]
    return acc
}

/// conv1d's operands as conv2d's: `[N, 1, W, Cin]`, `[1, K, Cin/G, Cout]`, CAUSAL as explicit padding.
/// Validates in conv1d's own words first, so errors name conv1d's fields.
public func conv1dAsConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> (Tensor<T>, Tensor<T>, Conv2DAttributes) {
    let v = Validator(op: "conv1d")
    try v.rank("input", input.shape, 3, layout: "[N, W, Cin]")
    try v.rank("filters", filters.shape, 3, layout: "[K, Cin/G, Cout]")
    try v.count("strides", attrs.strides, 1)
    try v.count("dilations", attrs.dilations, 1)
    let (k, d) = (filters.shape[0], attrs.dilations[0])
    _ = try v.groups(inputChannels: input.shape[2], filterChannels: filters.shape[1],
                     outputChannels: filters.shape[2], filterRank: 3)
    // Validate the one spatial axis in conv1d's own words before delegating to conv2d.
    switch attrs.padding {
    case .valid, .same: break
    case .causal:
        try v.positive("dilations", [d])
        try v.positive("filters.shape[0]", [k])
    case let .explicit(pairs):
        guard pairs.count == 1 else {
            throw v.fail("padding", expected: "1 [before, after] pair", actual: "\(pairs.count) pairs")
        }
    }
    let attrs2 = conv1dAttributesAsConv2d(attrs, kernel: k)
    let axisPadding: Padding = if case let .explicit(p) = attrs2.padding { .explicit([p[1]]) } else { attrs2.padding }
    _ = try AxisGeometry.resolve(op: "conv1d", axis: "W", input: input.shape[1], kernel: k,
                                 stride: attrs.strides[0], dilation: d, padding: axisPadding)

    let x2 = Tensor(validatedShape: [input.shape[0], 1, input.shape[1], input.shape[2]], scalars: input.scalars)
    let f2 = Tensor(validatedShape: [1] + filters.shape, scalars: filters.scalars)
    return (x2, f2, attrs2)
}

/// conv1d's attributes as conv2d's on a height-1 view: the width axis second, CAUSAL as explicit
/// padding `[d·(K−1), 0]`. Unvalidated (`conv1dAsConv2d` validates first): one stride, one
/// dilation, and one pair for explicit padding are assumed.
public func conv1dAttributesAsConv2d(_ attrs: Conv1DAttributes, kernel k: Int) -> Conv2DAttributes {
    let d = attrs.dilations[0]
    let padding: Padding = switch attrs.padding {
    case .valid: .valid
    case .same: .same
    case .causal: .explicit([PadPair(0, 0), PadPair(d * (k - 1), 0)])
    case let .explicit(pairs): .explicit([PadPair(0, 0), pairs[0]])
    }
    return Conv2DAttributes(strides: [1, attrs.strides[0]], padding: padding, dilations: [1, d])
}

/// Grouped 1-D cross-correlation, rounded once from the Float64 sums.
public func conv1d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    try conv1dAccumulated(input, filters, attrs).rounded()
}
