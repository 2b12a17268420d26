import ArgumentParser
import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Report

/// `conform report`: fixture checks, a property campaign and the benchmarks, as tables and a page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run the fixture checks, a property campaign and the benchmarks; write REPORT.md, report.json, report.html and CSVs.",
        discussion: "Benchmarks run on one thread unless --threads says otherwise. Each --candidate (scripts/peers.sh passes TensorFlow, JAX, PyTorch and ONNX Runtime) is judged on the fixtures, run through its own campaign on the ops it offers, timed on the built-in cases, and gets a column of the conformance matrix; a candidate named tensorflow gives the 'vs TensorFlow' ratios.")

    @OptionGroup var memory: MemoryOptions
    @OptionGroup var candidates: CandidateOptions

    @Option(help: "Where the report goes.")
    var out: String = "report"

    @Option(parsing: .unconditional, help: "The campaign's seed.")
    var seed: UInt64 = Campaign.defaultSeed

    @Option(parsing: .unconditional, help: "Campaign cases per op.")
    var cases: Int = 300

    @Option(parsing: .upToNextOption, help: "Merge these 'conform check --json' files instead of running a campaign.")
    var merge: [String] = []

    @Option(parsing: .upToNextOption, help: "Fixture sets to judge.")
    var fixtures: [String] = ["fixtures/tensorflow", "fixtures/regressions"]

    @Option(help: "TensorFlow's quirk outputs (fixtures/quirks).")
    var quirks: String = "fixtures/quirks"

    @Option(help: "Only benchmark cases whose id contains this text.")
    var benchFilter: String?

    @Option(parsing: .unconditional, help: "Sample each benchmark at least this many seconds.")
    var minTime: Double = 0.5

    @Option(parsing: .unconditional, help: "Threads for the optimized ops.")
    var threads: Int = 1

    @Option(help: "Also write the verdicts as JUnit XML to this file ('-' for standard output): fixture cases, campaign findings and paths.")
    var junit: String?

    func validate() throws {
        try Limits.check("cases", cases, in: Limits.cases)
        try Limits.check("threads", threads, in: Limits.threads)
        try Limits.check("min-time", minTime, in: Limits.seconds)
    }

    func run() throws {
        try memory.apply()
        // The shards to merge are read, and refused if they are not one campaign, before any work.
        let merged = merge.isEmpty ? nil : try ReportData.merge(merge.map { URL(fileURLWithPath: $0) })
        let junitTarget = try junit.map { try OutputTarget(checking: $0, option: "--junit") }
        if junitTarget == .standardOutput { Say.toStandardError = true }
        // The cost model's rates, measured before any candidate program starts loading the host.
        _ = HostRates.current
        Threading.count = threads
        Threading.keepFreedMemory()
        let terminal = isatty(STDERR_FILENO) != 0
        // On a terminal, one line rewritten in place; piped, each stage once, as a line of its own
        // on standard error (a minute of silence reads as a hang).
        var stage = ""
        func status(_ s: String) {
            if terminal {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(s)".utf8))
            } else if let word = s.split(separator: " ").first.map(String.init), !s.isEmpty, word != stage {
                stage = word
                FileHandle.standardError.write(Data("\(s.hasSuffix("…") ? s : word + "…")\n".utf8))
            }
        }

        status("fixtures…")
        let fixtureDirs = FixtureRunner.expand(fixtures.map { URL(fileURLWithPath: $0) })
        // Candidates are judged on the fixtures and timed in the benchmarks beside Conform's own ops.
        let candidateList = try candidates.start()
        let fixtureRun = FixtureRunner(implementations: Implementation.allCases + candidateList).run(directories: fixtureDirs) { done, total in
            status("fixtures \(done)/\(total)")
        }
        // Repro paths relative to the working directory when the sets lie under it.
        let cwd = FileManager.default.currentDirectoryPath + "/"
        func shown(_ path: String) -> String { path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path }
        // The manifests, read once for the repro paths and the header's TensorFlow version.
        let sets = fixtureDirs.compactMap { try? FixtureSet(directory: $0) }
        let setOf = Dictionary(sets.flatMap { set in set.manifest.cases.map { ($0.id, shown(set.directory.standardizedFileURL.path)) } },
                               uniquingKeysWith: { a, _ in a })
        var discrepancies = ReportData.discrepancies(fixtureRun) { setOf[$0] ?? "?" }

        var campaignLines: [ReportData.CampaignLine], paths: [ReportData.PathLine]
        var source = "this run"
        if let merged {
            campaignLines = merged.lines
            paths = merged.paths
            discrepancies += merged.issues
            source = "merged from \(merge.count) file\(merge.count == 1 ? "" : "s"): " + merged.seeds.joined(separator: "; ")
        } else {
            let supervisor = Supervisor()
            defer { supervisor.stop() }
            let campaign = Campaign(seed: seed, casesPerOp: cases)
            let result = campaign.run(progress: { done, total in status("campaign \(done)/\(total)") }, runner: supervisor.caseRunner(for: campaign))
            campaignLines = ReportData.campaign(result)
            paths = ReportData.paths(result)
            discrepancies += ReportData.discrepancies(result.failures, verdict: "fail") + ReportData.discrepancies(result.mistrusts, verdict: "mistrusted")
        }

        // Each candidate's own campaign, on the ops it offers (the same seed and cases per op): the
        // differential properties against the reference, the laws, the error properties.
        var campaigns: [(implementation: Implementation, lines: [ReportData.CampaignLine])] = [(.optimized, campaignLines)]
        if merge.isEmpty {
            for implementation in candidateList {
                guard let candidate = implementation.candidate else { continue }
                var campaign = Campaign(seed: seed, casesPerOp: cases, ops: OpTable.names.filter(candidate.ops.contains))
                campaign.underTest = implementation
                let result = campaign.run(progress: { done, total in status("campaign of \(implementation.name) \(done)/\(total)") })
                campaigns.append((implementation, ReportData.campaign(result)))
                for (findings, verdict) in [(result.failures, "fail"), (result.mistrusts, "mistrusted")] {
                    discrepancies += ReportData.discrepancies(findings, verdict: verdict, implementation: implementation.name)
                }
            }
        }

        status("measuring the machine…")
        let tensorflow = sets.compactMap { $0.manifest.producer?["version"]?.string }.first ?? "unknown"
        let machine = MachineInfo.current(tensorflow: tensorflow)
        var benchCases = BuiltinSuite.cases
        if let benchFilter { benchCases = benchCases.filter { $0.id.contains(benchFilter) } }
        var runner = BenchRunner()
        runner.minimumSeconds = minTime
        runner.candidates = candidateList
        let results = runner.run(benchCases) { index, total, id in status("bench [\(index + 1)/\(total)] \(id)") }
        let bench = BenchReport(results: results, peakGFLOPS: machine.fmaPeakGFLOPS * Double(threads), threads: threads)
        status("")

        var report = ReportData(machine: machine, seed: seed, casesPerOp: merge.isEmpty ? cases : 0, campaignSource: source,
                                discrepancies: discrepancies, campaign: campaignLines, bench: bench,
                                quirks: Quirk.all(fixtures: fixtureRun, quirkSet: URL(fileURLWithPath: quirks)), paths: paths)
        report.conformance = ConformanceCell.matrix(implementations: Implementation.allCases + candidateList, fixtures: fixtureRun,
                                                    campaigns: Dictionary(campaigns, uniquingKeysWith: { first, _ in first }), bench: bench)
        report.peers = candidateList.compactMap { i in
            i.candidate.map { (i.name, i.version, $0.command ?? "") }
        }
        try ReportWriter.write(report, to: URL(fileURLWithPath: out))
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        say("wrote \(ReportWriter.files.map { "\(out)/\($0)" }.joined(separator: ", "))")
        if let junitTarget {
            try junitTarget.write(Data(JUnit.report(report, campaigns: campaigns.map { ($0.implementation.name, $0.lines) }).xml.utf8))
        }
        say(report.totals)
        throw ExitCode(report.failed == 0 ? 0 : 1)
    }
}
