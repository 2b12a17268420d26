import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Candidate programs end to end, with a Swift candidate (`conform-test-candidate`) that can carry
/// one planted fault: no Python needed.
@Suite("Candidate programs", .serialized)
struct CandidateTests {
    static var candidate: String { Paths.products.appendingPathComponent("conform-test-candidate").path }
    static func command(_ fault: String, ops: String = "conv1d,conv2d,frame") -> String { "\(candidate) --fault \(fault) --ops \(ops)" }
    static let sets = ["conv1d", "conv2d", "frame"].map { Paths.fixtures.appendingPathComponent($0).path }

    @Test("a correct candidate passes the committed TensorFlow sets of the ops it offers; a faulty one fails them")
    func fixtures() throws {
        let cases = try Self.sets.map { try FixtureSet(directory: URL(fileURLWithPath: $0)).manifest.cases.count }.reduce(0, +)
        let good = try CLI.conform(["fixtures", "--candidate", Self.command("none")] + Self.sets)
        #expect(good.status == 0, "\(good.lines.suffix(3))")
        #expect(good.lines.last == "\(3 * cases) passed, 0 failed")
        for fault in ["padding-side", "dropped-frame", "crash-on-7", "refuse-all"] {
            let bad = try CLI.conform(["fixtures", "--candidate", Self.command(fault)] + Self.sets)
            #expect(bad.status == 1, "\(fault)")
            #expect(bad.lines.contains { $0.hasPrefix("FAIL ") && $0.contains("[test-candidate-\(fault)]") }, "\(fault): \(bad.lines.prefix(2))")
            // Conform's own two still pass every case: only the candidate's checks fail.
            #expect(!bad.lines.contains { $0.contains("[reference]") || $0.contains("[optimized]") }, "\(fault)")
        }
        // Not offered: a candidate of frame only is judged on frame cases only.
        let frameOnly = try CLI.conform(["fixtures", "--candidate", Self.command("none", ops: "frame")] + Self.sets)
        let frames = try FixtureSet(directory: Paths.fixtures.appendingPathComponent("frame")).manifest.cases.count
        #expect(frameOnly.status == 0 && frameOnly.lines.last == "\(2 * cases + frames) passed, 0 failed")
    }

