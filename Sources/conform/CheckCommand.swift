import ArgumentParser
import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Report

/// `conform check`: the property campaign.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the property campaign: optimized vs reference, metamorphic laws, error properties; shrink failures.",
        discussion: "Each failure prints its one-line repro first ('conform replay' reruns it) and is saved as a regression fixture. Exit status 0 only if every case passed.")

    @OptionGroup var memory: MemoryOptions

    @Option(parsing: .unconditional, help: "The campaign's seed: the same seed gives the same cases and summary.")
    var seed: UInt64 = Campaign.defaultSeed

    @Option(parsing: .unconditional, help: "Cases per op.")
    var cases: Int = Campaign.defaultCases

    @Option(help: "Only these ops (comma-separated).")
    var ops: String?

    @Option(help: "Run shard i of n (i/n, 0-based): the shards together are the whole campaign. auto reads it from the job engine (a Slurm array, a Kubernetes Indexed Job, GitLab, CircleCI, Buildkite, Azure Pipelines, or CONFORM_SHARD_INDEX/COUNT).")
    var shard: String = "0/1"

    @Option(parsing: .unconditional, help: "Stop drawing new cases after this many seconds.")
    var timeBudget: Double?

    @Option(help: "Where shrunk failures are saved as fixture sets (one folder per op).")
    var regressions: String = "fixtures/regressions"

    @Flag(help: "Do not save regression fixtures.")
    var noRegressions = false

    @Option(help: "Write the summary and failures as JSON to this file, - for standard output (conform report --merge reads it).")
    var json: String?

    @Option(help: "Write the results as JUnit XML to this file, - for standard output.")
    var junit: String?

    @Flag(help: "Print each finding as a GitHub Actions error annotation (also when GITHUB_ACTIONS is true).")
    var githubAnnotations = false

    @Flag(name: .shortAndLong, help: "Print only the per-op summary, the findings and the closing line.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print each kind of accepted invalid input and known quirk as it is found.")
    var verbose = false

    @Flag(help: "List every property and exit.")
    var list = false

    @Option(parsing: .unconditional, help: "Stop after this many failing cases.")
    var stopAfter: Int?

    @Option(parsing: .unconditional, help: "The size the last case grows to (dimensions grow with it).")
    var maxSize: Int = 24

    @Option(parsing: .unconditional, help: "Threads for the optimized ops where a case does not choose; all cores when not given.")
    var threads: Int?

    /// `--threads`, or every core.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: "Seconds a case (its properties and shrinking) may run before its worker is declared hung.")
    var caseTimeout: Double = 300

    @Flag(help: "Run the cases in this process, unsupervised (a crash in the code under test ends the run).")
    var inProcess = false

    @OptionGroup var candidates: CandidateOptions

    func validate() throws {
        try Limits.check("cases", cases, in: Limits.cases)
        try Limits.check("max-size", maxSize, in: Limits.maxSize)
        if let threads { try Limits.check("threads", threads, in: Limits.threads) }
        if let stopAfter { try Limits.check("stop-after", stopAfter, in: Limits.cases) }
        if let timeBudget { try Limits.check("time-budget", timeBudget, in: Limits.seconds) }
        try Limits.check("case-timeout", caseTimeout, in: Limits.seconds, open: true)
        _ = try Limits.shard(shard)
    }

    func run() throws {
        try memory.apply()
        // Where the results go is checked before any work: a run of minutes must not end in a refusal.
        let jsonTarget = try json.map { try OutputTarget(checking: $0, option: "--json") }
        let junitTarget = try junit.map { try OutputTarget(checking: $0, option: "--junit") }
        if jsonTarget == .standardOutput && junitTarget == .standardOutput {
            throw ValidationError("--json and --junit cannot both write to standard output (-)")
        }
        // A file on standard output owns it: the lines go to standard error.
        if jsonTarget == .standardOutput || junitTarget == .standardOutput { Say.toStandardError = true }
        let annotate = githubAnnotations || ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
        if list {
            for property in Properties.all { print(property.name) }
            return
        }
        Threading.count = threadCount
        let part = try Limits.shard(shard)
        if let source = part.source { say("shard \(part) from \(source)") }
        let parts = (part.index, part.count)
        let selected = ops.map { $0.split(separator: ",").map(String.init) } ?? OpTable.names
        if let unknown = selected.first(where: { !OpTable.names.contains($0) }) {
            throw ValidationError("unknown op \(unknown); ops are \(OpTable.names.joined(separator: ", "))")
        }
        var campaign = Campaign(seed: seed, casesPerOp: cases, ops: selected, shard: parts, timeBudget: timeBudget)
        campaign.stopAfterFailures = stopAfter
        campaign.maxSize = max(1, maxSize)
        let terminal = isatty(STDERR_FILENO) != 0
        // Every case runs in a child process of this binary: a crash or a hang is a finding with its repro.
        // A candidate program is a process of its own already: its campaign runs here, each request supervised.
        let supervisor = Supervisor(timeout: caseTimeout)
        defer { supervisor.stop() }
        let underTest = candidates.commands.isEmpty ? [Implementation.optimized] : try candidates.start(workers: 1)
        // Piped or redirected, the output comes at the end: say the plan first, on standard error.
        if isatty(STDOUT_FILENO) == 0 {
            let perShard = stride(from: part.index, to: cases, by: part.count).underestimatedCount
            FileHandle.standardError.write(Data(("conform check: \(selected.count) op\(selected.count == 1 ? "" : "s") × \(perShard) cases (seed \(seed), shard \(part)) "
                + "against \(underTest.map(\.name).joined(separator: ", ")); findings as they are found, the summary at the end\n").utf8))
        }
        var exitCode: Int32 = 0
        var results = [Campaign.Result]()
        var names = [String]()
        for implementation in underTest {
            campaign.underTest = implementation
            // A failure, accepted invalid input or known departure like one already printed is counted, not printed again.
            var printed = Set<String>()
            campaign.ops = selected
            if let candidate = implementation.candidate {
                say("candidate \(implementation.name): \(candidate.command ?? "")")
                // Ops it does not offer are not run, so they are not reported as passing.
                campaign.ops = selected.filter(candidate.ops.contains)
                let absent = selected.filter { !candidate.ops.contains($0) }
                if campaign.ops.isEmpty {
                    throw ValidationError("candidate \(implementation.name) offers none of the selected ops (\(selected.joined(separator: ", "))); it offers \(candidate.ops.sorted().joined(separator: ", "))")
                }
                if !absent.isEmpty { say("not offered by \(implementation.name): \(absent.joined(separator: ", "))") }
            }
            let runner = inProcess || implementation.candidate != nil ? nil : supervisor.caseRunner(for: campaign)
            let result = campaign.run(onFailure: { failure in
                // Once a program is declared unusable, its ERROR at the end says so once.
                guard !quiet, !failure.message.contains("unusable: "), printed.insert(Finding.key(failure)).inserted else { return }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                say("REPRO \(failure.replayCommand)")
                say("FAIL \(failure.property)\(failure.variant.map { " [\($0)]" } ?? "") (case \(failure.caseIndex), \(failure.fill) fill, \(failure.originalElements) → \(failure.shrunk.elementCount) elements in \(failure.shrinkSteps) steps): \(failure.message)")
                if !noRegressions, implementation.candidate == nil, let id = try? Campaign.saveRegression(failure, in: URL(fileURLWithPath: regressions)) {
                    say("saved \(id) under \(regressions)")
                }
            }, onMistrust: { case_ in
                guard !quiet else { return }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                say("REPRO \(case_.replayCommand)")
                say("MISTRUSTED \(case_.property) (case \(case_.caseIndex), \(case_.fill) fill): \(case_.message)")
            }, onAcceptance: { finding in
                // The summary lists each kind with its REPRO; --verbose also prints them as found.
                guard verbose, printed.insert(Finding.acceptanceKey(finding)).inserted else { return }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                say("REPRO \(finding.replayCommand)")
                say("ACCEPTS-INVALID \(finding.property) (case \(finding.caseIndex)): \(finding.message) (counted, not failed)")
            }, onQuirk: { finding in
                guard verbose, printed.insert(Finding.acceptanceKey(finding)).inserted else { return }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                say("REPRO \(finding.replayCommand)")
                say("QUIRK \(finding.property) (case \(finding.caseIndex)): \(finding.message) (counted, not failed)")
            }, progress: { done, total in
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K\(done)/\(total) cases".utf8)) }
            }, runner: runner)
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            for line in CheckReport.lines(result, seed: seed, shard: part.description, pathTable: implementation.candidate == nil, quiet: quiet) { say(line) }
            if annotate { for line in CheckReport.githubAnnotations(result, implementation: implementation.name) { say(line) } }
            exitCode = max(exitCode, result.exitCode)
            if let why = (implementation.candidate as? ProgramCandidate)?.unusable {
                say("ERROR candidate \(implementation.name) is unusable: \(why)")
                exitCode = max(exitCode, 2)
            }
            results.append(result)
            names.append(implementation.name)
        }
        if let jsonTarget, let result = results.first {
            // What changes the cases or their verdicts: a merge refuses shards that differ in any of it.
            let options: [(String, JSONValue)] = [
                ("ops", .array(selected.map(JSONValue.string))), ("max_size", JSONValue(maxSize)),
                ("time_budget", timeBudget.map { JSONValue($0) } ?? .null), ("stop_after", stopAfter.map { JSONValue($0) } ?? .null),
                ("max_memory", .string(memory.maxMemory)),
            ]
            try jsonTarget.write(Data((CheckReport.json(result, seed: seed, shard: part.description, cases: cases, options: options,
                                                        implementation: underTest[0]).serialized(indent: 1) + "\n").utf8))
        }
        if let junitTarget {
            try junitTarget.write(Data(CheckReport.junit(Array(zip(names, results)).map { (implementation: $0.0, result: $0.1) }, seed: seed).utf8))
        }
        throw ExitCode(exitCode)
    }
}

