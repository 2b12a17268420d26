import Formats
import Foundation
import Optimized
import Reference

/// Runs code under test in a child process of the same binary (`conform worker`), so that a trap,
/// a bounds failure, memory corruption or a hang in it ends as a finding, not as the run.
///
/// Requests and replies are JSON lines; while working, the child may send event lines
/// (`{"event": ...}`) that say what it is doing, so a death can be attributed. A dead or hung
/// child is replaced by a fresh one at the next request.
public final class Supervisor {
    /// How a request ended.
    public enum Reply {
        case reply(JSONValue)
        /// The child died; how, the last event it sent, and the last lines of its stderr.
        case died(ChildProcess.Ending, lastEvent: JSONValue?, stderr: [String])
        /// No reply within the request's time limit (seconds); the child was killed.
        case timedOut(Double, lastEvent: JSONValue?, stderr: [String])
    }

    public let executable: String
    public let arguments: [String]
    /// What the child runs with beyond this process's environment and `workerEnvironment`.
    public let environment: [String: String]
    /// How long a request may take before the child is declared hung: it follows the case's cost
    /// (which the child reports in a `cost` event once it has decoded the case) and the op's
    /// measured speed, up to `--case-timeout`.
    public let limits: CaseTimeLimit
    private var child: ChildProcess?
    /// Crashes and hangs already shrunk (property and how it ended): a like one is reported as drawn.
    private let shrunkDeaths = DeathMemo()

    /// A supervisor of `executable arguments…` (by default this very binary's `worker` command,
    /// with this process's memory budget); no request runs longer than `timeout` seconds.
    public init(executable: String = Supervisor.currentExecutable, arguments: [String]? = nil, environment: [String: String] = [:],
                timeout: Double = 300, limits: CaseTimeLimit? = nil) {
        self.executable = executable
        self.arguments = arguments ?? ["worker", "--max-memory", "\(MemoryBudget.bytes)"]
        self.environment = environment
        self.limits = limits ?? CaseTimeLimit(ceiling: timeout)
    }

    deinit { child?.finish(grace: 1) }

    /// What a worker runs with beyond this process's environment: no backtracer (a crash is
    /// reported from its stderr), and glibc's per-thread cache of freed blocks off. That cache
    /// hands a freed block back unpoisoned, so an output a kernel forgot to write could read the
    /// right answer freed by the run before it (`Threading.poisonUninitializedMemory`).
    static var workerEnvironment: [String: String] {
        let tunables = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"].map { $0 + ":" } ?? ""
        return ["SWIFT_BACKTRACE": "enable=no", "GLIBC_TUNABLES": tunables + "glibc.malloc.tcache_count=0"]
    }

    /// The running binary, resolved (a child started from it runs the same code).
    public static var currentExecutable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    /// Sends `request`, a case of `op`, and waits for its reply, passing event lines to `onEvent`.
    ///
    /// Until the child reports the case's cost, the request may take what the op's smallest case
    /// takes (`units` of reading, for a fixture whose files are large); then what that cost predicts.
    public func send(_ request: JSONValue, op: String, units: Double = 1, onEvent: (JSONValue) -> Void = { _ in }) -> Reply {
        var lastEvent: JSONValue?
        let start = Date()
        var limit = limits.limit(op: op, units: units), cost = units
        let child: ChildProcess
        // No backtrace on a crash: the supervisor reports it, and symbolicating takes seconds.
        do { child = try self.child ?? ChildProcess(executable: executable, arguments: arguments,
                                                                 environment: Self.workerEnvironment.merging(environment) { _, own in own }) } catch {
            return .died(.exited(127), lastEvent: nil, stderr: ["\(error)"])
        }
        self.child = child
        func dead() -> Reply {
            self.child = nil
            let stderr = child.stderrLines()
            return .died(child.wait(), lastEvent: lastEvent, stderr: stderr)
        }
        guard child.send(request.description) else { return dead() }
        while true {
            switch child.readLine(timeout: max(0, limit + start.timeIntervalSinceNow)) {
            case let .line(text):
                guard let json = try? JSONParser.parse(text) else {
                    self.child = nil
                    child.kill()
                    return .died(child.wait(), lastEvent: lastEvent, stderr: ["not a JSON line on stdout: \(text.prefix(200))"])
                }
                if json["event"]?.string == "cost", let reported = json["units"]?.double, reported.isFinite, reported >= 0 {
                    cost = max(units, reported)
                    limit = limits.limit(op: op, units: cost)
                } else if json["event"] != nil {
                    lastEvent = json
                    onEvent(json)
                } else {
                    limits.record(op: op, units: cost, seconds: -start.timeIntervalSinceNow)
                    return .reply(json)
                }
            case .closed: return dead()
            case .timedOut:
                self.child = nil
                child.kill()
                let stderr = child.stderrLines()
                child.wait()
                return .timedOut(limit, lastEvent: lastEvent, stderr: stderr)
            }
        }
    }

    /// Ends the child (closing its stdin), if one runs.
    public func stop() {
        child?.finish()
        child = nil
    }

    /// A one-line account of a death or a hang, for a finding's message.
    public static func describe(_ reply: Reply) -> String? {
        func tail(_ lines: [String]) -> String { lines.isEmpty ? "" : "; its stderr: " + lines.joined(separator: " | ") }
        switch reply {
        case .reply: return nil
        case let .died(ending, _, stderr): return "crashed: the worker \(ending)\(tail(stderr))"
        case let .timedOut(seconds, _, stderr):
            return "timed out: no reply in \(CaseTimeLimit.format(seconds)) s (the case's limit, from its cost and the op's measured speed), the worker was killed\(tail(stderr))"
        }
    }
}

