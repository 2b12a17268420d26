import Formats
import Reference

extension OpGenerator {
    /// conv2d's gradients' parameters: conv2d's geometry, channels per group, groups, output
    /// channels per group, and the classes of `gradientSized`.
    static let gradientParams: [Param] = spatial + [
        Param("channelsPerGroup", from: 1, scale: 0.8, cap: 24), Param("groups", 1...3),
        Param("outputsPerGroup", from: 1, scale: 1, cap: 32), Param("empty", 0...7), Param("pointwise", 0...5), Param("large", 0...6),
    ]

    /// Parameters moved into the gradients' classes: `pointwise` at its top value makes the filter
    /// 1×1 at stride 1, unpadded; `large` at 5 (one image) or 6 (two) makes at least 144 output
    /// pixels of few channels (the fast code splits those over threads, by pixels or by images);
    /// `empty` at its top value makes the batch 0. Shrinking moves each toward the ordinary draw.
    static func gradientSized(_ p: [String: Int]) -> [String: Int] {
        var p = p
        if p.v("pointwise") == 5 {
            for key in ["kernelHeight", "kernelWidth", "strideH", "strideW"] { p[key] = 1 }
            p["padding"] = 0
        }
        if p.v("large") >= 5 {
            (p["batch"], p["strideH"], p["strideW"], p["padding"]) = (p.v("large") - 4, 1, 1, 1)
            (p["height"], p["width"]) = (12 + min(p.v("height"), 4), 12 + min(p.v("width"), 4))
            (p["channelsPerGroup"], p["outputsPerGroup"], p["groups"]) = (min(p.v("channelsPerGroup"), 2), min(p.v("outputsPerGroup"), 2), 1)
        }
        if p.v("empty") == 7 { p["batch"] = 0 }
        return p
    }

    /// The forward case a gradient case is drawn around: the attributes (as JSON and typed), the
    /// input and filter shapes and the checked geometry. Nil when most input elements are read by
    /// no output (the gradient is then mostly zeros and proves nothing) or the pads are unreasonable.
    static func gradientForward(_ raw: [String: Int]) -> (JSONValue, Conv2DAttributes, [Int], [Int], Conv2DGeometry)? {
        let p = gradientSized(raw)
        let (json, attrs) = conv2DAttrs(p)
        let (g, cpg, opg) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"))
        let x = [p.v("batch"), p.v("height"), p.v("width"), g * cpg]
        let f = [p.v("kernelHeight"), p.v("kernelWidth"), cpg, g * opg]
        // A boundary draw keeps the shapes ordinary draws avoid (pads past the kernel, unread input).
        let boundary = p.v("boundary") == 1
        guard padsReasonable(p) || boundary, let geo = try? Conv2DGeometry(input: x, filters: f, attrs: attrs),
              boundary || geo.rows.positionsRead * geo.cols.positionsRead * 4 >= geo.height * geo.width * 3 else { return nil }
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
        },
        declassify: declassifyGradient)

    /// The same case outside the classes of `gradientSized`, so shrinking can leave a class's threshold.
    @Sendable static func declassifyGradient(_ p: [String: Int]) -> [String: Int] {
        gradientSized(p).merging(["large": 0, "pointwise": 0]) { _, b in b }
    }

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
        },
        declassify: declassifyGradient)
}

extension OpGenerator {
    /// The depthwise gradients' parameters: depthwise_conv2d's, plus `empty` (its top value makes the batch 0).
    static let depthwiseGradientParams: [Param] = spatial + [
        Param("channels", from: 1, scale: 1.5, cap: 40), Param("multiplier", 1...3), Param("empty", 0...7),
    ]

