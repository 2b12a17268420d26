import Reference

/// `conform explain` for the gradient ops.
extension Explain {
    /// conv2d's input gradient: the shapes it takes and gives, which input elements no output
    /// reads (their gradient is 0), and its work against the forward op's.
    public static func backpropInput(input: [Int], filters: Int, kernel: [Int], stride: Int, dilation: Int, padding: String,
                                     groups: Int) throws -> [String] {
        let p = try gradientPadding(input: input, padding)
        let k = kernel.count == 1 ? [kernel[0], kernel[0]] : kernel
        let sizes = [1] + input
        let filter = [k[0], k[1], input[2] / max(groups, 1), filters]
        let g = try Conv2DGeometry(op: "conv2d_backprop_input", input: sizes, filters: filter,
                                   attrs: Conv2DAttributes(strides: [stride, stride], padding: p, dilations: [dilation, dilation]))
        var out = ["conv2d_backprop_input(input_sizes \(sizes), filter \(filter), \(padding.uppercased()), stride \(stride), dilation \(dilation)" +
                   (groups > 1 ? ", \(groups) groups" : "") + ")"]
        out.append("out_backprop must be conv2d's output shape: \(g.outputShape); the result has input_sizes' shape \(sizes)")
        let (rows, cols) = (g.rows.positionsRead, g.cols.positionsRead)
        out.append("input positions some output reads: \(rows) of \(g.height) rows × \(cols) of \(g.width) columns; the other \(count(g.height * g.width - rows * cols)) positions get a gradient of 0")
        out.append("each input element sums at most \(count(k[0] * k[1] * (filters / max(groups, 1)))) products (taps × output channels of its group): \(count(Int(g.flops / 2))) multiply–adds in all, as many as the forward op")
        let stuffed = (g.height + (k[0] - 1) * dilation) * (g.width + (k[1] - 1) * dilation)
        out.append("Conform's optimized gradient: the gradient zero-stuffed into \(count(stuffed)) pixels × \(filters) channels (\(bytes(Double(stuffed * filters) * 4)) of float32), then one conv2d with the filter turned 180°")
        return out
    }

    /// conv2d's filter gradient: the shapes it takes and gives, how many products each filter
    /// element sums, which taps read only padding, and the product Conform computes it by.
    public static func backpropFilter(input: [Int], filters: Int, kernel: [Int], stride: Int, dilation: Int, padding: String,
                                      groups: Int, batch: Int) throws -> [String] {
        let p = try gradientPadding(input: input, padding)
        let k = kernel.count == 1 ? [kernel[0], kernel[0]] : kernel
        let x = [batch] + input
        let sizes = [k[0], k[1], input[2] / max(groups, 1), filters]
        let g = try Conv2DGeometry(op: "conv2d_backprop_filter", input: x, filters: sizes,
                                   attrs: Conv2DAttributes(strides: [stride, stride], padding: p, dilations: [dilation, dilation]))
        var out = ["conv2d_backprop_filter(input \(x), filter_sizes \(sizes), \(padding.uppercased()), stride \(stride), dilation \(dilation)" +
                   (groups > 1 ? ", \(groups) groups" : "") + ")"]
        out.append("out_backprop must be conv2d's output shape: \(g.outputShape); the result has filter_sizes' shape \(sizes)")
        let pixels = g.batch * g.rows.output * g.cols.output
        out.append("each filter element sums \(count(pixels)) products (one per output pixel of the batch), those whose tap falls in the padding being 0: \(count(Int(g.flops / 2))) multiply–adds in all, as many as the forward op")
        var padOnly = 0
        for di in 0..<k[0] {
            for dj in 0..<k[1] {
                let rowsRead = (0..<g.rows.output).contains { (0..<g.height).contains(g.rows.position(output: $0, tap: di)) }
                let colsRead = (0..<g.cols.output).contains { (0..<g.width).contains(g.cols.position(output: $0, tap: dj)) }
                if !(rowsRead && colsRead) { padOnly += 1 }
            }
        }
        if padOnly > 0 { out.append("\(padOnly) of the \(k[0] * k[1]) taps read only padding: their gradient is 0") }
        let unrolled = kind(k[0] == 1 && k[1] == 1 && stride == 1 && (p == .valid || p == .same))
        out.append("Conform's optimized gradient: \(unrolled), a [\(k[0] * k[1] * sizes[2]) × \(count(pixels))] · [\(count(pixels)) × \(filters / max(groups, 1))] product per group, the pixels split in chunks over the threads")
        return out
    }

    private static func kind(_ pointwise: Bool) -> String {
        pointwise ? "the input itself as the transposed left operand (1×1, stride 1)" : "patches unrolled (im2col) in tiles"
    }

    /// A gradient explanation's `--input` (HxWxC) checked and its `--padding` parsed.
    private static func gradientPadding(input: [Int], _ padding: String) throws -> Padding {
        guard input.count == 3 else { throw OpError(op: "explain", field: "--input", expected: "HxWxC, e.g. 56x56x64", actual: "\(input)") }
        switch padding.uppercased() {
        case "VALID": return .valid
        case "SAME": return .same
        default: throw OpError(op: "explain", field: "--padding", expected: "VALID or SAME", actual: padding)
        }
    }
}
