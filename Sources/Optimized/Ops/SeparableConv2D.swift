import Reference

/// Separable 2-D convolution: the optimized depthwise stage, then the pointwise stage as the
/// optimized conv2d with a 1×1 kernel (the direct kernel for float32, GEMM for float64, by the
/// cost model).
///
/// Error bound: the depthwise result is rounded to T, then C·M products are summed, so
/// `γ_T(n₁ + 1 + C·M)·Σ_q |p_q|·S₁` (as the reference's accumulation records).
///
/// - Complexity: O(N·Ho·Wo·C·M·(KH·KW + F)).
public func separableConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ depthwiseFilter: Tensor<T>, _ pointwiseFilter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try Reference.validateSeparable(input.shape, depthwiseFilter.shape, pointwiseFilter.shape, attrs)
    // float16: both stages in float32, one rounding at the end (not one per stage).
    if T.self == Float16.self {
        return try Half.viaFloat(op: "separable_conv2d", [input, depthwiseFilter, pointwiseFilter]) { (t: [Tensor<Float>]) throws(OpError) in
            try separableConv2d(t[0], t[1], t[2], attrs)
        }
    }
    let depthwise: Tensor<T>
    do { depthwise = try depthwiseConv2d(input, depthwiseFilter, attrs) } catch {
        throw Reference.separableError(error)
    }
    // The pointwise stage is a 1×1 convolution: conv2d's cost model picks its algorithm.
    return try conv2d(depthwise, pointwiseFilter, Conv2DAttributes())
}
