import ArgumentParser
import Reference
import Formats
import Foundation
import Optimized
import PropertyCheck
import Report

/// `conform fixtures DIR...`: judges every case of the given fixture sets.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Judge the implementations on fixture sets (folders holding manifest.json).",
        discussion: "Prints one line per failing case, then 'N passed, M failed'. Exit status: 0 all passed, 1 something failed, 2 unusable input.")

    @OptionGroup var memory: MemoryOptions
    @OptionGroup var candidates: CandidateOptions

    @Argument(help: "Fixture folders, each holding a manifest.json.")
    var directories: [String]

    @Flag(name: .shortAndLong, help: "Also print a line for every passing case.")
    var verbose = false

    @Option(name: .long, help: "Judge only these implementations (reference, optimized).")
    var implementation: [Implementation] = Implementation.allCases

    @Option(parsing: .unconditional, help: "Threads for the optimized ops; all cores when not given.")
    var threads: Int?

    /// `--threads`, or every core.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: "Seconds one case may run before its worker is declared hung.")
    var caseTimeout: Double = 300

    @Flag(help: "Judge the cases in this process, unsupervised (a crash in an implementation ends the run).")
    var inProcess = false

    @Option(help: "Judge shard i of n (i/n, 0-based): case k of all the sets' cases when k mod n = i. auto reads it from the job engine, as check does.")
    var shard: String = "0/1"

    @Option(help: "Also write the verdicts as JUnit XML to this file ('-' for standard output): a test case per fixture case and implementation.")
    var junit: String?

    func validate() throws {
        if let threads { try Limits.check("threads", threads, in: Limits.threads) }
        try Limits.check("case-timeout", caseTimeout, in: Limits.seconds, open: true)
        _ = try Limits.shard(shard)
    }

    func run() throws {
        try memory.apply()
        Threading.count = threadCount
        let urls = directories.map { URL(fileURLWithPath: $0) }
        // A path that can name no set is a mistake on the command line, said before anything runs.
        if let why = urls.lazy.compactMap(FixtureRunner.unusablePath).first { throw ValidationError(why) }
        let part = try Limits.shard(shard)
        if let source = part.source { say("shard \(part) from \(source)") }
        let junitTarget = try junit.map { try OutputTarget(checking: $0, option: "--junit") }
        if junitTarget == .standardOutput { Say.toStandardError = true }
        let terminal = isatty(STDERR_FILENO) != 0
        let progress: (Int, Int) -> Void = { done, total in
            if terminal { FileHandle.standardError.write(Data("\r\(done)/\(total) cases".utf8)) }
        }
        // Piped or redirected, the lines come at the end: say the plan first, on standard error.
        if isatty(STDOUT_FILENO) == 0 {
            let judged = implementation.map(\.name) + candidates.commands.map { "the candidate \($0)" }
            FileHandle.standardError.write(Data("conform fixtures: \(urls.count) folder\(urls.count == 1 ? "" : "s"), shard \(part), judging \(judged.joined(separator: ", ")); failing cases and the counts at the end\n".utf8))
        }
        let lines: [String], exitCode: Int32, verdicts: [FixtureVerdict]
        // Each candidate program's command by name, for the JUnit REPRO lines (Conform's optimized ops rerun without one).
        var commands = [String: String]()
        if !candidates.commands.isEmpty {
            // With candidates, everything but the reference runs as a candidate program under the same
            // supervision: Conform's optimized ops through `conform candidate`, served by this binary.
            var judged = implementation.filter { $0 == .reference }
            if implementation.contains(.optimized) {
                let me = Supervisor.currentExecutable.contains(" ") ? "'\(Supervisor.currentExecutable)'" : Supervisor.currentExecutable
                judged.append(Implementation(candidate: try ProgramCandidate(command: "\(me) candidate --name optimized",
                                                                           timeout: candidates.candidateTimeout, workers: candidates.workerCount)))
            }
            judged += try candidates.start()
            for j in judged where j.name != Implementation.optimized.name { commands[j.name] = j.candidate?.command }
            let run = FixtureRunner(implementations: judged, shard: part).run(directories: urls, progress: progress)
            // A program declared unusable ends the run with one ERROR, not a failure per case.
            var unusable = judged.compactMap { j in (j.candidate as? ProgramCandidate)?.unusable.map { "ERROR candidate \(j.name) is unusable: \($0)" } }
            // A candidate offered none of the cases has passed nothing: that is not a pass.
            let ops = Set(run.results.map(\.op))
            for j in judged where j.candidate != nil && run.cases > 0 && !run.results.contains(where: { $0.implementation?.name == j.name }) {
                unusable.append("ERROR candidate \(j.name) offers none of the \(run.cases) cases of these sets (their ops: \(ops.sorted().joined(separator: ", ")); "
                                + "it offers \(j.candidate!.ops.sorted().joined(separator: ", ")))")
            }
            (lines, exitCode) = (FixtureReport.lines(for: run, verbose: verbose, implementations: judged) + unusable,
                                 unusable.isEmpty ? run.exitCode : 2)
            verdicts = FixtureVerdict.of(run) + unusable.map {
                FixtureVerdict(caseID: "candidates", set: directories.joined(separator: " "), op: "(candidate)", implementation: "", kind: .unusable, line: $0)
            }
        } else if inProcess {
            let run = FixtureRunner(implementations: implementation, shard: part).run(directories: urls, progress: progress)
            (lines, exitCode, verdicts) = (FixtureReport.lines(for: run, verbose: verbose, implementations: implementation), run.exitCode,
                                           FixtureVerdict.of(run))
        } else {
            // Each case is judged in a child process of this binary: a crash is a CRASH line, not the end of the run.
            let supervisor = Supervisor(timeout: caseTimeout)
            defer { supervisor.stop() }
            let outcome = SupervisedFixtures(implementations: implementation, verbose: verbose, shard: part)
                .run(directories: urls, supervisor: supervisor, progress: progress)
            (lines, exitCode, verdicts) = (outcome.lines, outcome.exitCode, outcome.verdicts)
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for line in lines { say(line) }
        if let junitTarget {
            try junitTarget.write(Data(JUnit.fixtures(verdicts, commands: commands).xml.utf8))
        }
        throw ExitCode(exitCode)
    }
}

extension Implementation: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
