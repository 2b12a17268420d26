import Dispatch
import Formats
import Foundation
import Optimized
import Reference

/// A property campaign: every op's properties on seeded generated cases, failures shrunk.
///
/// Case `k` of op `o` is drawn from its own stream, `SplitMix64(seed ⊕ o·2³² ⊕ k)`, at size
/// growing with `k`; shard `i/n` takes the cases with `k % n == i`, so the shards together are
/// exactly the whole campaign and the same seed gives the same cases and the same summary.
///
/// Each case also draws how the optimized ops run it (`Execution`): the ISA (every kernel module
/// the host can run) and the threads (1, the core count, one more than the cores). Every case
/// records the paths of the optimized code it reached (`KernelPath`); a path of the campaign's ops
/// that no case reached is an error of the campaign.
public struct Campaign: Sendable {
    /// The seed of the default campaign (`conform check`, `conform report`, `ConformTesting`): the
    /// one whose catching of every planted bug the tests establish.
    public static let defaultSeed: UInt64 = 2026
    /// The cases per op of the default campaign.
    public static let defaultCases = 300

    public var seed: UInt64
    public var casesPerOp: Int
    public var ops: [String]
    public var shard: (index: Int, count: Int)
    /// Stop drawing new cases after this many seconds (nil: no limit).
    public var timeBudget: Double?
    /// The size the last case grows to.
    public var maxSize = 24
    public var shrinker = Shrinker()
    /// Stop after this many failing cases (nil: run every case).
    public var stopAfterFailures: Int?
    /// The crashes and hangs of a candidate program already shrunk in this campaign (shared by its
    /// copies): each step of shrinking one restarts the program, seconds for a framework.
    let shrunkDeaths = DeathMemo()
    /// The implementation the properties judge (Conform's optimized ops, or a candidate).
    public var underTest: Implementation = .optimized

    public init(seed: UInt64, casesPerOp: Int, ops: [String] = OpTable.names, shard: (index: Int, count: Int) = (0, 1),
                timeBudget: Double? = nil) {
        self.seed = seed
        self.casesPerOp = casesPerOp
        self.ops = ops
        self.shard = shard
        self.timeBudget = timeBudget
    }

    /// Per-op counts for the summary table.
    public struct OpSummary: Sendable {
        public var op: String
        public var cases = 0, passed = 0, failed = 0, mistrusted = 0, discarded = 0
        /// Cases on which a candidate computed something for an input the specification rejects.
        public var acceptsInvalid = 0
        /// Cases on which a candidate departs from the definition as a known TensorFlow quirk does.
        public var quirks = 0
        public var seconds = 0.0
        public var casesPerSecond: Double { seconds > 0 ? Double(cases) / seconds : 0 }
    }

    /// A shrunk failure and how to replay it.
    public struct Failure: Sendable {
        public var property: String
        public var op: String
        public var caseIndex: Int
        public var fill: Fill
        public var originalElements: Int
        public var shrunk: GeneratedCase
        public var message: String
        public var shrinkSteps: Int
        /// The ISA and threads the case ran with (part of the repro).
        public var execution: Execution
        /// The case passes with one thread and fails with `execution.threads`: a race or a bad thread split.
        public var threadDependent = false
        /// The command of the candidate program under test (part of the repro); nil for Conform's own ops.
        public var candidate: String?
        /// The candidate's execution path the case ran on (part of the repro); nil for none declared.
        public var variant: CandidateVariant?
        /// The execution path that departed: the case's own, or the other one a law ran it on.
        public var failedUnder: CandidateVariant?
        /// The boundary classes of the shrunk case (`BoundaryClass.name`), sorted.
        public var classes: [String] = []

        public init(property: String, op: String, caseIndex: Int, fill: Fill, originalElements: Int, shrunk: GeneratedCase,
                    message: String, shrinkSteps: Int, execution: Execution = Execution()) {
            self.property = property
            self.op = op
            self.caseIndex = caseIndex
            self.fill = fill
            self.originalElements = originalElements
            self.shrunk = shrunk
            self.message = message
            self.shrinkSteps = shrinkSteps
            self.execution = execution
        }

        /// The command line that replays it, as printed after `REPRO`.
        public var replayCommand: String {
            "conform replay " + (candidate.map { "--candidate \(Self.shellQuoted($0)) " } ?? "") + Self.shellQuoted(repro)
        }

