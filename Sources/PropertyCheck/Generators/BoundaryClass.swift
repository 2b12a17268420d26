import Reference

/// A region of an op's case space where implementations switch to special code: an output extent
/// of 0 or 1, a kernel one longer or shorter than its input, a stride past the kernel, one
/// channel, and the like. Each class is a predicate over a case's parameters, derived from the
/// op's output-size formulas (docs/BOUNDARIES.md, "Boundary classes").
///
/// A fixed share of every campaign's cases (`Campaign.boundaryShare`) is drawn into these classes,
/// for Conform's own code and for any candidate alike: a boundary draw picks a primary class (in
/// turn) and two more (at random), and draws small parameters, each biased to its edges, until all
/// three hold (or, when they cannot hold at once, the primary alone). Every case is classified
/// whatever drew it; a class no case reached is `UNREACHED`.
public struct BoundaryClass: Sendable, Hashable {
    public let op: String
    public let name: String
    let holds: @Sendable ([String: Int]) -> Bool

    public static func == (a: BoundaryClass, b: BoundaryClass) -> Bool { a.op == b.op && a.name == b.name }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(name)
    }

    /// `op: name`, as the coverage table prints it.
    public var id: String { "\(op): \(name)" }

    /// Whether the case these (generator) parameters build lies in the class.
    public func contains(_ params: [String: Int]) -> Bool { holds(params) }

    /// The classes of an op (empty for an op without any).
    public static func of(_ op: String) -> [BoundaryClass] { OpTable.descriptor(named: op)?.boundaryClasses ?? [] }

    /// Every op's classes, in op-table order (the coverage table prints them so).
    public static var all: [BoundaryClass] { OpTable.descriptors.flatMap(\.boundaryClasses) }

    /// The classes of the parameters, by name.
    public static func classify(_ params: [String: Int], op: String) -> [BoundaryClass] {
        of(op).filter { $0.holds(params) }
    }
}

// MARK: drawing

extension BoundaryClass {
    /// The parameter ranges of a boundary draw: small, so that extents of 0 and 1, single channels
    /// and strides past the input are common. A parameter not listed keeps its ordinary draw.
    static let smallRanges: [String: ClosedRange<Int>] = [
        "batch": 1...3, "height": 1...9, "width": 1...9, "kernelHeight": 1...5, "kernelWidth": 1...5, "kernel": 1...5,
        "strideH": 1...4, "strideW": 1...4, "stride": 1...4, "dilationH": 1...3, "dilationW": 1...3, "dilation": 1...3,
        "padTop": 0...5, "padBottom": 0...5, "padLeft": 0...5, "padRight": 0...5, "padBefore": 0...5, "padAfter": 0...5,
        "channelsPerGroup": 1...4, "groups": 1...4, "outputsPerGroup": 1...4, "channels": 1...4, "multiplier": 1...3,
        "outputs": 1...4, "sizeClass": 0...0,
        "length": 1...9, "other": 1...3, "rank": 1...3, "frameLength": 1...6, "frameStep": 1...5,
        "steps": 2...12, "sequenceLength": 1...5, "sequenceStride": 1...4, "samplingRate": 1...3, "startIndex": 0...3,
        "endIndexFromEnd": 0...3, "features": 0...2, "extraAxis": 0...2, "targets": 0...3,
        "glimpseHeight": 0...6, "glimpseWidth": 0...6, "padEnd": 0...1, "axisChoice": 0...5,
        // The gradients' classes stay off in boundary draws: the boundary's own small shapes rule.
        "empty": 0...0, "large": 0...0, "pointwise": 0...0,
    ]

    /// Extents an op accepts at 0 that its ordinary draws never make 0, by op: 0 one boundary
    /// draw in `n`.
    static let zeroOdds: [String: [String: UInt64]] = [
        "frame": ["length": 8, "other": 8],
        "conv2d": ["batch": 16, "height": 16, "width": 16, "outputsPerGroup": 16],
        "conv1d": ["batch": 16, "width": 16, "outputsPerGroup": 16],
        "depthwise_conv2d": ["batch": 16, "height": 16, "width": 16, "multiplier": 16],
        "separable_conv2d": ["batch": 16, "height": 16, "width": 16, "outputs": 16],
        "conv2d_backprop_input": ["batch": 16, "height": 16, "width": 16, "outputsPerGroup": 16],
        "conv2d_backprop_filter": ["batch": 16, "height": 16, "width": 16, "outputsPerGroup": 16],
        "depthwise_conv2d_backprop_input": ["batch": 16, "height": 16, "width": 16, "multiplier": 16],
        "depthwise_conv2d_backprop_filter": ["batch": 16, "height": 16, "width": 16, "multiplier": 16],
        "conv1d_backprop_input": ["batch": 16, "width": 16, "outputsPerGroup": 16],
        "conv1d_backprop_filter": ["batch": 16, "width": 16, "outputsPerGroup": 16],
    ]

