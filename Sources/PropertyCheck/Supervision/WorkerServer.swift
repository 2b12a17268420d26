import Formats
import Foundation
import Optimized
import Reference

/// The child side of `Supervisor`: `conform worker` reads one JSON request per line on stdin and
/// answers each with one JSON line on stdout, after any number of `{"event": ...}` lines that say
/// what it is about to run (so the supervisor can name what a crash interrupted) and what the case
/// costs (so its time limit follows the case).
///
/// Requests (`kind`): `case` runs case `k` of an op's campaign (properties and shrinking) and
/// replies with its outcome and paths; `check` runs one property on one case (a repro's fields)
/// and replies with the verdict; `fixture` judges case `index` of a fixture set and replies with
/// the lines `conform fixtures` prints for it and its counts. The implementation under test is
/// `UnderTest.implementation`: Conform's optimized ops in `conform worker`, a user's candidate in
/// the test binary `ConformTesting` starts as its worker.
public enum WorkerServer {
    /// Serves requests until stdin closes.
    public static func serve() {
        Threading.poisonUninitializedMemory()
        var sets = [String: FixtureSet]()
        while let line = readLine(strippingNewline: true) {
            let reply: JSONValue
            do {
                let request = try JSONParser.parse(line)
                reply = try handle(request, sets: &sets)
            } catch {
                reply = .object([("error", .string("\(error)"))])
            }
            emit(reply)
        }
    }

    /// Tells the supervisor what the case costs (its time limit follows), before any code under test runs.
    static func emitCost(_ units: Double) {
        emit(.object([("event", .string("cost")), ("units", .number(String(units.rounded())))]))
    }

    static func emit(_ json: JSONValue) {
        FileHandle.standardOutput.write(Data((json.description + "\n").utf8))
    }

    static func handle(_ request: JSONValue, sets: inout [String: FixtureSet]) throws -> JSONValue {
        if let threads = request["threads"]?.int, threads > 0, request["kind"]?.string != "check" { Threading.count = threads }
        switch request["kind"]?.string {
        case "case":
            guard let op = request["op"]?.string, let generator = OpGenerator.all.first(where: { $0.op == op }),
                  let k = request["k"]?.int, let opIndex = request["op_index"]?.int, let cases = request["cases"]?.int,
                  case let .number(seedText)? = request["seed"], let seed = UInt64(seedText) else {
                throw FixtureError(.invalidInput, file: "(worker)", field: "case", expected: "op, k, op_index, seed, cases", actual: request.description)
            }
            var campaign = Campaign(seed: seed, casesPerOp: cases, ops: [op])
            campaign.underTest = UnderTest.implementation
            campaign.maxSize = request["max_size"]?.int ?? campaign.maxSize
            let (outcome, paths) = try Execution.planting(request) {
                campaign.runCase(k, generator: generator, opIndex: opIndex, onCost: emitCost) { property in
                    emit(.object([("event", .string("property")), ("property", .string(property))]))
                }
            }
            var fields = outcome.json.object ?? []
            fields.append(("paths", .array(paths.sorted().map { .string($0.rawValue) })))
            return .object(fields)
        case "check":
            if let json = request["case"], let c = try? GeneratedCase(json: json) {
                emitCost(CaseTimeLimit.units(op: c.op, attrs: c.attrs, inputs: c.inputs))
            }
            let (_, verdict) = try Execution.planting(request) { try Campaign.replay(request.description) }
            switch verdict {
            case .pass: return .object([("verdict", .string("pass"))])
            case .discard: return .object([("verdict", .string("discard"))])
            case let .mistrusted(why): return .object([("verdict", .string("mistrusted")), ("message", .string(why))])
            case let .fail(why): return .object([("verdict", .string("fail")), ("message", .string(why))])
            case let .acceptsInvalid(why): return .object([("verdict", .string("accepts-invalid")), ("message", .string(why))])
            case let .quirk(id): return .object([("verdict", .string("quirk")), ("message", .string(id))])
            }
        case "fixture":
            guard let path = request["set"]?.string, let index = request["index"]?.int else {
                throw FixtureError(.invalidInput, file: "(worker)", field: "fixture", expected: "set and index", actual: request.description)
            }
            let set = try sets[path] ?? FixtureSet(directory: URL(fileURLWithPath: path))
            sets[path] = set
            guard set.manifest.cases.indices.contains(index) else {
                throw FixtureError(.invalidInput, file: "(worker)", field: "index", expected: "a case of \(path)", actual: "\(index)")
            }
            // Conform's own two by name, and the candidate a test binary's worker serves (`ConformTesting`).
            let implementations = (request["implementations"]?.array ?? []).compactMap { $0.string }.compactMap { name in
                Implementation(rawValue: name) ?? (UnderTest.implementation.name == name ? UnderTest.implementation : nil)
            }
            var run = FixtureRun()
            run.results = try Execution.planting(request) {
                FixtureRunner(implementations: implementations.isEmpty ? Implementation.allCases : implementations)
                    .judge(set.manifest.cases[index], in: set, onCost: emitCost)
            }
            let lines = FixtureReport.lines(for: run, verbose: request["verbose"]?.bool ?? false).dropLast(2)
            return .object([("lines", .array(lines.map { .string($0) })), ("passed", JSONValue(run.passed)),
                            ("failed", JSONValue(run.failed)), ("unusable", .bool(run.anyUnusable)),
                            ("verdicts", .array(FixtureVerdict.of(run).map(\.json)))])
        default:
            throw FixtureError(.invalidInput, file: "(worker)", field: "kind", expected: "case, check or fixture",
                               actual: request["kind"]?.description ?? "nothing")
        }
    }
}
