import Reference

/// `conform explain` for the gradient ops.
extension Explain {
    /// conv2d's input gradient: the shapes it takes and gives, which input elements no output
    /// reads (their gradient is 0), and its work against the forward op's.
    public static func backpropInput(input: [Int], filters: Int, kernel: [Int], stride: Int, dilation: Int, padding: String,
                                     groups: Int) throws -> [String] {
        guard input.count == 3 else { throw OpError(op: "explain", field: "--input", expected: "HxWxC, e.g. 56x56x64", actual: "\(input)") }
        let p: Padding
        switch padding.uppercased() {
        case "VALID": p = .valid
        case "SAME": p = .same
        default: throw OpError(op: "explain", field: "--padding", expected: "VALID or SAME", actual: padding)
        }
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
}
