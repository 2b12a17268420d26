import Dispatch
import Foundation
import Reference

/// A property campaign: every op's properties on seeded generated cases, failures shrunk.
///
/// Case `k` of op `o` is drawn from its own stream, `SplitMix64(seed ⊕ o·2³² ⊕ k)`, at size
/// growing with `k`; shard `i/n` takes the cases with `k % n == i`, so the shards together are
/// exactly the whole campaign and the same seed gives the same cases and the same summary.
public struct Campaign: Sendable {
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

        public init(property: String, op: String, caseIndex: Int, fill: Fill, originalElements: Int, shrunk: GeneratedCase,
                    message: String, shrinkSteps: Int) {
            self.property = property
            self.op = op
            self.caseIndex = caseIndex
            self.fill = fill
            self.originalElements = originalElements
            self.shrunk = shrunk
            self.message = message
            self.shrinkSteps = shrinkSteps
        }

        /// The one-line repro `conform replay` reads.
        public var repro: String {
            JSONValue.object([("property", .string(property)), ("fill", .string(fill.rawValue)), ("case", shrunk.json)]).description
        }
    }

    public struct Result: Sendable {
        public var summaries: [OpSummary]
        public var failures: [Failure]
        /// Cases whose results proved nothing (message: why), unshrunk.
        public var mistrusts: [Failure] = []
        public var passed: Int { summaries.reduce(0) { $0 + $1.passed } }
        public var failed: Int { summaries.reduce(0) { $0 + $1.failed } }
        public var mistrusted: Int { summaries.reduce(0) { $0 + $1.mistrusted } }
        /// 0 only when every case passed.
        public var exitCode: Int32 { failed == 0 && mistrusted == 0 ? 0 : 1 }
    }

    /// Runs the campaign; `onFailure` sees each shrunk failure as it is found, `progress` each case.
    public func run(onFailure: (Failure) -> Void = { _ in }, onMistrust: (Failure) -> Void = { _ in },
                    progress: (Int, Int) -> Void = { _, _ in }) -> Result {
        let generators = ops.compactMap { op in OpGenerator.all.first { $0.op == op } }
        var summaries = generators.map { OpSummary(op: $0.op) }
        var failures = [Failure](), mistrusts = [Failure]()
        let start = DispatchTime.now().uptimeNanoseconds
        let mine = (0..<casesPerOp).filter { $0 % shard.count == shard.index }
        let total = mine.count * generators.count
        var done = 0
        cases: for k in mine {
            for (o, generator) in generators.enumerated() {
                if let budget = timeBudget, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > budget { break cases }
                let opIndex = OpTable.names.firstIndex(of: generator.op) ?? o
                let t0 = DispatchTime.now().uptimeNanoseconds
                let outcome = runCase(k, generator: generator, opIndex: opIndex)
                summaries[o].seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                summaries[o].cases += 1
                switch outcome {
                case .pass: summaries[o].passed += 1
                case .discard: summaries[o].discarded += 1
                case let .mistrusted(why):
                    summaries[o].mistrusted += 1
                    onMistrust(why)
                    mistrusts.append(why)
                case let .fail(found):
                    summaries[o].failed += 1
                    for f in found {
                        onFailure(f)
                        failures.append(f)
                    }
                }
                done += 1
                progress(done, total)
                if let stop = stopAfterFailures, summaries.reduce(0, { $0 + $1.failed }) >= stop { break cases }
            }
        }
        return Result(summaries: summaries, failures: failures, mistrusts: mistrusts)
    }

    enum Outcome { case pass, discard, mistrusted(Failure), fail([Failure]) }

    /// Draws case `k` of an op and checks every property of the op on it.
    func runCase(_ k: Int, generator: OpGenerator, opIndex: Int) -> Outcome {
        var rng = SplitMix64(seed: seed ^ (UInt64(opIndex) << 32) ^ UInt64(k))
        _ = rng.next()
        let size = 1 + k * maxSize / max(1, casesPerOp)
        let fill: Fill = k % 2 == 0 ? .random : .exact
        guard let spec = generator.draw(&rng, size: size, fill: fill) else { return .discard }
        var failures = [Failure]()
        var mistrusted: Failure?
        // Each case is built once and shared by the op's properties.
        let valid = generator.build(spec), invalidCase = generator.invalidCase(spec)
        for property in Properties.of(generator.op) {
            let invalid: Bool
            let c: GeneratedCase?
            switch property.input {
            case .invalid: (invalid, c) = (true, invalidCase)
            case .valid: (invalid, c) = (false, property.applies(to: fill) ? valid : nil)
            }
            guard let c else { continue }
            switch property.check(c, fill: fill) {
            case .pass, .discard: continue
            case let .mistrusted(why):
                mistrusted = Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                     shrunk: c, message: why, shrinkSteps: 0)
            case .fail:
                let shrunk = shrinker.shrink(spec, generator: generator, property: property, invalid: invalid)
                failures.append(Failure(property: property.name, op: generator.op, caseIndex: k, fill: fill, originalElements: c.elementCount,
                                        shrunk: shrunk?.shrunk ?? c, message: shrunk?.message ?? "failed (did not fail again while shrinking)",
                                        shrinkSteps: shrunk?.steps ?? 0))
            }
        }
        if !failures.isEmpty { return .fail(failures) }
        return mistrusted.map { .mistrusted($0) } ?? .pass
    }

    /// Reruns one repro: the property it names on the case it holds.
    public static func replay(_ repro: String) throws(FixtureError) -> (property: String, verdict: Verdict) {
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
        return (name, property.check(try GeneratedCase(json: caseJSON), fill: fill))
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
