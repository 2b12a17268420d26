/// A composable random generator: a function of one seeded stream and a size.
///
/// Everything a campaign draws comes from one `SplitMix64`, so a seed reproduces a campaign;
/// `size` grows over a campaign so early cases are small and later ones larger.
public struct Gen<Value>: Sendable {
    let body: @Sendable (inout SplitMix64, Int) -> Value

    public init(_ body: @escaping @Sendable (inout SplitMix64, Int) -> Value) { self.body = body }

    public func run(_ rng: inout SplitMix64, size: Int) -> Value { body(&rng, size) }

    public func map<U>(_ f: @escaping @Sendable (Value) -> U) -> Gen<U> {
        Gen<U> { rng, size in f(self.body(&rng, size)) }
    }

    /// Draws a value, then a generator that depends on it (shape first, then tensors of that shape).
    public func flatMap<U>(_ f: @escaping @Sendable (Value) -> Gen<U>) -> Gen<U> {
        Gen<U> { rng, size in f(self.body(&rng, size)).body(&rng, size) }
    }

    /// Draws until `predicate` holds, at most `tries` times; nil when none does.
    public func filter(tries: Int = 100, _ predicate: @escaping @Sendable (Value) -> Bool) -> Gen<Value?> {
        Gen<Value?> { rng, size in
            for _ in 0..<tries {
                let v = self.body(&rng, size)
                if predicate(v) { return v }
            }
            return nil
        }
    }
}

extension Gen where Value == Int {
    /// An integer in `range`, biased toward the edges a kernel gets wrong: the minimum, small
    /// primes, one past a SIMD width, the maximum.
    public static func int(_ range: ClosedRange<Int>) -> Gen<Int> {
        Gen { rng, _ in
            let span = UInt64(range.upperBound - range.lowerBound + 1)
            switch rng.next() % 8 {
            case 0: return range.lowerBound
            case 1:
                let special = [2, 3, 5, 7, 13, 17, 31, 33].filter { range.contains($0) }
                return special.isEmpty ? range.lowerBound : special[Int(rng.next() % UInt64(special.count))]
            case 2: return range.upperBound
            default: return range.lowerBound + Int(rng.next() % span)
            }
        }
    }

    /// An integer in `lower...lower + size·scale`: grows with the campaign's size.
    public static func sized(from lower: Int, scale: Double, cap: Int) -> Gen<Int> {
        Gen { rng, size in
            let upper = max(lower, min(cap, lower + Int(Double(size) * scale)))
            return Gen.int(lower...upper).run(&rng, size: size)
        }
    }
}

extension Gen {
    /// One of `choices`, uniformly.
    public static func element(_ choices: [Value]) -> Gen<Value> where Value: Sendable {
        Gen { rng, _ in choices[Int(rng.next() % UInt64(choices.count))] }
    }
}
