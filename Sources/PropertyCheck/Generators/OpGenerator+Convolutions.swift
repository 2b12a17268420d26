import Formats
import Reference

extension OpGenerator {
    /// Paddings as the manifests write them: 0 VALID, 1 SAME, 2 explicit, 3 CAUSAL (conv1d).
    static func paddingJSON(_ kind: Int, _ pairs: [(Int, Int)]) -> JSONValue {
        switch kind {
        case 0: .string("VALID")
        case 1: .string("SAME")
        case 3: .string("CAUSAL")
        default: J.pairs(pairs)
        }
    }

    /// conv1d's padding from its parameters: `padding` 0 VALID, 1 SAME, 3 CAUSAL, else explicit
    /// `[padBefore, padAfter]`.
    static func conv1dPadding(_ p: [String: Int]) -> Padding {
        switch p.v("padding") {
        case 0: .valid
        case 1: .same
        case 3: .causal
        default: .explicit([PadPair(p.v("padBefore"), p.v("padAfter"))])
        }
    }

    static let spatial: [Param] = [
        Param("batch", 1...2), Param("height", from: 1, scale: 0.6, cap: 20), Param("width", from: 1, scale: 0.8, cap: 24),
        Param("kernelHeight", 1...5), Param("kernelWidth", 1...6), Param("strideH", 1...3), Param("strideW", 1...4),
        Param("dilationH", 1...3), Param("dilationW", 1...3), Param("padding", 0...2),
        Param("padTop", 0...3), Param("padBottom", 0...3), Param("padLeft", 0...3), Param("padRight", 0...3),
        Param("dtype", 0...2),
    ]

    static func conv2DAttrs(_ p: [String: Int]) -> (JSONValue, Conv2DAttributes) {
        let pairs = [(p.v("padTop"), p.v("padBottom")), (p.v("padLeft"), p.v("padRight"))]
        let padding: Padding = switch p.v("padding") { case 0: .valid; case 1: .same; default: .explicit(pairs.map { PadPair($0.0, $0.1) }) }
        return (paddingJSON(p.v("padding"), pairs),
                Conv2DAttributes(strides: [p.v("strideH"), p.v("strideW")], padding: padding, dilations: [p.v("dilationH"), p.v("dilationW")]))
    }

    /// Most outputs read real input (else a result of zeros proves nothing: the mistrust guard).
    static func mostlyReal(_ rows: AxisGeometry, _ cols: AxisGeometry) -> Bool {
        rows.outputsReadingInput * cols.outputsReadingInput * 4 >= rows.output * cols.output * 3
    }

    /// Explicit pads no wider than the dilated kernel.
    static func padsReasonable(_ p: [String: Int]) -> Bool {
        let eh = (p.v("kernelHeight") - 1) * p.v("dilationH") + 1, ew = (p.v("kernelWidth") - 1) * p.v("dilationW") + 1
        return p.v("padding") != 2 || (max(p.v("padTop"), p.v("padBottom")) < eh && max(p.v("padLeft"), p.v("padRight")) < ew)
    }

    /// conv2d's size classes (the `sizeClass` parameter): most cases are small; a few cross the
    /// thresholds of the optimized code whatever the campaign's size (shrinking moves toward 0).
    enum SizeClass: Int {
        /// More than one 1024-pixel tile of the 1×1 GEMM: 1×1 kernel, stride 1, VALID, 33–40² pixels.
        case manyPixels = 1
        /// Wide rows for the column-vectorised kernel: 72–118 input columns (its 4th accumulator and
        /// 2nd segment), few rows and channels.
        case wide = 4
        /// Many narrow groups, as ResNeXt has: 8 or 16 groups of 4 input channels and at most 4
        /// outputs, on a small image, in float32 or float16 (the four-channel pair kernel takes
        /// eight whole groups).
        case manyGroups = 2
        /// Deep groups for several im2col tiles and several tap slices of the direct kernel:
        /// 24–40 channels per group, 3×3 to 5×5 kernels, 22–27² input pixels.
        case deep = 6
        /// Large float16 tensors, whose conversions to and from float32 run in several chunks:
        /// a float16 case (only) becomes a 1×1 convolution of 64 channels over 64–66 × 65–67
        /// pixels (at least 266 240 input elements, past one 262 144-element chunk) to 1 output.
        case halfChunks = 3
    }

