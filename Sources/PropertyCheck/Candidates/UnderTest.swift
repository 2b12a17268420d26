import Reference

/// The implementation the campaign's properties judge: Conform's optimized ops by default, or a
/// candidate. Task-local, so `Run` sends every case a property runs to it, and the metamorphic laws
/// apply to candidates too (an implementation against itself).
public enum UnderTest {
    @TaskLocal public static var implementation: Implementation = .optimized

    /// Whether the optimized ops are under test (the laws about their own algorithms, ISAs and
    /// views apply to nothing else).
    static var isOptimized: Bool { implementation.candidate == nil }
}

/// A case of an op the candidate under test does not offer: the property does not apply.
struct NotOffered: Error {}

extension Run {
    /// The implementation under test's outputs for a case (a candidate gets the case's attributes
    /// with every default filled in and the names of the outputs to write).
    static func underTest(_ c: GeneratedCase) throws -> [String: AnyTensor] {
        guard let candidate = UnderTest.implementation.candidate else { return try optimized(c) }
        guard candidate.offers(op: c.op, inputs: c.inputs), let entry = OpTable.entry(named: c.op) else { throw NotOffered() }
        let outputs = entry.outputs + (c.inputs.contains { $0.0 == "targets" } ? entry.optionalOutputs : [])
        return try candidate.run(op: c.op, attrs: OpTable.filledAttributes(c.op, c.attrs), inputs: c.inputs, outputs: outputs)
    }
}
