import Formats
import Foundation
import Testing

/// The Slurm recipe run for real: a single-node cluster (`deploy/slurm/local-cluster.sh`), a job
/// array campaign with its merge job (`deploy/slurm/submit.sh`), a shard killed mid-run and named
/// by the merge, and its rerun completing the set. The merged verdicts are the unsharded run's.
@Suite("Slurm", .enabled(if: LocalSlurm.missing == nil, Comment(rawValue: LocalSlurm.missing ?? "")))
struct SlurmTests {
    /// The campaign every run here checks: a candidate with a planted fault, so there are
    /// findings to compare, on one op, small enough for seconds per shard.
    static let checkOptions = ["--candidate", Paths.products.appendingPathComponent("conform-test-candidate").path + " --fault dropped-frame --ops frame",
                               "--ops", "frame", "--cases", "40", "--seed", "5"]

    @Test("a 4-task array and its merge give the unsharded verdicts; a killed shard is named; its rerun completes the set",
          .timeLimit(.minutes(5)))
    func arrayCampaign() throws {
        let dir = Paths.temporary("conform-slurm")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let slurm = try LocalSlurm(folder: dir.appendingPathComponent("cluster"))
        defer { slurm.stop() }

        // The unsharded run.
        let whole = dir.appendingPathComponent("whole.json")
        #expect(try CLI.conform(["check", "--json", whole.path, "--no-regressions", "-q"] + Self.checkOptions).status == 1)
        let unsharded = try JSONParser.parse(Array(try Data(contentsOf: whole)))

        // The array and its merge.
        let out = dir.appendingPathComponent("campaign")
        let (array, merge) = try slurm.submit(shards: 4, out: out, options: Self.checkOptions)
        // The merge ends as `conform report` does: exit 1, for the candidate's findings.
        #expect(try slurm.wait(merge) == "exit 1", "\(slurm.log(out))")
        try Self.expectSameVerdicts(unsharded, report: out.appendingPathComponent("report/report.json"))
        // Each task wrote its shard, whatever it found (exit 0 or 1).
        for task in 0..<4 {
            #expect(try ["exit 0", "exit 1"].contains(slurm.ended("\(array)_\(task)")))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("shards/shard-\(task).json").path))
        }

        // A shard killed (SIGKILL to the task, as the kernel's OOM killer would): the merge job
        // still runs, fails, and names the missing shard and how its task ended.
        let killed = dir.appendingPathComponent("killed")
        let wrapper = dir.appendingPathComponent("conform-killing-task-2")
        let mark = dir.appendingPathComponent("task-2-killed-once")
        try """
        #!/bin/sh
        # Task 2's first run is killed; every other run is conform's.
        if [ "$SLURM_ARRAY_TASK_ID" = 2 ] && [ ! -e '\(mark.path)' ]; then
          : > '\(mark.path)'
          kill -KILL $$
        fi
        exec '\(Paths.products.appendingPathComponent("conform").path)' "$@"
        """.write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let (killedArray, failedMerge) = try slurm.submit(shards: 4, out: killed, options: Self.checkOptions, conform: wrapper.path)
        #expect(try slurm.wait(failedMerge) == "exit 2", "\(slurm.log(killed))")
        #expect(try slurm.ended("\(killedArray)_2") == "signal 9")
        let said = slurm.log(killed)
        #expect(said.contains("missing shard 2"), "\(said)")
        #expect(said.contains("ArrayTaskId=2  JobState=FAILED"), "the merge job names the task's state: \(said)")
        #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent("shards/shard-2.json").path))

        // The rerun of that one task completes the set, and the merge equals the unsharded run.
        let (_, rerunMerge) = try slurm.submit(shards: 4, out: killed, options: [], conform: wrapper.path, rerun: "2")
        #expect(try slurm.wait(rerunMerge) == "exit 1", "\(slurm.log(killed))")
        try Self.expectSameVerdicts(unsharded, report: killed.appendingPathComponent("report/report.json"))
    }