    /// The forward depthwise case a gradient case is drawn around (nil when most input positions are unread).
    static func depthwiseGradientForward(_ p: [String: Int]) -> (JSONValue, Conv2DAttributes, [Int], [Int], DepthwiseGeometry)? {
        let (json, attrs) = conv2DAttrs(p)
        let x = [p.v("empty") == 7 ? 0 : p.v("batch"), p.v("height"), p.v("width"), p.v("channels")]
        let f = [p.v("kernelHeight"), p.v("kernelWidth"), p.v("channels"), p.v("multiplier")]
        let boundary = p.v("boundary") == 1
        guard padsReasonable(p) || boundary, let geo = try? DepthwiseGeometry(input: x, filter: f, attrs: attrs),
              boundary || geo.rows.positionsRead * geo.cols.positionsRead * 4 >= geo.height * geo.width * 3 else { return nil }
        return (json, attrs, x, f, geo)
    }

    /// depthwise_conv2d's input gradient: `input_sizes`, the filter and a gradient of the forward output's shape.
    public static let depthwiseConv2dBackpropInput = OpGenerator(
        op: "depthwise_conv2d_backprop_input", params: depthwiseGradientParams,
        build: { p, fill, rng in
            guard let (json, attrs, x, f, geo) = depthwiseGradientForward(p) else { return nil }
            return GeneratedCase(op: "depthwise_conv2d_backprop_input", attrs: gradientAttrs("input_sizes", x, json, attrs),
                                 inputs: [("filter", floats(f, p.v("dtype"), fill, &rng)),
                                          ("out_backprop", floats(geo.outputShape, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            // A gradient of the wrong channel count, a filter of other channels, or a negative input size.
            let kinds: [([Int], [Int], [Int])] = [([1, 4, 4, 2], [2, 2, 2, 2], [1, 3, 3, 2]), ([1, 4, 4, 2], [2, 2, 3, 1], [1, 3, 3, 3]),
                                                  ([1, -4, 4, 2], [2, 2, 2, 1], [1, 3, 3, 2])]
            let (sizes, f, dy) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "depthwise_conv2d_backprop_input", attrs: [("input_sizes", J.ints(sizes)), ("padding", .string("VALID"))],
                                 inputs: [("filter", .float32(Fill.exact.tensor(f, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })

    /// depthwise_conv2d's filter gradient: the input, `filter_sizes` and a gradient of the forward output's shape.
    public static let depthwiseConv2dBackpropFilter = OpGenerator(
        op: "depthwise_conv2d_backprop_filter", params: depthwiseGradientParams,
        build: { p, fill, rng in
            guard let (json, attrs, x, f, geo) = depthwiseGradientForward(p) else { return nil }
            return GeneratedCase(op: "depthwise_conv2d_backprop_filter", attrs: gradientAttrs("filter_sizes", f, json, attrs),
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)),
                                          ("out_backprop", floats(geo.outputShape, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            let kinds: [([Int], [Int], [Int])] = [([1, 4, 4, 2], [2, 2, 2, 2], [1, 3, 3, 2]), ([1, 4, 4, 2], [2, 2, 3, 1], [1, 3, 3, 3]),
                                                  ([1, 4, 4, 2], [2, 2, 2], [1, 3, 3, 2])]
            let (x, sizes, dy) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "depthwise_conv2d_backprop_filter", attrs: [("filter_sizes", J.ints(sizes)), ("padding", .string("VALID"))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })

    /// conv1d's gradients' parameters: conv1d's (CAUSAL included), plus `empty`.
    static let conv1dGradientParams: [Param] = [
        Param("batch", 1...2), Param("width", from: 1, scale: 1.5, cap: 40), Param("kernel", 1...7),
        Param("stride", 1...4), Param("dilation", 1...3), Param("padding", 0...3), Param("padBefore", 0...3),
        Param("padAfter", 0...3), Param("channelsPerGroup", from: 1, scale: 0.8, cap: 24), Param("groups", 1...3),
        Param("outputsPerGroup", from: 1, scale: 1, cap: 32), Param("dtype", 0...2), Param("empty", 0...7),
    ]

    /// The forward conv1d case a gradient case is drawn around: attributes as JSON, input and
    /// filter shapes and the forward output's shape (nil when most input positions are unread).
    static func conv1dGradientForward(_ p: [String: Int]) -> ([(String, JSONValue)], [Int], [Int], [Int])? {
        let (g, cpg, opg, k, d) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"), p.v("kernel"), p.v("dilation"))
        let pads = (p.v("padBefore"), p.v("padAfter"))
        let attrs = Conv1DAttributes(strides: [p.v("stride")], padding: conv1dPadding(p), dilations: [d])
        let x = [p.v("empty") == 7 ? 0 : p.v("batch"), p.v("width"), g * cpg], f = [k, cpg, g * opg]
        let boundary = p.v("boundary") == 1
        guard p.v("padding") != 2 || max(pads.0, pads.1) < (k - 1) * d + 1 || boundary else { return nil }
        let attrs2 = conv1dAttributesAsConv2d(attrs, kernel: k)
        guard let geo = try? Conv2DGeometry(input: [x[0], 1, x[1], x[2]], filters: [1] + f, attrs: attrs2),
              boundary || geo.cols.positionsRead * 4 >= geo.width * 3 else { return nil }
        let json: [(String, JSONValue)] = [("strides", J.ints([p.v("stride")])), ("padding", paddingJSON(p.v("padding"), [pads])), ("dilations", J.ints([d]))]
        return (json, x, f, [geo.batch, geo.cols.output, geo.outputChannels])
    }

    /// conv1d's input gradient: `input_sizes [N, W, Cin]`, the filter and a gradient of conv1d's output shape.
    public static let conv1dBackpropInput = OpGenerator(
        op: "conv1d_backprop_input", params: conv1dGradientParams,
        build: { p, fill, rng in
            guard let (attrs, x, f, y) = conv1dGradientForward(p) else { return nil }
            return GeneratedCase(op: "conv1d_backprop_input", attrs: [("input_sizes", J.ints(x))] + attrs,
                                 inputs: [("filter", floats(f, p.v("dtype"), fill, &rng)), ("out_backprop", floats(y, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            // Four input sizes, a gradient of the wrong width, CAUSAL with dilation 0.
            let kinds: [([Int], [Int], [Int], String, Int)] = [([1, 5, 2, 1], [2, 2, 3], [1, 4, 3], "VALID", 1),
                                                                ([1, 5, 2], [2, 2, 3], [1, 5, 3], "VALID", 1), ([1, 5, 2], [2, 2, 3], [1, 5, 3], "CAUSAL", 0)]
            let (sizes, f, dy, padding, d) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv1d_backprop_input", attrs: [("input_sizes", J.ints(sizes)), ("padding", .string(padding)), ("dilations", J.ints([d]))],
                                 inputs: [("filter", .float32(Fill.exact.tensor(f, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })

    /// conv1d's filter gradient: the input, `filter_sizes [K, Cin/G, Cout]` and a gradient of conv1d's output shape.
    public static let conv1dBackpropFilter = OpGenerator(
        op: "conv1d_backprop_filter", params: conv1dGradientParams,
        build: { p, fill, rng in
            guard let (attrs, x, f, y) = conv1dGradientForward(p) else { return nil }
            return GeneratedCase(op: "conv1d_backprop_filter", attrs: [("filter_sizes", J.ints(f))] + attrs,
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("out_backprop", floats(y, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            let kinds: [([Int], [Int], [Int], String, Int)] = [([1, 5, 2], [2, 2, 3, 1], [1, 4, 3], "VALID", 1),
                                                                ([1, 5, 2], [2, 2, 3], [1, 5, 3], "VALID", 1), ([1, 5, 2], [2, 2, 3], [1, 5, 3], "CAUSAL", 0)]
            let (x, sizes, dy, padding, d) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv1d_backprop_filter", attrs: [("filter_sizes", J.ints(sizes)), ("padding", .string(padding)), ("dilations", J.ints([d]))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("out_backprop", .float32(Fill.exact.tensor(dy, &rng)))])
        })
}
