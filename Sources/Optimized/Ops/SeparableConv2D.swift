import Reference

/// Separable 2-D convolution: the optimized depthwise stage, then the pointwise stage as one GEMM
/// `[N·Ho·Wo, C·M] × [C·M, F]` straight from the depthwise result.
///
/// Error bound: the depthwise result is rounded to T, then C·M products are summed, so
/// `γ_T(n₁ + 1 + C·M)·Σ_q |p_q|·S₁` (as the reference's accumulation records).
///
/// - Complexity: O(N·Ho·Wo·C·M·(KH·KW + F)).
public func separableConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ depthwiseFilter: Tensor<T>, _ pointwiseFilter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let v = Validator(op: "separable_conv2d")
    try Reference.validateSeparable(input.shape, depthwiseFilter.shape, pointwiseFilter.shape)
    let depthwise: Tensor<T>
    do { depthwise = try depthwiseConv2d(input, depthwiseFilter, attrs) } catch {
        throw Reference.separableError(error)
    }
    let cm = depthwise.shape[3], f = pointwiseFilter.shape[3]
    let pixels = depthwise.count / cm
    let shape = Array(depthwise.shape.dropLast()) + [f]
    var out = [T](repeating: 0, count: try v.outputCount(shape))
    depthwise.scalars.withUnsafeBufferPointer { d in
        pointwiseFilter.scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { y in
                let tile = 2048
                Threading.forEach((pixels + tile - 1) / tile) { t in
                    let rows = min(tile, pixels - t * tile)
                    BLAS.gemm(d.baseAddress! + t * tile * cm, lda: cm, p.baseAddress!, ldb: f,
                              y.baseAddress! + t * tile * f, ldc: f, m: rows, n: f, k: cm)
                }
            }
        }
    }
    return try! Tensor(shape: shape, scalars: out)
}
