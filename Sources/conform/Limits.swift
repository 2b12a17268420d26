import ArgumentParser
import Foundation
import PropertyCheck
import Reference

/// The ranges numeric options must lie in, checked before a command runs: a number from the
/// command line is input like any other.
enum Limits {
    static let cases = 1...10_000_000
    static let maxSize = 1...10_000
    static let threads = 1...1024
    static let seconds = 0.0...86_400.0
    static let runs = 1...1_000_000

    static func check(_ name: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("--\(name): expected an integer from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
    }

    static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>, open: Bool = false) throws {
        guard value.isFinite, range.contains(value), !(open && value == range.lowerBound) else {
            throw ValidationError("--\(name): expected a number of seconds \(open ? "above" : "from") \(Int(range.lowerBound)) to \(Int(range.upperBound)), got \(value)")
        }
    }

    /// `i/n` with 0 ≤ i < n ≤ 1 000 000.
    /// `--shard i/n`, or `auto`: the shard the job engine running this process assigns it.
    static func shard(_ text: String) throws -> Shard {
        do {
            return try Shard.parse(text, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `--max-memory`: the memory budget of a run (and of every worker it starts).
struct MemoryOptions: ParsableArguments {
    @Option(help: "The memory one run may use: a case needing more is unusable input (bytes, or with K, M, G).")
    var maxMemory: String = "1G"

    /// The budget in bytes, from 1 MiB to 1 TiB.
    func bytes() throws -> Int {
        let text = maxMemory.uppercased()
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let (digits, unit) = text.last.flatMap { units[$0] }.map { (String(text.dropLast()), $0) } ?? (text, 1)
        guard let n = Int(digits), n > 0, n <= (1 << 40) / unit, n * unit >= 1 << 20 else {
            throw ValidationError("--max-memory: expected a size from 1M to 1T (bytes, or with K, M, G, T), got \(maxMemory)")
        }
        return n * unit
    }

    func validate() throws { _ = try bytes() }

    /// Sets the budget for this process.
    func apply() throws { MemoryBudget.bytes = try bytes() }
}

/// `--candidate CMD` (repeatable), `--candidate-timeout`, `--candidate-workers`: candidate programs.
struct CandidateOptions: ParsableArguments {
    @Option(name: .customLong("candidate"), help: "A command that starts a conform-candidate/1 program (repeatable).")
    var commands: [String] = []

    @Option(parsing: .unconditional, help: "Seconds a candidate may take for one request before it counts as hung.")
    var candidateTimeout: Double = 60

    @Option(parsing: .unconditional, help: "Copies of each candidate program that run cases in parallel; the core count when not given.")
    var candidateWorkers: Int?

    /// `--candidate-workers`, or the core count.
    var workerCount: Int { candidateWorkers ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        try Limits.check("candidate-timeout", candidateTimeout, in: Limits.seconds, open: true)
        if let candidateWorkers { try Limits.check("candidate-workers", candidateWorkers, in: 1...256) }
    }

    /// Starts every candidate and reads its hello (a bad hello is unusable input: exit 2).
    func start(workers: Int? = nil) throws -> [Implementation] {
        try commands.map { command in
            Implementation(candidate: try ProgramCandidate(command: command, timeout: candidateTimeout, workers: workers ?? workerCount))
        }
    }
}
