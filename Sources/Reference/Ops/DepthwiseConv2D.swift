/// Depthwise 2-D cross-correlation `[N,H,W,C] × [KH,KW,C,M] → [N,Ho,Wo,C·M]` (channel-major outputs).
///
///     out[b,i,j,c·M+m] = Σ_{di<KH, dj<KW} xpad[b, i·sh + di·dh, j·sw + dj·dw, c] · f[di,dj,c,m]
///
/// With stride and dilation both > 1 this is the mathematical definition (Keras's result),
/// not what `tf.nn.depthwise_conv2d` returns (docs/OPS.md quirk).
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW).
@inlinable
public func depthwiseConv2dAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ filter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Accumulated {
    let geo = try DepthwiseGeometry(input: input.shape, filter: filter.shape, attrs: attrs)
    let (n, h, w, c) = (geo.batch, geo.height, geo.width, geo.channels)
    let (kh, kw, m, rows, cols) = (geo.kernelHeight, geo.kernelWidth, geo.multiplier, geo.rows, geo.cols)

    let cm = c * m
    var acc = Accumulated(zerosOfShape: geo.outputShape, count: geo.outputShape.reduce(1, *))
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

/// A validated depthwise convolution: `[N,H,W,C] × [KH,KW,C,M]` and both axes' padding.
public struct DepthwiseGeometry: Equatable, Sendable {
    public var batch: Int, height: Int, width: Int, channels: Int
    public var kernelHeight: Int, kernelWidth: Int, multiplier: Int
    public var rows: AxisGeometry
    public var cols: AxisGeometry

    /// `[N, Ho, Wo, C·M]`.
    public var outputShape: [Int] { [batch, rows.output, cols.output, channels * multiplier] }

    public init(op: String = "depthwise_conv2d", input: [Int], filter: [Int], attrs: Conv2DAttributes) throws(OpError) {
        let v = Validator(op: op)
        try v.rank("input", input, 4, layout: "[N, H, W, C]")
        try v.rank("filter", filter, 4, layout: "[KH, KW, C, M]")
        (batch, height, width, channels) = (input[0], input[1], input[2], input[3])
        (kernelHeight, kernelWidth, multiplier) = (filter[0], filter[1], filter[3])
        try v.positive("input channels", [channels])
        guard filter[2] == channels else {
            throw v.fail("filter.shape[2]", expected: "the input channels \(channels)", actual: "\(filter[2])")
        }
        // A multiplier of 0 is an empty output in TensorFlow, not an error.
        try v.nonNegative("filter.shape[3]", multiplier)
        (rows, cols) = try attrs.geometry(op: op, height: height, width: width, kernelHeight: kernelHeight, kernelWidth: kernelWidth)
        let count = try v.outputCount(outputShape)
        // The optimized op repeats each input value M times (8 bytes at most each) beside the output.
        let repeated = multiplier > 1 ? try v.product("input", batch, height, width, channels, multiplier) : 0
        try v.memory("filter.shape[3]", outputElements: count, besides: try v.product("input", repeated, 8),
                     shape: [batch, height, width, channels * multiplier])
    }

    /// Multiply–adds that read real input, times two.
    public var flops: Double {
        2 * Double(batch) * Double(channels * multiplier) * Double(rows.realTaps) * Double(cols.realTaps)
    }
}
