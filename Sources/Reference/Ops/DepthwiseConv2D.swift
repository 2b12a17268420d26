/// Depthwise 2-D cross-correlation `[N,H,W,C] × [KH,KW,C,M] → [N,Ho,Wo,C·M]` (channel-major outputs).
///
///     out[b,i,j,c·M+m] = Σ_{di<KH, dj<KW} xpad[b, i·sh + di·dh, j·sw + dj·dw, c] · f[di,dj,c,m]
///
/// With stride and dilation both > 1 this is the mathematical definition (Keras's result),
/// not what `tf.nn.depthwise_conv2d` returns (OPS.md quirk).
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW).
public func depthwiseConv2dAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ filter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let op = "depthwise_conv2d"
    let v = Validator(op: op)
    try v.rank("input", input.shape, 4, layout: "[N, H, W, C]")
    try v.rank("filter", filter.shape, 4, layout: "[KH, KW, C, M]")
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, fc, m) = (filter.shape[0], filter.shape[1], filter.shape[2], filter.shape[3])
    try v.positive("input channels", [c])
    guard fc == c else { throw v.fail("filter.shape[2]", expected: "the input channels \(c)", actual: "\(fc)") }
    try v.positive("filter.shape[3]", [m])
    let (rows, cols) = try attrs.geometry(op: op, height: h, width: w, kernelHeight: kh, kernelWidth: kw)

    let cm = c * m
    let shape = [n, rows.output, cols.output, cm]
    var acc = Accumulated(zerosOfShape: shape, count: try v.outputCount(shape))
    let x = input.scalars, f = filter.scalars
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for ch in 0..<c {
                    for mm in 0..<m {
                        let out = ((b * rows.output + i) * cols.output + j) * cm + ch * m + mm
                        for di in 0..<kh {
                            let y = rows.position(output: i, tap: di)
                            guard y >= 0 && y < h else { continue }
                            for dj in 0..<kw {
                                let xx = cols.position(output: j, tap: dj)
                                guard xx >= 0 && xx < w else { continue }
                                let xv = Double(x[((b * h + y) * w + xx) * c + ch])
                                let fv = Double(f[((di * kw + dj) * c + ch) * m + mm])
                                acc.add(xv * fv, to: out)
                            }
                        }
                    }
                }
            }
        }
    }
    return acc
}

/// Depthwise 2-D cross-correlation, rounded once from the Float64 sums.
public func depthwiseConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    try depthwiseConv2dAccumulated(input, filter, attrs).rounded()
}
