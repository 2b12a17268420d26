import Foundation

/// Which part of a campaign a run is: `i/n` given on the command line, or (`auto`) read from the
/// job engine running it, so one job script serves every task of an array or matrix.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// 0-based.
    public let index: Int
    public let count: Int
    /// Where `auto` found it: the engine and the values read (nil when given as `i/n`).
    public let source: String?

    public var description: String { "\(index)/\(count)" }

    /// Whether item `k` of a run's items (its cases, in order) is this shard's.
    public func includes(_ k: Int) -> Bool { k % count == index }

    public init(index: Int, count: Int, source: String? = nil) {
        (self.index, self.count, self.source) = (index, count, source)
    }

    /// A job engine's variables for the task's index and the task count.
    struct Engine: Sendable {
        let name: String
        let index: String
        let count: String
        /// 1 where the engine counts tasks from 1.
        let base: Int
    }

    /// The engines `auto` knows, in the order it asks them. Conform's own pair comes first (set
    /// from any matrix, GitHub Actions' among them); Slurm's array has its own rule (`slurm`).
    static let engines: [Engine] = [
        Engine(name: "CONFORM_SHARD_INDEX/CONFORM_SHARD_COUNT", index: "CONFORM_SHARD_INDEX", count: "CONFORM_SHARD_COUNT", base: 0),
        // An Indexed Job gives the index; the count is the Job's completions, passed by its spec.
        Engine(name: "a Kubernetes Indexed Job", index: "JOB_COMPLETION_INDEX", count: "CONFORM_SHARD_COUNT", base: 0),
        Engine(name: "GitLab parallel", index: "CI_NODE_INDEX", count: "CI_NODE_TOTAL", base: 1),
        Engine(name: "CircleCI parallelism", index: "CIRCLE_NODE_INDEX", count: "CIRCLE_NODE_TOTAL", base: 0),
        Engine(name: "Buildkite parallelism", index: "BUILDKITE_PARALLEL_JOB", count: "BUILDKITE_PARALLEL_JOB_COUNT", base: 0),
        Engine(name: "Azure Pipelines parallel jobs", index: "SYSTEM_JOBPOSITIONINPHASE", count: "SYSTEM_TOTALJOBSINPHASE", base: 1),
    ]

    /// Every variable `auto` reads, for the message when none is set.
    public static var variables: [String] {
        ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP"]
            + engines.flatMap { [$0.index, $0.count] }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// `i/n`, or `auto` read from `environment`.
    public static func parse(_ text: String, environment: [String: String]) throws(ShardError) -> Shard {
        if text == "auto" { return try detect(environment) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], (1...1_000_000).contains(n), (0..<n).contains(i) else {
            throw ShardError(description: "--shard: expected i/n with 0 ≤ i < n ≤ 1000000, or auto, got \(text)")
        }
        return Shard(index: i, count: n)
    }

    /// The shard the job engine running this process assigns it.
    public static func detect(_ env: [String: String]) throws(ShardError) -> Shard {
        func int(_ name: String) throws(ShardError) -> Int? {
            guard let text = env[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ShardError(description: "--shard auto: \(name) is \(text), not an integer")
            }
            return value
        }
        func checked(_ i: Int, _ n: Int, _ source: String) throws(ShardError) -> Shard {
            guard (1...1_000_000).contains(n), (0..<n).contains(i) else {
                throw ShardError(description: "--shard auto: \(source) gives shard \(i) of \(n), outside 0 ≤ i < n ≤ 1000000")
            }
            return Shard(index: i, count: n, source: source)
        }
        // Conform's own pair, then a Slurm job array: task ids from MIN in steps of STEP, COUNT
        // tasks (an array written as a list, 1,5,9, has no step and is refused where it is irregular).
        if let i = try int("CONFORM_SHARD_INDEX") {
            guard let n = try int("CONFORM_SHARD_COUNT") else { throw ShardError(description: "--shard auto: CONFORM_SHARD_INDEX is set but not CONFORM_SHARD_COUNT") }
            return try checked(i, n, "CONFORM_SHARD_INDEX=\(i), CONFORM_SHARD_COUNT=\(n)")
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            guard let n = try int("SLURM_ARRAY_TASK_COUNT"), let low = try int("SLURM_ARRAY_TASK_MIN") else {
                throw ShardError(description: "--shard auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN")
            }
            let step = try int("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step > 0, (id - low) % step == 0 else {
                throw ShardError(description: "--shard auto: Slurm task \(id) is not MIN \(low) plus a multiple of STEP \(step); use an array of consecutive ids (--array=0-N)")
            }
            return try checked((id - low) / step, n, "Slurm job array (SLURM_ARRAY_TASK_ID=\(id), MIN=\(low), STEP=\(step), COUNT=\(n))")
        }
        for engine in engines.dropFirst() {
            guard let i = try int(engine.index) else { continue }
            guard let n = try int(engine.count) else {
                throw ShardError(description: "--shard auto: \(engine.index) is set (\(engine.name)) but not \(engine.count)")
            }
            return try checked(i - engine.base, n, "\(engine.name) (\(engine.index)=\(i), \(engine.count)=\(n))")
        }
        throw ShardError(description: "--shard auto: no job engine's shard variables are set; looked for " + variables.joined(separator: ", "))
    }
}

/// A `--shard` that names no shard.
public struct ShardError: Error, CustomStringConvertible {
    public let description: String
}
