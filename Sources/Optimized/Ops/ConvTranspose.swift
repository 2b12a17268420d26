import Reference

/// Keras's Conv2DTranspose without its bias, as the optimized conv2d input gradient.
///
/// The output's extents come from Keras's rule (`Reference.conv2dTransposeGeometry`, which also
/// checks the case); the values are `conv2dBackpropInput` of the layer's input with its kernel as
/// the HWIO filter, so the algorithm (GEMM + col2im with a stride or few channels, else the
/// zero-stuffed conv2d), its switch and its error bound `γ_T(n)·Σ|t_i|` are that op's.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv2dTranspose<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Tensor<T> {
    let (sizes, checked) = try Reference.conv2dTransposeGeometry(input: input.shape, kernel: kernel.shape, attrs)
    var forward = checked
    PathCounter.hit(.convTranspose)
    // Planted bug (the test-only twin): SAME's odd row put before the output instead of after.
    #if CONFORM_MUTANTS
    if Mutants.on(.convTransposeSameOddRowFirst) && attrs.padding == .same {
        let g = try Conv2DGeometry(op: "conv2d_transpose", input: sizes, filters: kernel.shape, attrs: forward)
        forward.padding = .explicit([PadPair(g.rows.padAfter, g.rows.padBefore), PadPair(g.cols.padBefore, g.cols.padAfter)])
    }
    #endif
    do { return try conv2dBackpropInput(inputSizes: sizes, kernel, input, forward) } catch { throw error.renamed(op: "conv2d_transpose") }
}

/// Keras's Conv1DTranspose without its bias: Conv2DTranspose on the height-1 view.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv1dTranspose<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: ConvTransposeAttributes
) throws(OpError) -> Tensor<T> {
    let (x2, k2, attrs2) = try Reference.conv1dTransposeAsConv2d(input, kernel, attrs)
    let out: Tensor<T>
    do { out = try conv2dTranspose(x2, k2, attrs2) } catch { throw error.renamed(op: "conv1d_transpose") }
    return try! out.reshaped([out.shape[0], out.shape[2], out.shape[3]])
}
