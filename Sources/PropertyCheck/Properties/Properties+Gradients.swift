import Formats
import Reference

extension Properties {
    /// The gradient ops' own laws: the gradient checker's tools, each tying the implementation
    /// under test to its own forward op or to itself, with no reference.
    static let gradientLaws: [Property] = GradientOp.all.flatMap { g in
        [linearity(g.op, in: "out_backprop")] + (g.ofInput ? [] : [linearity(g.op, in: "input")])
            + [adjoint(g), finiteDifferences(g), zeroExtent(g)]
    } + [linearity("conv2d_transpose"), linearity("conv1d_transpose")]

    /// The adjoint (dot-product) identity `⟨conv2d(x, w), g⟩ = ⟨x, ∂input(g, w)⟩ = ⟨w, ∂filter(x, g)⟩`:
    /// ties the implementation's gradient to its own forward conv2d, with no reference. Exact fill
    /// and the differentiated operand in {−1, 0, 1} make both sides exact integers, so they must be equal.
    static func adjoint(_ of: GradientOp) -> Property {
        Property(of.op, "adjoint-of-\(of.forward)", .valid([.exact])) { c, _ in
            law {
                guard let dy = c.input("out_backprop"), let sizes = of.shape(c) else { return .discard }
                let count: Int = sizes.reduce(1, *)
                // A pattern with no period a layout could align with (a periodic one hides a mirrored kernel).
                let values: [Double] = (0..<count).map { (i: Int) -> Double in Double(Int((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 61) % 3 - 1) }
                guard let other = c.input(of.given), let forward = of.forwardCase(c, operand: other.with(shape: sizes, values: values)) else { return .discard }
                // A candidate that refuses the forward case cannot be held to the identity here
                // (the forward op's own campaign judges that refusal).
                guard let y = try forwardOutput(forward) else { return .discard }
                let d = try Run.output(c)
                guard exact(y.values, dy.dtype), exact(d.values, dy.dtype) else { return .discard }
                guard y.shape == dy.shape, d.shape == sizes else {
                    return .fail("shapes: \(of.forward) \(y.shape) with g \(dy.shape), the gradient \(d.shape) for \(of.sizes) \(sizes)")
                }
                let g: [Double] = dy.doubles
                var (left, right) = (0.0, 0.0)
                for (a, b) in zip(y.values, g) { left += a * b }
                for (a, b) in zip(values, d.values) { right += a * b }
                let name = of.ofInput ? "⟨x, ∂input(g, w)⟩" : "⟨w, ∂filter(x, g)⟩"
                return left == right ? .pass : .fail("⟨\(of.forward)(x, w), g⟩ = \(left) but \(name) = \(right)")
            }
        }
    }

    /// Central finite differences in float64, the independent check of a gradient checker: for a
    /// few elements k of the differentiated operand z, `(⟨conv2d(z + h·e_k), g⟩ − ⟨conv2d(z − h·e_k), g⟩) / 2h`
    /// must equal the gradient's element k. The forward op is linear, so the difference quotient is exact
    /// but for rounding, and the tolerance is that rounding, bounded rigorously: the forward outputs'
    /// `γ(m)·Σ|z||w|` (m terms each), the dot products' `γ(P)·Σ|y||g|`, divided by 2h, plus the
    /// gradient element's own `γ(n)·Σ|t|` — each doubled.
    static func finiteDifferences(_ of: GradientOp) -> Property {
        Property(of.op, "central-finite-differences", .valid([.random])) { c, _ in
            law {
                guard let dy = c.input("out_backprop"), dy.dtype == .float64, let sizes = of.shape(c), case let .float64(g) = dy else { return .discard }
                let count = sizes.reduce(1, *)
                guard count > 0, dy.count > 0 else { return .discard }
                // A point z: the gradient does not depend on it (the op is linear), the rounding does.
                let z = (0..<count).map { Double(($0 * 37 + 11) % 17) / 8 - 1 }
                let d = try Run.output(c)
                guard d.shape == sizes else { return .fail("the gradient has shape \(d.shape), \(of.sizes) is \(sizes)") }
                let h = 1.0 / 16, eps = Double.ulpOfOne / 2
                func gamma(_ n: Int) -> Double { Double(n) * eps / (1 - Double(n) * eps) }
                // The gradient's own Σ|t| and term counts, from the definition's accumulation.
                guard let gradientBound = try c.prepare().reference().accumulated["output"] else { return .discard }
                for k in Set((0..<4).map { ($0 * 7919 + 13) % count }).sorted() {
                    var sides: [(value: Double, bound: Double)] = []
                    for sign in [1.0, -1.0] {
                        var point = z
                        point[k] += sign * h
                        let zt = try Tensor(shape: sizes, scalars: point)
                        guard let forward = of.forwardCase(c, operand: .float64(zt)) else { return .discard }
                        guard let y = try forwardOutput(forward) else { return .discard }
                        guard y.shape == dy.shape else { return .fail("\(of.forward) gives \(y.shape), out_backprop is \(dy.shape)") }
                        // Σ|z||w| per output, and its term count, from the definition's accumulation.
                        guard let acc = try forward.prepare().reference().accumulated["output"] else { return .discard }
                        var dot = 0.0, bound = 0.0, size = 0.0
                        for i in 0..<y.values.count {
                            dot += y.values[i] * g.scalars[i]
                            bound += abs(g.scalars[i]) * gamma(acc.terms[i]) * acc.magnitude[i]
                            size += abs(y.values[i] * g.scalars[i])
                        }
                        sides.append((dot, bound + gamma(y.values.count) * size))
                    }
                    let quotient = (sides[0].value - sides[1].value) / (2 * h)
                    let tolerance = 2 * ((sides[0].bound + sides[1].bound) / (2 * h) + gamma(gradientBound.terms[k]) * gradientBound.magnitude[k])
                        + 4 * eps * abs(quotient)
                    if abs(quotient - d.values[k]) > tolerance {
                        return .fail("element \(OutputCheck.multiIndex(k, shape: sizes)): the gradient says \(d.values[k]), "
                                     + "central differences (h = 1/16) give \(quotient), |difference| \(abs(quotient - d.values[k])) > bound \(tolerance)")
                    }
                }
                return .pass
            }
        }
    }

    /// The forward case's output under the implementation under test; nil when a candidate refuses it.
    static func forwardOutput(_ c: GeneratedCase) throws -> (shape: [Int], values: [Double])? {
        do { return try Run.output(c) } catch CandidateError.refused { return nil }
    }

    /// A batch of 0 (in the gradient and, for the filter gradient, the input) gives a gradient of
    /// zeros: of `input_sizes`' shape with a batch of 0, or of `filter_sizes`' shape, every element 0.
    static func zeroExtent(_ of: GradientOp) -> Property {
        Property(of.op, "empty-batch-gives-zeros", .valid([.exact])) { c, _ in
            law {
                guard let dy = c.input("out_backprop"), var sizes = of.shape(c), dy.shape.count == of.rank, dy.shape[0] > 0 else { return .discard }
                var empty = c.replacing("out_backprop", with: dy.with(shape: [0] + dy.shape.dropFirst(), values: []))
                if of.ofInput {
                    sizes[0] = 0
                    empty.attrs = empty.attrs.map { $0.0 == of.sizes ? ($0.0, J.ints(sizes)) : $0 }
                } else if let x = c.input("input") {
                    empty = empty.replacing("input", with: x.with(shape: [0] + x.shape.dropFirst(), values: []))
                }
                let d = try Run.output(empty)
                guard d.shape == sizes else { return .fail("with a batch of 0 the gradient has shape \(d.shape), \(sizes) is due") }
                if let i = d.values.firstIndex(where: { $0 != 0 }) {
                    return .fail("with a batch of 0, element \(OutputCheck.multiIndex(i, shape: sizes)) of the gradient is \(d.values[i]), not 0")
                }
                return .pass
            }
        }
    }
}
