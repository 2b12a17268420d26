import Formats
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// What CI systems read from `conform check`: JSON and JUnit on a file or on standard output,
/// output paths checked before the run, GitHub annotations, and a command line that says what is
/// wrong with it.
@Suite("CI output")
struct CIOutputTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-ci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Why `file` is not JUnit XML as CI systems read it (Jenkins' xUnit schema, `Tests/Schemas`,
    /// checked by xmllint, which `scripts/setup.sh` installs); nil when it is.
    static func junitSchemaViolation(_ file: URL) throws -> String? {
        let schema = Paths.repository.appendingPathComponent("Tests/Schemas/junit-10.xsd")
        let xmllint = URL(fileURLWithPath: "/usr/bin/xmllint")
        guard FileManager.default.isExecutableFile(atPath: xmllint.path) else { return "xmllint is missing: run scripts/setup.sh" }
        let run = try CLI.run(xmllint, ["--noout", "--schema", schema.path, file.path])
        return run.status == 0 ? nil : "xmllint --schema \(schema.path) \(file.path) exits \(run.status)"
    }

    @Test("--json - writes the JSON alone on standard output; --junit writes JUnit XML a parser reads, one suite per op")
    func jsonAndJUnit() throws {
        let json = try CLI.conform(["check", "--ops", "frame,conv2d_at", "--cases", "20", "--json", "-"])
        #expect(json.status == 0)
        let parsed = try JSONParser.parse(json.stdout)
        #expect(parsed["ops"]?.array?.count == 2, "\(json.stdout.prefix(200))")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("junit.xml")
        let run = try CLI.conform(["check", "--ops", "frame,conv2d_at", "--cases", "20", "--junit", file.path])
        #expect(run.status == 0)
        let document = try XMLDocument(contentsOf: file)
        let suites = try document.nodes(forXPath: "/testsuites/testsuite")
        #expect(suites.count == 2, "\(suites.count) suites")
        #expect(try document.nodes(forXPath: "//failure").isEmpty)
        #expect(try document.nodes(forXPath: "//testsuite[@name='conform.optimized.frame']/properties/property[@name='seed']").count == 1)
        // A test case per property of each op.
        #expect(try document.nodes(forXPath: "//testcase[@name='frame/optimized-vs-reference']").count == 1)
        #expect(try Self.junitSchemaViolation(file) == nil)
    }

    @Test("a failing candidate's findings are JUnit failures with their REPRO, and GitHub annotations")
    func failuresForCI() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("junit.xml")
        let candidate = Paths.products.appendingPathComponent("conform-test-candidate").path + " --fault dropped-frame --ops frame"
        let run = try CLI.conform(["check", "--candidate", candidate, "--ops", "frame", "--cases", "300", "--seed", "11", "--stop-after", "1",
                                   "--junit", file.path, "--github-annotations"])
        #expect(run.status == 1)
        let document = try XMLDocument(contentsOf: file)
        let failures = try document.nodes(forXPath: "//failure")
        #expect(!failures.isEmpty && failures.contains { ($0.stringValue ?? "").contains("REPRO conform replay") }, "\(failures.map { $0.stringValue ?? "" })")
        #expect(run.lines.contains { $0.hasPrefix("::error title=conform ") && $0.contains("%0AREPRO conform replay") }, "\(run.lines.suffix(4))")
        // The failing test case is the law, named after the candidate.
        #expect(try document.nodes(forXPath: "//testcase[@name='frame/test-candidate-dropped-frame-vs-reference']/failure").count == 1)
        #expect(try Self.junitSchemaViolation(file) == nil)
    }

    @Test("fixtures --junit: a test case per fixture case and implementation, failures with the line and a REPRO naming the candidate")
    func fixturesJUnit() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("fixtures.xml")
        let candidate = Paths.products.appendingPathComponent("conform-test-candidate").path + " --fault dropped-frame --ops frame"
        let set = Paths.fixtures.appendingPathComponent("frame").path
        let run = try CLI.conform(["fixtures", set, "--candidate", candidate, "--junit", file.path])
        #expect(run.status == 1)
        let document = try XMLDocument(contentsOf: file)
        let counts = try #require(run.lines.last?.split(separator: " ").compactMap { Int($0) }, "\(run.lines.suffix(2))")
        let cases = try document.nodes(forXPath: "//testcase"), failures = try document.nodes(forXPath: "//testcase/failure")
        #expect(counts.count == 2 && cases.count == counts[0] + counts[1] && failures.count == counts[1], "\(run.lines.suffix(1)): \(cases.count) cases, \(failures.count) failures")
        #expect(failures.allSatisfy { ($0.stringValue ?? "").contains("REPRO conform fixtures --candidate '") }, "\(failures.first?.stringValue ?? "")")
        #expect(try Self.junitSchemaViolation(file) == nil)
        // Supervised (no candidate) and in-process runs write the same cases.
        for extra in [[], ["--in-process"]] {
            let own = dir.appendingPathComponent("own.xml")
            #expect(try CLI.conform(["fixtures", set, "--junit", own.path] + extra).status == 0)
            let ownDocument = try XMLDocument(contentsOf: own)
            #expect(try ownDocument.nodes(forXPath: "//testcase").count == cases.count / 3 * 2, "\(extra)")
            #expect(try ownDocument.nodes(forXPath: "//failure").isEmpty)
            #expect(try Self.junitSchemaViolation(own) == nil)
        }
    }

    @Test("fixtures --shard: the shards' cases are the whole run's, each once; auto reads the job engine")
    func fixturesShards() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sets = ["frame", "conv1d"].map { Paths.fixtures.appendingPathComponent($0).path }
        func names(_ arguments: [String], environment: [String: String] = [:]) throws -> (CLI.Output, [String]) {
            let file = dir.appendingPathComponent("\(UUID().uuidString).xml")
            let run = try CLI.conform(["fixtures"] + sets + ["--junit", file.path] + arguments, environment: environment)
            let document = try XMLDocument(contentsOf: file)
            return (run, try document.nodes(forXPath: "//testcase").compactMap { ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue })
        }
        let (_, whole) = try names([])
        var parts = [String]()
        for i in 0..<3 {
            // The last shard from the environment, as a job engine would give it.
            let (run, mine) = i == 2 ? try names(["--shard", "auto"], environment: ["CONFORM_SHARD_INDEX": "2", "CONFORM_SHARD_COUNT": "3"])
                : try names(["--shard", "\(i)/3"])
            #expect(run.status == 0)
            #expect(!mine.isEmpty && mine.count < whole.count)
            if i == 2 { #expect(run.lines.first == "shard 2/3 from CONFORM_SHARD_INDEX=2, CONFORM_SHARD_COUNT=3", "\(run.lines.prefix(1))") }
            parts += mine
        }
        #expect(parts.sorted() == whole.sorted() && Set(parts).count == parts.count)
        #expect(try CLI.conform(["fixtures"] + sets + ["--shard", "3/3"]).status != 0)
    }

    @Test("piped, check and fixtures say their plan on standard error before the work")
    func planLine() throws {
        for (arguments, plan) in [(["check", "--ops", "frame,conv1d", "--cases", "10", "--shard", "1/2"],
                                   "conform check: 2 ops × 5 cases (seed 2026, shard 1/2) against optimized;"),
                                  (["fixtures", Paths.fixtures.appendingPathComponent("frame").path],
                                   "conform fixtures: 1 folder, shard 0/1, judging reference, optimized;")] {
            let process = Process()
            process.executableURL = Paths.products.appendingPathComponent("conform")
            process.arguments = arguments
            let (out, err) = (Pipe(), Pipe())
            (process.standardOutput, process.standardError) = (out, err)
            try process.run()
            _ = out.fileHandleForReading.readDataToEndOfFile()
            let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(said.hasPrefix(plan), "\(said.prefix(300))")
        }
    }

    @Test("report --junit -: the XML alone on standard output, fixture cases, campaigns and paths, valid JUnit")
    func reportJUnit() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.conform(["report", "--out", dir.appendingPathComponent("report").path, "--cases", "6", "--fixtures",
                                   Paths.fixtures.appendingPathComponent("frame").path, "--bench-filter", "frame", "--min-time", "0.01",
                                   "--junit", "-"])
        #expect(run.status == 0)
        let file = dir.appendingPathComponent("report.xml")
        try Data(run.stdout.utf8).write(to: file)
        let document = try XMLDocument(contentsOf: file)
        #expect(try document.nodes(forXPath: "//testsuite[@name='conform.reference.frame']/testcase").count == 44)
        #expect(try document.nodes(forXPath: "//testsuite[@name='conform.optimized.conv2d']/testcase[starts-with(@name, 'campaign')]").count == 1)
        #expect(try !document.nodes(forXPath: "//testsuite[@name='conform.paths']/testcase").isEmpty)
        #expect(try Self.junitSchemaViolation(file) == nil)
    }

    @Test("output paths are checked before the run: a device, a directory or a missing folder is refused at once")
    func pathsCheckedFirst() throws {
        for path in ["/dev/stdout", "/tmp", "/nonexistent-conform-folder/out.json"] {
            let start = Date()
            // 300 cases of every op take many seconds; a refusal takes none of them.
            let out = try CLI.conform(["check", "--json", path])
            #expect(out.status == 2 && out.lines.first?.hasPrefix("ERROR ") == true, "\(path): \(out.lines)")
            #expect(Date().timeIntervalSince(start) < 5, "\(path) refused only after the run")
        }
        #expect(try CLI.conform(["check", "--json", "-", "--junit", "-"]).status == 2)
    }

    @Test("--version prints the version; a negative count is refused with the range, not as a missing value")
    func commandLine() throws {
        let version = try CLI.conform(["--version"])
        #expect(version.status == 0 && version.lines == [ConformVersion.current])
        let negative = try CLI.conform(["check", "--cases", "-1"])
        #expect(negative.status == 2 && negative.lines.first?.contains("--cases: expected an integer from 1") == true, "\(negative.lines)")
        // No option states its default in words and again as ArgumentParser's "(default: …)".
        for command in ["check", "fixtures", "bench"] {
            let help = try CLI.conform([command, "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.firstMatch(of: /\(default:[^()]*\)\. \(default:/) == nil, "\(command): a default printed twice")
        }
    }

    @Test("fixtures and candidates that cannot be used are named as such, at once: a missing path, a file, a missing command, no op offered")
    func unusableInput() throws {
        let missing = try CLI.conform(["fixtures", "/nonexistent/conform-path"])
        #expect(missing.status == 2 && missing.lines.first?.contains("no such file or folder: /nonexistent/conform-path") == true, "\(missing.lines)")
        let file = try CLI.conform(["fixtures", Paths.repository.appendingPathComponent("README.md").path])
        #expect(file.status == 2 && file.lines.first?.contains("is a file; expected a fixture folder") == true, "\(file.lines)")
        let frame = Paths.fixtures.appendingPathComponent("frame").path
        let command = try CLI.conform(["fixtures", "--candidate", "conform-no-such-command-here", frame])
        #expect(command.status == 2 && command.lines.first?.contains("the command was not found") == true, "\(command.lines)")
        let candidate = Paths.products.appendingPathComponent("conform-test-candidate").path + " --fault none --ops conv1d"
        let none = try CLI.conform(["fixtures", "--candidate", candidate, frame])
        #expect(none.status == 2 && none.lines.contains { $0.hasPrefix("ERROR candidate ") && $0.contains("offers none of the") }, "\(none.lines.suffix(3))")
    }

    @Test("--shard auto takes the job engine's shard, says where it found it, and writes it into the JSON")
    func shardAuto() throws {
        let run = try CLI.conform(["check", "--shard", "auto", "--ops", "frame", "--cases", "10", "--json", "-"],
                                  environment: ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"])
        #expect(run.status == 0)
        let json = try JSONParser.parse(run.stdout)
        #expect(json["shard"]?.string == "1/2" && json["shard_index"]?.int == 1 && json["shard_count"]?.int == 2, "\(run.stdout.prefix(300))")
        #expect(json["conform_version"]?.string == ConformVersion.current && json["options"]?["ops"]?.array?.count == 1)
        let lines = try CLI.conform(["check", "--shard", "auto", "--ops", "frame", "--cases", "10"], environment: ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"])
        #expect(lines.lines.first == "shard 1/2 from GitLab parallel (CI_NODE_INDEX=2, CI_NODE_TOTAL=2)", "\(lines.lines.prefix(2))")
        let wrong = try CLI.conform(["check", "--shard", "auto", "--ops", "frame"], environment: ["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "2"])
        #expect(wrong.status == 2 && wrong.lines.first?.contains("gives shard 2 of 2") == true, "\(wrong.lines)")
    }
}
