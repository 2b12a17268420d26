import Formats
import Optimized
import Reference

extension BuiltinSuite {
    /// The backward suite: the gradients of the forward suite's training shapes, input and filter
    /// gradient each (their descriptors list them).
    static let gradientCases: [BenchCase] = [
        ("resnet-56x56x64-k3", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same)),
        ("strided-112x112x64-k3-s2", [1, 112, 112, 64], [3, 3, 64, 128], Conv2DAttributes(strides: [2, 2], padding: .same)),
        ("resnext-32x4d-56x56x128-k3", [1, 56, 56, 128], [3, 3, 4, 128], Conv2DAttributes(padding: .same)),
        ("dilated2-64x64x64-k3", [1, 64, 64, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same, dilations: [2, 2])),
    ].flatMap { id, x, f, attrs in
        [gradient("conv2d_backprop_input", id, x, f, attrs.json), gradient("conv2d_backprop_filter", id, x, f, attrs.json)]
    } + [
        gradient("depthwise_conv2d_backprop_input", "56x56x128-k3", [1, 56, 56, 128], [3, 3, 128, 1], Conv2DAttributes(padding: .same).json),
        gradient("depthwise_conv2d_backprop_filter", "56x56x128-k3", [1, 56, 56, 128], [3, 3, 128, 1], Conv2DAttributes(padding: .same).json),
        gradient("conv1d_backprop_input", "batch32-800x10-f16-k6", [32, 800, 10], [6, 10, 16], conv1dValid),
        gradient("conv1d_backprop_filter", "batch32-800x10-f16-k6", [32, 800, 10], [6, 10, 16], conv1dValid),
        transpose("conv2d_transpose", "unet-up-28x28x256-k2-s2", [1, 28, 28, 256], [2, 2, 128, 256], strides: [2, 2]),
        transpose("conv1d_transpose", "upsample-400x32-k4-s2", [8, 400, 32], [4, 16, 32], strides: [2]),
    ]

    /// A Keras transposed convolution (SAME, no output padding) of fixed float32 input and kernel.
    static func transpose(_ op: String, _ name: String, _ x: [Int], _ k: [Int], strides: [Int]) -> BenchCase {
        let attrs: [(String, JSONValue)] = [("strides", ints(strides)), ("padding", .string("SAME")), ("output_padding", .null),
                                            ("dilations", ints(strides.map { _ in 1 }))]
        let make: @Sendable () throws -> GeneratedCase = {
            GeneratedCase(op: op, attrs: attrs, inputs: [("input", .float32(floats(x, seed: 1))), ("kernel", .float32(floats(k, seed: 2)))])
        }
        let flops = (try? make().prepare())?.flops
        return BenchCase(id: "\(op)/\(name)", op: op, shape: "\(x) ⊛ᵀ \(k) SAME strides \(strides)", flops: flops,
                         bytes: flops.map { _ in 8 * Double(x.reduce(1, *) + k.reduce(1, *)) }, fixtureForm: make) {
            let prepared = try make().prepare()
            guard let optimized = prepared.optimized else { throw OpError(op: op, field: "(optimized)", expected: "an implementation", actual: "none") }
            return .init(reference: { _ = try prepared.reference() }, optimized: { _ = try optimized() })
        }
    }

    static let conv1dValid: [(String, JSONValue)] = [("strides", ints([1])), ("padding", .string("VALID")), ("dilations", ints([1]))]

    /// A gradient case of `op` for the forward operands' shapes `x` and `f` under `attrs` (as a case
    /// gives them): float32 gradient and given operand from fixed seeds, run through the op table,
    /// as `conform fixtures` runs a case. The forward output's shape comes from the reference's own
    /// validation of the forward case.
    static func gradient(_ op: String, _ name: String, _ x: [Int], _ f: [Int], _ attrs: [(String, JSONValue)]) -> BenchCase {
        let id = "\(op)/\(name)"
        let gradientOp = GradientOp.named(op)!
        let shape = (gradientOp.ofInput ? "∂x " : "∂w ") + "\(x) ⊛ \(f) " + attrs.map { "\($0.0) \($0.1)" }.joined(separator: " ")
        let forward = GeneratedCase(op: gradientOp.forward, attrs: attrs,
                                    inputs: [("input", .float32(floats(x, seed: 1))), (gradientOp.forwardFilter, .float32(floats(f, seed: 2)))])
        let make: @Sendable () throws -> GeneratedCase = {
            let y = try forwardOutputShape(gradientOp.forward, x, f, forward)
            let given = gradientOp.ofInput ? forward.inputs[1] : forward.inputs[0]
            return GeneratedCase(op: op, attrs: [(gradientOp.sizes, ints(gradientOp.ofInput ? x : f))] + attrs,
                                 inputs: [(gradientOp.given, given.1), ("out_backprop", .float32(floats(y, seed: 3)))])
        }
        // The forward op's FLOPs: a gradient sums the same products.
        let flops = (try? forward.prepare())?.flops
        let elements = Double(x.reduce(1, *) + f.reduce(1, *))
        return BenchCase(id: id, op: op, shape: shape, flops: flops, bytes: flops.map { _ in 8 * elements }, fixtureForm: make) {
            let prepared = try make().prepare()
            guard let optimized = prepared.optimized else { throw OpError(op: op, field: "(optimized)", expected: "an implementation", actual: "none") }
            return .init(reference: { _ = try prepared.reference() }, optimized: { _ = try optimized() })
        }
    }
}

extension BuiltinSuite {
    /// The forward op's output shape by its geometry (the attributes decoded as the op table decodes them).
    static func forwardOutputShape(_ op: String, _ x: [Int], _ f: [Int], _ c: GeneratedCase) throws -> [Int] {
        let context = SwiftCandidate.context(op, c.attrs)
        switch op {
        case "conv1d":
            let a = try OpEntry.conv1DAttributes(context)
            let g = try Conv2DGeometry(input: [x[0], 1, x[1], x[2]], filters: [1] + f, attrs: conv1dAttributesAsConv2d(a, kernel: f[0]))
            return [g.batch, g.cols.output, g.outputChannels]
        case "depthwise_conv2d": return try DepthwiseGeometry(input: x, filter: f, attrs: try OpEntry.conv2DAttributes(context)).outputShape
        default: return try Conv2DGeometry(input: x, filters: f, attrs: try OpEntry.conv2DAttributes(context)).outputShape
        }
    }
}

extension Conv2DAttributes {
    /// The attributes as a case gives them.
    var json: [(String, JSONValue)] {
        [("strides", BuiltinSuite.ints(strides)), ("padding", BuiltinSuite.padding(padding)), ("dilations", BuiltinSuite.ints(dilations))]
    }
}
