import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// Code under test runs in supervised children: a trap or a hang is a finding with a repro, and
/// the run goes on. These run the real `conform` binary (a debug build, so bugs can be planted).
@Suite("Supervised runs", .serialized)
struct SupervisionTests {
    static func run(_ arguments: [String]) throws -> CLITests.Output { try CLITests.conform(arguments) }

    static func repro(_ out: CLITests.Output) -> String? {
        out.lines.first { $0.hasPrefix("REPRO conform replay '") }.map { String($0.dropFirst("REPRO conform replay '".count).dropLast()) }
    }

    @Test("a trap in the optimized code is a finding with a shrunk REPRO, and the campaign goes on to its summary")
    func crashIsAFinding() throws {
        try #require(Mutants.available, "mutants need a debug build")
        let out = try Self.run(["check", "--mutant", "framePaddedReadsPastEnd", "--ops", "frame", "--no-regressions", "--stop-after", "1"])
        #expect(out.status == 1)
        let fail = try #require(out.lines.first { $0.hasPrefix("FAIL frame/") }, "\(out.stdout)")
        #expect(fail.contains("crashed") && fail.contains("Fatal error: Index out of range"), "\(fail)")
        #expect(out.lines.contains { $0.hasPrefix("frame ") }, "no summary: the run was aborted")
        #expect(out.lines.last?.hasSuffix("1 failed") == true)
        let repro = try #require(Self.repro(out))
        let shrunk = try GeneratedCase(json: JSONParser.parse(repro)["case"]!)
        #expect(shrunk.elementCount <= 4, "shrunk to \(shrunk.elementCount) elements")
        // The repro replays the crash (supervised) with the bug planted, and passes without it.
        let again = try Self.run(["replay", "--mutant", "framePaddedReadsPastEnd", repro])
        #expect(again.status == 1 && again.stdout.contains("crashed"), "\(again.stdout)")
        let clean = try Self.run(["replay", repro])
        #expect(clean.status == 0 && clean.stdout.hasPrefix("pass"), "\(clean.stdout)")
    }

    @Test("a case's time limit follows its cost and its op's measured speed, between a floor and --case-timeout")
    func timeLimitFollowsTheCase() {
        let limits = CaseTimeLimit(ceiling: 300, floor: 10, slack: 10)
        // An op not seen yet: one second plus a slow prior rate, times the slack.
        #expect(abs(limits.limit(op: "frame", units: 100) - 10) < 0.01)
        #expect(limits.limit(op: "conv2d", units: 1e7) == 110)
        #expect(limits.limit(op: "conv2d", units: 1e12) == 300)
        // Seen: the slowest finished case, scaled up to the new cost and never down.
        limits.record(op: "conv2d", units: 1e6, seconds: 2)
        #expect(limits.limit(op: "conv2d", units: 1e3) == 20)
        #expect(limits.limit(op: "conv2d", units: 4e6) == 80)
        limits.record(op: "conv2d", units: 1e3, seconds: 0.5)
        #expect(limits.limit(op: "conv2d", units: 1e3) == 20)
        limits.record(op: "frame", units: 100, seconds: 0.01)
        #expect(limits.limit(op: "frame", units: 100) == 10)
        // A case's units count its flops and its inputs.
        let x = AnyTensor.float32(try! Tensor(shape: [1, 4, 4, 1], repeating: 1)), w = AnyTensor.float32(try! Tensor(shape: [3, 3, 1, 2], repeating: 1))
        let units = CaseTimeLimit.units(op: "conv2d", attrs: [("padding", .string("VALID"))], inputs: [("input", x), ("filters", w)])
        #expect(units == 16 + 18 + 2 * 2 * 2 * 2 * 9)
    }

    @Test("a hang is a finding: the worker is killed after --case-timeout and the case has a REPRO")
    func hangIsAFinding() throws {
        try #require(Mutants.available, "mutants need a debug build")
        let out = try Self.run(["check", "--mutant", "cycleHangsOnSingleCandidate", "--ops", "epoch_pairing", "--no-regressions",
                                "--stop-after", "1", "--case-timeout", "2"])
        #expect(out.status == 1)
        #expect(out.lines.contains { $0.hasPrefix("FAIL epoch_pairing/") && $0.contains("timed out") }, "\(out.stdout)")
        #expect(Self.repro(out) != nil)
    }

    @Test("conform fixtures: a case that crashes its worker is a CRASH line; every other case is still judged")
    func fixtureCrash() throws {
        try #require(Mutants.available, "mutants need a debug build")
        let set = Paths.fixtures.appendingPathComponent("frame")
        let cases = try FixtureSet(directory: set).manifest.cases.count
        let out = try Self.run(["fixtures", "--mutant", "framePaddedReadsPastEnd", set.path])
        #expect(out.status == 1)
        let crashes = out.lines.filter { $0.hasPrefix("CRASH frame/") && $0.contains("Fatal error") }
        #expect(!crashes.isEmpty)
        // Every case counted under both implementations: the crashed ones as failures.
        let closing = try #require(out.lines.last)
        let numbers = closing.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] + numbers[1] == 2 * cases, "\(closing)")
        #expect(numbers.count == 2 && numbers[1] >= 2 * crashes.count, "\(closing)")
    }

    @Test("the default campaign prints the path table, reaches every path, and passes")
    func defaultCampaignReachesEveryPath() throws {
        let json = Paths.temporary("check").appendingPathComponent("check.json")
        let out = try Self.run(["check", "--no-regressions", "--json", json.path])
        #expect(out.status == 0, "\(out.lines.suffix(5))")
        for path in KernelPath.allCases where path.availableOnHost {
            let row = out.lines.first { $0.hasPrefix(path.rawValue + " ") }
            let cases = row.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
            #expect((cases ?? 0) > 0, "\(path.rawValue): \(row ?? "no row")")
        }
        let written = try JSONParser.parse([UInt8](Data(contentsOf: json)))
        #expect(written["paths"]?.array?.count == KernelPath.allCases.count)
        #expect(written["unreached"]?.array?.isEmpty == true)
    }

    @Test("a campaign too small to reach a path of its ops fails, naming the path")
    func unreachedPathIsAnError() throws {
        let out = try Self.run(["check", "--ops", "conv2d", "--cases", "2", "--no-regressions"])
        #expect(out.status == 1)
        let unreached = out.lines.filter { $0.hasPrefix("UNREACHED conv2d/") }
        #expect(!unreached.isEmpty, "\(out.stdout)")
        // Paths of other ops are not the conv2d campaign's business.
        #expect(!out.lines.contains { $0.hasPrefix("UNREACHED frame/") })
    }
}
