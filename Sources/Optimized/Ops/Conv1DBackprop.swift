import Reference

/// The input gradient of grouped 1-D cross-correlation: the optimized conv2d input gradient on the
/// height-1 view (no copy of the operands).
///
/// CAUSAL becomes explicit padding `[d·(K−1), 0]`, as in the forward op. Algorithm, switch points
/// and error bound are `conv2dBackpropInput`'s.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv1dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filters: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    let (sizes2, f2, g2, view) = try Reference.conv1dBackpropInputAsConv2d(inputSizes: inputSizes, filters, outBackprop, attrs)
    PathCounter.hit(.conv1dBackpropInputView)
    // Planted bug (the test-only twin): CAUSAL's padding put after the signal instead of before.
    #if CONFORM_MUTANTS
    var attrs2 = view
    if Mutants.on(.conv1dBackpropInputCausalAfter), attrs.padding == .causal, case let .explicit(p) = attrs2.padding {
        attrs2.padding = .explicit([p[0], PadPair(p[1].after, p[1].before)])
    }
    #else
    let attrs2 = view
    #endif
    let out = try conv2dBackpropInput(inputSizes: sizes2, f2, g2, attrs2)
    return try! out.reshaped(inputSizes)
}

/// The filter gradient of grouped 1-D cross-correlation: the optimized conv2d filter gradient on
/// the height-1 view. Algorithm, switch points and error bound are `conv2dBackpropFilter`'s.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv1dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv1DAttributes
) throws(OpError) -> Tensor<T> {
    let (x2, sizes2, g2, view) = try Reference.conv1dBackpropFilterAsConv2d(input, filterSizes: filterSizes, outBackprop, attrs)
    PathCounter.hit(.conv1dBackpropFilterView)
    // Planted bug (the test-only twin): explicit (and CAUSAL) padding's sides swapped on the view.
    #if CONFORM_MUTANTS
    var attrs2 = view
    if Mutants.on(.conv1dBackpropFilterPadsSwapped), case let .explicit(p) = attrs2.padding {
        attrs2.padding = .explicit([p[0], PadPair(p[1].after, p[1].before)])
    }
    #else
    let attrs2 = view
    #endif
    let out = try conv2dBackpropFilter(x2, filterSizes: sizes2, g2, attrs2)
    return try! out.reshaped(filterSizes)
}
