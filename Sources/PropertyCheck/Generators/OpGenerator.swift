import Formats
import Reference

/// A case described by its parameters: what the shrinker edits and the repro reproduces.
public struct CaseSpec: Sendable, Equatable {
    public var op: String
    /// Parameter values by name (the generator's `params` order).
    public var params: [String: Int]
    public var fill: Fill
    /// Seeds the tensor values (and any other draw the builder makes).
    public var valueSeed: UInt64
}

/// One integer parameter of an op's case space.
public struct Param: Sendable {
    public let name: String
    /// The value the shrinker moves toward.
    public let minimum: Int
    /// The values a fixed-range parameter takes (nil for one that grows with the campaign).
    public let range: ClosedRange<Int>?
    let gen: Gen<Int>

    public init(_ name: String, _ minimum: Int, _ gen: Gen<Int>, range: ClosedRange<Int>? = nil) {
        self.name = name
        self.minimum = minimum
        self.gen = gen
        self.range = range
    }

    /// `minimum...maximum`, edge-biased.
    public init(_ name: String, _ range: ClosedRange<Int>) {
        self.init(name, range.lowerBound, .int(range), range: range)
    }

    /// From `minimum`, growing with the campaign's size by `scale` per size step, up to `cap`.
    public init(_ name: String, from minimum: Int, scale: Double, cap: Int) {
        self.init(name, minimum, .sized(from: minimum, scale: scale, cap: cap))
    }
}

/// The case generator of one op: its parameters and how they become a case.
public struct OpGenerator: Sendable {
    public let op: String
    public let params: [Param]
    /// Builds a case; nil when the parameters do not describe a valid, non-degenerate case.
    let build: @Sendable (_ p: [String: Int], _ fill: Fill, _ rng: inout SplitMix64) -> GeneratedCase?
    /// Builds a case that both implementations must reject; nil when the draw happens to be valid.
    let invalid: @Sendable (_ p: [String: Int], _ rng: inout SplitMix64) -> GeneratedCase?
    /// Rewrites parameters that select a size class into class-free ones describing the same case
    /// (so the shrinker can leave the class without losing the failure); nil when there are none.
    let declassify: (@Sendable ([String: Int]) -> [String: Int])?

    public init(op: String, params: [Param],
                build: @escaping @Sendable ([String: Int], Fill, inout SplitMix64) -> GeneratedCase?,
                invalid: @escaping @Sendable ([String: Int], inout SplitMix64) -> GeneratedCase?,
                declassify: (@Sendable ([String: Int]) -> [String: Int])? = nil) {
        self.op = op
        self.params = params
        self.build = build
        self.invalid = invalid
        self.declassify = declassify
    }

    /// Parameter values, each drawn by its own generator.
    public var parameters: Gen<[String: Int]> {
        params.reduce(Gen { _, _ in [String: Int]() }) { partial, param in
            partial.flatMap { values in param.gen.map { v in values.merging([param.name: v]) { a, _ in a } } }
        }
    }

    /// Specs that build: parameters, then a value seed, kept when they describe a valid case.
    public func specs(fill: Fill, tries: Int = 200) -> Gen<CaseSpec?> {
        let op = self.op
        return parameters
            .flatMap { params in Gen { rng, _ in CaseSpec(op: op, params: params, fill: fill, valueSeed: rng.next()) } }
            .filter(tries: tries) { self.build($0) != nil }
    }

    /// Draws a spec that builds (at most `tries` draws).
    public func draw(_ rng: inout SplitMix64, size: Int, fill: Fill, tries: Int = 200) -> CaseSpec? {
        specs(fill: fill, tries: tries).run(&rng, size: size)
    }

    /// The case a spec describes (deterministic in the spec).
    public func build(_ spec: CaseSpec) -> GeneratedCase? {
        var rng = SplitMix64(seed: spec.valueSeed)
        return build(spec.params, spec.fill, &rng)
    }

    /// An invalid case from a spec's parameters (the error property's input).
    public func invalidCase(_ spec: CaseSpec) -> GeneratedCase? {
        var rng = SplitMix64(seed: spec.valueSeed ^ 0x1BAD)
        return invalid(spec.params, &rng)
    }
}

/// Small JSON helpers for builders.
enum J {
    static func ints(_ values: [Int]) -> JSONValue { .array(values.map { JSONValue($0) }) }
    static func pairs(_ values: [(Int, Int)]) -> JSONValue { .array(values.map { ints([$0.0, $0.1]) }) }
}

/// A float tensor of the dtype a parameter chose (0: float32, 1: float64, 2: float16).
func floats(_ shape: [Int], _ dtype: Int, _ fill: Fill, _ rng: inout SplitMix64) -> AnyTensor {
    switch dtype {
    case 1: .float64(fill.tensor(shape, &rng, as: Double.self))
    case 2: .float16(fill.tensor(shape, &rng, as: Float16.self))
    default: .float32(fill.tensor(shape, &rng, as: Float.self))
    }
}

extension [String: Int] {
    /// The value of a parameter the generator declares (0 when absent, which builders never rely on).
    func v(_ name: String) -> Int { self[name] ?? 0 }
}
