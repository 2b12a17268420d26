/// The gradient of depthwise 2-D cross-correlation with respect to its input
/// (`DepthwiseConv2dNativeBackpropInput`): depthwise_conv2d's sum taken the other way.
///
///     dx[b, y, x, c] = Σ g[b,i,j,c·M+m] · f[di,dj,c,m]
///         over i, j, di, dj, m with  y = i·sh + di·dh − pad_top,  x = j·sw + dj·dw − pad_left
///
/// `inputSizes` is the forward input's shape `[N, H, W, C]`; `outBackprop` must have the shape
/// depthwise_conv2d gives that input (`[N, Ho, Wo, C·M]`). An input element no output reads gets 0.
/// Every sum is accumulated in Float64, with its magnitude Σ|t| and term count.
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW), as the forward op.
@inlinable
public func depthwiseConv2dBackpropInputAccumulated<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try depthwiseBackpropGeometry(op: "depthwise_conv2d_backprop_input", input: inputSizes, filter: filter.shape,
                                            outBackprop: outBackprop.shape, result: ("input_sizes", inputSizes), attrs)
    let (n, h, w, c, kh, kw, m) = (geo.batch, geo.height, geo.width, geo.channels, geo.kernelHeight, geo.kernelWidth, geo.multiplier)
    let (rows, cols) = (geo.rows, geo.cols)
    var acc = Accumulated(zerosOfShape: inputSizes, count: inputSizes.reduce(1, *))
    let dy = outBackprop.scalars, f = filter.scalars
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for ch in 0..<c {
                    for mm in 0..<m {
                        let gv = Double(dy[((b * rows.output + i) * cols.output + j) * c * m + ch * m + mm])
                        for di in 0..<kh {
                            let y = rows.position(output: i, tap: di)
                            guard y >= 0 && y < h else { continue }
                            for dj in 0..<kw {
                                let xx = cols.position(output: j, tap: dj)
                                guard xx >= 0 && xx < w else { continue }
                                acc.add(gv * Double(f[((di * kw + dj) * c + ch) * m + mm]), to: ((b * h + y) * w + xx) * c + ch)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// The input gradient of depthwise 2-D cross-correlation, rounded once from the Float64 sums.
public func depthwiseConv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try depthwiseConv2dBackpropInputAccumulated(inputSizes: inputSizes, filter, outBackprop, attrs).rounded()
}

/// The gradient of depthwise 2-D cross-correlation with respect to its filter
/// (`DepthwiseConv2dNativeBackpropFilter`): every product of the forward sum, per filter element.
///
///     df[di, dj, c, m] = Σ x[b, i·sh + di·dh − pad_top, j·sw + dj·dw − pad_left, c] · g[b,i,j,c·M+m]
///         over b, i, j (taps in the padding read 0)
///
/// `filterSizes` is the forward filter's shape `[KH, KW, C, M]`; `outBackprop` must have the shape
/// depthwise_conv2d gives `input` with it. Every sum is accumulated in Float64.
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW), as the forward op.
@inlinable
public func depthwiseConv2dBackpropFilterAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try depthwiseBackpropGeometry(op: "depthwise_conv2d_backprop_filter", input: input.shape, filter: filterSizes,
                                            outBackprop: outBackprop.shape, result: ("filter_sizes", filterSizes), attrs)
    let (n, h, w, c, kh, kw, m) = (geo.batch, geo.height, geo.width, geo.channels, geo.kernelHeight, geo.kernelWidth, geo.multiplier)
    let (rows, cols) = (geo.rows, geo.cols)
    var acc = Accumulated(zerosOfShape: filterSizes, count: filterSizes.reduce(1, *))
    let x = input.scalars, dy = outBackprop.scalars
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for ch in 0..<c {
                    for mm in 0..<m {
                        let gv = Double(dy[((b * rows.output + i) * cols.output + j) * c * m + ch * m + mm])
                        for di in 0..<kh {
                            let y = rows.position(output: i, tap: di)
                            guard y >= 0 && y < h else { continue }
                            for dj in 0..<kw {
                                let xx = cols.position(output: j, tap: dj)
                                guard xx >= 0 && xx < w else { continue }
                                acc.add(Double(x[((b * h + y) * w + xx) * c + ch]) * gv, to: ((di * kw + dj) * c + ch) * m + mm)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// The filter gradient of depthwise 2-D cross-correlation, rounded once from the Float64 sums.
public func depthwiseConv2dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try depthwiseConv2dBackpropFilterAccumulated(input, filterSizes: filterSizes, outBackprop, attrs).rounded()
}

/// The forward geometry a depthwise gradient case describes, checked in the gradient op's words:
/// the size attribute (`result`) four values ≥ 0, the forward operands valid together, `outBackprop`
/// of exactly the forward output's shape, and the result within the output limit and memory budget.
public func depthwiseBackpropGeometry(
    op: String, input: [Int], filter: [Int], outBackprop: [Int], result: (name: String, shape: [Int]), _ attrs: Conv2DAttributes
) throws(OpError) -> DepthwiseGeometry {
    let v = Validator(op: op)
    try v.count(result.name, result.shape, 4)
    for (i, d) in result.shape.enumerated() { try v.nonNegative("\(result.name)[\(i)]", d) }
    let geo = try DepthwiseGeometry(op: op, input: input, filter: filter, attrs: attrs)
    guard outBackprop == geo.outputShape else {
        throw v.fail("out_backprop", expected: "shape \(geo.outputShape) (depthwise_conv2d's output for input \(input), filter \(filter))",
                     actual: "shape \(outBackprop)")
    }
    _ = try v.outputCount(result.shape)
    return geo
}
