import Formats
import Reference

extension Properties {
    /// The gradient ops' own laws.
    static let gradientLaws: [Property] = [
        linearity("conv2d_backprop_input", in: "out_backprop"),
        // The adjoint (dot-product) identity ⟨conv2d(x, w), g⟩ = ⟨x, ∂input(g, w)⟩: ties the
        // implementation's input gradient to its own forward conv2d, with no reference. Exact
        // fill and x in {−1, 0, 1} make both sides exact integers, so they must be equal.
        Property("conv2d_backprop_input", "adjoint-of-conv2d", .valid([.exact])) { c, _ in
            law {
                guard let f = c.input("filter"), let dy = c.input("out_backprop"),
                      let sizes = c.attrs.first(where: { $0.0 == "input_sizes" })?.1.array?.compactMap(\.int), sizes.count == 4 else {
                    return .discard
                }
                let count: Int = sizes.reduce(1, *)
                let xs: [Double] = (0..<count).map { (i: Int) -> Double in Double((i * 7 + 3) % 3 - 1) }
                let x = f.with(shape: sizes, values: xs)
                let forward = GeneratedCase(op: "conv2d", attrs: c.attrs.filter { $0.0 != "input_sizes" }, inputs: [("input", x), ("filters", f)])
                let (y, dx) = (try Run.output(forward), try Run.output(c))
                guard exact(y.values, f.dtype), exact(dx.values, f.dtype) else { return .discard }
                guard y.shape == dy.shape, dx.shape == sizes else {
                    return .fail("shapes: conv2d(x, w) \(y.shape) with g \(dy.shape), ∂input \(dx.shape) with x \(sizes)")
                }
                let g: [Double] = dy.doubles
                var (left, right) = (0.0, 0.0)
                for (a, b) in zip(y.values, g) { left += a * b }
                for (a, b) in zip(xs, dx.values) { right += a * b }
                return left == right ? .pass : .fail("⟨conv2d(x, w), g⟩ = \(left) but ⟨x, ∂input(g, w)⟩ = \(right)")
            }
        },
    ]
}
