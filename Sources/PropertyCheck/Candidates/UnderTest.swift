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
    /// `definition`, when the caller has already run the reference, spares running it again for
    /// the candidate's shape check.
    static func underTest(_ c: GeneratedCase, definition: ReferenceRun? = nil) throws -> [String: AnyTensor] {
        guard let candidate = UnderTest.implementation.candidate else { return try optimized(c) }
        guard candidate.offers(op: c.op, inputs: c.inputs), let entry = OpTable.entry(named: c.op) else { throw NotOffered() }
        let outputs = entry.outputs + (c.inputs.contains { $0.0 == "targets" } ? entry.optionalOutputs : [])
        let got = try candidate.run(op: c.op, attrs: OpTable.filledAttributes(c.op, c.attrs), inputs: c.inputs, outputs: outputs)
        try checkShapes(c, got, definition: definition)
        return got
    }

    /// A candidate's outputs have the shapes the definition gives them before any law reads a
    /// value (a law indexes an output by the definition's geometry): a missing output or another
    /// shape is a failure of the case, unless one of TensorFlow's registered quirks explains it.
    /// An input the definition rejects has no shape due.
    static func checkShapes(_ c: GeneratedCase, _ got: [String: AnyTensor], definition: ReferenceRun?) throws(CandidateError) {
        guard let definition = definition ?? (try? c.prepare().reference()) else { return }
        for (name, due) in definition.outputs.sorted(by: { $0.key < $1.key }) {
            guard let output = got[name] else { throw .failed("protocol: it wrote no output \"\(name)\"") }
            guard output.shape == due.shape else {
                let inputs = Dictionary(c.inputs, uniquingKeysWith: { a, _ in a })
                if Departure.explaining(op: c.op, inputs: inputs, attrs: c.attrs, got: output, definition: due) != nil { continue }
                throw .failed("output \"\(name)\": shape: expected \(due.shape), got \(output.shape)")
            }
        }
    }
}
