import Reference

/// Grouped 1-D cross-correlation: the optimized conv2d on a height-1 view (no copy).
///
/// CAUSAL becomes explicit padding `[d·(K−1), 0]`. Algorithm and error bound are conv2d's.
public func conv1d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    let (x2, f2, attrs2) = try Reference.conv1dAsConv2d(input, filters, attrs)
    #if CONFORM_MUTANTS
    var planted = attrs2
    if Mutants.on(.causalUndilated) && attrs.padding == .causal {
        planted.padding = .explicit([PadPair(0, 0), PadPair(filters.shape[0] - 1, 0)])
    }
    let out = try conv2d(x2, f2, planted)
    #else
    let out = try conv2d(x2, f2, attrs2)
    #endif
    return try! out.reshaped([out.shape[0], out.shape[2], out.shape[3]])
}
