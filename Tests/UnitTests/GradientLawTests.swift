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
}