    /// One small value: the minimum a third of the time, the maximum a sixth, else uniform.
    static func small(_ range: ClosedRange<Int>, _ rng: inout SplitMix64) -> Int {
        switch rng.next() % 6 {
        case 0, 1: range.lowerBound
        case 2: range.upperBound
        default: range.lowerBound + Int(rng.next() % UInt64(range.count))
        }
    }

    /// Draws a spec inside `primary` (and inside every class of `wishes` when they can all hold at
    /// once), or nil when `tries` draws found none that builds. The spec carries `boundary = 1`,
    /// which lets the builder keep shapes its ordinary draws avoid (pads past the kernel).
    static func draw(_ primary: BoundaryClass, wishes: [BoundaryClass], generator: OpGenerator, fill: Fill,
                     rng: inout SplitMix64, size: Int, tries: Int = 4000, pool: Int = 12) -> CaseSpec? {
        let base = generator.parameters.run(&rng, size: size)
        let classes = BoundaryClass.of(generator.op)
        // The best of `pool` specs that build: the one inside the most classes at once.
        var best: (spec: CaseSpec, classes: Int)?, found = 0
        for attempt in 0..<tries {
            var p = base
            for param in generator.params {
                if let range = smallRanges[param.name] {
                    p[param.name] = zeroOdds[generator.op]?[param.name].map { rng.next() % $0 == 0 } == true ? 0 : small(range, &rng)
                }
                else if param.name == "padding", let kinds = param.range { p["padding"] = kinds.lowerBound + Int(rng.next() % UInt64(kinds.count)) }
                // Frameworks' special kernels (oneDNN's, MKL's) are float32 ones: two boundary draws in three take it.
                else if param.name == "dtype", let kinds = param.range, rng.next() % 3 != 0 { p["dtype"] = kinds.lowerBound }
            }
            p["boundary"] = 1
            // The wishes are dropped for the last half of the tries.
            guard primary.holds(p), attempt >= tries / 2 || wishes.allSatisfy({ $0.holds(p) }) else { continue }
            let spec = CaseSpec(op: generator.op, params: p, fill: fill, valueSeed: rng.next())
            guard generator.build(spec) != nil else { continue }
            let inside = classes.filter { $0.holds(p) }.count
            if best == nil || inside > best!.classes { best = (spec, inside) }
            found += 1
            if found == pool { break }
        }
        return best?.spec
    }
}

// MARK: convolutions

/// A convolution's geometry as the boundary classes read it, from a generator's parameters.
struct ConvolutionView {
    var batch = 1, inputChannels = 1, outputChannels = 1, groups = 1
    /// The spatial axes with their names (`rows`, `cols`; conv1d's one axis is `cols`).
    var axes: [(name: String, geometry: AxisGeometry)] = []
    var explicit = false, same = false, causal = false

    /// nil when the parameters describe no valid convolution.
    init?(op named: String, _ raw: [String: Int]) {
        // A gradient op is classified by its forward case (the generators draw gradients around one).
        var op = named, raw = raw
        if let gradient = GradientOp.named(named) {
            op = gradient.forward
            if op == "conv2d" { raw = OpGenerator.gradientSized(raw) } else if raw["empty"] == 7 { raw["batch"] = 0 }
        }
        let p = op == "conv2d" ? OpGenerator.sized(raw) : raw
        do {
            if op == "conv1d" {
                let kind = p.v("padding")
                (explicit, same, causal) = (kind == 2, kind == 1, kind == 3)
                let g = try AxisGeometry.resolve(op: op, axis: "W", input: p.v("width"), kernel: p.v("kernel"), stride: p.v("stride"),
                                                 dilation: p.v("dilation"), padding: OpGenerator.conv1dPadding(p))
                axes = [("cols", g)]
                (groups, batch) = (p.v("groups"), p.v("batch"))
                (inputChannels, outputChannels) = (groups * p.v("channelsPerGroup"), groups * p.v("outputsPerGroup"))
                return
            }
            let (_, attrs) = OpGenerator.conv2DAttrs(p)
            (explicit, same) = (p.v("padding") == 2, p.v("padding") == 1)
            let (rows, cols) = try attrs.geometry(op: op, height: p.v("height"), width: p.v("width"),
                                                  kernelHeight: p.v("kernelHeight"), kernelWidth: p.v("kernelWidth"))
            axes = [("rows", rows), ("cols", cols)]
            batch = p.v("batch")
            if op == "conv2d" {
                groups = p.v("groups")
                (inputChannels, outputChannels) = (groups * p.v("channelsPerGroup"), groups * p.v("outputsPerGroup"))
            } else {
                inputChannels = p.v("channels")
                outputChannels = op == "separable_conv2d" ? p.v("outputs") : p.v("channels") * p.v("multiplier")
                groups = inputChannels
            }
        } catch {
            return nil
        }
    }

