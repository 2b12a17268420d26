/// The exact-as-possible result of an arithmetic op, with what the tolerance model needs.
///
/// Each output element is a sum of products `t_i`. The reference accumulates it in Float64
/// and records its magnitude `S = Σ|t_i|` and its term count `n`; a float result computed in
/// any order then satisfies `|got − exact| ≤ γ(n)·S` (docs/DESIGN.md, "The tolerance model").
public struct Accumulated: Sendable, Equatable {
    public var shape: [Int]
    /// Σ t_i accumulated in Float64, per element.
    public var value: [Double]
    /// Σ |t_i| per element.
    public var magnitude: [Double]
    /// The number of products summed per element (taps that read padding are not terms).
    public var terms: [Int]

    public init(shape: [Int], value: [Double], magnitude: [Double], terms: [Int]) {
        self.shape = shape
        self.value = value
        self.magnitude = magnitude
        self.terms = terms
    }

    /// An all-zero accumulation of `count` elements.
    public init(zerosOfShape shape: [Int], count: Int) {
        self.init(shape: shape, value: Array(repeating: 0, count: count),
                  magnitude: Array(repeating: 0, count: count), terms: Array(repeating: 0, count: count))
    }

    /// Adds the product `t` to element `i`.
    @inlinable public mutating func add(_ t: Double, to i: Int) {
        value[i] += t
        magnitude[i] += abs(t)
        terms[i] += 1
    }

    /// The values rounded once to `T`.
    public func rounded<T: ConformFloat>(to _: T.Type = T.self) -> Tensor<T> {
        Tensor(validatedShape: shape, scalars: value.map { T($0) })
    }
}
