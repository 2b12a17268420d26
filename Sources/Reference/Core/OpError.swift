/// A typed error for input an op cannot accept, naming the op, the field, what was
/// expected and what was found.
///
/// Every op validates before it indexes, so bad input ends here and never in a trap.
public struct OpError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The op's fixture name (`conv2d`, `extract_glimpse`, ...).
    public var op: String
    /// The input or attribute at fault (`filters`, `strides[1]`, `offsets`, ...).
    public var field: String
    /// What a valid value looks like.
    public var expected: String
    /// What was given.
    public var actual: String

    public init(op: String, field: String, expected: String, actual: String) {
        self.op = op
        self.field = field
        self.expected = expected
        self.actual = actual
    }

    public var description: String { "\(op): \(field): expected \(expected), got \(actual)" }
}

/// Small validation helpers shared by the ops, so every check reports in the same words.
public struct Validator: Sendable {
    public let op: String
    public init(op: String) { self.op = op }

    public func fail(_ field: String, expected: String, actual: String) -> OpError {
        OpError(op: op, field: field, expected: expected, actual: actual)
    }

    /// Requires a tensor of the given rank.
    public func rank(_ field: String, _ shape: [Int], _ rank: Int, layout: String) throws(OpError) {
        guard shape.count == rank else {
            throw fail(field, expected: "rank \(rank) \(layout)", actual: "shape \(shape)")
        }
    }

    /// Requires every listed value to be positive.
    public func positive(_ field: String, _ values: [Int]) throws(OpError) {
        for (i, v) in values.enumerated() where v <= 0 {
            let name = values.count > 1 ? "\(field)[\(i)]" : field
            throw fail(name, expected: "a positive integer", actual: "\(v)")
        }
    }

    /// Requires a list of exactly `count` entries.
    public func count(_ field: String, _ values: [Int], _ count: Int) throws(OpError) {
        guard values.count == count else {
            throw fail(field, expected: "\(count) value\(count == 1 ? "" : "s")", actual: "\(values)")
        }
    }

    /// Requires a value ≥ 0.
    public func nonNegative(_ field: String, _ value: Int) throws(OpError) {
        guard value >= 0 else { throw fail(field, expected: "a value ≥ 0", actual: "\(value)") }
    }
}

extension Validator {
    /// Checks a grouped convolution's channels and returns the group count
    /// `G = inputChannels / filterChannels`; `filterRank` locates the filter axes in messages.
    public func groups(inputChannels cin: Int, filterChannels cpg: Int, outputChannels cout: Int, filterRank: Int)
        throws(OpError) -> Int
    {
        let inAxis = "filters.shape[\(filterRank - 2)]", outAxis = "filters.shape[\(filterRank - 1)]"
        try positive("input channels", [cin])
        try positive(inAxis, [cpg])
        try positive(outAxis, [cout])
        guard cin % cpg == 0 else {
            throw fail(inAxis, expected: "a divisor of the input channels \(cin)", actual: "\(cpg)")
        }
        let groups = cin / cpg
        guard cout % groups == 0 else {
            throw fail(outAxis, expected: "a multiple of the group count \(groups)", actual: "\(cout)")
        }
        return groups
    }
}

extension Validator {
    /// The most elements an op allocates for one output (2²⁸: 1 GiB of Float32), so absurd
    /// attributes (a padding of 10¹², a glimpse of 10⁵ × 10⁵) are errors, not out-of-memory traps.
    public static let maxOutputElements = 1 << 28

    /// The element count of an output shape, checked for overflow and against `maxOutputElements`.
    public func outputCount(_ shape: [Int]) throws(OpError) -> Int {
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: max(d, 0))
            guard !overflow, p <= Validator.maxOutputElements else {
                throw fail("output", expected: "at most \(Validator.maxOutputElements) elements", actual: "shape \(shape)")
            }
            count = p
        }
        return count
    }

    /// `a · b`, or an error naming `field` when it overflows.
    public func product(_ field: String, _ values: Int...) throws(OpError) -> Int {
        var p = 1
        for v in values {
            let (r, overflow) = p.multipliedReportingOverflow(by: v)
            guard !overflow else { throw fail(field, expected: "a product that fits in 64 bits", actual: "\(values)") }
            p = r
        }
        return p
    }
}