    func axis(_ name: String) -> AxisGeometry? { axes.first { $0.name == name }?.geometry }
}

extension BoundaryClass {
    /// The classes of a convolution, from its output-size formulas: per spatial axis, the output
    /// extents 0 and 1, a dilated kernel one longer or shorter than the input or exactly as long
    /// (dilated), a stride past the kernel or the input, explicit pads at least the kernel, SAME's
    /// odd pixel; an empty batch, input axis or output channel axis; one input or output channel,
    /// as many groups as channels, several images with one output row or column.
    static func convolutionClasses(op: String) -> [BoundaryClass] {
        func cls(_ name: String, _ holds: @escaping @Sendable (ConvolutionView) -> Bool) -> BoundaryClass {
            BoundaryClass(op: op, name: name) { p in ConvolutionView(op: op, p).map(holds) ?? false }
        }
        // A gradient op has its forward op's classes (the shapes of the forward case it differentiates).
        let shape = GradientOp.named(op)?.forward ?? op
        let axisNames = shape == "conv1d" ? ["cols"] : ["rows", "cols"]
        var classes = [BoundaryClass]()
        for a in axisNames {
            func on(_ name: String, _ test: @escaping @Sendable (AxisGeometry, ConvolutionView) -> Bool) -> BoundaryClass {
                cls("\(a): \(name)") { v in v.axis(a).map { test($0, v) } ?? false }
            }
            classes += [
                on("output extent 0") { g, _ in g.output == 0 },
                on("output extent 1") { g, _ in g.output == 1 },
                // One output: the stride then changes no value, only the addresses a kernel walks.
                on("output extent 1, stride ≥ 2") { g, _ in g.output == 1 && g.stride >= 2 },
                on("kernel = input + 1") { g, _ in g.extent == g.input + 1 },
                on("kernel = input − 1") { g, _ in g.extent == g.input - 1 },
                on("stride > kernel") { g, _ in g.stride > g.extent && g.output >= 2 },
                on("stride ≥ input") { g, _ in g.stride > 1 && g.stride >= g.input },
                on("dilated extent = input") { g, _ in g.dilation > 1 && g.extent == g.input },
                on("explicit pad ≥ kernel") { g, v in v.explicit && max(g.padBefore, g.padAfter) >= g.extent },
                // The last window's last tap on the padding after the input: kernels that clip the
                // final window (and, with several images, the next image's first row) go wrong here.
                on("last window ends in the padding after") { g, _ in
                    g.output >= 1 && g.padAfter > 0 && (g.output - 1) * g.stride + g.extent > g.padBefore + g.input
                },
                on("SAME's odd pixel") { g, v in v.same && (g.padBefore + g.padAfter) % 2 == 1 },
            ]
        }
        classes += [
            // Empty tensors TensorFlow's shape rules accept (docs/BOUNDARIES.md, the audit).
            cls("empty batch") { $0.batch == 0 },
            cls("an input extent of 0") { v in v.axes.contains { $0.geometry.input == 0 } },
            cls("no output channels") { $0.outputChannels == 0 },
            cls("one input channel") { $0.inputChannels == 1 },
            cls("one output channel") { $0.outputChannels == 1 },
            cls("several images, one output column") { v in v.batch >= 2 && v.axis("cols")?.output == 1 },
        ]
        if shape != "conv1d" {
            classes.append(cls("several images, one output row") { v in v.batch >= 2 && v.axis("rows")?.output == 1 })
            // Unequal strides: TensorFlow's depthwise kernel refuses them, oneDNN takes another route.
            classes.append(cls("strides differ") { v in v.axis("rows")?.stride != v.axis("cols")?.stride })
        }
        if shape == "conv2d" || shape == "conv1d" {
            classes.append(cls("groups = channels") { v in v.groups > 1 && v.groups == v.inputChannels })
        }
        if shape == "conv1d" {
            classes.append(cls("CAUSAL, stride ≥ 2") { v in v.causal && (v.axis("cols")?.stride ?? 1) >= 2 })
        }
        return classes
    }
}
