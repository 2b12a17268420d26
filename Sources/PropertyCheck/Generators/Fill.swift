import Reference

/// How generated tensors are filled.
public enum Fill: String, Sendable, CaseIterable {
    /// Uniform reals in [−1, 1): judged by the tolerance model's bound.
    case random
    /// Small positive integers in {1, 2, 3}: every partial sum of a generated case is an integer
    /// far below 2²⁴, so any two correct implementations agree bit for bit; and, being positive, no
    /// sum cancels to a zero that would prove nothing (random fill covers negative values).
    case exact

    /// `count` values of `T`.
    public func values<T: ConformFloat>(_ count: Int, _ rng: inout SplitMix64, as _: T.Type = T.self) -> [T] {
        switch self {
        case .random:
            return (0..<count).map { _ in T(Double(Int64(rng.next() >> 11) - (1 << 52)) / Double(1 << 52)) }
        case .exact:
            return (0..<count).map { _ in T(1 + Int(rng.next() % 3)) }
        }
    }

    /// A tensor of `T` with these values.
    public func tensor<T: ConformFloat>(_ shape: [Int], _ rng: inout SplitMix64, as _: T.Type = T.self) -> Tensor<T> {
        try! Tensor(shape: shape, scalars: values(shape.reduce(1, *), &rng, as: T.self))
    }
}