/// `conform replay '<repro>'`: reruns exactly one case.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Rerun one repro line printed by 'conform check'.")

    @OptionGroup var memory: MemoryOptions

    @Argument(help: "The repro: the JSON after 'conform replay' in a REPRO line.")
    var repro: String

    @Flag(help: "Run the case in this process, unsupervised.")
    var inProcess = false

    @Option(parsing: .unconditional, help: "Seconds the case may run before its worker is declared hung.")
    var caseTimeout: Double = 300

    @OptionGroup var candidates: CandidateOptions

    func validate() throws { try Limits.check("case-timeout", caseTimeout, in: Limits.seconds, open: true) }

    func run() throws {
        try memory.apply()
        let (property, verdict): (String, Verdict)
        let json = try ReplayCommand.parse(repro)
        if let recorded = json["candidate"]?.string, !candidates.commands.contains(recorded) {
            throw ValidationError("this repro is a finding of the candidate \(recorded): replay it with --candidate \(Campaign.Failure.shellQuoted(recorded))")
        }
        if let candidate = try candidates.start(workers: 1).first {
            // A candidate is a process of its own: the case runs here, its requests supervised.
            (property, verdict) = try UnderTest.$implementation.withValue(candidate) { try Campaign.replay(repro) }
        } else if inProcess {
            (property, verdict) = try Campaign.replay(repro)
        } else {
            // Parsed above (a malformed repro is an error, not a crash); the case runs in a child.
            var fields = json.object ?? []
            fields.append(("kind", .string("check")))
            let supervisor = Supervisor(timeout: caseTimeout)
            defer { supervisor.stop() }
            let reply = supervisor.send(.object(fields), op: json["case"]?["op"]?.string ?? "")
            if case let .reply(answer) = reply, let error = answer["error"]?.string {
                say("ERROR \(error)")
                throw ExitCode(2)
            }
            (property, verdict) = (json["property"]?.string ?? "", Supervisor.verdict(reply))
        }
        switch verdict {
        case .pass: say("pass \(property)")
        case .discard: say("discarded \(property): the property does not apply to this case")
        case let .mistrusted(why): say("mistrusted \(property): \(why)"); throw ExitCode(1)
        case let .fail(why): say("FAIL \(property): \(why)"); throw ExitCode(1)
        case let .acceptsInvalid(why): say("ACCEPTS-INVALID \(property): \(why)")
        case let .quirk(id): say("QUIRK \(property): " + KnownRefusal.phrase(for: id))
        }
    }

    /// The repro's JSON, after checking what replay needs (so the child only ever sees a usable one).
    static func parse(_ repro: String) throws -> JSONValue {
        let json: JSONValue
        do { json = try JSONParser.parse(repro) } catch {
            throw FixtureError(.malformedJSON, file: "(repro)", field: "(\(error.line):\(error.column))", expected: error.expected, actual: error.actual)
        }
        guard let name = json["property"]?.string, Properties.named(name) != nil else {
            throw FixtureError(.unknownOp, file: "(repro)", field: "property", expected: "one of the properties `conform check --list` prints",
                               actual: json["property"]?.description ?? "nothing")
        }
        guard let c = json["case"] else {
            throw FixtureError(.missingField, file: "(repro)", field: "case", expected: "the case", actual: "nothing")
        }
        let generated = try GeneratedCase(json: c)
        if let property = Properties.named(name), property.op != generated.op {
            throw FixtureError(.invalidInput, file: "(repro)", field: "case.op", expected: "\"\(property.op)\", the op of \(name)",
                               actual: "\"\(generated.op)\"")
        }
        _ = try Campaign.execution(ofRepro: json)
        return json
    }
}
