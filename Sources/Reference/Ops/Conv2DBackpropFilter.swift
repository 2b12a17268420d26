/// The gradient of grouped 2-D cross-correlation with respect to its filter (`Conv2DBackpropFilter`):
/// every product of the forward sum, with the filter element it used left out, summed per filter element.
///
///     dw[di, dj, c, o] = Σ x[b, i·sh + di·dh − pad_top, j·sw + dj·dw − pad_left, g·(Cin/G) + c] · g[b,i,j,o]
///         over b, i, j (taps in the padding read 0), with g = o / (Cout/G)
///
/// `filterSizes` is the forward filter's shape `[KH, KW, Cin/G, Cout]`; `outBackprop` must have the
/// shape conv2d gives `input` with that filter under `attrs` (`[N, Ho, Wo, Cout]`). A filter tap that
/// reads only padding (a kernel past a padded input) gets 0, as does every element when the batch
/// or the output is empty.
///
/// Every sum is accumulated in Float64, with its magnitude Σ|t| and term count.
///
/// - Complexity: O(N·Ho·Wo·Cout·KH·KW·Cin/G), as the forward op.
@inlinable
public func conv2dBackpropFilterAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try conv2dBackpropFilterGeometry(input: input.shape, filterSizes: filterSizes, outBackprop: outBackprop.shape, attrs)
    let (n, h, w, cin) = (geo.batch, geo.height, geo.width, geo.inputChannels)
    let (kh, kw, cpg, cout) = (geo.kernelHeight, geo.kernelWidth, geo.channelsPerGroup, geo.outputChannels)
    let (rows, cols, coutPerGroup) = (geo.rows, geo.cols, geo.outputChannelsPerGroup)

    var acc = Accumulated(zerosOfShape: filterSizes, count: filterSizes.reduce(1, *))
    let x = input.scalars, dy = outBackprop.scalars
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
                                let xv = Double(x[((b * h + y) * w + xx) * cin + g * cpg + c])
                                acc.add(xv * gv, to: ((di * kw + dj) * cpg + c) * cout + o)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// The filter gradient of grouped 2-D cross-correlation, rounded once from the Float64 sums of
/// `conv2dBackpropFilterAccumulated`.
public func conv2dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try conv2dBackpropFilterAccumulated(input, filterSizes: filterSizes, outBackprop, attrs).rounded()
}

/// The forward geometry a backprop-filter case describes, checked: `filterSizes` a valid HWIO
/// shape, the input and attributes valid with it, `outBackprop` of exactly the forward output's
/// shape, and the filter-sized result within the output limit and memory budget.
public func conv2dBackpropFilterGeometry(
    input: [Int], filterSizes: [Int], outBackprop: [Int], _ attrs: Conv2DAttributes
) throws(OpError) -> Conv2DGeometry {
    let op = "conv2d_backprop_filter"
    let v = Validator(op: op)
    try v.count("filter_sizes", filterSizes, 4)
    for (i, d) in filterSizes.enumerated() { try v.nonNegative("filter_sizes[\(i)]", d) }
    let geo = try Conv2DGeometry(op: op, input: input, filters: filterSizes, attrs: attrs)
    guard outBackprop == geo.outputShape else {
        throw v.fail("out_backprop", expected: "shape \(geo.outputShape) (conv2d's output for input \(input), filter_sizes \(filterSizes))",
                     actual: "shape \(outBackprop)")
    }
    _ = try v.outputCount(filterSizes)
    return geo
}
