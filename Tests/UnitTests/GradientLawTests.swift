import Formats
import Optimized
import PropertyCheck
import Reference
import Testing

/// The gradient laws hold for a right input gradient and catch a wrong one, with no reference:
/// each ties a candidate's gradient to its own forward op.
@Suite("Gradient laws")
struct GradientLawTests {
    /// Exact-fill float32 cases of conv2d_backprop_input (the dtype typed Swift candidates take)
    /// with a kernel of at least 2×2 (where a filter not turned over gives another result).
    static func cases(seed: UInt64, count: Int) -> [GeneratedCase] {
        var rng = SplitMix64(seed: seed)
        var out = [GeneratedCase]()
        while out.count < count {
            guard let spec = OpGenerator.conv2dBackpropInput.draw(&rng, size: 20, fill: .exact),
                  let c = OpGenerator.conv2dBackpropInput.build(spec), let f = c.input("filter"),
                  f.dtype == .float32, f.shape[0] > 1, f.shape[1] > 1, !f.shape.contains(0), c.input("out_backprop")?.count ?? 0 > 0 else { continue }
            out.append(c)
        }
        return out
    }

    static let conv2d = { @Sendable (x: Tensor<Float>, f: Tensor<Float>, a: Conv2DAttributes) throws -> Tensor<Float> in
        try Optimized.conv2d(x, f, a)
    }

    @Test("the adjoint law passes a right input gradient and fails one whose filter is not turned over (seed 11)")
    func adjoint() throws {
        let law = try #require(Properties.named("conv2d_backprop_input/adjoint-of-conv2d"))
        let right = SwiftCandidate(name: "right").conv2d(Self.conv2d).conv2dBackpropInput { sizes, f, g, a in
            try Optimized.conv2dBackpropInput(inputSizes: sizes, f, g, a)
        }
        // The mistake: the filter handed over as is, so the gradient correlates with the turned filter.
        let unturned = SwiftCandidate(name: "unturned").conv2d(Self.conv2d).conv2dBackpropInput { sizes, f, g, a in
            let (kh, kw, rest) = (f.shape[0], f.shape[1], f.shape[2] * f.shape[3])
            var turned = f.scalars
            for i in 0..<kh { for j in 0..<kw { for r in 0..<rest { turned[(i * kw + j) * rest + r] = f.scalars[((kh - 1 - i) * kw + kw - 1 - j) * rest + r] } } }
            return try Optimized.conv2dBackpropInput(inputSizes: sizes, try Tensor(shape: f.shape, scalars: turned), g, a)
        }
        var caught = 0
        for c in Self.cases(seed: 11, count: 12) {
            let good = UnderTest.$implementation.withValue(Implementation(candidate: right)) { law.check(c, fill: .exact) }
            #expect(good == .pass || good == .discard, "\(c.attrs): \(good)")
            let bad = UnderTest.$implementation.withValue(Implementation(candidate: unturned)) { law.check(c, fill: .exact) }
            if case .fail = bad { caught += 1 }
        }
        #expect(caught >= 10, "the adjoint law caught the unturned filter on \(caught) of 12 cases")
    }

    /// Cases of a gradient op drawn under `fill`, kept when `keep` says so.
    static func drawn(_ generator: OpGenerator, fill: Fill, seed: UInt64, count: Int, keep: (GeneratedCase) -> Bool) -> [GeneratedCase] {
        var rng = SplitMix64(seed: seed)
        var out = [GeneratedCase]()
        for _ in 0..<20_000 where out.count < count {
            guard let spec = generator.draw(&rng, size: 20, fill: fill), let c = generator.build(spec), keep(c) else { continue }
            out.append(c)
        }
        return out
    }

    /// conv2d's attributes from a case's JSON attributes.
    static func attributes(_ attrs: [(String, JSONValue)]) -> Conv2DAttributes {
        func ints(_ name: String) -> [Int] { attrs.first { $0.0 == name }?.1.array?.compactMap(\.int) ?? [1, 1] }
        let p = attrs.first { $0.0 == "padding" }?.1
        let padding: Padding = switch p?.string {
        case "VALID": .valid
        case "SAME": .same
        default: .explicit((p?.array ?? []).map { pair in PadPair(pair.array?[0].int ?? 0, pair.array?[1].int ?? 0) })
        }
        return Conv2DAttributes(strides: ints("strides"), padding: padding, dilations: ints("dilations"))
    }

