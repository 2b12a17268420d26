import PropertyCheck
import Testing

/// `--shard auto`: each job engine's variables give the same 0-based shard; a set that names no
/// shard, or a wrong one, is refused in words that name the variables.
@Suite("Shards from job engines")
struct ShardTests {
    @Test("each engine's variables name their shard", arguments: [
        (["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4"], 2, 4),
        (["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_STEP": "2"], 4, 5),
        (["JOB_COMPLETION_INDEX": "3", "CONFORM_SHARD_COUNT": "8"], 3, 8),
        (["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"], 0, 3),
        (["CIRCLE_NODE_INDEX": "2", "CIRCLE_NODE_TOTAL": "3"], 2, 3),
        (["BUILDKITE_PARALLEL_JOB": "0", "BUILDKITE_PARALLEL_JOB_COUNT": "2"], 0, 2),
        (["SYSTEM_JOBPOSITIONINPHASE": "4", "SYSTEM_TOTALJOBSINPHASE": "4"], 3, 4),
        (["CONFORM_SHARD_INDEX": "1", "CONFORM_SHARD_COUNT": "2", "CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"], 1, 2),
    ])
    func engine(environment: [String: String], index: Int, count: Int) throws {
        let shard = try Shard.parse("auto", environment: environment)
        #expect(shard.index == index && shard.count == count && shard.source != nil, "\(shard) from \(environment)")
    }

    @Test("no variables, half a pair, a step off the array, or a shard past the count: refused, naming what it read", arguments: [
        ([:], "looked for SLURM_ARRAY_TASK_ID"),
        (["JOB_COMPLETION_INDEX": "0"], "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not CONFORM_SHARD_COUNT"),
        (["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "2"], "not MIN 1 plus a multiple of STEP 2"),
        (["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "3"], "gives shard 9 of 3"),
        (["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "2"], "gives shard -1 of 2"),
        (["CI_NODE_INDEX": "one", "CI_NODE_TOTAL": "2"], "CI_NODE_INDEX is one, not an integer"),
    ])
    func refused(environment: [String: String], message: String) {
        #expect(throws: ShardError.self) { try Shard.parse("auto", environment: environment) }
        do {
            _ = try Shard.parse("auto", environment: environment)
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("i/n as before; anything else is refused")
    func explicit() throws {
        #expect(try Shard.parse("2/5", environment: [:]) == Shard(index: 2, count: 5))
        for text in ["5/5", "-1/2", "1", "a/b", "auto/2"] {
            #expect(throws: ShardError.self, "\(text)") { try Shard.parse(text, environment: [:]) }
        }
    }
}
