import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// `conform` run as a process, judged on its real output and exit status.
@Suite("conform command line")
struct CLITests {
    /// Rewrites the expected output of the first case named by `id` through `edit`.
    static func editExpected(in dir: URL, id: String, output: String, _ edit: (AnyTensor) -> AnyTensor) throws {
        let set = try FixtureSet(directory: dir)
        let c = try #require(set.manifest.cases.first { $0.id == id })
        let file = try #require(c.outputs.first { $0.0 == output }?.1)
        let tensor = try set.tensor(file, caseID: id, field: output)
        try Data(NPY.encode(edit(tensor))).write(to: dir.appendingPathComponent(file))
    }

    @Test("every committed set passes: exit 0 and the closing line counts every case")
    func allFixturesPass() throws {
        let out = try CLI.conform(["fixtures", Paths.fixtures.path])
        let cases = try FileManager.default.contentsOfDirectory(atPath: Paths.fixtures.path)
            .filter { FileManager.default.fileExists(atPath: Paths.fixtures.appendingPathComponent("\($0)/manifest.json").path) }
            .map { try FixtureSet(directory: Paths.fixtures.appendingPathComponent($0)).manifest.cases.count }
            .reduce(0, +)
        #expect(out.status == 0)
        // Every op has both implementations, and each is judged on every case.
        #expect(out.lines.last == "\(cases * Implementation.allCases.count) passed, 0 failed")
        // One line before it says what the count counts; nothing else is printed when all pass.
        #expect(out.lines.count == 2 && out.lines[0].hasPrefix("checked \(cases) cases in "))
    }

    @Test("an exact op off by one ulp fails with index, expected, got and the ulp distance")
    func exactFailure() throws {
        let dir = try CLI.copy(set: "frame")
        try Self.editExpected(in: dir, id: "frame/worked-1to10-len4-step3", output: "output") { t in
            guard case var .float32(x) = t else { return t }
            x.scalars[5] = x.scalars[5].nextUp
            return .float32(x)
        }
        let out = try CLI.conform(["fixtures", dir.path])
        #expect(out.status == 1)
        for implementation in Implementation.allCases {
            #expect(out.lines.contains("FAIL frame/worked-1to10-len4-step3 [\(implementation.rawValue)] output[1, 1]: expected 5.0000005, got 5.0, 1 ulp"))
        }
        #expect(out.lines.last?.hasSuffix("passed, 2 failed") == true)
    }

    @Test("a convolution outside its error bound fails with error/bound; inside it passes")
    func boundedFailure() throws {
        let dir = try CLI.copy(set: "conv2d")
        let id = "conv2d/worked-stride2-same"
        try Self.editExpected(in: dir, id: id, output: "output") { t in
            guard case var .float32(x) = t else { return t }
            x.scalars[0] += 1
            return .float32(x)
        }
        let out = try CLI.conform(["fixtures", dir.path])
        #expect(out.status == 1)
        let line = try #require(out.lines.first { $0.hasPrefix("FAIL \(id)") })
        #expect(line.hasPrefix("FAIL \(id) [reference] output[0, 0, 0, 0]: expected 2272.0, got 2271.0, 4096 ulp, error/bound "))
        // One ulp on a sum of 12 products of magnitude ~2e3 stays inside γ(12)·S.
        try Self.editExpected(in: dir, id: id, output: "output") { t in
            guard case var .float32(x) = t else { return t }
            x.scalars[0] = Float(2271).nextUp
            return .float32(x)
        }
        #expect(try CLI.conform(["fixtures", dir.path]).status == 0)
    }

    @Test("unusable input exits 2 with an ERROR line naming the file and case")
    func unusable() throws {
        let dir = try CLI.copy(set: "frame")
        let set = try FixtureSet(directory: dir)
        let file = set.manifest.cases[0].inputs[0].1
        try Data([0x93, 0x4E, 0x55]).write(to: dir.appendingPathComponent(file))
        let out = try CLI.conform(["fixtures", dir.path])
        #expect(out.status == 2)
        let line = try #require(out.lines.first { $0.hasPrefix("ERROR") })
        #expect(line.contains(file) && line.contains("case 'frame/worked-1to10-len4-step3'") && line.contains("truncated"))
        #expect(try CLI.conform(["fixtures", "/nonexistent-conform"]).status == 2)
    }

