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

    /// The same error in another op's name: an op that delegates to another (a gradient or a
    /// transposed convolution on a view) reports the caller's op, with the field and values kept.
    public func renamed(op: String) -> OpError {
        OpError(op: op, field: field, expected: expected, actual: actual)
    }

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
        // No output channels is an empty output in TensorFlow (no input channels is an error there).
        try nonNegative(outAxis, cout)
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

    /// The element count of an output shape, checked for overflow and against `maxOutputElements`
    /// (zero extents counted as 1: the work of producing an empty output of 2⁶² windows is not
    /// empty), and the run's memory need against `MemoryBudget`.
    public func outputCount(_ shape: [Int]) throws(OpError) -> Int {
        var count = 1, work = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: max(d, 0))
            let (w, workOverflow) = work.multipliedReportingOverflow(by: max(d, 1))
            guard !overflow, !workOverflow, w <= Validator.maxOutputElements else {
                throw fail("output", expected: "at most \(Validator.maxOutputElements) elements", actual: "shape \(shape)")
            }
            (count, work) = (p, w)
        }
        try memory("output", elements: count, bytesEach: MemoryBudget.bytesPerOutputElement(op: op), shape: shape)
        return count
    }

    /// Refuses a need of `elements · bytesEach` bytes which, with what the run already holds
    /// (`MemoryBudget.held`), passes `MemoryBudget.bytes`, naming the estimate and the budget
    /// (before anything is allocated).
    public func memory(_ field: String, elements: Int, bytesEach: Int, shape: [Int]) throws(OpError) {
        let (need, overflow) = elements.multipliedReportingOverflow(by: bytesEach)
        let held = MemoryBudget.held
        guard !overflow, need <= MemoryBudget.bytes - held else {
            let estimate = overflow ? "more than 2^63 bytes" : MemoryBudget.describe(need)
            throw fail(field, expected: "a need within the memory budget of \(MemoryBudget.describe(MemoryBudget.bytes)) (--max-memory)",
                       actual: "about \(estimate) for shape \(shape)" + (held > 0 ? " beside the \(MemoryBudget.describe(held)) of the case's tensors" : ""))
        }
    }
}

extension Validator {
    /// Refuses an output of `outputElements` (at `MemoryBudget.bytesPerOutputElement(op:)` bytes
    /// each) together with the `bytes` the op allocates beside it (a padded copy, a repeated
    /// input, an intermediate stage, work areas), when the two pass the budget.
    public func memory(_ field: String, outputElements: Int, besides bytes: Int, shape: [Int]) throws(OpError) {
        let output = try product(field, outputElements, MemoryBudget.bytesPerOutputElement(op: op))
        try memory(field, elements: try sum(field, output, bytes), bytesEach: 1, shape: shape)
    }
}

/// The memory one run may use (`--max-memory`, default 1 GiB): every case's need is estimated,
/// overflow-checked, before anything is allocated, and a case over budget is unusable input.
public enum MemoryBudget {
    nonisolated(unsafe) public static var bytes = 1 << 30

    /// What the run already holds for the case an op is running on (its loaded inputs and
    /// expected outputs), counted with every need the op declares: the budget is the whole run's.
    @TaskLocal public static var held = 0

    /// Bytes a run holds per output element, for the widest dtype (8 bytes): the reference's,
    /// the implementation's and the expected output, plus the reference's Float64 value, magnitude
    /// and term count for arithmetic ops.
    public static func bytesPerOutputElement(op: String) -> Int {
        ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_at"].contains(op) || op.contains("_backprop_") || op.hasSuffix("_transpose") ? 48 : 24
    }

    /// `123 MiB`, `2.5 GiB`.
    public static func describe(_ bytes: Int) -> String {
        let mib = Double(bytes) / Double(1 << 20)
        return mib >= 1024 ? "\((mib / 1024 * 10).rounded() / 10) GiB" : "\(Int(mib.rounded(.up))) MiB"
    }
}

extension Validator {

    /// `a + b + …`, or an error naming `field` when it overflows.
    public func sum(_ field: String, _ values: Int...) throws(OpError) -> Int {
        var total = 0
        for v in values {
            let (r, overflow) = total.addingReportingOverflow(v)
            guard !overflow else { throw fail(field, expected: "a sum that fits in 64 bits", actual: "\(values)") }
            total = r
        }
        return total
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