    /// Parameters moved into a size class.
    static func sized(_ p: [String: Int]) -> [String: Int] {
        var p = p
        // Each class maps the parameters monotonically, so shrinking them shrinks the case (down to the class's threshold).
        switch SizeClass(rawValue: p.v("sizeClass")) {
        case .manyPixels?:
            (p["kernelHeight"], p["kernelWidth"], p["strideH"], p["strideW"], p["padding"]) = (1, 1, 1, 1, 0)
            (p["height"], p["width"]) = (32 + min(p.v("height"), 8), 32 + min(p.v("width"), 8))
            (p["channelsPerGroup"], p["outputsPerGroup"]) = (min(p.v("channelsPerGroup"), 3), min(p.v("outputsPerGroup"), 3))
        case .wide?:
            (p["height"], p["width"], p["strideW"]) = (min(p.v("height"), 3), 70 + 2 * p.v("width"), 1)
            (p["channelsPerGroup"], p["outputsPerGroup"]) = (min(p.v("channelsPerGroup"), 2), min(p.v("outputsPerGroup"), 3))
        case .manyGroups?:
            (p["groups"], p["channelsPerGroup"], p["outputsPerGroup"]) = (8 * min(p.v("groups"), 2), 4, min(p.v("outputsPerGroup"), 4))
            // The grouped direct kernels are float32 ones (float16 runs them too): no float64 here.
            if p.v("dtype") == 1 { p["dtype"] = 0 }
            (p["height"], p["width"]) = (min(p.v("height"), 6), min(p.v("width"), 6))
        case .deep?:
            (p["kernelHeight"], p["kernelWidth"]) = (2 + min(p.v("kernelHeight"), 3), 2 + min(p.v("kernelWidth"), 3))
            (p["height"], p["width"], p["strideH"], p["strideW"], p["dilationH"], p["dilationW"]) =
                (21 + min(p.v("height"), 6), 21 + min(p.v("width"), 6), 1, 1, 1, 1)
            (p["channelsPerGroup"], p["outputsPerGroup"], p["groups"]) = (23 + min(p.v("channelsPerGroup"), 17), min(p.v("outputsPerGroup"), 4), 1)
        case .halfChunks? where p.v("dtype") == 2:
            (p["kernelHeight"], p["kernelWidth"], p["strideH"], p["strideW"], p["dilationH"], p["dilationW"], p["padding"]) = (1, 1, 1, 1, 1, 1, 0)
            (p["height"], p["width"]) = (64 + min(p.v("height"), 2), 65 + min(p.v("width"), 2))
            (p["channelsPerGroup"], p["outputsPerGroup"], p["groups"], p["batch"]) = (64, 1, 1, 1)
        case .halfChunks?, nil: break
        }
        return p
    }

