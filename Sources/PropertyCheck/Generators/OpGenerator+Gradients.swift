import Formats
import Reference

extension OpGenerator {
    /// conv2d's input gradient on conv2d's geometries: the forward case's input shape becomes
    /// `input_sizes`, a gradient of its output's shape joins the filter. Most input elements are
    /// read by some output (else the result is mostly zeros and proves nothing); `empty` at its
    /// top value makes the batch 0.
    public static let conv2dBackpropInput = OpGenerator(
        op: "conv2d_backprop_input",
        params: spatial + [Param("channelsPerGroup", from: 1, scale: 0.8, cap: 24), Param("groups", 1...3),
                           Param("outputsPerGroup", from: 1, scale: 1, cap: 32), Param("empty", 0...7)],
        build: { p, fill, rng in
            let (json, attrs) = conv2DAttrs(p)
            let (g, cpg, opg) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"))
            let x = [p.v("empty") == 7 ? 0 : p.v("batch"), p.v("height"), p.v("width"), g * cpg]
            let f = [p.v("kernelHeight"), p.v("kernelWidth"), cpg, g * opg]
            guard padsReasonable(p), let geo = try? Conv2DGeometry(input: x, filters: f, attrs: attrs),
                  geo.rows.positionsRead * geo.cols.positionsRead * 4 >= geo.height * geo.width * 3 else { return nil }
            return GeneratedCase(op: "conv2d_backprop_input",
                                 attrs: [("input_sizes", J.ints(x)), ("strides", J.ints(attrs.strides)), ("padding", json),
                                         ("dilations", J.ints(attrs.dilations))],
                                 inputs: [("filter", floats(f, p.v("dtype"), fill, &rng)),
                                          ("out_backprop", floats(geo.outputShape, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            // A gradient of the wrong shape, three input sizes, a zero stride, or channels the filter does not divide.
            let kinds: [([Int], [Int], [Int], [Int])] = [
                ([1, 4, 4, 2], [2, 2, 2, 3], [1, 3, 4, 3], [1, 1]), ([1, 4, 4], [2, 2, 2, 3], [1, 3, 3, 3], [1, 1]),
                ([1, 4, 4, 2], [2, 2, 2, 3], [1, 3, 3, 3], [0, 1]), ([1, 4, 4, 5], [2, 2, 2, 4], [1, 3, 3, 4], [1, 1]),
            ]
            let (sizes, f, dy, strides) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv2d_backprop_input",
                                 attrs: [("input_sizes", J.ints(sizes)), ("strides", J.ints(strides)), ("padding", .string("VALID"))],
                                 inputs: [("filter", .float32(Fill.exact.tensor(f, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })
}