    @Test("a crash and a hang are findings with their stderr, the run goes on, the program restarts, the scratch folder goes")
    func crashAndHang() throws {
        // A private TMPDIR: other tests running in parallel create scratch folders of their own.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("conform-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let crash = try CLI.conform(["fixtures", "--candidate", Self.command("crash-on-7")] + Self.sets, environment: ["TMPDIR": tmp.path])
        let crashes = crash.lines.filter { $0.contains("crashed") && $0.contains("planted crash on an extent of 7") }
        #expect(crashes.count >= 2, "\(crash.lines.prefix(3))")
        let hang = try CLI.conform(["fixtures", "--candidate", Self.command("hang-on-7"), "--candidate-timeout", "2",
                                         Paths.fixtures.appendingPathComponent("frame").path], environment: ["TMPDIR": tmp.path])
        #expect(hang.status == 1 && hang.lines.contains { $0.contains("timed out: no reply in 2 s") })
        // Every case was judged: the closing line counts three implementations on every frame case.
        let frames = try FixtureSet(directory: Paths.fixtures.appendingPathComponent("frame")).manifest.cases.count
        let numbers = hang.lines.last?.split(separator: " ").compactMap { Int($0) } ?? []
        #expect(numbers.count == 2 && numbers[0] + numbers[1] == 3 * frames)
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("conform-candidate-") }
        #expect(left.isEmpty, "scratch folders left: \(left)")
    }

    @Test("an interrupted run removes its scratch folder")
    func interruptRemovesScratch() throws {
        // A private TMPDIR: other tests running in parallel create scratch folders of their own.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("conform-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        func scratch() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("conform-candidate-") }
        }
        let process = Process()
        process.executableURL = Paths.products.appendingPathComponent("conform")
        process.arguments = ["fixtures", "--candidate", Self.command("hang-on-7"), "--candidate-timeout", "60",
                             Paths.fixtures.appendingPathComponent("frame").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the scratch folder, then for the hang, then interrupt.
        var created = [String]()
        for _ in 0..<100 where created.isEmpty {
            usleep(50_000)
            created = try scratch()
        }
        #expect(!created.isEmpty, "no scratch folder appeared")
        usleep(500_000)
        process.interrupt()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "exit \(process.terminationStatus)")
        let left = try scratch()
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("a hello's dtypes narrow an op: other cases are not sent, neither in the fixtures nor in the campaign; a malformed one is an ERROR")
    func dtypes() throws {
        let conv2d = Paths.fixtures.appendingPathComponent("conv2d")
        let float64 = try FixtureSet(directory: conv2d).manifest.cases.filter { c in
            c.inputs.allSatisfy { (try? FixtureSet(directory: conv2d).tensor($0.1, caseID: c.id, field: $0.0).dtype) == .float64 }
        }.count
        #expect(float64 > 0)
        // The candidate refuses every other dtype: had Conform sent one, that case would fail.
        let narrowed = Self.command("none", ops: "conv2d") + " --dtypes conv2d:f8"
        let out = try CLI.conform(["fixtures", "--candidate", narrowed, conv2d.path])
        let numbers = out.lines.last?.split(separator: " ").compactMap { Int($0) } ?? []
        let all = try FixtureSet(directory: conv2d).manifest.cases.count
        #expect(out.status == 0 && numbers == [2 * all + float64, 0], "\(out.lines.suffix(2))")
        let campaign = try CLI.conform(["check", "--candidate", narrowed, "--ops", "conv2d", "--cases", "30"])
        #expect(campaign.status == 0, "\(campaign.lines.suffix(3))")
        let bad = try CLI.conform(["fixtures", "--candidate", Self.command("bad-dtypes"), conv2d.path])
        #expect(bad.status == 2 && bad.lines.first?.hasPrefix("ERROR ") == true && bad.lines.first?.contains("hello.dtypes") == true, "\(bad.lines)")
    }

    @Test("a garbage hello is unusable input: an ERROR naming the command, exit 2")
    func garbageHello() throws {
        let out = try CLI.conform(["fixtures", "--candidate", Self.command("garbage-hello")] + Self.sets)
        #expect(out.status == 2)
        #expect(out.lines.first?.hasPrefix("ERROR ") == true && out.lines.first?.contains("garbage-hello") == true, "\(out.lines)")
    }

    @Test("the campaign passes a correct candidate and finds, shrinks and replays each planted fault", arguments: [
        ("padding-side", "conv2d"), ("dropped-frame", "frame"), ("crash-on-7", "frame"),
    ])
    func campaign(fault: String, op: String) throws {
        let good = try CLI.conform(["check", "--candidate", Self.command("none"), "--ops", op, "--cases", "60", "--seed", "11"])
        #expect(good.status == 0, "\(good.lines.suffix(3))")
        let bad = try CLI.conform(["check", "--candidate", Self.command(fault), "--ops", op, "--cases", "300", "--seed", "11",
                                        "--stop-after", "1"])
        #expect(bad.status == 1)
        let repro = try #require(bad.lines.first { $0.hasPrefix("REPRO conform replay --candidate ") }, "\(bad.lines.prefix(3))")
        let fail = try #require(bad.lines.first { $0.hasPrefix("FAIL ") })
        let sizes = fail.split(separator: "→").map { $0.split(separator: " ").compactMap { Int($0) } }
        #expect(sizes.count == 2 && (sizes[1].first ?? 99) <= 16, "\(fail)")
        // The line replays as printed (shell words: the candidate command and the JSON, each quoted).
        let arguments = Self.shellWords(String(repro.dropFirst("REPRO conform ".count)))
        let replay = try CLI.conform(arguments)
        #expect(replay.status == 1 && replay.stdout.hasPrefix("FAIL "), "\(replay.stdout)")
    }

    @Test("a candidate that computes outputs for invalid input is counted apart, not failed")
    func acceptsInvalid() throws {
        let out = try CLI.conform(["check", "--candidate", Self.command("accept-invalid"), "--ops", "conv2d", "--cases", "40", "--verbose"])
        #expect(out.status == 0, "\(out.lines.suffix(3))")
        // With --verbose each kind is printed once as found, with what the candidate answered and why the specification rejects the input.
        let printed = out.lines.filter { $0.hasPrefix("ACCEPTS-INVALID conv2d/invalid-input-raises") }
        #expect(printed.count == 1 && printed[0].contains("answered finite values (output [1])") && printed[0].contains("channels"), "\(printed)")
        let section = try #require(out.lines.firstIndex { $0.contains("invalid inputs accepted (counted, not failed), 1 kind:") }, "\(out.lines.suffix(8))")
        #expect(out.lines[section + 1].hasPrefix("ACCEPTED 1: conv2d/invalid-input-raises, ") && out.lines[section + 2].hasPrefix("  REPRO conform replay "))
        // Without it only the summary lists them (one line and its REPRO per kind); -q leaves the tables out too.
        let plain = try CLI.conform(["check", "--candidate", Self.command("accept-invalid"), "--ops", "conv2d", "--cases", "40"])
        #expect(!plain.lines.contains { $0.hasPrefix("ACCEPTS-INVALID ") } && plain.lines.contains { $0.hasPrefix("ACCEPTED 1: ") }, "\(plain.lines.suffix(4))")
        let quiet = try CLI.conform(["check", "--candidate", Self.command("accept-invalid"), "--ops", "conv2d", "--cases", "40", "-q"])
        #expect(quiet.status == 0 && quiet.lines.count < plain.lines.count && !quiet.lines.contains { $0.hasPrefix("path ") }, "\(quiet.lines)")
    }

    @Test("Conform's optimized ops served as a candidate by the same binary pass like the in-process ones")
    func optimizedAsCandidate() throws {
        let me = Paths.products.appendingPathComponent("conform").path
        let out = try CLI.conform(["fixtures", "--candidate", "\(me) candidate"] + Self.sets)
        #expect(out.status == 0, "\(out.lines.suffix(3))")
    }

    @Test("ops a candidate does not offer are announced and not run, never reported as passing")
    func notOffered() throws {
        let some = try CLI.conform(["check", "--candidate", Self.command("none"), "--ops", "conv2d,epoch_pairing", "--cases", "10"])
        #expect(some.status == 0, "\(some.lines)")
        #expect(some.lines.contains("not offered by test-candidate-none: epoch_pairing"), "\(some.lines)")
        #expect(some.lines.contains { $0.hasPrefix("conv2d ") } && !some.lines.contains { $0.hasPrefix("epoch_pairing ") }, "\(some.lines)")
        let none = try CLI.conform(["check", "--candidate", Self.command("none"), "--ops", "epoch_pairing", "--cases", "10"])
        #expect(none.status == 2 && none.lines.contains { $0.hasPrefix("ERROR ") && $0.contains("offers none of the selected ops (epoch_pairing)") }, "\(none.lines)")
    }

    @Test("a candidate's departure that a known TensorFlow quirk explains is that quirk: counted, not failed")
    func quirk() throws {
        let sets = [Paths.fixtures.appendingPathComponent("depthwise_conv2d").path, Paths.repository.appendingPathComponent("fixtures/quirks").path]
        let out = try CLI.conform(["fixtures", "--candidate", Self.command("tf-depthwise", ops: "depthwise_conv2d")] + sets)
        #expect(out.status == 0, "\(out.lines.prefix(4))")
        #expect(out.lines.contains { $0.hasPrefix("QUIRK depthwise_conv2d/stride2-dilation2") && $0.contains("depthwise-stride-dilation") }, "\(out.lines)")
        #expect(out.lines.contains { $0.contains("explained by the known quirk depthwise-stride-dilation") })
        let campaign = try CLI.conform(["check", "--candidate", Self.command("tf-depthwise", ops: "depthwise_conv2d"), "--ops", "depthwise_conv2d",
                                             "--cases", "200"])
        #expect(campaign.status == 0, "\(campaign.lines.suffix(4))")
        #expect(campaign.lines.contains { $0.hasPrefix("QUIRK depthwise_conv2d/") && $0.contains("known quirk depthwise-stride-dilation") }, "\(campaign.lines.suffix(4))")
        #expect(campaign.lines.contains { $0.hasPrefix("QUIRK depthwise_conv2d/") && $0.contains("as TensorFlow is known to (depthwise-unequal-strides") },
                "\(campaign.lines.suffix(4))")
        // A refusal no known TensorFlow limitation explains stays a failure.
        let refusing = try CLI.conform(["check", "--candidate", Self.command("refuse-all", ops: "depthwise_conv2d"), "--ops", "depthwise_conv2d", "--cases", "20"])
        #expect(refusing.status == 1 && refusing.lines.contains { $0.hasPrefix("FAIL depthwise_conv2d/") && $0.contains("refused") }, "\(refusing.lines.suffix(4))")
    }

    @Test("bench times a candidate through kind: time, beside Conform's own ops")
    func bench() throws {
        let json = Paths.temporary("bench").appendingPathComponent("bench.json")
        let out = try CLI.conform(["bench", "--candidate", Self.command("none"), "--filter", "conv1d/seed-800", "--skip-reference",
                                        "--min-time", "0", "--min-runs", "3", "--json", json.path])
        #expect(out.status == 0, "\(out.lines.prefix(3))")
        let rows = try #require(try JSONParser.parse([UInt8](Data(contentsOf: json))).array)
        let candidate = try #require(rows.first { $0["impl"]?.string == "test-candidate-none" }, "\(rows)")
        #expect((candidate["median_seconds"]?.double ?? 0) > 0 && candidate["samples"]?.int == 7)
    }

    /// Splits a command line the way a POSIX shell does for single-quoted words.
    static func shellWords(_ line: String) -> [String] {
        var words = [String](), word = "", quoted = false, inWord = false
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if quoted {
                if ch == "'" { quoted = false } else { word.append(ch) }
            } else if ch == "'" {
                quoted = true
                inWord = true
            } else if ch == "\\", line.index(after: i) < line.endIndex {
                i = line.index(after: i)
                word.append(line[i])
                inWord = true
            } else if ch == " " {
                if inWord { words.append(word) }
                (word, inWord) = ("", false)
            } else {
                word.append(ch)
                inWord = true
            }
            i = line.index(after: i)
        }
        if inWord { words.append(word) }
        return words
    }
}
