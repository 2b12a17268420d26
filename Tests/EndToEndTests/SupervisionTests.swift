import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// Code under test runs in supervised children, with time limits that follow the case, and a
/// campaign that misses a path fails. (Planted crashes and hangs: PlantedBugTests.)
@Suite("Supervised runs", .serialized)
struct SupervisionTests {
    static func run(_ arguments: [String]) throws -> CLI.Output { try CLI.conform(arguments) }


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
