/// Everything Conform knows about one op, in one value (in the spirit of PyTorch's OpInfo): the
/// op table lists one per op, and the fixture runner, the campaign, the candidates' requests, the
/// coverage tables, the benchmark suite and README's op table all read it.
///
/// Adding an op means writing its descriptor (its entry, generator, boundary classes, laws and
/// benchmark cases, which a new op can define in one file beside its descriptor), listing it in
/// `OpTable.descriptors`, and writing its two implementations, `Reference.<op>` and
/// `Optimized.<op>`. Every op gets the differential, error and variant properties from its entry;
/// `laws` are its own; `explain` is what `conform explain <op>` takes and prints.
public struct OpDescriptor: Sendable {
    /// Its fixture vocabulary (inputs, outputs), attribute schema with defaults, and decoding.
    public let entry: OpEntry
    /// How the campaign draws its cases, valid and invalid, and shrinks them.
    public let generator: OpGenerator
    /// The boundaries the default campaign must reach (extents of 0 and 1, a stride past the
    /// kernel, …); empty for an op without size classes.
    public let boundaryClasses: [BoundaryClass]
    /// Its metamorphic laws, beyond the properties every op gets.
    public let laws: [Property]
    /// Makes its built-in benchmark cases. Made only when a benchmark runs: defining a case at
    /// realistic sizes checks its geometry against the memory budget, which a run with a small
    /// `--max-memory` that benchmarks nothing must not trip over.
    let makeBenchmarks: @Sendable () -> [BenchCase]
    /// `conform explain <op>`: its options and answer (nil: the op has none).
    public let explain: ExplainSpec?

    public init(entry: OpEntry, generator: OpGenerator, boundaryClasses: [BoundaryClass] = [], laws: [Property] = [],
                benchmarks: @escaping @Sendable () -> [BenchCase] = { [] }, explain: ExplainSpec? = nil) {
        precondition(generator.op == entry.name && boundaryClasses.allSatisfy { $0.op == entry.name } && laws.allSatisfy { $0.op == entry.name },
                     "a descriptor's generator, classes and laws are its own op's")
        self.entry = entry
        self.generator = generator
        self.boundaryClasses = boundaryClasses
        self.laws = laws
        self.makeBenchmarks = benchmarks
        self.explain = explain
    }

    /// Its built-in benchmark cases, at realistic sizes (`conform bench`, the report).
    public var benchmarks: [BenchCase] { makeBenchmarks() }

    /// The op's name, as fixtures and candidates name it.
    public var name: String { entry.name }
    /// Every property the campaign checks on the op: the shared ones, then its laws.
    public var properties: [Property] { Properties.of(name) }
    /// Frameworks' known departures from the definition on this op (counted, not failed).
    public var departures: [Departure] { Departure.all.filter { $0.op == name } }
    /// Frameworks' known refusals of valid cases of this op (counted, not failed).
    public var refusals: [KnownRefusal] { KnownRefusal.all.filter { $0.ops.contains(name) } }
}