    @Test("the filter gradient's adjoint law passes Conform's and fails one with the kernel's axes swapped (seed 12)")
    func filterAdjoint() throws {
        let law = try #require(Properties.named("conv2d_backprop_filter/adjoint-of-conv2d"))
        let right = SwiftCandidate(name: "right").conv2d(Self.conv2d).conv2dBackpropFilter { x, sizes, g, a in
            try Optimized.conv2dBackpropFilter(x, filterSizes: sizes, g, a)
        }
        // The mistake: the taps of each row written in reverse (a gradient of the flipped kernel).
        let reversed = SwiftCandidate(name: "reversed").conv2d(Self.conv2d).conv2dBackpropFilter { x, sizes, g, a in
            let d = try Optimized.conv2dBackpropFilter(x, filterSizes: sizes, g, a)
            let (kw, rest) = (sizes[1], sizes[2] * sizes[3])
            var out = d.scalars
            for i in 0..<sizes[0] { for j in 0..<kw { for r in 0..<rest { out[(i * kw + j) * rest + r] = d.scalars[(i * kw + kw - 1 - j) * rest + r] } } }
            return try Tensor(shape: sizes, scalars: out)
        }
        let cases = Self.drawn(.conv2dBackpropFilter, fill: .exact, seed: 12, count: 12) { c in
            guard let x = c.input("input"), x.dtype == .float32, x.shape[0] > 0,
                  let sizes = c.attrs.first(where: { $0.0 == "filter_sizes" })?.1.array?.compactMap(\.int) else { return false }
            return sizes[1] > 1 && !sizes.contains(0)
        }
        var caught = 0
        for c in cases {
            let good = UnderTest.$implementation.withValue(Implementation(candidate: right)) { law.check(c, fill: .exact) }
            #expect(good == .pass || good == .discard, "\(c.attrs): \(good)")
            let bad = UnderTest.$implementation.withValue(Implementation(candidate: reversed)) { law.check(c, fill: .exact) }
            if case .fail = bad { caught += 1 }
        }
        #expect(caught >= 9, "the adjoint law caught the reversed taps on \(caught) of \(cases.count) cases")
    }

    @Test("central finite differences pass Conform's float64 gradients and fail them off by one part in 10⁷ (seed 13)",
          arguments: ["conv2d_backprop_input", "conv2d_backprop_filter"])
    func finiteDifferences(op: String) throws {
        let law = try #require(Properties.named("\(op)/central-finite-differences"))
        let generator: OpGenerator = op == "conv2d_backprop_input" ? .conv2dBackpropInput : .conv2dBackpropFilter
        let cases = Self.drawn(generator, fill: .random, seed: 13, count: 10) { c in
            c.input("out_backprop")?.dtype == .float64 && (c.input("out_backprop")?.count ?? 0) > 0
        }
        func gradient(_ c: GeneratedCase, scale: Double) -> SwiftCandidate {
            SwiftCandidate(name: scale == 1 ? "right" : "scaled").op("conv2d") { attrs, inputs in
                let x = inputs.first { $0.0 == "input" }!.1, f = inputs.first { $0.0 == "filters" }!.1
                guard case let .float64(xt) = x, case let .float64(ft) = f else { throw OpError(op: "conv2d", field: "input", expected: "float64", actual: "other") }
                let a = Self.attributes(attrs)
                return ["output": .float64(try Optimized.conv2d(xt, ft, a))]
            }.op(op) { attrs, inputs in
                let a = Self.attributes(attrs)
                guard case let .float64(g)? = inputs.first(where: { $0.0 == "out_backprop" })?.1 else { throw OpError(op: op, field: "out_backprop", expected: "float64", actual: "other") }
                let d: Tensor<Double>
                if op == "conv2d_backprop_input", case let .float64(f)? = inputs.first(where: { $0.0 == "filter" })?.1 {
                    let sizes = attrs.first { $0.0 == "input_sizes" }!.1.array!.compactMap(\.int)
                    d = try Optimized.conv2dBackpropInput(inputSizes: sizes, f, g, a)
                } else if case let .float64(x)? = inputs.first(where: { $0.0 == "input" })?.1 {
                    let sizes = attrs.first { $0.0 == "filter_sizes" }!.1.array!.compactMap(\.int)
                    d = try Optimized.conv2dBackpropFilter(x, filterSizes: sizes, g, a)
                } else { throw OpError(op: op, field: "inputs", expected: "float64", actual: "other") }
                return ["output": .float64(try Tensor(shape: d.shape, scalars: d.scalars.map { $0 * scale }))]
            }
        }
        var (passed, caught) = (0, 0)
        for c in cases {
            let good = UnderTest.$implementation.withValue(Implementation(candidate: gradient(c, scale: 1))) { law.check(c, fill: .random) }
            #expect(good == .pass || good == .discard, "\(c.attrs): \(good)")
            if good == .pass { passed += 1 }
            let bad = UnderTest.$implementation.withValue(Implementation(candidate: gradient(c, scale: 1 + 1e-7))) { law.check(c, fill: .random) }
            if case .fail = bad { caught += 1 }
        }
        // A sampled element that is 0 (an input position no output reads) stays 0 when scaled: not every case can catch it.
        #expect(passed >= 8 && caught >= 8, "\(op): passed \(passed), caught \(caught) of \(cases.count)")
    }
}
