import Foundation
import Formats
import Reference

/// One benchmark: an op on fixed inputs, runnable under each implementation.
///
/// Inputs are made by `prepare` only when the case runs, so a suite holds one case's tensors at a time.
public struct BenchCase: Sendable {
    /// The runnable form of a case.
    public struct Prepared: Sendable {
        public var reference: (@Sendable () throws -> Void)?
        public var optimized: @Sendable () throws -> Void
        /// Why the reference is not timed, when it is not.
        public var referenceNote: String?

        public init(reference: (@Sendable () throws -> Void)?, optimized: @escaping @Sendable () throws -> Void,
                    referenceNote: String? = nil) {
            self.reference = reference
            self.optimized = optimized
            self.referenceNote = referenceNote
        }
    }

    public var id: String
    public var op: String
    /// The shapes in words, for the table.
    public var shape: String
    /// FLOPs of one run, padding excluded; nil where the op is not arithmetic.
    public var flops: Double?
    /// Bytes one run must read and write at least (inputs and output once), for the roofline.
    public var bytes: Double?
    public var prepare: @Sendable () throws -> Prepared
    /// The case as op, attributes and input tensors, for timing candidates (nil: not offered to them).
    public var fixtureForm: (@Sendable () throws -> GeneratedCase)?
    /// The algorithm the cost model picks for the optimized run, in words (convolutions only).
    public var plan: (@Sendable () -> String)?

    public init(id: String, op: String, shape: String, flops: Double?, bytes: Double? = nil,
                fixtureForm: (@Sendable () throws -> GeneratedCase)? = nil, prepare: @escaping @Sendable () throws -> Prepared) {
        self.id = id
        self.op = op
        self.shape = shape
        self.flops = flops
        self.bytes = bytes
        self.fixtureForm = fixtureForm
        self.prepare = prepare
    }

    /// Every case of a fixture set, through the op table (the same closures `conform fixtures` judges).
    public static func fromFixtures(_ set: FixtureSet) -> [BenchCase] {
        set.manifest.cases.compactMap { fixtureCase -> BenchCase? in
            guard let entry = OpTable.entry(named: fixtureCase.op) else { return nil }
            var context = CaseContext(fixtureCase: fixtureCase, file: set.manifestPath) { name, field throws(FixtureError) in
                try set.tensor(name, caseID: fixtureCase.id, field: field)
            }
            guard let prepared = try? entry.prepare(&context), let optimized = prepared.optimized else { return nil }
            let shape = fixtureCase.inputs.compactMap { name, _ in (try? context.input(name)).map { "\(name) \($0.shape)" } }
                .joined(separator: ", ")
            let fixtureForm: @Sendable () throws -> GeneratedCase = {
                var inputs = [(String, AnyTensor)]()
                for (name, file) in fixtureCase.inputs { inputs.append((name, try set.tensor(file, caseID: fixtureCase.id, field: name))) }
                return GeneratedCase(op: fixtureCase.op, attrs: fixtureCase.attrs, inputs: inputs)
            }
            return BenchCase(id: fixtureCase.id, op: fixtureCase.op, shape: shape, flops: prepared.flops, fixtureForm: fixtureForm) {
                Prepared(reference: { _ = try prepared.reference() }, optimized: { _ = try optimized() })
            }
        }
    }

    /// Seconds in a readable unit.
    public static func duration(_ s: Double) -> String {
        switch s {
        case ..<1e-6: String(format: "%.0f ns", s * 1e9)
        case ..<1e-3: String(format: "%.1f µs", s * 1e6)
        case ..<1: String(format: "%.2f ms", s * 1e3)
        default: String(format: "%.2f s", s)
        }
    }
}
