import Formats
import Reference

extension OpGenerator {
    /// Keras's transposed convolutions' parameters: extents, kernel, stride (up to past the kernel),
    /// dilation, VALID/SAME, an output padding (its top value: none, inferred) below the stride, channels.
    static func transposeParams(rank: Int) -> [Param] {
        [Param("batch", 0...2), Param("height", from: 1, scale: 0.6, cap: 14), Param("width", from: 1, scale: 0.8, cap: 16),
         Param("kernelHeight", 1...5), Param("kernelWidth", 1...5), Param("strideH", 1...4), Param("strideW", 1...4),
         Param("dilationH", 1...2), Param("dilationW", 1...2), Param("same", 0...1), Param("outputPadH", 0...4), Param("outputPadW", 0...4),
         Param("channels", from: 1, scale: 0.8, cap: 16), Param("outputs", from: 1, scale: 0.8, cap: 16), Param("dtype", 0...2)]
    }

    /// A transposed-convolution case of `rank` spatial axes, or nil when Keras's rule gives an
    /// output whose convolution does not give back the input (the op refuses those; the invalid
    /// cases cover them).
    static func transposeCase(_ op: String, rank: Int, _ p: [String: Int], _ fill: Fill, _ rng: inout SplitMix64) -> GeneratedCase? {
        let batch = p.v("batch") == 0 ? 0 : p.v("batch")
        let spatial = rank == 1 ? [p.v("width")] : [p.v("height"), p.v("width")]
        let kernel = rank == 1 ? [p.v("kernelWidth")] : [p.v("kernelHeight"), p.v("kernelWidth")]
        let strides = rank == 1 ? [p.v("strideW")] : [p.v("strideH"), p.v("strideW")]
        let dilations = rank == 1 ? [p.v("dilationW")] : [p.v("dilationH"), p.v("dilationW")]
        // An output padding of 4 means none (inferred); else it must stay below the stride.
        let pads = rank == 1 ? [p.v("outputPadW")] : [p.v("outputPadH"), p.v("outputPadW")]
        let outputPadding: [Int]? = pads.contains(4) ? nil : zip(pads, strides).map { min($0, $1 - 1) }
        let padding: Padding = p.v("same") == 1 ? .same : .valid
        let x = [batch] + spatial + [p.v("channels")], k = kernel + [p.v("outputs"), p.v("channels")]
        let attrs = ConvTransposeAttributes(strides: strides, padding: padding, outputPadding: outputPadding, dilations: dilations)
        let (x2, k2, a2) = rank == 1 ? ([x[0], 1] + x.dropFirst(), [1] + k, ConvTransposeAttributes(
            strides: [1] + strides, padding: padding, outputPadding: outputPadding.map { [0] + $0 }, dilations: [1] + dilations)) : (x, k, attrs)
        guard (try? Reference.conv2dTransposeGeometry(input: x2, kernel: k2, a2)) != nil else { return nil }
        return GeneratedCase(op: op, attrs: [("strides", J.ints(strides)), ("padding", .string(padding == .same ? "SAME" : "VALID")),
                                             ("output_padding", outputPadding.map(J.ints) ?? .null), ("dilations", J.ints(dilations))],
                             inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("kernel", floats(k, p.v("dtype"), fill, &rng))])
    }

    /// Invalid transposed convolutions: an output padding at the stride, a kernel of other input
    /// channels, SAME with an even kernel and an output padding of 0 (no output convolves back to the input).
    static func transposeInvalid(_ op: String, rank: Int, _ rng: inout SplitMix64) -> GeneratedCase {
        let kinds: [([Int], [Int], String, [Int])] = [([1, 3, 3, 2], [2, 2, 4, 2], "VALID", [2, 0]), ([1, 3, 3, 2], [2, 2, 4, 3], "VALID", [0, 0]),
                                                      ([1, 3, 3, 2], [2, 2, 4, 2], "SAME", [0, 0])]
        var (x, k, padding, pad) = kinds[Int(rng.next() % UInt64(kinds.count))]
        if rank == 1 { (x, k, pad) = ([x[0], x[2], x[3]], [k[1], k[2], k[3]], [pad[0]]) }
        return GeneratedCase(op: op, attrs: [("strides", J.ints(Array(repeating: 2, count: rank))), ("padding", .string(padding)),
                                             ("output_padding", J.ints(pad))],
                             inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("kernel", .float32(Fill.exact.tensor(k, &rng)))])
    }

    public static let conv2dTranspose = OpGenerator(
        op: "conv2d_transpose", params: transposeParams(rank: 2),
        build: { p, fill, rng in transposeCase("conv2d_transpose", rank: 2, p, fill, &rng) },
        invalid: { _, rng in transposeInvalid("conv2d_transpose", rank: 2, &rng) })

    public static let conv1dTranspose = OpGenerator(
        op: "conv1d_transpose", params: transposeParams(rank: 1),
        build: { p, fill, rng in transposeCase("conv1d_transpose", rank: 1, p, fill, &rng) },
        invalid: { _, rng in transposeInvalid("conv1d_transpose", rank: 1, &rng) })
}
