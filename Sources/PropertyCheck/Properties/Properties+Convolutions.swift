import Formats
import Optimized
import Reference

extension Properties {
    /// Compares two outputs of exact-fill cases value by value.
    static func same(_ a: (shape: [Int], values: [Double]), _ b: (shape: [Int], values: [Double]), _ what: String) -> Verdict {
        guard a.shape == b.shape else { return .fail("\(what): shape \(a.shape) vs \(b.shape)") }
        if let i = a.values.indices.first(where: { a.values[$0] != b.values[$0] }) {
            return .fail("\(what): element \(OutputCheck.multiIndex(i, shape: a.shape)): \(a.values[i]) vs \(b.values[i])")
        }
        return .pass
    }

    /// Whether exact-fill results of `dtype` are exact integers: float16 holds every integer only
    /// up to 2¹¹, so a law that rounds an intermediate or a sum beyond it does not apply there.
    static func exact(_ values: [Double], _ dtype: DType) -> Bool {
        dtype != .float16 || values.allSatisfy { abs($0) <= 2048 }
    }

    /// Runs `body`, turning anything thrown into a failure (an op the candidate under test does
    /// not offer: the law does not apply).
    static func law(_ body: () throws -> Verdict) -> Verdict {
        do { return try body() } catch is NotOffered { return .discard } catch { return .fail("raised \(error)") }
    }

    /// The full convolution by the direct algorithm, whatever the cost model would pick: an exact
    /// (term-by-term) sum that exact fill makes bit-exact, which the FFT path is not.
    static func directConv2d(_ x: AnyTensor, _ f: AnyTensor, _ attrs: Conv2DAttributes) throws -> (shape: [Int], values: [Double]) {
        let g = try Conv2DGeometry(input: x.shape, filters: f.shape, attrs: attrs)
        let plan = Conv2DPlan(algorithm: .direct)
        switch (x, f) {
        case let (.float16(a), .float16(b)):
            // Widened exactly; exact fill keeps every sum an integer, rounded once to float16 like the op.
            let out = Optimized.conv2d(try Tensor(shape: a.shape, scalars: a.scalars.map(Float.init)),
                                       try Tensor(shape: b.shape, scalars: b.scalars.map(Float.init)), geometry: g, plan: plan)
            return (out.shape, out.scalars.map { Double(Float16($0)) })
        case let (.float32(a), .float32(b)): let out = Optimized.conv2d(a, b, geometry: g, plan: plan); return (out.shape, out.scalars.map(Double.init))
        case let (.float64(a), .float64(b)): let out = Optimized.conv2d(a, b, geometry: g, plan: plan); return (out.shape, out.scalars)
        default: throw OpError(op: "conv2d", field: "input", expected: "float32 or float64", actual: "\(x.dtype)")
        }
    }

    /// Linear in the input `name`: f(x + x′) = f(x) + f(x′), x′ a permutation of x (exact fill: exactly).
    static func linearity(_ op: String, in name: String = "input") -> Property {
        Property(op, name == "input" ? "linearity" : "linearity-in-\(name)", .valid([.exact])) { c, _ in
            law {
                guard let x = c.input(name) else { return .discard }
                let v = x.doubles
                let permuted = x.with(shape: x.shape, values: v.indices.map { v[($0 * 7 + 3) % v.count] })
                let sum = try Run.output(c.replacing(name, with: x.adding(permuted)))
                let (a, b) = (try Run.output(c), try Run.output(c.replacing(name, with: permuted)))
                guard exact(sum.values, x.dtype) else { return .discard }
                return same(sum, (a.shape, zip(a.values, b.values).map(+)), "f(x + x′) vs f(x) + f(x′)")
            }
        }
    }

