/// A validated grouped 2-D convolution: every extent, the group count and both axes' padding.
///
/// Reference and Optimized both start here, so they accept and reject exactly the same inputs.
public struct Conv2DGeometry: Equatable, Sendable {
    public var batch: Int, height: Int, width: Int, inputChannels: Int
    public var kernelHeight: Int, kernelWidth: Int, channelsPerGroup: Int, outputChannels: Int
    public var groups: Int
    public var rows: AxisGeometry
    public var cols: AxisGeometry

    /// Output channels per group, `Cout / G`.
    public var outputChannelsPerGroup: Int { outputChannels / groups }
    /// `[N, Ho, Wo, Cout]`.
    public var outputShape: [Int] { [batch, rows.output, cols.output, outputChannels] }

    /// Checks an NHWC input against HWIO filters under `attrs`.
    public init(op: String = "conv2d", input: [Int], filters: [Int], attrs: Conv2DAttributes) throws(OpError) {
        let v = Validator(op: op)
        try v.rank("input", input, 4, layout: "[N, H, W, Cin]")
        try v.rank("filters", filters, 4, layout: "[KH, KW, Cin/G, Cout]")
        (batch, height, width, inputChannels) = (input[0], input[1], input[2], input[3])
        (kernelHeight, kernelWidth, channelsPerGroup, outputChannels) = (filters[0], filters[1], filters[2], filters[3])
        groups = try v.groups(inputChannels: inputChannels, filterChannels: channelsPerGroup,
                              outputChannels: outputChannels, filterRank: 4)
        (rows, cols) = try attrs.geometry(op: op, height: height, width: width,
                                          kernelHeight: kernelHeight, kernelWidth: kernelWidth)
        let count = try v.outputCount(outputShape)
        // The optimized algorithms may copy the input zero-padded (row-merged, column-vectorised, FFT planes).
        let (hp, o1) = height.addingReportingOverflow(rows.padBefore &+ rows.padAfter)
        let (wp, o2) = width.addingReportingOverflow(cols.padBefore &+ cols.padAfter)
        let padded = [batch, hp, wp, inputChannels]
        guard !o1, !o2, rows.padBefore <= 1 << 48, rows.padAfter <= 1 << 48, cols.padBefore <= 1 << 48, cols.padAfter <= 1 << 48 else {
            throw v.fail("padding", expected: "pads of at most 2^48", actual: "[[\(rows.padBefore), \(rows.padAfter)], [\(cols.padBefore), \(cols.padAfter)]]")
        }
        // That copy (16 bytes an element covers a Float64 one and its FFT plane) lives beside the output.
        let copy = try v.product("padding", padded[0], padded[1], padded[2], padded[3], 16)
        try v.memory("padding", outputElements: count, besides: copy, shape: padded)
    }

    /// Multiply–adds that read real input (taps in the padding excluded), times two: the FLOP count.
    public var flops: Double {
        2 * Double(batch) * Double(outputChannels) * Double(channelsPerGroup) * Double(rows.realTaps) * Double(cols.realTaps)
    }
}
