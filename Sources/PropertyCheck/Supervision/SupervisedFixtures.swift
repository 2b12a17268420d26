import Formats
import Foundation
import Optimized
import Reference

/// `conform fixtures` under supervision: every case is judged in a `conform worker` child, so a
/// case whose implementation traps, corrupts memory or hangs is a `CRASH` line of its own and the
/// run goes on with a fresh child.
public struct SupervisedFixtures {
    public var implementations: [Implementation]
    public var verbose: Bool
    /// The part of the cases to judge (as `FixtureRunner.shard`).
    public var shard: Shard

    public init(implementations: [Implementation], verbose: Bool, shard: Shard = Shard(index: 0, count: 1)) {
        self.implementations = implementations
        self.verbose = verbose
        self.shard = shard
    }

    /// What the run printed and counted.
    public struct Outcome: Sendable {
        public var lines: [String] = []
        /// One per case and implementation (a crashed case's for each), and one per unreadable set.
        public var verdicts: [FixtureVerdict] = []
        public var passed = 0, failed = 0
        public var unusable = false
        /// 0 when everything passed, 2 when some input was unusable, else 1 (as `FixtureRun`).
        public var exitCode: Int32 { unusable ? 2 : (failed > 0 ? 1 : 0) }
    }

    public func run(directories: [URL], supervisor: Supervisor, progress: (Int, Int) -> Void = { _, _ in }) -> Outcome {
        var outcome = Outcome()
        var sets = [FixtureSet]()
        // Reading manifests runs no code under test: the supervisor does it, and reports unusable sets.
        for directory in FixtureRunner.expand(directories) {
            do throws(FixtureError) { sets.append(try FixtureSet(directory: directory)) } catch {
                let verdict = FixtureVerdict(unusableSet: error)
                outcome.lines.append(verdict.line)
                outcome.verdicts.append(verdict)
                outcome.failed += 1
                outcome.unusable = true
            }
        }
        let total = (0..<sets.reduce(0) { $0 + $1.manifest.cases.count }).filter(shard.includes).count
        var done = 0, k = -1
        for set in sets {
            for (index, fixtureCase) in set.manifest.cases.enumerated() {
                k += 1
                guard shard.includes(k) else { continue }
                let request = JSONValue.object([
                    ("kind", .string("fixture")), ("set", .string(set.directory.path)), ("index", JSONValue(index)),
                    ("implementations", .array(implementations.map { .string($0.rawValue) })), ("verbose", .bool(verbose)),
                    ("threads", JSONValue(Threading.count)),
                ] + Execution.current.plantedFields)
                // Until the worker has decoded the case and reports its cost, reading its files is the work.
                let bytes = (fixtureCase.inputs + fixtureCase.outputs).reduce(0.0) { total, file in
                    var info = stat()
                    return total + (lstat(set.directory.appendingPathComponent(file.1).path, &info) == 0 ? Double(info.st_size) : 0)
                }
                let reply = supervisor.send(request, op: fixtureCase.op, units: bytes / 4)
                if case let .reply(json) = reply, let lines = json["lines"]?.array, let passed = json["passed"]?.int,
                   let failed = json["failed"]?.int {
                    outcome.lines += lines.compactMap(\.string)
                    outcome.passed += passed
                    outcome.failed += failed
                    outcome.unusable = outcome.unusable || json["unusable"]?.bool == true
                    outcome.verdicts += (json["verdicts"]?.array ?? []).compactMap(FixtureVerdict.init(json:))
                } else {
                    let why: String
                    if case let .reply(json) = reply {
                        why = "the worker replied \(json.description.prefix(300))"
                    } else {
                        why = Supervisor.describe(reply) ?? ""
                    }
                    let names = implementations.map(\.rawValue).joined(separator: ", ")
                    let line = "CRASH \(fixtureCase.id) [\(names)]: \(why) (rerun: conform fixtures \(set.directory.path))"
                    outcome.lines.append(line)
                    outcome.verdicts += implementations.map {
                        FixtureVerdict(caseID: fixtureCase.id, set: set.directory.path, op: fixtureCase.op, implementation: $0.rawValue, kind: .crash, line: line)
                    }
                    // One verdict per implementation, as a case that ran would have counted.
                    outcome.failed += implementations.count
                }
                done += 1
                progress(done, total)
            }
        }
        outcome.lines.append(FixtureRun.counting(sets: sets.count, cases: total, implementations: implementations))
        outcome.lines.append("\(outcome.passed) passed, \(outcome.failed) failed")
        return outcome
    }
}
