/// Separable 2-D convolution: depthwise, then a 1×1 pointwise conv (stride 1, VALID, no bias between).
///
///     d[b,i,j,c·M+m] = depthwise_conv2d(input, depthwise_filter)      (exact, not rounded)
///     out[b,i,j,f]   = Σ_{q<C·M} d[b,i,j,q] · p[0,0,q,f]
///
/// Magnitude and term count bound the two-stage computation: an implementation that rounds the
/// depthwise result to T and then sums C·M products errs by at most γ(n₁ + 1 + C·M)·Σ_q |p_q|·S₁,
/// with n₁, S₁ the depthwise stage's terms and magnitude.
///
/// - Complexity: O(N·Ho·Wo·C·M·(KH·KW + F)).
@inlinable
public func separableConv2dAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ depthwiseFilter: Tensor<T>, _ pointwiseFilter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    try validateSeparable(input.shape, depthwiseFilter.shape, pointwiseFilter.shape, attrs)
    let v = Validator(op: "separable_conv2d")
    let cm = input.shape[3] * depthwiseFilter.shape[3]
    let p = pointwiseFilter.shape
    let depthwise: Accumulated
    do { depthwise = try depthwiseConv2dAccumulated(input, depthwiseFilter, attrs) } catch { throw separableError(error) }
    let f = p[3]
    let pixels = depthwise.value.count / max(cm, 1)
    let shape = Array(depthwise.shape.dropLast()) + [f]
    var acc = Accumulated(zerosOfShape: shape, count: try v.outputCount(shape))
    let pw = pointwiseFilter.scalars
    for pixel in 0..<pixels {
        for o in 0..<f {
            let out = pixel * f + o
            var value = 0.0, magnitude = 0.0
            for q in 0..<cm {
                let pv = Double(pw[q * f + o])
                value += depthwise.value[pixel * cm + q] * pv
                magnitude += depthwise.magnitude[pixel * cm + q] * abs(pv)
            }
            acc.value[out] = value
            acc.magnitude[out] = magnitude
            // Every depthwise channel at a pixel has the same number of taps inside the input.
            acc.terms[out] = depthwise.terms[pixel * cm] + 1 + cm
        }
    }
    return acc
}

/// Separable 2-D convolution, rounded once from the Float64 sums.
public func separableConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ depthwiseFilter: Tensor<T>, _ pointwiseFilter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try separableConv2dAccumulated(input, depthwiseFilter, pointwiseFilter, attrs).rounded()
}

/// Checks the three operands' ranks and the pointwise filter against `C·M`.
public func validateSeparable(_ input: [Int], _ depthwise: [Int], _ pointwise: [Int], _ attrs: Conv2DAttributes) throws(OpError) {
    let v = Validator(op: "separable_conv2d")
    try v.rank("input", input, 4, layout: "[N, H, W, C]")
    try v.rank("depthwise_filter", depthwise, 4, layout: "[KH, KW, C, M]")
    try v.rank("pointwise_filter", pointwise, 4, layout: "[1, 1, C·M, F]")
    let (cm, overflow) = input[3].multipliedReportingOverflow(by: depthwise[3])
    guard pointwise[0] == 1, pointwise[1] == 1 else {
        throw v.fail("pointwise_filter", expected: "shape [1, 1, C·M, F]", actual: "shape \(pointwise)")
    }
    guard !overflow, pointwise[2] == cm else {
        throw v.fail("pointwise_filter.shape[2]", expected: "C·M = \(cm)", actual: "\(pointwise[2])")
    }
    try v.nonNegative("pointwise_filter.shape[3]", pointwise[3])
    // The depthwise stage's result lives beside the output: its accumulation (24 bytes an element)
    // in the reference, its rounded values in the optimized op, counted with the final output.
    let stage: DepthwiseGeometry
    do { stage = try DepthwiseGeometry(input: input, filter: depthwise, attrs: attrs) } catch { throw separableError(error) }
    let shape = Array(stage.outputShape.dropLast()) + [pointwise[3]]
    let final = try v.outputCount(shape)
    let intermediate = try v.product("depthwise stage", stage.outputShape[0], stage.outputShape[1], stage.outputShape[2], stage.outputShape[3])
    try v.memory("depthwise stage", outputElements: final, besides: try v.product("depthwise stage", intermediate, 32), shape: stage.outputShape)
}

/// A depthwise-stage error in separable_conv2d's words (its filter is `depthwise_filter`).
public func separableError(_ error: OpError) -> OpError {
    OpError(op: "separable_conv2d", field: error.field.replacingPrefix("filter", with: "depthwise_filter"),
            expected: error.expected, actual: error.actual)
}

extension String {
    /// This string with a leading `prefix` replaced.
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
