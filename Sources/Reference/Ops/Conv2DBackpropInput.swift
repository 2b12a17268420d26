/// The gradient of grouped 2-D cross-correlation with respect to its input (`Conv2DBackpropInput`,
/// `tf.nn.conv2d_transpose`): conv2d's sum taken the other way, every product added to the input
/// element it read.
///
///     dx[b, y, x, g·(Cin/G) + c] = Σ g[b,i,j,o] · w[di,dj,c,o]
///         over i, j, di, dj, o in group g with  y = i·sh + di·dh − pad_top,  x = j·sw + dj·dw − pad_left
///
/// `inputSizes` is the forward input's shape `[N, H, W, Cin]`; `outBackprop` must have the shape
/// conv2d gives that input under `attrs` (`[N, Ho, Wo, Cout]`). An input element no output reads
/// (a stride past the kernel, a kernel past the input) gets 0.
///
/// Every sum is accumulated in Float64, with its magnitude Σ|t| and term count.
///
/// - Complexity: O(N·Ho·Wo·Cout·KH·KW·Cin/G), as the forward op.
@inlinable
public func conv2dBackpropInputAccumulated<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try conv2dBackpropInputGeometry(inputSizes: inputSizes, filter: filter.shape, outBackprop: outBackprop.shape, attrs)
    let (n, h, w, cin) = (geo.batch, geo.height, geo.width, geo.inputChannels)
    let (kh, kw, cpg, cout) = (geo.kernelHeight, geo.kernelWidth, geo.channelsPerGroup, geo.outputChannels)
    let (rows, cols, coutPerGroup) = (geo.rows, geo.cols, geo.outputChannelsPerGroup)

    var acc = Accumulated(zerosOfShape: inputSizes, count: inputSizes.reduce(1, *))
    let dy = outBackprop.scalars, f = filter.scalars
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for o in 0..<cout {
                    let g = o / coutPerGroup
                    let gv = Double(dy[((b * rows.output + i) * cols.output + j) * cout + o])
                    for di in 0..<kh {
                        let y = rows.position(output: i, tap: di)
                        guard y >= 0 && y < h else { continue }
                        for dj in 0..<kw {
                            let xx = cols.position(output: j, tap: dj)
                            guard xx >= 0 && xx < w else { continue }
                            for c in 0..<cpg {
                                let wv = Double(f[((di * kw + dj) * cpg + c) * cout + o])
                                acc.add(gv * wv, to: ((b * h + y) * w + xx) * cin + g * cpg + c)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// The input gradient of grouped 2-D cross-correlation, rounded once from the Float64 sums of
/// `conv2dBackpropInputAccumulated`.
public func conv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try conv2dBackpropInputAccumulated(inputSizes: inputSizes, filter, outBackprop, attrs).rounded()
}

/// The forward geometry a backprop-input case describes, checked: `inputSizes` a valid NHWC shape,
/// the filter and attributes valid for it, `outBackprop` of exactly the forward output's shape, and
/// the input-sized result within the output limit and memory budget.
public func conv2dBackpropInputGeometry(
    inputSizes: [Int], filter: [Int], outBackprop: [Int], _ attrs: Conv2DAttributes
) throws(OpError) -> Conv2DGeometry {
    let op = "conv2d_backprop_input"
    let v = Validator(op: op)
    try v.count("input_sizes", inputSizes, 4)
    for (i, d) in inputSizes.enumerated() { try v.nonNegative("input_sizes[\(i)]", d) }
    let geo = try Conv2DGeometry(op: op, input: inputSizes, filters: filter, attrs: attrs)
    guard outBackprop == geo.outputShape else {
        throw v.fail("out_backprop", expected: "shape \(geo.outputShape) (conv2d's output for input_sizes \(inputSizes))",
                     actual: "shape \(outBackprop)")
    }
    _ = try v.outputCount(inputSizes)
    return geo
}