    /// The merged report's campaign counts and findings are the unsharded run's, op by op.
    static func expectSameVerdicts(_ unsharded: JSONValue, report: URL) throws {
        let merged = try JSONParser.parse(Array(try Data(contentsOf: report)))
        for op in unsharded["ops"]?.array ?? [] {
            let line = try #require(merged["campaign"]?.array?.first { $0["op"]?.string == op["op"]?.string }, "\(op)")
            for key in ["cases", "passed", "failed", "mistrusted", "discarded"] {
                #expect(line[key]?.int == op[key]?.int, "\(op["op"]?.string ?? ""): \(key) merged \(line[key]?.int ?? -1), unsharded \(op[key]?.int ?? -1)")
            }
        }
        let found = Set((unsharded["failures"]?.array ?? []).compactMap { f in f["property"]?.string.map { "\($0) #\(f["case"]?.int ?? -1)" } })
        let mergedFound = Set((merged["discrepancies"]?.array ?? []).filter { $0["verdict"]?.string == "fail" && $0["case"]?.string?.contains(" #") == true }
            .compactMap { $0["case"]?.string })
        #expect(!found.isEmpty && found == mergedFound, "unsharded \(found.sorted().prefix(5)), merged \(mergedFound.sorted().prefix(5))")
    }
}

/// A Slurm cluster of this machine alone, started for a test and stopped after it, through the
/// repository's own scripts.
struct LocalSlurm {
    /// Why no cluster can start here (nil when one can): not root, or the packages are missing.
    static let missing: String? = {
        if getuid() != 0 { return "Slurm test skipped: the single-node cluster's daemons need root" }
        let tools = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"]
        let absent = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        return absent.isEmpty ? nil : "Slurm test skipped: \(absent.joined(separator: ", ")) missing (scripts/setup.sh installs slurmctld, slurmd, slurm-client and munge)"
    }()

    let folder: URL
    let environment: [String: String]
    static let scripts = Paths.repository.appendingPathComponent("deploy/slurm")

    init(folder: URL) throws {
        self.folder = folder
        environment = ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path]
        let started = try CLI.run(Self.scripts.appendingPathComponent("local-cluster.sh"), ["start", folder.path])
        guard started.status == 0 else {
            throw SlurmFailure("deploy/slurm/local-cluster.sh start exited \(started.status): \(started.stdout)")
        }
    }

    func stop() {
        _ = try? CLI.run(Self.scripts.appendingPathComponent("local-cluster.sh"), ["stop", folder.path])
    }

    /// Submits the array and its merge with `submit.sh`: their job ids.
    func submit(shards: Int, out: URL, options: [String], conform: String = Paths.products.appendingPathComponent("conform").path,
                rerun: String? = nil) throws -> (array: String, merge: String) {
        var env = environment
        env["CONFORM"] = conform
        // The merge's own fixture checks and benchmarks, kept to a second.
        env["CONFORM_REPORT_ARGS"] = "--fixtures \(Paths.fixtures.appendingPathComponent("frame").path) --bench-filter count_params --min-time 0"
        let arguments = (rerun.map { ["--rerun", $0] } ?? []) + ["\(shards)", out.path]
        let submitted = try CLI.run(Self.scripts.appendingPathComponent("submit.sh"), arguments + options, environment: env)
        let words = submitted.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        guard submitted.status == 0, words.count == 4, words[0] == "array", words[2] == "merge" else {
            throw SlurmFailure("submit.sh: exit \(submitted.status), printed \(submitted.stdout)")
        }
        return (words[1], words[3])
    }

    /// How a job ended (`exit N`, `signal N`), or its state while it has not (`PENDING`, `RUNNING`, …).
    func ended(_ job: String) throws -> String {
        let shown = try CLI.run(URL(fileURLWithPath: "/usr/bin/scontrol"), ["-o", "show", "job", job], environment: environment)
        let fields = Dictionary(shown.stdout.split(whereSeparator: \.isWhitespace).compactMap { field -> (String, String)? in
            guard let eq = field.firstIndex(of: "=") else { return nil }
            return (String(field[..<eq]), String(field[field.index(after: eq)...]))
        }, uniquingKeysWith: { a, _ in a })
        guard let state = fields["JobState"] else { return "unknown" }
        if ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED"].contains(state) { return state }
        // ExitCode=status:signal
        let code = (fields["ExitCode"] ?? "").split(separator: ":").compactMap { Int($0) }
        guard code.count == 2 else { return state }
        return code[1] != 0 ? "signal \(code[1])" : "exit \(code[0])"
    }

    /// Waits for a job to end (at most `seconds`): how it ended.
    func wait(_ job: String, seconds: Double = 240) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = try ended(job)
            if !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "unknown"].contains(now) { return now }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return "still running after \(Int(seconds)) s"
    }

    /// Every job output file under `out`, for a message.
    func log(_ out: URL) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        return names.filter { $0.hasSuffix(".out") }.sorted().map { name in
            "== \(name)\n" + ((try? String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }
}

struct SlurmFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
