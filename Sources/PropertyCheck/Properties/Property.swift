import Reference

/// What one property says of one case.
public enum Verdict: Sendable, Equatable {
    case pass
    case fail(String)
    /// The case proved nothing: its result is mostly zeros or not finite.
    case mistrusted(String)
    /// A candidate computed something on an input the specification rejects: a finding of its own
    /// kind, listed with its repro and counted apart from wrong values (frameworks are often lenient).
    case acceptsInvalid(String)
    /// A candidate departs from the definition the way a known TensorFlow quirk (its id) says:
    /// reported as that quirk and counted, not failed.
    case quirk(String)
    /// The property does not apply to this case.
    case discard
}

/// A named law checked on generated cases: `op/name`, listed once in `Properties.all`.
public struct Property: Sendable {
    public enum Input: Sendable {
        /// Valid cases, under the listed fills.
        case valid([Fill])
        /// Cases both implementations must reject.
        case invalid
    }

    public let name: String
    public let op: String
    public let input: Input
    let check: @Sendable (GeneratedCase, Fill) -> Verdict

    public init(_ op: String, _ name: String, _ input: Input, check: @escaping @Sendable (GeneratedCase, Fill) -> Verdict) {
        self.op = op
        self.name = "\(op)/\(name)"
        self.input = input
        self.check = check
    }

    /// Checks a case; anything thrown where it should not be is a failure naming the error.
    /// A candidate's failure that a known TensorFlow quirk or refusal explains is that quirk.
    public func check(_ c: GeneratedCase, fill: Fill) -> Verdict {
        let verdict = check(c, fill)
        guard case .fail = verdict, UnderTest.implementation.candidate != nil, case .valid = input else { return verdict }
        return Properties.knownDeparture(c).map(Verdict.quirk) ?? verdict
    }

    public func applies(to fill: Fill) -> Bool {
        if case let .valid(fills) = input { fills.contains(fill) } else { false }
    }
}

/// Running a generated case through the op table.
enum Run {
    /// Both implementations' outputs and the reference's accumulation.
    static func both(_ c: GeneratedCase) throws -> (reference: ReferenceRun, optimized: [String: AnyTensor], prepared: PreparedCase) {
        let prepared = try c.prepare()
        let reference = try prepared.reference()
        return (reference, try underTest(c, definition: reference), prepared)
    }

    /// The optimized implementation's outputs.
    static func optimized(_ c: GeneratedCase) throws -> [String: AnyTensor] {
        guard let run = try c.prepare().optimized else { throw OpError(op: c.op, field: "(optimized)", expected: "an implementation", actual: "none") }
        return try run()
    }

    /// One output of the implementation under test as Doubles, with its shape.
    static func output(_ c: GeneratedCase, _ name: String = "output") throws -> (shape: [Int], values: [Double]) {
        guard let t = try underTest(c)[name] else { throw OpError(op: c.op, field: name, expected: "an output", actual: "none") }
        return (t.shape, (0..<t.count).map { t.double(at: $0) })
    }

    /// Describes the first difference between two outputs, or nil when they are bit-identical.
    static func difference(_ a: AnyTensor?, _ b: AnyTensor?) -> String? {
        guard let a, let b else { return "missing output" }
        guard a.shape == b.shape, a.dtype == b.dtype else { return "shape/dtype \(a.shape) \(a.dtype) vs \(b.shape) \(b.dtype)" }
        for i in 0..<a.count where a.bits(at: i) != b.bits(at: i) {
            return "element \(OutputCheck.multiIndex(i, shape: a.shape)): \(a.text(at: i)) vs \(b.text(at: i))"
        }
        return nil
    }
}