        /// `'text'`, with any `'` inside written as `'\''`.
        public static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

        /// The one-line repro `conform replay` reads.
        public var repro: String {
            var fields: [(String, JSONValue)] = [("property", .string(property)), ("fill", .string(fill.rawValue))]
            if let isa = execution.isa { fields.append(("isa", .string(isa.rawValue))) }
            if let threads = execution.threads { fields.append(("threads", JSONValue(threads))) }
            if let candidate { fields.append(("candidate", .string(candidate))) }
            if let variant { fields.append(("variant", variant.json)) }
            return JSONValue.object(fields + [("case", shrunk.json)]).description
        }
    }

    /// How often a path served the campaign's cases, and in how many failing ones.
    public struct PathStats: Sendable, Equatable {
        public var cases = 0, failures = 0
        public init(cases: Int = 0, failures: Int = 0) {
            self.cases = cases
            self.failures = failures
        }
    }

    public struct Result: Sendable {
        public var summaries: [OpSummary]
        public var failures: [Failure]
        /// Cases whose results proved nothing (message: why), unshrunk.
        public var mistrusts: [Failure] = []
        /// Invalid inputs a candidate computed something for (unshrunk; not failures).
        public var acceptances: [Failure] = []
        /// A candidate's departures that known TensorFlow quirks explain (message: the quirk; not failures).
        public var quirkFindings: [Failure] = []
        /// Per path of the optimized code: cases that reached it, and failing ones among them.
        public var paths: [KernelPath: PathStats] = [:]
        /// The paths of the campaign's ops (that this host can run) that no case reached; checked
        /// only for a whole campaign (one shard, no time budget, no early stop).
        public var unreached: [KernelPath] = []
        /// Per boundary class of the campaign's ops (`BoundaryClass.id`): judged cases inside it.
        public var boundaryHits: [String: Int] = [:]
        /// The boundary classes no judged case reached; checked, as paths are, only for a whole campaign.
        public var unreachedClasses: [String] = []
        public var passed: Int { summaries.reduce(0) { $0 + $1.passed } }
        public var failed: Int { summaries.reduce(0) { $0 + $1.failed } }
        public var mistrusted: Int { summaries.reduce(0) { $0 + $1.mistrusted } }
        /// 0 only when every case passed and every path and boundary class was reached.
        public var exitCode: Int32 { failed == 0 && mistrusted == 0 && unreached.isEmpty && unreachedClasses.isEmpty ? 0 : 1 }
    }

