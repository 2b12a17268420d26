/// Attributes of Keras's `Conv1DTranspose` and `Conv2DTranspose` (one entry per spatial axis).
public struct ConvTransposeAttributes: Equatable, Sendable {
    public var strides: [Int]
    /// VALID or SAME (Keras's "valid"/"same").
    public var padding: Padding
    /// nil: the output length is inferred; else the extra rows (columns) Keras adds, each below its stride.
    public var outputPadding: [Int]?
    public var dilations: [Int]

    public init(strides: [Int], padding: Padding = .valid, outputPadding: [Int]? = nil, dilations: [Int]) {
        self.strides = strides
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilations = dilations
    }
}

/// Keras's output length of a transposed convolution along one axis (`conv_utils`' rule), with the
/// dilated kernel `k' = d·(k − 1) + 1`:
///
///     no output_padding:  VALID  n·s + max(k' − s, 0)      SAME  n·s
///     output_padding p:   (n − 1)·s + k' − 2·pad + p,  pad = k' / 2 (SAME) or 0 (VALID)
public func transposedLength(input n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding, outputPadding p: Int?) -> Int {
    let dilated = d * (k - 1) + 1
    guard let p else { return padding == .valid ? n * s + max(dilated - s, 0) : n * s }
    return (n - 1) * s + dilated - 2 * (padding == .same ? dilated / 2 : 0) + p
}

/// Keras's `Conv2DTranspose` without its bias: `[N, H, W, Cin] × [KH, KW, Cout, Cin] → [N, Ho, Wo, Cout]`,
/// the adjoint of conv2d. The output's extents follow `transposedLength`; the values are conv2d's
/// input gradient for an input of that shape, with the layer's input as the output's gradient and
/// its kernel as conv2d's HWIO filter (`[KH, KW, Cout, Cin]` read as `[KH, KW, in, out]`):
///
///     out[b, y, x, o] = Σ in[b,i,j,c] · w[di,dj,o,c]   over i, j, di, dj, c with  y = i·sh + di·dh − pad_top,  x = j·sw + dj·dw − pad_left
///
/// where the pads are TensorFlow's for a convolution of the output's extents (SAME: the odd pixel
/// after). Every sum is accumulated in Float64.
///
/// - Complexity: O(N·H·W·Cin·KH·KW·Cout).
@inlinable
public func conv2dTransposeAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Accumulated {
    let (sizes, forward) = try conv2dTransposeGeometry(input: input.shape, kernel: kernel.shape, attrs)
    do { return try conv2dBackpropInputAccumulated(inputSizes: sizes, kernel, input, forward) } catch { throw error.renamed(op: "conv2d_transpose") }
}

/// Keras's Conv2DTranspose without its bias, rounded once from the Float64 sums.
public func conv2dTranspose<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Tensor<T> {
    try conv2dTransposeAccumulated(input, kernel, attrs).rounded()
}

/// Keras's `Conv1DTranspose` without its bias: `[N, W, Cin] × [K, Cout, Cin] → [N, Wo, Cout]`,
/// Conv2DTranspose on the height-1 view.
///
/// - Complexity: O(N·W·Cin·K·Cout).
@inlinable
public func conv1dTransposeAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Accumulated {
    let (x2, k2, attrs2) = try conv1dTransposeAsConv2d(input, kernel, attrs)
    var acc: Accumulated
    do { acc = try conv2dTransposeAccumulated(x2, k2, attrs2) } catch { throw error.renamed(op: "conv1d_transpose") }
    acc.shape = [acc.shape[0], acc.shape[2], acc.shape[3]]
    return acc
}

/// Keras's Conv1DTranspose without its bias, rounded once from the Float64 sums.
public func conv1dTranspose<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Tensor<T> {
    try conv1dTransposeAccumulated(input, kernel, attrs).rounded()
}

