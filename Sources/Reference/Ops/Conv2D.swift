/// Grouped 2-D cross-correlation, NHWC × HWIO (`tf.nn.conv2d`; the kernel is not flipped).
///
///     out[b,i,j,o] = Σ_{di<KH, dj<KW, c<Cin/G} xpad[b, i·sh + di·dh, j·sw + dj·dw, g·(Cin/G) + c] · w[di,dj,c,o]
///     G = Cin / filters.shape[2],  g = o / (Cout/G),  xpad = input padded with zeros
///
/// Every sum is accumulated in Float64, with its magnitude Σ|t| and term count.
///
/// - Complexity: O(N·Ho·Wo·Cout·KH·KW·Cin/G).
@inlinable
public func conv2dAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try Conv2DGeometry(input: input.shape, filters: filters.shape, attrs: attrs)
    let (n, h, w, cin) = (geo.batch, geo.height, geo.width, geo.inputChannels)
    let (kh, kw, cpg, cout) = (geo.kernelHeight, geo.kernelWidth, geo.channelsPerGroup, geo.outputChannels)
    let (rows, cols, coutPerGroup) = (geo.rows, geo.cols, geo.outputChannelsPerGroup)

    var acc = Accumulated(zerosOfShape: geo.outputShape, count: geo.outputShape.reduce(1, *))
    let x = input.scalars, f = filters.scalars
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for o in 0..<cout {
                    let g = o / coutPerGroup
                    let out = ((b * rows.output + i) * cols.output + j) * cout + o
                    for di in 0..<kh {
                        let y = rows.position(output: i, tap: di)
                        guard y >= 0 && y < h else { continue }
                        for dj in 0..<kw {
                            let xx = cols.position(output: j, tap: dj)
                            guard xx >= 0 && xx < w else { continue }
                            for c in 0..<cpg {
                                let xv = Double(x[((b * h + y) * w + xx) * cin + g * cpg + c])
                                let wv = Double(f[((di * kw + dj) * cpg + c) * cout + o])
                                acc.add(xv * wv, to: out)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// Grouped 2-D cross-correlation, rounded once from the Float64 sums of `conv2dAccumulated`.
public func conv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try conv2dAccumulated(input, filters, attrs).rounded()
}