    @Test("--help describes the fixtures subcommand")
    func help() throws {
        let out = try CLI.conform(["fixtures", "--help"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("Exit status") && out.stdout.contains("unusable input"))
    }
}

/// `conform bench` run as a process on a small fixture set.
@Suite("conform bench")
struct BenchCLITests {
    @Test("prints the table with both implementations and writes the documented JSON fields")
    func benchFixtures() throws {
        let json = Paths.temporary("bench").appendingPathComponent("bench.json")
        let out = try CLI.conform(["bench", Paths.fixtures.appendingPathComponent("conv2d").path, "--filter", "worked",
                                        "--min-time", "0", "--min-runs", "2", "--threads", "1", "--json", json.path])
        #expect(out.status == 0)
        #expect(out.lines.first?.hasPrefix("FMA peak (measured, 1 thread): ") == true)
        let header = try #require(out.lines.dropFirst().first)
        for column in ["op", "case", "shape", "impl", "median", "p10", "p90", "GFLOP/s", "% peak", "vs ref", "vs TF"] {
            #expect(header.contains(column), "\(column)")
        }
        let rows = try #require(JSONParser.parse(Array(try Data(contentsOf: json))).array)
        let cases = try FixtureSet(directory: Paths.fixtures.appendingPathComponent("conv2d")).manifest.cases.filter { $0.id.contains("worked") }
        #expect(rows.count == 2 * cases.count)
        for row in rows {
            for key in ["id", "op", "impl", "median_seconds", "gflops"] { #expect(row[key] != nil, "\(key)") }
            #expect(row["op"]?.string == "conv2d")
            #expect(["reference", "optimized"].contains(row["impl"]?.string ?? ""))
            #expect((row["median_seconds"]?.double ?? 0) > 0)
            #expect((row["gflops"]?.double ?? 0) > 0)
        }
    }

    @Test("--scaling times the optimized ops on one thread too and reports the speedup of the threads over one")
    func scaling() throws {
        let json = Paths.temporary("scaling").appendingPathComponent("bench.json")
        let out = try CLI.conform(["bench", "--filter", "conv1d/seed-800", "--threads", "2", "--scaling", "--skip-reference",
                                        "--min-time", "0", "--min-runs", "3", "--json", json.path])
        #expect(out.status == 0 && out.lines.contains { $0.contains("vs 1 thread") }, "\(out.lines.prefix(3))")
        let rows = try #require(JSONParser.parse(Array(try Data(contentsOf: json))).array)
        let optimized = try #require(rows.first { $0["impl"]?.string == "optimized" })
        #expect((optimized["scaling_vs_one_thread"]?.double ?? 0) > 0 && optimized["threads"]?.int == 2, "\(optimized)")
        #expect(rows.filter { $0["impl"]?.string == "reference" }.allSatisfy { $0["scaling_vs_one_thread"]?.isNull == true })
    }

    @Test("a candidate named tensorflow, timed live beside the optimized ops, gives the 'vs TF' ratio")
    func liveTensorFlow() throws {
        let json = Paths.temporary("peer").appendingPathComponent("bench.json")
        let out = try CLI.conform(["bench", Paths.fixtures.appendingPathComponent("conv2d").path, "--filter", "worked-explicit",
                                        "--min-time", "0", "--min-runs", "1", "--skip-reference", "--json", json.path,
                                        "--candidate", CandidateTests.command("none") + " --name tensorflow"])
        #expect(out.status == 0, "\(out.lines.suffix(3))")
        let rows = try #require(JSONParser.parse(Array(try Data(contentsOf: json))).array)
        let tf = try #require(rows.first { $0["impl"]?.string == "tensorflow" }?["median_seconds"]?.double)
        let optimized = try #require(rows.first { $0["impl"]?.string == "optimized" })
        #expect(optimized["tensorflow_median_seconds"]?.double == tf)
        let ratio = try #require(optimized["vs_tensorflow"]?.double)
        #expect(abs(ratio - tf / (optimized["median_seconds"]?.double ?? 1)) < 1e-9 * ratio)
        // TensorFlow's own row has no ratio against itself.
        #expect(rows.first { $0["impl"]?.string == "tensorflow" }?["vs_tensorflow"]?.isNull == true)
    }
}

/// `conform check` and `conform replay` run as processes.
@Suite("conform check and replay")
struct CheckCLITests {
    @Test("a campaign prints a summary naming every op and the closing line; the same seed gives the same summary")
    func check() throws {
        let args = ["check", "--seed", "5", "--cases", "30", "--no-regressions"]
        let a = try CLI.conform(args), b = try CLI.conform(args)
        #expect(a.status == 0)
        #expect(a.lines.last?.hasSuffix(" passed, 0 failed") == true)
        for op in OpTable.names { #expect(a.lines.contains { $0.hasPrefix(op + " ") }, "\(op)") }
        // The path table's counts follow the cost model, which reads this host's measured speed (a
        // loaded machine picks other kernels near a threshold): everything else must repeat exactly.
        let paths = Set(KernelPath.allCases.map(\.rawValue))
        let strip = { (o: CLI.Output) in
            o.lines.filter { !paths.contains(String($0.split(separator: " ").first ?? "")) }
                .map { $0.split(separator: " ").dropLast().joined(separator: " ") }
        }
        #expect(strip(a) == strip(b))
    }

    @Test("shards split the campaign: their passed counts add up")
    func shards() throws {
        func passed(_ args: [String]) throws -> Int {
            let out = try CLI.conform(["check", "--seed", "9", "--cases", "12", "--ops", "conv2d,frame", "--no-regressions"] + args)
            return Int(out.lines.last!.split(separator: " ")[0])!
        }
        #expect(try passed(["--shard", "0/2"]) + passed(["--shard", "1/2"]) == passed([]))
        #expect(try CLI.conform(["check", "--shard", "2/2"]).status != 0)
        #expect(try CLI.conform(["check", "--ops", "conv9d"]).status != 0)
    }

    @Test("replay refuses a repro that is not JSON")
    func replayRefusesGarbage() throws {
        let out = try CLI.conform(["replay", "{not json"])
        #expect(out.status == 2 && out.lines.contains { $0.contains("malformed JSON") }, "\(out.stdout)")
    }

    @Test("the shipped conform carries no planted bug: no Mutant symbol, no --mutant option")
    func noPlantedBugShips() throws {
        let nm = URL(fileURLWithPath: "/usr/bin/nm")
        try #require(FileManager.default.isExecutableFile(atPath: nm.path), "no /usr/bin/nm (binutils) to read the symbols with")
        func symbols(_ executable: String) throws -> [String] {
            try CLI.run(nm, [Paths.products.appendingPathComponent(executable).path]).lines.filter { $0.contains("Mutant") || $0.contains("Planted") }
        }
        let shipped = try symbols("conform")
        #expect(shipped.isEmpty, "\(shipped.count) planted-bug symbols in conform, e.g. \(shipped.prefix(3))")
        // The test can fail: the test-only candidate, linked against the planted twins, has them.
        #expect(try symbols("conform-test-candidate").count > 10)
        let refused = try CLI.conform(["check", "--mutant", "kernelNotFlipped", "--ops", "conv2d_at"])
        #expect(refused.status == 2 && refused.lines.first?.contains("--mutant") == true, "\(refused.stdout)")
    }

    @Test("a benchmark case the memory budget refuses is a row that says so, not a crash")
    func benchUnderSmallBudget() throws {
        let out = try CLI.conform(["bench", "--max-memory", "8M", "--filter", "conv2d/resnet-56x56x64-k3", "--min-runs", "1", "--min-time", "0"])
        #expect(out.status == 0, "\(out.stdout)")
        let rows = out.lines.filter { $0.hasPrefix("conv2d ") && $0.contains("resnet-56x56x64-k3 ") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("could not prepare") && $0.contains("memory budget") }, "\(out.stdout)")
    }
}