    static let convolutionLaws: [Property] = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"].map { linearity($0) } + [
        // Dropping the first input row of a VALID, row-stride-1 convolution drops the first output row.
        Property("conv2d", "translation", .valid([.exact])) { c, _ in
            law {
                guard c.attrs.first(where: { $0.0 == "padding" })?.1.string == "VALID",
                      c.attrs.first(where: { $0.0 == "strides" })?.1.array?.first?.int == 1,
                      let x = c.input("input"), let f = c.input("filters") else { return .discard }
                let dilation = c.attrs.first(where: { $0.0 == "dilations" })?.1.array?.first?.int ?? 1
                guard x.shape[1] > (f.shape[0] - 1) * dilation + 1 else { return .discard }
                let full = try Run.output(c), shifted = try Run.output(c.replacing("input", with: x.dropping(first: 1, axis: 1)))
                let expected = AnyTensor.float64(try Tensor(shape: full.shape, scalars: full.values)).dropping(first: 1, axis: 1)
                return same(shifted, (expected.shape, expected.doubles), "f(x[:, 1:]) vs f(x)[:, 1:]")
            }
        },
        // conv1d is conv2d on a height-1 image (CAUSAL written out as explicit padding).
        Property("conv1d", "equals-conv2d-height-1", .valid([.exact, .random])) { c, fill in
            law {
                // Under random fill the law is bit-identity of Conform's shared kernels; another
                // implementation may sum in another order, so only exact fill binds it.
                if fill == .random, UnderTest.implementation.candidate != nil { return .discard }
                guard let x = c.input("input"), let f = c.input("filters") else { return .discard }
                let strides = c.attrs.first { $0.0 == "strides" }?.1.array?.first?.int ?? 1
                let dilation = c.attrs.first { $0.0 == "dilations" }?.1.array?.first?.int ?? 1
                let padding: JSONValue
                switch c.attrs.first(where: { $0.0 == "padding" })?.1 {
                case .string("CAUSAL")?: padding = J.pairs([(0, 0), (dilation * (f.shape[0] - 1), 0)])
                case let .array(pairs)?: padding = .array([J.ints([0, 0])] + pairs)
                case let other?: padding = other
                case nil: return .discard
                }
                let c2 = GeneratedCase(op: "conv2d", attrs: [("strides", J.ints([1, strides])), ("padding", padding), ("dilations", J.ints([1, dilation]))],
                                       inputs: [("input", x.reshaped([x.shape[0], 1] + x.shape.dropFirst())), ("filters", f.reshaped([1] + f.shape))])
                let one = try Run.output(c), two = try Run.output(c2)
                // Both run the same kernels: bit-identical under either fill (exact fill: any order).
                return same(one, (two.shape.enumerated().filter { $0.offset != 1 }.map(\.element), two.values), "conv1d vs conv2d with H = 1")
            }
        },
        // A grouped convolution is its groups' convolutions side by side.
        Property("conv2d", "grouped-is-split-concat", .valid([.exact])) { c, _ in
            law {
                guard let x = c.input("input"), let f = c.input("filters") else { return .discard }
                let groups = x.shape[3] / f.shape[2]
                guard groups > 1 else { return .discard }
                let (cpg, opg) = (f.shape[2], f.shape[3] / groups)
                var parts = [AnyTensor]()
                for g in 0..<groups {
                    let part = c.replacing("input", with: x.lastAxis((g * cpg)..<((g + 1) * cpg)))
                        .replacing("filters", with: f.lastAxis((g * opg)..<((g + 1) * opg)))
                    let out = try Run.output(part)
                    parts.append(x.with(shape: out.shape, values: out.values))
                }
                let joined = AnyTensor.concatLastAxis(parts)
                return same(try Run.output(c), (joined.shape, joined.doubles), "grouped vs split + concat")
            }
        },
        // Depthwise with multiplier M is conv2d with G = C groups, output channel c·M + m.
        Property("depthwise_conv2d", "equals-grouped-conv2d", .valid([.exact])) { c, _ in
            law {
                guard let x = c.input("input"), let f = c.input("filter") else { return .discard }
                let conv = GeneratedCase(op: "conv2d", attrs: c.attrs, inputs: [("input", x), ("filters", f.reshaped([f.shape[0], f.shape[1], 1, f.shape[2] * f.shape[3]]))])
                return same(try Run.output(c), try Run.output(conv), "depthwise vs conv2d with G = C")
            }
        },
        // Separable is the pointwise 1×1 convolution of the depthwise result.
        Property("separable_conv2d", "is-pointwise-after-depthwise", .valid([.exact])) { c, _ in
            law {
                guard let x = c.input("input"), let d = c.input("depthwise_filter"), let p = c.input("pointwise_filter") else { return .discard }
                let depthwise = try Run.output(GeneratedCase(op: "depthwise_conv2d", attrs: c.attrs, inputs: [("input", x), ("filter", d)]))
                guard exact(depthwise.values, x.dtype) else { return .discard }
                let pointwise = GeneratedCase(op: "conv2d", attrs: [("padding", .string("VALID"))],
                                              inputs: [("input", x.with(shape: depthwise.shape, values: depthwise.values)), ("filters", p)])
                return same(try Run.output(c), try Run.output(pointwise), "separable vs pointwise ∘ depthwise")
            }
        },
        // conv2d_at is one element of the full convolution: VALID on the bottom/right-padded input
        // (corner) or SAME (center), with the kernel flipped for convolution.
        Property("conv2d_at", "is-element-of-full-convolution", .valid([.exact])) { c, _ in
            law {
                guard let x = c.input("input"), let k = c.input("kernel"),
                      let row = c.attrs.first(where: { $0.0 == "row" })?.1.int, let col = c.attrs.first(where: { $0.0 == "col" })?.1.int else { return .discard }
                let flip = c.attrs.first { $0.0 == "mode" }?.1.string == "convolution"
                let center = c.attrs.first { $0.0 == "anchor" }?.1.string == "center"
                let (kh, kw) = (k.shape[0], k.shape[1])
                // The whole convolution costs H·W·KH·KW: tall cases (several row blocks) are left to the differential properties.
                guard x.count * k.count <= 1 << 20 else { return .discard }
                let kernel = (flip ? k.flipped2D : k).reshaped([kh, kw, 1, 1])
                let padding: Padding = center ? .same : .explicit([PadPair(0, kh - 1), PadPair(0, kw - 1)])
                let full = try directConv2d(x.reshaped([1, x.shape[0], x.shape[1], 1]), kernel, Conv2DAttributes(padding: padding))
                let at = try Run.output(c)
                return same(at, ([], [full.values[row * full.shape[2] + col]]), "conv2d_at vs full convolution at (\(row), \(col))")
            }
        },
        // Convolution is correlation with the kernel flipped on both axes. Exact fill only: the two
        // read the kernel in opposite orders, so random values may round differently.
        Property("conv2d_at", "convolution-is-flipped-correlation", .valid([.exact])) { c, _ in
            law {
                guard let k = c.input("kernel"), c.attrs.first(where: { $0.0 == "mode" })?.1.string == "convolution" else { return .discard }
                let correlation = c.setting("mode", .string("correlation")).replacing("kernel", with: k.flipped2D)
                return same(try Run.output(c), try Run.output(correlation), "convolution vs correlation with the flipped kernel")
            }
        },
    ]
}
