import Foundation
import Testing
import PropertyCheck

#if canImport(Glibc)
import Glibc
#endif

/// Candidate programs that attack the scratch discipline and process hygiene (a POSIX shell
/// script, so no framework is needed): each must end in a finding that names what it did, with no
/// read or write outside the scratch folder and no process left behind.
@Suite("Hostile candidate programs")
struct HostileCandidateTests {
    /// Answers every frame request ok after doing `MODE` to its output path (or around it).
    static let script = #"""
    #!/bin/sh
    mode=$1; target=$2
    echo '{"protocol": "conform-candidate/1", "name": "hostile", "version": "0", "ops": ["frame"]}'
    while IFS= read -r line; do
      id=$(printf '%s' "$line" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
      out=$(printf '%s' "$line" | sed -n 's/.*"outputs": *{"output": *"\([^"]*\)".*/\1/p')
      case $mode in
        symlink) ln -s "$target" "$out" ;;
        hardlink) ln "$target" "$out" ;;
        fifo) mkfifo "$out" ;;
        huge) truncate -s 1G "$out" ;;
        plant) ln -s "$target" "$(dirname "$out")/in-0.npy"; ln -s "$target" "$(dirname "$(dirname "$out")")/next-in-0.npy" ;;
        orphan) setsid sleep 600 >/dev/null 2>&1 </dev/null & echo $! > "$target" ;;
        wrong-id) echo "{\"id\": 999999, \"ok\": true}"; continue ;;
        hang) sleep 600 ;;
        answer-once-then-hang) [ -e "$target.answered" ] && sleep 600; touch "$target.answered" ;;
        flood) head -c 20000000 /dev/zero | tr '\0' x ;;
        flood-stderr) head -c 2000000 /dev/zero | tr '\0' x >&2 ;;
        fork) for i in 1 2 3 4 5 6 7 8; do sleep 600 & done; echo $! > "$target" ;;
      esac
      echo "{\"id\": $id, \"ok\": true}"
    done
    """#

    static func run(_ mode: String, options: [String] = []) throws -> (CLI.Output, target: URL, peak: Int) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("hostile.sh"), target = dir.appendingPathComponent("secret.txt")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        try "SECRET-CONTENT".write(to: target, atomically: true, encoding: .utf8)
        // A private TMPDIR: the run's scratch folder must be gone when it ends, whatever the program did.
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let (out, peak) = try CLI.conformMeasured(["check", "--candidate", "sh \(script.path) \(mode) \(target.path)", "--ops", "frame",
                                                        "--cases", "4", "--seed", "5", "--candidate-workers", "1"] + options,
                                                       environment: ["TMPDIR": tmp.path])
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "\(mode): left in the scratch parent: \(left)")
        return (out, target, peak)
    }

    @Test("an output that is a link, a FIFO or a 1 GiB file is a finding that names it, and is never read",
          arguments: [("symlink", "is a symbolic link"), ("hardlink", "is a hard link"), ("fifo", "is not a regular file"), ("huge", "bytes, past the")])
    func outputsAreNotFollowed(mode: String, said: String) throws {
        let (out, target, peak) = try Self.run(mode)
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        #expect(out.status == 1, "\(out.lines.suffix(3))")
        #expect(peak < 256 << 20, "Conform's peak resident memory: \(peak >> 20) MiB")
        #expect(out.lines.contains { $0.hasPrefix("FAIL ") && $0.contains(said) }, "\(out.lines.prefix(4))")
        #expect(!out.stdout.contains("SECRET-CONTENT"))
        #expect(try String(contentsOf: target, encoding: .utf8) == "SECRET-CONTENT")
    }

    @Test("links planted where inputs go are never written through")
    func inputsAreNotWrittenThroughLinks() throws {
        let (out, target, _) = try Self.run("plant")
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        #expect(out.status == 1 || out.status == 0)
        #expect(try String(contentsOf: target, encoding: .utf8) == "SECRET-CONTENT")
    }

    @Test("a failure that does not happen again while shrinking still names what happened the first time")
    func causeSurvivesShrinking() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("conform-exit-once-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let out = try CLI.conform(["check", "--candidate", CandidateTests.command("exit-once", ops: "frame") + " --marker \(marker.path)",
                                        "--ops", "frame", "--cases", "4", "--candidate-workers", "1"])
        #expect(out.status == 1, "\(out.lines.suffix(3))")
        let fail = try #require(out.lines.first { $0.hasPrefix("FAIL ") }, "\(out.lines.prefix(4))")
        #expect(fail.contains("failed once, not again while shrinking") && fail.contains("exited with status 3"), "\(fail)")
    }

    @Test("a program that breaks the protocol on every request is declared unusable: one ERROR, exit 2, soon")
    func brokenProgramIsUnusable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("hostile.sh")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let out = try CLI.conform(["check", "--candidate", "sh \(script.path) wrong-id x", "--ops", "frame", "--cases", "50", "--seed", "5"])
        #expect(out.status == 2, "\(out.lines.suffix(3))")
        #expect(out.lines.filter { $0.hasPrefix("ERROR candidate hostile is unusable: 5 requests in a row broke the protocol") }.count == 1,
                "\(out.lines.suffix(3))")
        #expect(out.lines.filter { $0.hasPrefix("FAIL ") }.count <= 5)
        let fixtures = try CLI.conform(["fixtures", "--candidate", "sh \(script.path) wrong-id x", "--implementation", "reference",
                                             Paths.fixtures.appendingPathComponent("frame").path])
        #expect(fixtures.status == 2 && fixtures.lines.contains { $0.hasPrefix("ERROR candidate hostile is unusable") }, "\(fixtures.lines.suffix(3))")
    }

    @Test("a program that exits before its hello is named as exited, with its status, not as slow")
    func exitBeforeHello() throws {
        let out = try CLI.conform(["check", "--candidate", "sh -c 'exit 3'", "--ops", "frame", "--cases", "2"])
        #expect(out.status == 2 && out.stdout.contains("the program exited with status 3 before its hello"), "\(out.stdout)")
    }

    @Test("every law checks a candidate's output before reading it: each op, each way of being malformed in turn, findings and no crash")
    func malformedOutputs() throws {
        let ops = OpTable.names.joined(separator: ",")
        // One request after another gets the next malformation (an extra axis, a missing one, a scalar, a longer axis,
        // an empty one, another dtype, NaNs): every law of every op meets each of them within a few cases.
        let out = try CLI.conform(["check", "--candidate", CandidateTests.command("malformed-each", ops: ops),
                                        "--cases", "12", "--seed", "3", "--candidate-workers", "1"])
        // 1: findings. A trap in Conform would be a signal (128 + n) and no summary.
        #expect(out.status == 1, "\(out.lines.suffix(5))")
        #expect(out.lines.contains { $0.hasPrefix("FAIL ") }, "\(out.lines.prefix(5))")
        #expect(out.lines.contains { $0.contains("distinct finding") }, "\(out.lines.suffix(5))")
    }

    @Test("a program that never answers, or answers once and then hangs, is declared unusable after a few timeouts, not waited on for every case",
          arguments: ["hang", "answer-once-then-hang"])
    func hangingProgramIsUnusable(mode: String) throws {
        let (out, target, _) = try Self.run(mode, options: ["--cases", "50", "--candidate-timeout", "1"])
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        #expect(out.status == 2, "\(out.lines.suffix(3))")
        #expect(out.lines.contains { $0.hasPrefix("ERROR candidate hostile is unusable: 5 requests in a row") && $0.contains("timed out") },
                "\(out.lines.suffix(3))")
    }

    @Test("a line without end on stdout or a flood on stderr costs bounded memory and is a finding",
          arguments: [("flood", "not read further"), ("flood-stderr", "wrote no output")])
    func floodsAreBounded(mode: String, said: String) throws {
        let (out, target, peak) = try Self.run(mode)
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        #expect(out.status == 1 || out.status == 2, "\(out.lines.suffix(3))")
        #expect(out.stdout.contains(said), "\(out.lines.prefix(4))")
        #expect(peak < 256 << 20, "Conform's peak resident memory: \(peak >> 20) MiB")
    }

    @Test("nothing the program starts outlives the run: children it forks, a daemon in a session of its own",
          arguments: ["fork", "orphan"])
    func noOrphans(mode: String) throws {
        let (out, pidFile, _) = try Self.run(mode)
        defer { try? FileManager.default.removeItem(at: pidFile.deletingLastPathComponent()) }
        #expect(out.status == 1, "\(out.lines.suffix(3))")
        let pid = try #require(pid_t(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) != 0 && errno == ESRCH, "process \(pid) still runs")
    }
}
