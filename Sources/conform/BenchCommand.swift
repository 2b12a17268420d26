import ArgumentParser
import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Report

/// `conform bench`: reference vs optimized timings, on the built-in suite or fixture sets.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time both implementations: medians, p10/p90, GFLOP/s, % of the measured FMA peak, speedups.",
        discussion: "Without DIR, the built-in suite (every op at realistic sizes). Build with -c release for real figures. A candidate named tensorflow (candidates/tensorflow_candidate.py) gives the 'vs TF' column, timed live on this machine.")

    @OptionGroup var memory: MemoryOptions
    @OptionGroup var candidates: CandidateOptions

    @Argument(help: "Fixture folders to time case by case (default: the built-in suite).")
    var directories: [String] = []

    @Option(parsing: .unconditional, help: "Threads for the optimized ops; all cores when not given.")
    var threads: Int?

    /// `--threads`, or every core.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Only cases whose id contains this text.")
    var filter: String?

    @Flag(help: "Time only the optimized implementation.")
    var skipReference = false

    @Option(parsing: .unconditional, help: "Sample each case at least this many seconds (the optimized implementation).")
    var minTime: Double = 0.5

    @Option(parsing: .unconditional, help: "Sample each case at least this many times (the optimized implementation).")
    var minRuns: Int = 7

    @Flag(help: "With --threads above 1, also time the optimized ops on one thread and report the speedup of the threads over one.")
    var scaling = false

    func validate() throws {
        if let threads { try Limits.check("threads", threads, in: Limits.threads) }
        try Limits.check("min-time", minTime, in: Limits.seconds)
        try Limits.check("min-runs", minRuns, in: Limits.runs)
    }

    func run() throws {
        try memory.apply()
        // The cost model's rates, measured before any candidate program starts loading the host.
        _ = HostRates.current
        Threading.count = threadCount
        // Freed buffers stay in the heap (as TensorFlow's caching allocator keeps them), so each
        // timed run does not pay page faults on freshly mapped memory for its outputs.
        Threading.keepFreedMemory()
        var cases = directories.isEmpty ? BuiltinSuite.cases
            : try FixtureRunner.expand(directories.map { URL(fileURLWithPath: $0) }).flatMap { BenchCase.fromFixtures(try FixtureSet(directory: $0)) }
        if let filter { cases = cases.filter { $0.id.contains(filter) } }
        let terminal = isatty(STDERR_FILENO) != 0
        let peak = Peak.measureFMA() * Double(threadCount)
        var runner = BenchRunner()
        runner.timeReference = !skipReference
        runner.minimumSeconds = minTime
        runner.minimumSamples = max(1, minRuns)
        runner.candidates = try candidates.start(workers: 1)
        let results = runner.run(cases) { index, total, id in
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K[\(index + 1)/\(total)] \(id)".utf8)) }
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        var measured = results
        if scaling && threadCount > 1 {
            // The same cases on one thread, the optimized ops only: each row's speedup of N threads over one.
            Threading.count = 1
            var single = runner
            single.timeReference = false
            single.candidates = []
            let one = single.run(cases) { index, total, id in
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K[\(index + 1)/\(total)] \(id), one thread".utf8)) }
            }
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            Threading.count = threadCount
            for i in measured.indices where measured[i].implementation == .optimized {
                guard let t1 = one.first(where: { $0.id == measured[i].id && $0.implementation == .optimized })?.timing?.median,
                      let tn = measured[i].timing?.median, tn > 0 else { continue }
                measured[i].scaling = t1 / tn
            }
        }
        let report = BenchReport(results: measured, peakGFLOPS: peak, threads: threadCount)
        for line in report.text().split(separator: "\n", omittingEmptySubsequences: false) { say(String(line)) }
        if let json {
            try OutputFile.write(Data((report.json().serialized(indent: 1) + "\n").utf8), to: URL(fileURLWithPath: json))
        }
    }
}
