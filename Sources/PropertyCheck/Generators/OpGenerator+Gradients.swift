import Formats
import Reference

extension OpGenerator {
    /// The gradient ops' parameters: conv2d's geometry, channels per group, groups, output
    /// channels per group, `empty` (its top value makes the batch 0) and `pointwise` (its top
    /// value makes the filter 1×1 at stride 1, unpadded: a path of its own in the fast code).
    static let gradientParams: [Param] = spatial + [
        Param("channelsPerGroup", from: 1, scale: 0.8, cap: 24), Param("groups", 1...3),
        Param("outputsPerGroup", from: 1, scale: 1, cap: 32), Param("empty", 0...7), Param("pointwise", 0...5),
    ]

    /// The forward case a gradient case is drawn around: the attributes (as JSON and typed), the
    /// input and filter shapes and the checked geometry. Nil when most input elements are read by
    /// no output (the gradient is then mostly zeros and proves nothing) or the pads are unreasonable.
    static func gradientForward(_ p: [String: Int]) -> (JSONValue, Conv2DAttributes, [Int], [Int], Conv2DGeometry)? {
        var p = p
        if p.v("pointwise") == 5 {
            for key in ["kernelHeight", "kernelWidth", "strideH", "strideW"] { p[key] = 1 }
            p["padding"] = 0
        }
        let (json, attrs) = conv2DAttrs(p)
        let (g, cpg, opg) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"))
        let x = [p.v("empty") == 7 ? 0 : p.v("batch"), p.v("height"), p.v("width"), g * cpg]
        let f = [p.v("kernelHeight"), p.v("kernelWidth"), cpg, g * opg]
        guard padsReasonable(p), let geo = try? Conv2DGeometry(input: x, filters: f, attrs: attrs),
              geo.rows.positionsRead * geo.cols.positionsRead * 4 >= geo.height * geo.width * 3 else { return nil }
        return (json, attrs, x, f, geo)
    }

    /// The attributes of a gradient case: the given size attribute, then conv2d's.
    static func gradientAttrs(_ sizeName: String, _ sizes: [Int], _ json: JSONValue, _ attrs: Conv2DAttributes) -> [(String, JSONValue)] {
        [(sizeName, J.ints(sizes)), ("strides", J.ints(attrs.strides)), ("padding", json), ("dilations", J.ints(attrs.dilations))]
    }

    /// conv2d's input gradient on conv2d's geometries: the forward case's input shape becomes
    /// `input_sizes`, a gradient of its output's shape joins the filter.
    public static let conv2dBackpropInput = OpGenerator(
        op: "conv2d_backprop_input", params: gradientParams,
        build: { p, fill, rng in
            guard let (json, attrs, x, f, geo) = gradientForward(p) else { return nil }
            return GeneratedCase(op: "conv2d_backprop_input", attrs: gradientAttrs("input_sizes", x, json, attrs),
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

    /// conv2d's filter gradient on conv2d's geometries: the forward case's filter shape becomes
    /// `filter_sizes`, a gradient of its output's shape joins the input.
    public static let conv2dBackpropFilter = OpGenerator(
        op: "conv2d_backprop_filter", params: gradientParams,
        build: { p, fill, rng in
            guard let (json, attrs, x, f, geo) = gradientForward(p) else { return nil }
            return GeneratedCase(op: "conv2d_backprop_filter", attrs: gradientAttrs("filter_sizes", f, json, attrs),
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)),
                                          ("out_backprop", floats(geo.outputShape, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            // A gradient of the wrong shape, three filter sizes, a negative filter size, or channels the filter does not divide.
            let kinds: [([Int], [Int], [Int], [Int])] = [
                ([1, 4, 4, 2], [2, 2, 2, 3], [1, 3, 4, 3], [1, 1]), ([1, 4, 4, 2], [2, 2, 2], [1, 3, 3, 3], [1, 1]),
                ([1, 4, 4, 2], [2, -2, 2, 3], [1, 3, 3, 3], [1, 1]), ([1, 4, 4, 5], [2, 2, 2, 4], [1, 3, 3, 4], [1, 1]),
            ]
            let (x, sizes, dy, strides) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv2d_backprop_filter",
                                 attrs: [("filter_sizes", J.ints(sizes)), ("strides", J.ints(strides)), ("padding", .string("VALID"))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })
}
