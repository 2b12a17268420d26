/// The gradient of grouped 1-D cross-correlation with respect to its input: conv1d's sum taken the
/// other way, which is conv2d's input gradient on the height-1 view (as conv1d is conv2d with H = 1).
///
///     dx[b, x, g·(Cin/G) + c] = Σ g[b,j,o] · w[t,c,o]   over j, t, o in group g with  x = j·s + t·d − pad_before
///
/// `inputSizes` is the forward input's shape `[N, W, Cin]`; `outBackprop` must be conv1d's output
/// for it (`[N, Wo, Cout]`). CAUSAL is the padding `[d·(K−1), 0]`, as in the forward op.
///
/// - Complexity: O(N·Wo·Cout·K·Cin/G).
@inlinable
public func conv1dBackpropInputAccumulated<T: ConformFloat>(
    inputSizes: [Int], _ filters: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Accumulated {
    let (sizes2, f2, g2, attrs2) = try conv1dBackpropInputAsConv2d(inputSizes: inputSizes, filters, outBackprop, attrs)
    var acc = try conv2dBackpropInputAccumulated(inputSizes: sizes2, f2, g2, attrs2)
    acc.shape = inputSizes
    return acc
}

/// The input gradient of grouped 1-D cross-correlation, rounded once from the Float64 sums.
public func conv1dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filters: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    try conv1dBackpropInputAccumulated(inputSizes: inputSizes, filters, outBackprop, attrs).rounded()
}

/// The gradient of grouped 1-D cross-correlation with respect to its filter: conv2d's filter
/// gradient on the height-1 view.
///
///     dw[t, c, o] = Σ xpad[b, j·s + t·d, g·(Cin/G) + c] · g[b,j,o]   over b, j, with g = o / (Cout/G)
///
/// `filterSizes` is the forward filter's shape `[K, Cin/G, Cout]`.
///
/// - Complexity: O(N·Wo·Cout·K·Cin/G).
@inlinable
public func conv1dBackpropFilterAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Accumulated {
    let (x2, sizes2, g2, attrs2) = try conv1dBackpropFilterAsConv2d(input, filterSizes: filterSizes, outBackprop, attrs)
    var acc = try conv2dBackpropFilterAccumulated(x2, filterSizes: sizes2, g2, attrs2)
    acc.shape = filterSizes
    return acc
}

/// The filter gradient of grouped 1-D cross-correlation, rounded once from the Float64 sums.
public func conv1dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    try conv1dBackpropFilterAccumulated(input, filterSizes: filterSizes, outBackprop, attrs).rounded()
}

/// conv1d's input-gradient operands as conv2d's on the height-1 view, validated in the 1-D op's
/// words first: three input sizes ≥ 0, the forward conv1d valid, the gradient of its output's shape.
public func conv1dBackpropInputAsConv2d<T: ConformFloat>(
    inputSizes: [Int], _ filters: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> ([Int], Tensor<T>, Tensor<T>, Conv2DAttributes) {
    let op = "conv1d_backprop_input"
    let v = Validator(op: op)
    try v.count("input_sizes", inputSizes, 3)
    for (i, d) in inputSizes.enumerated() { try v.nonNegative("input_sizes[\(i)]", d) }
    try v.rank("filter", filters.shape, 3, layout: "[K, Cin/G, Cout]")
    try v.rank("out_backprop", outBackprop.shape, 3, layout: "[N, Wo, Cout]")
    let attrs2 = try conv1dGradientAttributes(v, attrs, kernel: filters.shape[0])
    let f2 = Tensor(validatedShape: [1] + filters.shape, scalars: filters.scalars)
    let g2 = Tensor(validatedShape: [outBackprop.shape[0], 1, outBackprop.shape[1], outBackprop.shape[2]], scalars: outBackprop.scalars)
    let sizes2 = [inputSizes[0], 1, inputSizes[1], inputSizes[2]]
    do { _ = try conv2dBackpropInputGeometry(inputSizes: sizes2, filter: f2.shape, outBackprop: g2.shape, attrs2) } catch {
        throw error.renamed(op: op)
    }
    return (sizes2, f2, g2, attrs2)
}

/// conv1d's filter-gradient operands as conv2d's on the height-1 view, validated in the 1-D op's words first.
public func conv1dBackpropFilterAsConv2d<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> (Tensor<T>, [Int], Tensor<T>, Conv2DAttributes) {
    let op = "conv1d_backprop_filter"
    let v = Validator(op: op)
    try v.count("filter_sizes", filterSizes, 3)
    for (i, d) in filterSizes.enumerated() { try v.nonNegative("filter_sizes[\(i)]", d) }
    try v.rank("input", input.shape, 3, layout: "[N, W, Cin]")
    try v.rank("out_backprop", outBackprop.shape, 3, layout: "[N, Wo, Cout]")
    let attrs2 = try conv1dGradientAttributes(v, attrs, kernel: filterSizes[0])
    let x2 = Tensor(validatedShape: [input.shape[0], 1, input.shape[1], input.shape[2]], scalars: input.scalars)
    let g2 = Tensor(validatedShape: [outBackprop.shape[0], 1, outBackprop.shape[1], outBackprop.shape[2]], scalars: outBackprop.scalars)
    let sizes2 = [1] + filterSizes
    do { _ = try conv2dBackpropFilterGeometry(input: x2.shape, filterSizes: sizes2, outBackprop: g2.shape, attrs2) } catch {
        throw error.renamed(op: op)
    }
    return (x2, sizes2, g2, attrs2)
}

/// conv1d's attributes checked (one stride, one dilation, one explicit pair; CAUSAL needs a kernel
/// and a dilation ≥ 1) and written as conv2d's on the height-1 view.
@usableFromInline
func conv1dGradientAttributes(_ v: Validator, _ attrs: Conv1DAttributes, kernel k: Int) throws(OpError) -> Conv2DAttributes {
    try v.count("strides", attrs.strides, 1)
    try v.count("dilations", attrs.dilations, 1)
    switch attrs.padding {
    case .valid, .same: break
    case .causal:
        try v.positive("dilations", attrs.dilations)
        try v.positive("filter.shape[0]", [k])
    case let .explicit(pairs):
        guard pairs.count == 1 else { throw v.fail("padding", expected: "1 [before, after] pair", actual: "\(pairs.count) pairs") }
    }
    return conv1dAttributesAsConv2d(attrs, kernel: k)
}