extension FixtureCase {
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
    }
}

extension Supervisor {
    /// A request that checks one property on one case (`conform replay`, and each shrinking step
    /// of a crash): the repro's fields, plus the planted bug in force.
    public static func checkRequest(property: String, fill: Fill, case c: GeneratedCase, execution: Execution) -> JSONValue {
        var fields: [(String, JSONValue)] = [("kind", .string("check")), ("property", .string(property)), ("fill", .string(fill.rawValue))]
        if let isa = execution.isa { fields.append(("isa", .string(isa.rawValue))) }
        if let threads = execution.threads { fields.append(("threads", JSONValue(threads))) }
        return .object(fields + execution.plantedFields + [("case", c.json)])
    }

    /// A property's verdict on a case from a reply to a check request.
    public static func verdict(_ reply: Reply) -> Verdict {
        guard case let .reply(json) = reply else { return .fail(describe(reply) ?? "no reply") }
        let message = json["message"]?.string ?? ""
        switch json["verdict"]?.string {
        case "pass": return .pass
        case "discard": return .discard
        case "mistrusted": return .mistrusted(message)
        case "fail": return .fail(message)
        case "accepts-invalid": return .acceptsInvalid(message)
        case "quirk": return .quirk(message)
        default: return .fail("the worker replied \(json.description.prefix(200))")
        }
    }

    /// Checks a case in a fresh child: what a crash's shrinker asks of every candidate.
    public func checkInFreshChild(property: String, fill: Fill, case c: GeneratedCase, execution: Execution) -> Verdict {
        let fresh = Supervisor(executable: executable, arguments: arguments, environment: environment, limits: limits)
        defer { fresh.stop() }
        return Self.verdict(fresh.send(Self.checkRequest(property: property, fill: fill, case: c, execution: execution), op: c.op))
    }

    /// The campaign's cases run in the child: a case whose child dies or hangs becomes a failure of
    /// the property that was running, shrunk by rerunning candidates in fresh children; the next
    /// case gets a fresh child.
    public func caseRunner(for campaign: Campaign) -> Campaign.CaseRunner {
        { [self] k, generator, opIndex in
            let request: [(String, JSONValue)] = [
                ("kind", .string("case")), ("op", .string(generator.op)), ("k", JSONValue(k)), ("op_index", JSONValue(opIndex)),
                ("seed", .number(String(campaign.seed))), ("cases", JSONValue(campaign.casesPerOp)), ("max_size", JSONValue(campaign.maxSize)),
                ("threads", JSONValue(Threading.count)),
            ] + Execution.current.plantedFields
            let reply = send(.object(request), op: generator.op)
            if case let .reply(json) = reply {
                let paths = Set((json["paths"]?.array ?? []).compactMap { $0.string.flatMap(KernelPath.init(rawValue:)) })
                do { return (try Campaign.CaseOutcome(json: json), paths) } catch {
                    return (.fail([crashFailure(campaign, k, generator, opIndex, property: "\(generator.op)/(worker)",
                                                message: "the worker's reply was unusable: \(error)")].compactMap { $0 }), [])
                }
            }
            // The child died or hung on this case: name the property it was running and shrink.
            let lastEvent: JSONValue? = switch reply {
            case let .died(_, event, _), let .timedOut(_, event, _): event
            case .reply: nil
            }
            let property = lastEvent?["property"]?.string ?? "\(generator.op)/optimized-vs-reference"
            let failure = crashFailure(campaign, k, generator, opIndex, property: property, message: Self.describe(reply) ?? "")
            return (failure.map { .fail([$0]) } ?? .discard, [])
        }
    }

    /// The failure for a case whose child died: the case drawn again here, shrunk in fresh children.
    func crashFailure(_ campaign: Campaign, _ k: Int, _ generator: OpGenerator, _ opIndex: Int, property name: String,
                      message: String) -> Campaign.Failure? {
        guard let spec = campaign.drawCase(k, generator: generator, opIndex: opIndex),
              let property = Properties.named(name) ?? Properties.named("\(generator.op)/optimized-vs-reference") else { return nil }
        let invalid: Bool
        if case .invalid = property.input { invalid = true } else { invalid = false }
        guard let c = invalid ? generator.invalidCase(spec) : generator.build(spec) else { return nil }
        let execution = campaign.execution(forCase: k)
        // A death like one already shrunk (same property, same way of ending) is reported as drawn:
        // each step of shrinking a crash starts a process, and each of a hang waits out its limit.
        let death = DeathMemo.key(property: property.name, message: message)
        guard death.map(shrunkDeaths.insert) ?? true else {
            return Campaign.Failure(property: property.name, op: generator.op, caseIndex: k, fill: spec.fill, originalElements: c.elementCount,
                                    shrunk: c, message: message + " (not shrunk: like an earlier case)", shrinkSteps: 0, execution: execution)
        }
        var shrinker = campaign.shrinker
        // A hang costs its whole limit per candidate: only a few steps.
        if death?.hasSuffix("|timed out") == true { shrinker.maxSteps = 6 }
        let shrunk = shrinker.shrink(spec, generator: generator, property: property, invalid: invalid) { candidate in
            if case let .fail(why) = self.checkInFreshChild(property: property.name, fill: spec.fill, case: candidate, execution: execution) {
                return why
            }
            return nil
        }
        return Campaign.Failure(property: property.name, op: generator.op, caseIndex: k, fill: spec.fill,
                                originalElements: c.elementCount, shrunk: shrunk?.shrunk ?? c,
                                message: shrunk?.message ?? message, shrinkSteps: shrunk?.steps ?? 0, execution: execution)
    }
}