/// A Conv2DTranspose case checked: the output's shape `[N, Ho, Wo, Cout]` by Keras's rule and the
/// forward conv2d's attributes whose input gradient it is. Keras's own checks: strides and
/// dilations positive, VALID or SAME, each output padding in `0..<stride`; and the output's
/// convolution must give back the input's extents (SAME with an output padding of 0 and an even
/// kernel does not, and TensorFlow refuses it).
public func conv2dTransposeGeometry(input: [Int], kernel: [Int], _ attrs: ConvTransposeAttributes) throws(OpError) -> ([Int], Conv2DAttributes) {
    let v = Validator(op: "conv2d_transpose")
    try v.rank("input", input, 4, layout: "[N, H, W, Cin]")
    try v.rank("kernel", kernel, 4, layout: "[KH, KW, Cout, Cin]")
    try v.count("strides", attrs.strides, 2)
    try v.positive("strides", attrs.strides)
    try v.count("dilations", attrs.dilations, 2)
    try v.positive("dilations", attrs.dilations)
    guard attrs.padding == .valid || attrs.padding == .same else {
        throw v.fail("padding", expected: "VALID or SAME (Keras's valid and same)", actual: "\(attrs.padding)")
    }
    guard kernel[3] == input[3] else { throw v.fail("kernel.shape[3]", expected: "the input channels \(input[3])", actual: "\(kernel[3])") }
    try v.positive("kernel", [kernel[0], kernel[1]])
    if let p = attrs.outputPadding {
        try v.count("output_padding", p, 2)
        for axis in 0..<2 where p[axis] < 0 || p[axis] >= attrs.strides[axis] {
            throw v.fail("output_padding[\(axis)]", expected: "0 ≤ p < stride \(attrs.strides[axis]) (Keras's rule)", actual: "\(p[axis])")
        }
    }
    var sizes = [input[0]]
    for axis in 0..<2 {
        let (n, k, s, d) = (input[1 + axis], kernel[axis], attrs.strides[axis], attrs.dilations[axis])
        // Products and sums of at most 2^31 each cannot overflow; past that the output limit refuses anyway.
        guard n <= 1 << 31, k <= 1 << 31, s <= 1 << 31, d <= 1 << 31 else {
            throw v.fail("input", expected: "extents, kernel, strides and dilations of at most 2^31", actual: "\(input) \(kernel) \(attrs.strides) \(attrs.dilations)")
        }
        sizes.append(transposedLength(input: n, kernel: k, stride: s, dilation: d, padding: attrs.padding, outputPadding: attrs.outputPadding?[axis]))
    }
    sizes.append(kernel[2])
    for (axis, length) in sizes.enumerated() where length < 0 {
        throw v.fail("output_padding", expected: "an output of non-negative extents", actual: "extent \(length) on axis \(axis)")
    }
    let forward = Conv2DAttributes(strides: attrs.strides, padding: attrs.padding, dilations: attrs.dilations)
    // The output's convolution must give back the input: TensorFlow's shape check of the gradient.
    let g: Conv2DGeometry
    do { g = try Conv2DGeometry(op: "conv2d_transpose", input: sizes, filters: kernel, attrs: forward) } catch { throw error.renamed(op: "conv2d_transpose") }
    guard g.outputShape == input else {
        throw v.fail("output_padding", expected: "an output whose convolution gives back the input's shape \(input)",
                     actual: "output \(sizes), whose convolution is \(g.outputShape)")
    }
    _ = try v.outputCount(sizes)
    return (sizes, forward)
}

/// Conv1DTranspose's operands on the height-1 view, checked in its own words first.
public func conv1dTransposeAsConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> (Tensor<T>, Tensor<T>, ConvTransposeAttributes) {
    let v = Validator(op: "conv1d_transpose")
    try v.rank("input", input.shape, 3, layout: "[N, W, Cin]")
    try v.rank("kernel", kernel.shape, 3, layout: "[K, Cout, Cin]")
    try v.count("strides", attrs.strides, 1)
    try v.count("dilations", attrs.dilations, 1)
    if let p = attrs.outputPadding { try v.count("output_padding", p, 1) }
    let x2 = Tensor(validatedShape: [input.shape[0], 1, input.shape[1], input.shape[2]], scalars: input.scalars)
    let k2 = Tensor(validatedShape: [1] + kernel.shape, scalars: kernel.scalars)
    let attrs2 = ConvTransposeAttributes(strides: [1] + attrs.strides, padding: attrs.padding,
                                         outputPadding: attrs.outputPadding.map { [0] + $0 }, dilations: [1] + attrs.dilations)
    return (x2, k2, attrs2)
}