    /// The ISA and threads case `k` runs with, drawn from its own stream (so the case itself is
    /// the same whatever the host); a planted bug in force stays in force.
    /// A candidate's cases carry neither: its code does not read them.
    public func execution(forCase k: Int) -> Execution {
        guard underTest.candidate == nil else { return Execution.current }
        var rng = SplitMix64(seed: seed ^ 0x5EED_0E8E_C0DE ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15))
        _ = rng.next()
        let isas = Execution.hostISAs
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = [1, cores, cores + 1]
        var execution = Execution.current
        execution.isa = isas[Int(rng.next() % UInt64(isas.count))]
        execution.threads = threads[Int(rng.next() % UInt64(threads.count))]
        return execution
    }

    /// Runs one case: its outcome and the paths of the optimized code it reached. In process by
    /// default (`runCase`); `Supervisor.caseRunner` runs it in a child process instead.
    public typealias CaseRunner = (_ k: Int, _ generator: OpGenerator, _ opIndex: Int) -> (CaseOutcome, Set<KernelPath>)

    /// Runs the campaign; `onFailure` sees each shrunk failure as it is found, `progress` each case.
    public func run(onFailure: (Failure) -> Void = { _ in }, onMistrust: (Failure) -> Void = { _ in },
                    onAcceptance: (Failure) -> Void = { _ in }, onQuirk: (Failure) -> Void = { _ in },
                    progress: (Int, Int) -> Void = { _, _ in }, runner: CaseRunner? = nil) -> Result {
        let runner = runner ?? { k, generator, opIndex in runCase(k, generator: generator, opIndex: opIndex) }
        Threading.poisonUninitializedMemory()
        let generators = ops.compactMap { op in OpGenerator.all.first { $0.op == op } }
        var summaries = generators.map { OpSummary(op: $0.op) }
        var failures = [Failure](), mistrusts = [Failure](), acceptances = [Failure](), quirkFindings = [Failure]()
        var paths = [KernelPath: PathStats]()
        var boundaryHits = [String: Int]()
        for generator in generators { for c in BoundaryClass.of(generator.op) { boundaryHits[c.id] = 0 } }
        var stopped = false
        let start = DispatchTime.now().uptimeNanoseconds
        // This shard's case indices, lazily (a campaign of any size starts at once).
        let mine = stride(from: shard.index, to: casesPerOp, by: max(1, shard.count))
        let total = mine.underestimatedCount * generators.count
        var done = 0
        cases: for k in mine {
            for (o, generator) in generators.enumerated() {
                if let budget = timeBudget, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > budget {
                    stopped = true
                    break cases
                }
                let opIndex = OpTable.names.firstIndex(of: generator.op) ?? o
                let t0 = DispatchTime.now().uptimeNanoseconds
                let (drawn, reached) = runner(k, generator, opIndex)
                let outcome = drawn.renamed(for: underTest.candidate?.name)
                let failing: Bool
                if case .fail = outcome { failing = true } else { failing = false }
                for path in reached {
                    paths[path, default: PathStats()].cases += 1
                    if failing { paths[path, default: PathStats()].failures += 1 }
                }
                summaries[o].seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                summaries[o].cases += 1
                // Drawing is deterministic and runs no code under test: the parent classifies the case itself.
                if !BoundaryClass.of(generator.op).isEmpty, !outcome.isDiscard, let spec = drawCase(k, generator: generator, opIndex: opIndex) {
                    for c in BoundaryClass.classify(spec.params, op: generator.op) { boundaryHits[c.id, default: 0] += 1 }
                }
                switch outcome {
                case .pass: summaries[o].passed += 1
                case .discard: summaries[o].discarded += 1
                case let .mistrusted(why):
                    summaries[o].mistrusted += 1
                    onMistrust(why)
                    mistrusts.append(why)
                case let .acceptsInvalid(finding):
                    summaries[o].passed += 1
                    summaries[o].acceptsInvalid += 1
                    onAcceptance(finding)
                    acceptances.append(finding)
                case let .quirk(finding):
                    summaries[o].passed += 1
                    summaries[o].quirks += 1
                    onQuirk(finding)
                    quirkFindings.append(finding)
                case let .fail(found):
                    summaries[o].failed += 1
                    for f in found {
                        onFailure(f)
                        failures.append(f)
                    }
                }
                done += 1
                progress(done, total)
                if let stop = stopAfterFailures, summaries.reduce(0, { $0 + $1.failed }) >= stop {
                    stopped = true
                    break cases
                }
            }
        }
        var result = Result(summaries: summaries, failures: failures, mistrusts: mistrusts, acceptances: acceptances,
                            quirkFindings: quirkFindings, paths: paths)
        result.boundaryHits = boundaryHits
        // A campaign too short to give every class of an op its turn as the primary class is not held to them.
        if shard.count == 1 && !stopped {
            result.unreachedClasses = generators.map { BoundaryClass.of($0.op) }.filter { casesPerOp / Self.boundaryShare >= $0.count }
                .joined().map(\.id).filter { boundaryHits[$0, default: 0] == 0 }
        }
        // The path table speaks of Conform's optimized code: a candidate's campaign does not reach it.
        if shard.count == 1 && !stopped && underTest.candidate == nil {
            let selected = Set(generators.map(\.op))
            result.unreached = KernelPath.allCases.filter { path in
                path.availableOnHost && !selected.isDisjoint(with: path.ops) && (paths[path]?.cases ?? 0) == 0
            }
        }
        return result
    }

    /// What one case came to.
    public enum CaseOutcome: Sendable {
        case pass, discard, mistrusted(Failure), fail([Failure]), acceptsInvalid(Failure)
        /// A candidate departed as a known TensorFlow quirk (the message names it): counted, not failed.
        case quirk(Failure)

        var isDiscard: Bool { if case .discard = self { true } else { false } }

        /// The outcome with its failures named as `Properties.reportedName` names them.
        func renamed(for candidate: String?) -> CaseOutcome {
            guard candidate != nil else { return self }
            func named(_ f: Failure) -> Failure {
                var f = f
                f.property = Properties.reportedName(f.property, candidate: candidate)
                return f
            }
            switch self {
            case .pass, .discard: return self
            case let .mistrusted(f): return .mistrusted(named(f))
            case let .fail(fs): return .fail(fs.map(named))
            case let .acceptsInvalid(f): return .acceptsInvalid(named(f))
            case let .quirk(f): return .quirk(named(f))
            }
        }
    }

    /// One case in `boundaryShare` is drawn into a boundary class: case `k` when
    /// `k % boundaryShare == boundaryShare − 1`, the op's classes taken in turn.
    public static let boundaryShare = 3

    /// The spec of case `k` of an op (deterministic in the seed; drawing runs no code under test).
    public func drawCase(_ k: Int, generator: OpGenerator, opIndex: Int) -> CaseSpec? {
        var rng = SplitMix64(seed: seed ^ (UInt64(opIndex) << 32) ^ UInt64(k))
        _ = rng.next()
        let size = 1 + k * maxSize / max(1, casesPerOp)
        let fill: Fill = k % 2 == 0 ? .random : .exact
        let classes = BoundaryClass.of(generator.op)
        if !classes.isEmpty, k % Self.boundaryShare == Self.boundaryShare - 1 {
            let primary = classes[(k / Self.boundaryShare) % classes.count]
            let wishes = (0..<2).map { _ in classes[Int(rng.next() % UInt64(classes.count))] }.filter { $0 != primary }
            if let spec = BoundaryClass.draw(primary, wishes: wishes, generator: generator, fill: fill, rng: &rng, size: size) {
                return spec
            }
        }
        return generator.draw(&rng, size: size, fill: fill)
    }

    /// Draws case `k` of an op and checks every property of the op on it, under the case's
    /// execution; returns the verdict and the paths of the optimized code the properties reached.
    /// `onProperty` hears each property's name before it runs (a supervisor names the one a crash hit).
    /// `onCost` hears the case's work units (`CaseTimeLimit.units`) once it is built, before any runs.
    public func runCase(_ k: Int, generator: OpGenerator, opIndex: Int, onCost: (Double) -> Void = { _ in },
                        onProperty: (String) -> Void = { _ in }) -> (CaseOutcome, Set<KernelPath>) {
        let fill: Fill = k % 2 == 0 ? .random : .exact
        guard let spec = drawCase(k, generator: generator, opIndex: opIndex) else { return (.discard, []) }
        let execution = execution(forCase: k)
        let variant = underTest.candidate.flatMap { CandidateVariant.draw($0.variants, seed: seed, caseIndex: k) }
        return CandidateVariant.$current.withValue(variant) {
            runCase(k, generator: generator, spec: spec, fill: fill, execution: execution, variant: variant, onCost: onCost,
                    onProperty: onProperty)
        }
    }

    /// `runCase` once the case, its execution and the candidate's variant are drawn.
    func runCase(_ k: Int, generator: OpGenerator, spec: CaseSpec, fill: Fill, execution: Execution, variant: CandidateVariant?,
                 onCost: (Double) -> Void = { _ in }, onProperty: (String) -> Void) -> (CaseOutcome, Set<KernelPath>) {
        var failing = [(Property, Bool, GeneratedCase, String)]()
        var mistrusted: Failure?, accepted: Failure?, quirk: Failure?
        // A case no property judged (a candidate that does not take its dtype) was not run: a discard, not a pass.
        var judged = false
        let candidate = underTest.candidate?.command
        // Each case is built once and shared by the op's properties.
        let valid = generator.build(spec), invalidCase = generator.invalidCase(spec)
        if let c = valid ?? invalidCase { onCost(CaseTimeLimit.units(op: c.op, attrs: c.attrs, inputs: c.inputs)) }
        let reached = UnderTest.$implementation.withValue(underTest) { Execution.with(execution) {
            PathCounter.paths {
                for property in Properties.of(generator.op) {
                    let invalid: Bool
                    let c: GeneratedCase?
                    switch property.input {
                    case .invalid: (invalid, c) = (true, invalidCase)
                    case .valid: (invalid, c) = (false, property.applies(to: fill) ? valid : nil)
                    }
                    guard let c else { continue }
                    onProperty(property.name)
                    let verdict = property.check(c, fill: fill)
                    if case .discard = verdict { continue }
                    judged = true
                    switch verdict {
                    case .pass, .discard: continue
                    case let .mistrusted(why):
                        mistrusted = Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                             shrunk: c, message: why, shrinkSteps: 0, execution: execution)
                        mistrusted?.candidate = candidate
                        mistrusted?.variant = variant
                    case let .acceptsInvalid(why):
                        accepted = Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                           shrunk: c, message: why, shrinkSteps: 0, execution: execution)
                        accepted?.candidate = candidate
                        accepted?.variant = variant
                    case let .quirk(id):
                        quirk = Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                        shrunk: c, message: KnownRefusal.phrase(for: id), shrinkSteps: 0, execution: execution)
                        quirk?.candidate = candidate
                        quirk?.variant = variant
                    case let .fail(why): failing.append((property, invalid, c, why))
                    }
                }
            }.paths
        } }
        // Shrinking runs after the paths are counted: its reruns are not the campaign's cases.
        var failures = [Failure]()
        for (property, invalid, c, firstWhy) in failing {
            // Fewer threads first: a failure that more threads than cores are not needed for shrinks
            // along the whole parallel path (with more threads than tasks, a small case runs serially).
            var execution = execution
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if let threads = execution.threads, threads > cores {
                var fewer = execution
                fewer.threads = cores
                if case .fail = UnderTest.$implementation.withValue(underTest, operation: { Execution.with(fewer, { property.check(c, fill: fill) }) }) {
                    execution = fewer
                }
            }
            // A candidate program that died or hung like it did on an earlier case (same law, same way
            // of ending) is reported as drawn: shrinking it again restarts the program at every step.
            // A hang gets only a few steps: each waits out the case's limit.
            let death = DeathMemo.key(property: property.name, message: firstWhy)
            let alike = death.map { !shrunkDeaths.insert($0) } ?? false
            var shrinker = shrinker
            if death?.hasSuffix("|timed out") == true { shrinker.maxSteps = min(shrinker.maxSteps, 6) }
            let shrunk = alike ? nil : UnderTest.$implementation.withValue(underTest) {
                Execution.with(execution) { shrinker.shrink(spec, generator: generator, property: property, invalid: invalid) }
            }
            // What happened the first time (an exit status, a signal, a timeout) is kept when it does not happen again.
            let unshrunk = alike ? firstWhy + " (not shrunk: like an earlier case)" : "failed once, not again while shrinking: \(firstWhy)"
            var failure = Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                  shrunk: shrunk?.shrunk ?? c, message: shrunk?.message ?? unshrunk,
                                  shrinkSteps: shrunk?.steps ?? 0, execution: execution)
            failure.candidate = candidate
            failure.variant = variant
            failure.failedUnder = property.name.hasSuffix("/" + Properties.otherVariantLaw)
                ? variant.flatMap { v in underTest.candidate.flatMap { v.other($0.variants) } } : variant
            failure.classes = BoundaryClass.classify(shrunk?.spec.params ?? spec.params, op: generator.op).map(\.name).sorted()
            // A failure under several threads that one thread does not reproduce is a race or a bad split.
            if let threads = execution.threads, threads > 1 {
                var serial = execution
                serial.threads = 1
                if case .fail = UnderTest.$implementation.withValue(underTest, operation: { Execution.with(serial, { property.check(failure.shrunk, fill: fill) }) }) {} else {
                    failure.threadDependent = true
                    failure.message = "passes with 1 thread, fails with \(threads): \(failure.message)"
                }
            }
            failures.append(failure)
        }
        if !failures.isEmpty { return (.fail(failures), reached) }
        if !judged, underTest.candidate != nil { return (.discard, reached) }
        if let mistrusted { return (.mistrusted(mistrusted), reached) }
        if let quirk { return (.quirk(quirk), reached) }
        return (accepted.map { .acceptsInvalid($0) } ?? .pass, reached)
    }

    /// Reruns one repro: the property it names on the case it holds.
    public static func replay(_ repro: String) throws(FixtureError) -> (property: String, verdict: Verdict) {
        // As the campaign judged it: an output left unwritten must not read as a freed right answer.
        Threading.poisonUninitializedMemory()
        let json: JSONValue
        do { json = try JSONParser.parse(repro) } catch {
            throw FixtureError(.malformedJSON, file: "(repro)", field: "(\(error.line):\(error.column))", expected: error.expected, actual: error.actual)
        }
        guard let name = json["property"]?.string, let property = Properties.named(name) else {
            throw FixtureError(.unknownOp, file: "(repro)", field: "property", expected: "one of the properties `conform check --list` prints",
                               actual: json["property"]?.description ?? "nothing")
        }
        let fill = json["fill"]?.string.flatMap(Fill.init(rawValue:)) ?? .random
        guard let caseJSON = json["case"] else {
            throw FixtureError(.missingField, file: "(repro)", field: "case", expected: "the case", actual: "nothing")
        }
        if let value = json["fill"], value.string.flatMap(Fill.init(rawValue:)) == nil {
            throw FixtureError(.invalidInput, file: "(repro)", field: "fill", expected: "\"random\" or \"exact\"", actual: value.description)
        }
        let execution = try Self.execution(ofRepro: json)
        let variant = try json["variant"].map { json throws(FixtureError) in try CandidateVariant(json: json) }
        let c = try GeneratedCase(json: caseJSON)
        guard c.op == property.op else {
            throw FixtureError(.invalidInput, file: "(repro)", field: "case.op", expected: "\"\(property.op)\", the op of \(name)",
                               actual: "\"\(c.op)\"")
        }
        return (name, CandidateVariant.$current.withValue(variant) { Execution.with(execution) { property.check(c, fill: fill) } })
    }

    /// The ISA and threads a repro names (absent: the host's choice), the planted bug in force kept.
    public static func execution(ofRepro json: JSONValue) throws(FixtureError) -> Execution {
        var execution = Execution.current
        if let value = json["isa"] {
            guard let name = value.string, let isa = Execution.ISA(rawValue: name) else {
                throw FixtureError(.invalidInput, file: "(repro)", field: "isa",
                                   expected: "one of " + Execution.ISA.allCases.map(\.rawValue).joined(separator: ", "), actual: value.description)
            }
            guard Execution.hostISAs.contains(isa) else {
                throw FixtureError(.invalidInput, file: "(repro)", field: "isa",
                                   expected: "an ISA this CPU runs (" + Execution.hostISAs.map(\.rawValue).joined(separator: ", ") + ")", actual: name)
            }
            execution.isa = isa
        }
        if let value = json["threads"] {
            guard let n = value.int, (1...1024).contains(n) else {
                throw FixtureError(.invalidInput, file: "(repro)", field: "threads", expected: "an integer from 1 to 1024", actual: value.description)
            }
            execution.threads = n
        }
        return execution
    }

    /// Writes a shrunk failure as a regression fixture under `directory/<op>/`, its expected
    /// outputs from the reference. Returns the case id, or nil when the reference rejects the case.
    @discardableResult
    public static func saveRegression(_ failure: Failure, in directory: URL) throws -> String? {
        guard let run = try? failure.shrunk.prepare().reference() else { return nil }
        let folder = directory.appendingPathComponent(failure.op)
        var manifest = (try? FixtureSet(directory: folder))?.manifest ?? FixtureManifest(
            producer: .object([("library", .string("conform")), ("note", .string("shrunk property failures; expected outputs from the reference"))]),
            cases: [])
        // FNV-1a of the repro: a stable name for the same shrunk case on every run.
        let digest = String(failure.repro.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 } % (1 << 40), radix: 16)
        let prefix = "\(manifest.cases.count)-\(digest)"
        let id = "regressions/\(failure.property)-\(digest)"
        guard !manifest.cases.contains(where: { $0.id == id }) else { return id }
        let names = run.outputs.keys.sorted()
        manifest.cases.append(failure.shrunk.fixtureCase(id: id, prefix: prefix, outputs: names))
        var tensors = [String: AnyTensor]()
        for (name, t) in failure.shrunk.inputs { tensors["\(prefix)-\(name).npy"] = t }
        for name in names { tensors["\(prefix)-expected-\(name).npy"] = run.outputs[name] }
        try FixtureSet.write(manifest, tensors: tensors, to: folder)
        return id
    }
}