    public static let conv2d = OpGenerator(
        op: "conv2d",
        params: spatial + [Param("channelsPerGroup", from: 1, scale: 0.8, cap: 40), Param("groups", 1...3),
                           Param("outputsPerGroup", from: 1, scale: 1, cap: 48), Param("sizeClass", 0...8)],
        build: { p, fill, rng in
            let p = sized(p)
            let (json, attrs) = conv2DAttrs(p)
            let (g, cpg, opg) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"))
            let x = [p.v("batch"), p.v("height"), p.v("width"), g * cpg], f = [p.v("kernelHeight"), p.v("kernelWidth"), cpg, g * opg]
            guard padsReasonable(p) || p.v("boundary") == 1, let geo = try? Conv2DGeometry(input: x, filters: f, attrs: attrs), mostlyReal(geo.rows, geo.cols) else { return nil }
            return GeneratedCase(op: "conv2d", attrs: [("strides", J.ints(attrs.strides)), ("padding", json), ("dilations", J.ints(attrs.dilations))],
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("filters", floats(f, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            // Channels not divisible by the filter's, a zero stride, or a VALID kernel so long that
            // TensorFlow's output size (n − extent + s) / s is negative.
            let kinds = [
                ([1, 4, 4, 5], [2, 2, 2, 4], "VALID", [1, 1]), ([1, 4, 4, 2], [2, 2, 2, 3], "SAME", [0, 1]),
                ([1, 2, 2, 1], [4, 1, 1, 1], "VALID", [1, 1]), ([1, 4, 4, 4], [2, 2, 2, 3], "SAME", [1, 1]),
            ]
            let (x, f, padding, strides) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv2d", attrs: [("strides", J.ints(strides)), ("padding", .string(padding))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("filters", .float32(Fill.exact.tensor(f, &rng)))])
        },
        declassify: { p in sized(p).merging(["sizeClass": 0]) { _, b in b } })

    public static let conv1d = OpGenerator(
        op: "conv1d",
        params: [Param("batch", 1...2), Param("width", from: 1, scale: 1.5, cap: 40), Param("kernel", 1...7),
                 Param("stride", 1...4), Param("dilation", 1...3), Param("padding", 0...3), Param("padBefore", 0...3),
                 Param("padAfter", 0...3), Param("channelsPerGroup", from: 1, scale: 0.8, cap: 24), Param("groups", 1...3),
                 Param("outputsPerGroup", from: 1, scale: 1, cap: 40), Param("dtype", 0...2)],
        build: { p, fill, rng in
            let (g, cpg, opg, k, d) = (p.v("groups"), p.v("channelsPerGroup"), p.v("outputsPerGroup"), p.v("kernel"), p.v("dilation"))
            let pads = (p.v("padBefore"), p.v("padAfter"))
            let attrs = Conv1DAttributes(strides: [p.v("stride")], padding: conv1dPadding(p), dilations: [d])
            let x = [p.v("batch"), p.v("width"), g * cpg], f = [k, cpg, g * opg]
            guard p.v("padding") != 2 || max(pads.0, pads.1) < (k - 1) * d + 1 || p.v("boundary") == 1 else { return nil }
            let xt = Fill.random.tensor(x, &rng, as: Float.self), ft = Fill.random.tensor(f, &rng, as: Float.self)
            guard let geo = (try? Reference.conv1dAsConv2d(xt, ft, attrs)).flatMap({ x2, f2, a2 in try? Conv2DGeometry(input: x2.shape, filters: f2.shape, attrs: a2) }),
                  mostlyReal(geo.rows, geo.cols) else { return nil }
            return GeneratedCase(op: "conv1d", attrs: [("strides", J.ints([p.v("stride")])), ("padding", paddingJSON(p.v("padding"), [pads])),
                                                       ("dilations", J.ints([d]))],
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("filters", floats(f, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            let kinds = [([1, 5, 3], [2, 2, 4], "VALID", 1), ([1, 2, 1], [4, 1, 1], "VALID", 1), ([1, 6, 2], [2, 2, 2], "CAUSAL", 0)]
            let (x, f, padding, dilation) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "conv1d", attrs: [("padding", .string(padding)), ("dilations", J.ints([dilation]))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("filters", .float32(Fill.exact.tensor(f, &rng)))])
        })

    public static let depthwiseConv2d = OpGenerator(
        op: "depthwise_conv2d",
        params: spatial + [Param("channels", from: 1, scale: 1.5, cap: 48), Param("multiplier", 1...3)],
        build: { p, fill, rng in
            let (json, attrs) = conv2DAttrs(p)
            let x = [p.v("batch"), p.v("height"), p.v("width"), p.v("channels")]
            let f = [p.v("kernelHeight"), p.v("kernelWidth"), p.v("channels"), p.v("multiplier")]
            guard padsReasonable(p) || p.v("boundary") == 1, let geo = try? DepthwiseGeometry(input: x, filter: f, attrs: attrs), mostlyReal(geo.rows, geo.cols) else { return nil }
            return GeneratedCase(op: "depthwise_conv2d", attrs: [("strides", J.ints(attrs.strides)), ("padding", json), ("dilations", J.ints(attrs.dilations))],
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("filter", floats(f, p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            let kinds = [([1, 4, 4, 3], [2, 2, 2, 1], [1, 1]), ([1, 4, 4, 2], [2, 2, 2, 1], [1, -1]), ([1, 2, 2, 1], [4, 4, 1, 1], [1, 1])]
            let (x, f, dilations) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "depthwise_conv2d", attrs: [("padding", .string("VALID")), ("dilations", J.ints(dilations))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("filter", .float32(Fill.exact.tensor(f, &rng)))])
        })

    public static let separableConv2d = OpGenerator(
        op: "separable_conv2d",
        params: spatial + [Param("channels", from: 1, scale: 1, cap: 32), Param("multiplier", 1...3),
                           Param("outputs", from: 1, scale: 1, cap: 40)],
        build: { p, fill, rng in
            let (json, attrs) = conv2DAttrs(p)
            let (c, m) = (p.v("channels"), p.v("multiplier"))
            let x = [p.v("batch"), p.v("height"), p.v("width"), c], d = [p.v("kernelHeight"), p.v("kernelWidth"), c, m]
            guard padsReasonable(p) || p.v("boundary") == 1, let geo = try? DepthwiseGeometry(input: x, filter: d, attrs: attrs), mostlyReal(geo.rows, geo.cols) else { return nil }
            return GeneratedCase(op: "separable_conv2d", attrs: [("strides", J.ints(attrs.strides)), ("padding", json), ("dilations", J.ints(attrs.dilations))],
                                 inputs: [("input", floats(x, p.v("dtype"), fill, &rng)), ("depthwise_filter", floats(d, p.v("dtype"), fill, &rng)),
                                          ("pointwise_filter", floats([1, 1, c * m, p.v("outputs")], p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            GeneratedCase(op: "separable_conv2d", attrs: [("padding", .string("SAME"))],
                          inputs: [("input", .float32(Fill.exact.tensor([1, 3, 3, 2], &rng))),
                                   ("depthwise_filter", .float32(Fill.exact.tensor([2, 2, 2, 2], &rng))),
                                   ("pointwise_filter", .float32(Fill.exact.tensor([1, 1, 3 + Int(rng.next() % 2) * 2, 2], &rng)))])
        })

    /// conv2d_at's tall class (`tall` ≥ 3): 140+ kernel rows inside the window, so the window
    /// splits into several row blocks (cheap: the op is O(KH·KW), so this class can be common).
    static func tall(_ p: [String: Int]) -> [String: Int] {
        guard p.v("tall") >= 3 else { return p }
        var p = p
        (p["height"], p["kernelHeight"]) = (140 + p.v("height"), 140 + p.v("kernelHeight"))
        (p["width"], p["kernelWidth"]) = (min(p.v("width"), 20), min(p.v("kernelWidth"), 20))
        // Near the top for the corner anchor, near the middle for the center one.
        p["rowPermille"] = p.v("center") == 1 ? 400 + p.v("rowPermille") % 200 : p.v("rowPermille") % 20
        return p
    }

    public static let conv2dAt = OpGenerator(
        op: "conv2d_at",
        params: [Param("height", from: 1, scale: 2, cap: 60), Param("width", from: 1, scale: 2, cap: 60),
                 Param("kernelHeight", from: 1, scale: 2, cap: 70), Param("kernelWidth", from: 1, scale: 2, cap: 70),
                 Param("rowPermille", 0...999), Param("colPermille", 0...999), Param("convolution", 0...1), Param("center", 0...1),
                 Param("dtype", 0...2), Param("tall", 0...4)],
        build: { p, fill, rng in
            let p = tall(p)
            let (h, w) = (p.v("height"), p.v("width"))
            let (row, col) = (p.v("rowPermille") * h / 1000, p.v("colPermille") * w / 1000)
            return GeneratedCase(op: "conv2d_at",
                                 attrs: [("row", JSONValue(row)), ("col", JSONValue(col)),
                                         ("mode", .string(p.v("convolution") == 1 ? "convolution" : "correlation")),
                                         ("anchor", .string(p.v("center") == 1 ? "center" : "corner"))],
                                 inputs: [("input", floats([h, w], p.v("dtype"), fill, &rng)),
                                          ("kernel", floats([p.v("kernelHeight"), p.v("kernelWidth")], p.v("dtype"), fill, &rng))])
        },
        invalid: { p, rng in
            let h = 1 + Int(rng.next() % 5)
            let (row, col) = rng.next() % 2 == 0 ? (h + Int(rng.next() % 3), 0) : (0, -1 - Int(rng.next() % 3))
            return GeneratedCase(op: "conv2d_at", attrs: [("row", JSONValue(row)), ("col", JSONValue(col))],
                                 inputs: [("input", .float32(Fill.exact.tensor([h, h], &rng))), ("kernel", .float32(Fill.exact.tensor([2, 2], &rng)))])
        },
        declassify: { p in tall(p).merging(["tall": 0]) { _, b in b } })
}
