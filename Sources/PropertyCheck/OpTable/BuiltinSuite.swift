import Formats
import Optimized
import Reference

/// The built-in benchmark suite: every op at realistic sizes, including the shapes TensorFlow was
/// timed on. Inputs are uniform in [−1, 1) from a fixed seed. Each op's descriptor lists its
/// cases (`OpDescriptor.benchmarks`); `cases` is all of them, in op-table order.
public enum BuiltinSuite {
    /// Every op's cases, in op-table order.
    public static var cases: [BenchCase] { OpTable.descriptors.flatMap(\.benchmarks) }

    /// The cases written here for `op`, for its descriptor.
    static func cases(of op: String) -> [BenchCase] { (definitions + gradientCases).filter { $0.op == op } }

    static func floats(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
        var rng = SplitMix64(seed: seed)
        let n = shape.reduce(1, *)
        return try! Tensor(shape: shape, scalars: (0..<n).map { _ in Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23) })
    }

    static func ints(_ values: [Int]) -> JSONValue { .array(values.map { JSONValue($0) }) }

    /// `floats` in the element type `T` (rounded once from the float32 values).
    static func values<T: ConformFloat>(_ shape: [Int], seed: UInt64, as _: T.Type) -> Tensor<T> {
        try! Tensor(shape: shape, scalars: floats(shape, seed: seed).scalars.map { T($0) })
    }

    static func padding(_ p: Padding) -> JSONValue {
        switch p {
        case .same: .string("SAME")
        case .valid: .string("VALID")
        case .causal: .string("CAUSAL")
        case let .explicit(pairs): .array(pairs.map { .array([JSONValue($0.before), JSONValue($0.after)]) })
        }
    }

    /// The shape column: operands, padding, strides and dilations when not 1, the dtype when not float32.
    static func describe(_ x: [Int], _ f: [Int], _ p: Padding, strides: [Int], dilations: [Int], _ dtype: DType) -> String {
        "\(x) ⊛ \(f) \(p)" + (strides.allSatisfy { $0 == 1 } ? "" : " s\(strides)") + (dilations.allSatisfy { $0 == 1 } ? "" : " d\(dilations)")
            + (dtype == .float32 ? "" : " \(dtype.rawValue)")
    }

    /// A conv2d case, `input ⊛ filters`, in `T` (inputs rounded once from the float32 values; the
    /// float16 path's conversions are timed).
    static func conv2d<T: ConformFloat>(_ id: String, _ x: [Int], _ f: [Int], _ attrs: Conv2DAttributes, _: T.Type = Float.self) -> BenchCase {
        let shape = describe(x, f, attrs.padding, strides: attrs.strides, dilations: attrs.dilations, T.dtype)
        let g: Conv2DGeometry
        do { g = try Conv2DGeometry(input: x, filters: f, attrs: attrs) } catch { return refused(id, op: "conv2d", shape: shape, error) }
        let elements: Int = x.reduce(1, *) + f.reduce(1, *) + g.outputShape.reduce(1, *)
        return planned(g, T.dtype, BenchCase(id: id, op: "conv2d", shape: shape,
                         flops: g.flops, bytes: Double(T.dtype.byteWidth * elements), fixtureForm: {
            GeneratedCase(op: "conv2d", attrs: [("strides", ints(attrs.strides)), ("padding", padding(attrs.padding)), ("dilations", ints(attrs.dilations))],
                          inputs: [("input", T.erase(values(x, seed: 1, as: T.self))), ("filters", T.erase(values(f, seed: 2, as: T.self)))])
        }) {
            let (xs, fs) = (values(x, seed: 1, as: T.self), values(f, seed: 2, as: T.self))
            return .init(reference: { _ = try Reference.conv2d(xs, fs, attrs) }, optimized: { _ = try Optimized.conv2d(xs, fs, attrs) })
        })
    }

    /// A case whose geometry is refused (a memory budget too small for it): listed, and refused
    /// with that error when it runs, instead of ending the run.
    static func refused(_ id: String, op: String, shape: String, _ error: any Error) -> BenchCase {
        BenchCase(id: id, op: op, shape: shape, flops: nil) { throw error }
    }

    /// `c` with the cost model's choice for geometry `g` (planned when the benchmark runs, under its threads).
    static func planned(_ g: Conv2DGeometry, _ dtype: DType, _ c: BenchCase) -> BenchCase {
        var c = c
        c.plan = {
            let plan = Conv2DPlan(g, elementType: dtype)
            return "\(plan.algorithm.rawValue) (\(BenchCase.duration(plan.estimate)) estimated)"
        }
        return c
    }

    /// A conv1d case, `input ⊛ filters`.
    static func conv1d(_ id: String, _ x: [Int], _ f: [Int], _ attrs: Conv1DAttributes) -> BenchCase {
        let shape = describe(x, f, attrs.padding, strides: attrs.strides, dilations: attrs.dilations, .float32)
        let g: Conv2DGeometry
        do { g = try Conv2DGeometry(input: [x[0], 1, x[1], x[2]], filters: [1] + f, attrs: conv1dAttributesAsConv2d(attrs, kernel: f[0])) } catch {
            return refused(id, op: "conv1d", shape: shape, error)
        }
        let elements: Int = x.reduce(1, *) + f.reduce(1, *) + g.outputShape.reduce(1, *)
        return planned(g, .float32, BenchCase(id: id, op: "conv1d", shape: shape,
                         flops: g.flops, bytes: 4 * Double(elements), fixtureForm: {
            GeneratedCase(op: "conv1d", attrs: [("strides", ints(attrs.strides)), ("padding", padding(attrs.padding)), ("dilations", ints(attrs.dilations))],
                          inputs: [("input", .float32(floats(x, seed: 3))), ("filters", .float32(floats(f, seed: 4)))])
        }) {
            let (xs, fs) = (floats(x, seed: 3), floats(f, seed: 4))
            return .init(reference: { _ = try Reference.conv1d(xs, fs, attrs) }, optimized: { _ = try Optimized.conv1d(xs, fs, attrs) })
        })
    }

    static let definitions: [BenchCase] = [
        conv2d("conv2d/resnet-56x56x64-k3", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/batch8-28x28x128-k3", [8, 28, 28, 128], [3, 3, 128, 128], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/large-kernel-256x256-k31", [1, 256, 256, 1], [31, 31, 1, 1], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/stem-224x224x3-k7-s2", [1, 224, 224, 3], [7, 7, 3, 64], Conv2DAttributes(strides: [2, 2], padding: .same)),
        conv2d("conv2d/resnext-32x8d-28x28x256-k3", [1, 28, 28, 256], [3, 3, 8, 256], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/resnext-32x4d-56x56x128-k3", [1, 56, 56, 128], [3, 3, 4, 128], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/grouped-16x16-28x28x256-k3", [1, 28, 28, 256], [3, 3, 16, 256], Conv2DAttributes(padding: .same)),
        conv2d("conv2d/dilated2-64x64x64-k3", [1, 64, 64, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same, dilations: [2, 2])),
        conv2d("conv2d/strided-valid-112x112x64-k3-s2", [1, 112, 112, 64], [3, 3, 64, 128], Conv2DAttributes(strides: [2, 2], padding: .valid)),
        conv2d("conv2d/resnet-56x56x64-k3-float64", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same), Double.self),
        conv2d("conv2d/resnet-56x56x64-k3-float16", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same), Float16.self),
        conv1d("conv1d/seed-800x10-f16-k6", [1, 800, 10], [6, 10, 16], Conv1DAttributes()),
        conv1d("conv1d/batch32-800x10-f16-k6-valid", [32, 800, 10], [6, 10, 16], Conv1DAttributes()),
        conv1d("conv1d/batch32-800x10-f16-k6-same", [32, 800, 10], [6, 10, 16], Conv1DAttributes(padding: .same)),
        conv1d("conv1d/batch32-800x10-f16-k6-causal", [32, 800, 10], [6, 10, 16], Conv1DAttributes(padding: .causal)),
        conv1d("conv1d/batch32-800x10-f16-k6-groups2", [32, 800, 10], [6, 5, 16], Conv1DAttributes()),
        conv1d("conv1d/causal-d8-16000x64-k2", [1, 16000, 64], [2, 64, 64], Conv1DAttributes(padding: .causal, dilations: [8])),
        {
            let attrs = Conv2DAttributes(padding: .same)
            let (id, shape) = ("depthwise_conv2d/56x56x128-k3", "[1, 56, 56, 128] ⊛ [3, 3, 128, 1] SAME")
            let g: DepthwiseGeometry
            do { g = try DepthwiseGeometry(input: [1, 56, 56, 128], filter: [3, 3, 128, 1], attrs: attrs) } catch {
                return refused(id, op: "depthwise_conv2d", shape: shape, error)
            }
            return BenchCase(id: id, op: "depthwise_conv2d", shape: shape,
                             flops: g.flops, bytes: 4 * Double(2 * 56 * 56 * 128 + 9 * 128), fixtureForm: {
                GeneratedCase(op: "depthwise_conv2d", attrs: [("padding", .string("SAME"))],
                              inputs: [("input", .float32(floats([1, 56, 56, 128], seed: 5))), ("filter", .float32(floats([3, 3, 128, 1], seed: 6)))])
            }) {
                let (x, f) = (floats([1, 56, 56, 128], seed: 5), floats([3, 3, 128, 1], seed: 6))
                return .init(reference: { _ = try Reference.depthwiseConv2d(x, f, attrs) },
                             optimized: { _ = try Optimized.depthwiseConv2d(x, f, attrs) })
            }
        }(),
        {
            let attrs = Conv2DAttributes(padding: .same)
            let (id, shape) = ("separable_conv2d/28x28x256-k5-256", "[1, 28, 28, 256] k5 → 256 SAME")
            let g: DepthwiseGeometry
            do { g = try DepthwiseGeometry(input: [1, 28, 28, 256], filter: [5, 5, 256, 1], attrs: attrs) } catch {
                return refused(id, op: "separable_conv2d", shape: shape, error)
            }
            return BenchCase(id: id, op: "separable_conv2d", shape: shape, flops: g.flops + 2 * 28 * 28 * 256 * 256,
                             bytes: 4 * Double(2 * 28 * 28 * 256 + 25 * 256 + 256 * 256), fixtureForm: {
                GeneratedCase(op: "separable_conv2d", attrs: [("padding", .string("SAME"))],
                              inputs: [("input", .float32(floats([1, 28, 28, 256], seed: 7))),
                                       ("depthwise_filter", .float32(floats([5, 5, 256, 1], seed: 8))),
                                       ("pointwise_filter", .float32(floats([1, 1, 256, 256], seed: 9)))])
            }) {
                let (x, d, p) = (floats([1, 28, 28, 256], seed: 7), floats([5, 5, 256, 1], seed: 8), floats([1, 1, 256, 256], seed: 9))
                return .init(reference: { _ = try Reference.separableConv2d(x, d, p, attrs) },
                             optimized: { _ = try Optimized.separableConv2d(x, d, p, attrs) })
            }
        }(),
        {
            let n = 10_000
            let attrs = Conv2DAtAttributes(row: n / 2, col: n / 2, mode: .convolution, anchor: .center)
            return BenchCase(id: "conv2d_at/10000x10000-k10000-center", op: "conv2d_at",
                             shape: "[10000, 10000] ⊛ [10000, 10000] at the centre", flops: 2 * Double(n - 1) * Double(n - 1),
                             bytes: 8 * Double(n - 1) * Double(n - 1)) {
                let (x, k) = (floats([n, n], seed: 10), floats([n, n], seed: 11))
                return .init(reference: { _ = try Reference.conv2dAt(x, k, attrs) }, optimized: { _ = try Optimized.conv2dAt(x, k, attrs) })
            }
        }(),
        BenchCase(id: "extract_glimpse/32x224x224x3-64x64", op: "extract_glimpse", shape: "[32, 224, 224, 3] → 64×64", flops: nil, fixtureForm: {
            GeneratedCase(op: "extract_glimpse", attrs: [("size", ints([64, 64])), ("noise", .string("zero")), ("version", JSONValue(2))],
                          inputs: [("input", .float32(floats([32, 224, 224, 3], seed: 12))),
                                   ("offsets", .float32(try Tensor<Float>(shape: [32, 2], scalars: floats([32, 2], seed: 13).scalars.map { $0 * 1.2 })))])
        }) {
            let x = floats([32, 224, 224, 3], seed: 12)
            let offsets = try Tensor<Float>(shape: [32, 2], scalars: floats([32, 2], seed: 13).scalars.map { $0 * 1.2 })
            let attrs = GlimpseAttributes(size: [64, 64])
            return .init(reference: { _ = try Reference.extractGlimpse(x, offsets, attrs) },
                         optimized: { _ = try Optimized.extractGlimpse(x, offsets, attrs) })
        },
        BenchCase(id: "frame/4x16000-len400-step160-pad", op: "frame", shape: "[4, 16000] length 400 step 160 pad_end", flops: nil, fixtureForm: {
            GeneratedCase(op: "frame", attrs: [("frame_length", JSONValue(400)), ("frame_step", JSONValue(160)), ("pad_end", .bool(true))],
                          inputs: [("signal", .float32(floats([4, 16000], seed: 14)))])
        }) {
            let x = floats([4, 16000], seed: 14)
            let attrs = FrameAttributes(frameLength: 400, frameStep: 160, padEnd: true)
            return .init(reference: { _ = try Reference.frame(x, attrs, padValue: 0) },
                         optimized: { _ = try Optimized.frame(x, attrs, padValue: 0) })
        },
        BenchCase(id: "timeseries_windows/20000x28-L50-batches256", op: "timeseries_windows",
                  shape: "[20000, 28], sequence_length 50, batches of 256", flops: nil, fixtureForm: {
            GeneratedCase(op: "timeseries_windows", attrs: [("sequence_length", JSONValue(50))], inputs: [("data", .float32(floats([20_000, 28], seed: 15)))])
        }) {
            let x = floats([20_000, 28], seed: 15)
            let attrs = WindowAttributes(sequenceLength: 50)
            return .init(reference: { _ = try Reference.timeseriesWindows(x, targets: Tensor<Float>?.none, attrs) },
                         optimized: {
                             // Every batch of 256 windows materialised in turn, as a training loop consumes them.
                             let view = try WindowView(x, attrs)
                             var k = 0
                             while k < view.count {
                                 _ = view.batch(k..<min(view.count, k + 256))
                                 k += 256
                             }
                         })
        },
        BenchCase(id: "stateless_uniform/1M-float32", op: "stateless_uniform", shape: "[1048576] float32", flops: nil, fixtureForm: {
            GeneratedCase(op: "stateless_uniform", attrs: [("shape", ints([1 << 20])), ("seed", ints([7, 11])), ("dtype", .string("float32"))], inputs: [])
        }) {
            let attrs = StatelessUniformAttributes(shape: [1 << 20], seed: [7, 11])
            return .init(reference: { _ = try Reference.statelessUniform(attrs) }, optimized: { _ = try Optimized.statelessUniform(attrs) })
        },
        BenchCase(id: "epoch_pairing/100000-rows-2-epochs", op: "epoch_pairing", shape: "100 000 rows, ~10 candidates, 2 epochs", flops: nil) {
            var rng = SplitMix64(seed: 16)
            var splits: [Int64] = [0]
            for _ in 0..<100_000 { splits.append(splits.last! + Int64(1 + rng.next() % 19)) }
            let candidates = (0..<Int(splits.last!)).map { _ in Int64(rng.next() % 100_000) }
            let (s, c) = (try Tensor(shape: [splits.count], scalars: splits), try Tensor(shape: [candidates.count], scalars: candidates))
            let attrs = EpochPairingAttributes(seed: 42, epochs: 2)
            return .init(reference: { _ = try Reference.epochPairing(s, c, attrs) }, optimized: { _ = try Optimized.epochPairing(s, c, attrs) })
        },
        BenchCase(id: "count_params/nasnet-separable-768-128", op: "count_params", shape: "SeparableConv2D(128, 5) on [8, 8, 768]", flops: nil,
                  fixtureForm: {
            GeneratedCase(op: "count_params", attrs: [
                ("layer", .string("SeparableConv2D")),
                ("config", .object([("filters", JSONValue(128)), ("kernel_size", ints([5, 5])), ("padding", .string("same")), ("use_bias", .bool(false))])),
                ("input_shape", ints([8, 8, 768])),
            ], inputs: [])
        }) {
            let layer = KerasLayer.separableConv(rank: 2, filters: 128, kernel: [5, 5], strides: [1, 1], padding: "same",
                                                 dilation: [1, 1], depthMultiplier: 1, useBias: false)
            return .init(reference: { _ = try Reference.countParams(layer, inputShape: [8, 8, 768]) },
                         optimized: { _ = try Optimized.countParams(layer, inputShape: [8, 8, 768]) })
        },
    ]
}
