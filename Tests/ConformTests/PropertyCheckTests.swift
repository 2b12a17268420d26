import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// The property campaign gates regressions: a fixed-seed campaign over every op must pass, and
/// every planted bug must be caught and shrunk.
@Suite("Property campaign", .serialized)
struct PropertyCheckTests {
    static let seed: UInt64 = 20_261_129

    @Test("a fixed-seed campaign over every op passes (seed 20261129)")
    func campaignPasses() {
        let result = Campaign(seed: Self.seed, casesPerOp: 300).run { failure in
            Issue.record("seed \(Self.seed): \(failure.property): \(failure.message)\nREPRO conform replay '\(failure.repro)'")
        }
        #expect(result.failed == 0 && result.mistrusted == 0, "seed \(Self.seed)")
        for summary in result.summaries { #expect(summary.cases == 300 && summary.passed >= 250, "\(summary.op): \(summary)") }
    }

    @Test("every property is named once and every op has the differential and error properties")
    func propertyList() {
        let names = Properties.all.map(\.name)
        #expect(Set(names).count == names.count)
        for op in OpTable.names {
            #expect(names.contains("\(op)/optimized-vs-reference") && names.contains("\(op)/invalid-input-raises"), "\(op)")
            #expect(OpGenerator.all.contains { $0.op == op }, "\(op) has no generator")
        }
        #expect(Properties.all.count >= 2 * OpTable.names.count + 15)
    }

    @Test("the same seed gives the same campaign; shards partition it")
    func determinismAndShards() {
        let ops = ["conv2d", "frame"]
        let a = Campaign(seed: 7, casesPerOp: 30, ops: ops).run(), b = Campaign(seed: 7, casesPerOp: 30, ops: ops).run()
        #expect(a.summaries.map(\.passed) == b.summaries.map(\.passed) && a.summaries.map(\.discarded) == b.summaries.map(\.discarded))
        let shards = (0..<3).map { Campaign(seed: 7, casesPerOp: 30, ops: ops, shard: ($0, 3)).run() }
        for (o, _) in ops.enumerated() {
            #expect(shards.reduce(0) { $0 + $1.summaries[o].cases } == a.summaries[o].cases)
            #expect(shards.reduce(0) { $0 + $1.summaries[o].passed } == a.summaries[o].passed)
        }
    }

    @Test("the mistrusted guard flags all-zero and non-finite results")
    func mistrust() throws {
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], repeating: 0))) != nil)
        #expect(Properties.mistrust(.float32(try Tensor(shape: [3], scalars: [1, .nan, 2]))) != nil)
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], scalars: (0..<10).map(Float.init)))) == nil)
    }

    @Test("a repro line replays exactly its case", arguments: ["conv2d", "extract_glimpse", "epoch_pairing"])
    func replay(op: String) throws {
        var rng = SplitMix64(seed: 99)
        let generator = try #require(OpGenerator.all.first { $0.op == op })
        let spec = try #require(generator.draw(&rng, size: 6, fill: .exact))
        let c = try #require(generator.build(spec))
        let failure = Campaign.Failure(property: "\(op)/optimized-vs-reference", op: op, caseIndex: 0, fill: .exact,
                                       originalElements: c.elementCount, shrunk: c, message: "", shrinkSteps: 0)
        #expect(try GeneratedCase(json: JSONParser.parse(failure.repro)["case"]!) == c)
        #expect(try Campaign.replay(failure.repro).verdict == .pass)
    }

    @Test("every planted bug is caught and shrunk to a handful of elements", arguments: Mutant.allCases)
    func mutantCaught(mutant: Mutant) throws {
        try #require(Mutants.available, "mutants need a debug build")
        var campaign = Campaign(seed: Self.seed, casesPerOp: 120)
        campaign.stopAfterFailures = 1
        let result = Mutants.with(mutant) { campaign.run() }
        let smallest = result.failures.min { $0.shrunk.elementCount < $1.shrunk.elementCount }
        let failure = try #require(smallest, "\(mutant) survived the campaign (seed \(Self.seed))")
        #expect(failure.shrunk.elementCount <= 16, "\(mutant): shrunk to \(failure.shrunk.elementCount) elements: \(failure.repro)")
        print("MUTANT \(mutant.rawValue) caught by \(failure.property) at case \(failure.caseIndex), \(failure.originalElements) → \(failure.shrunk.elementCount) elements")
    }
}

/// The committed regression fixtures are worth keeping: each fails under the bug it was shrunk from.
@Suite("Regression fixtures", .serialized)
struct RegressionFixtureTests {
    @Test("with their planted bug, the regression sets fail again", arguments: [
        (Mutant.kernelNotFlipped, "conv2d_at"), (.glimpseFloor, "extract_glimpse"), (.windowsCountOffByOne, "timeseries_windows"),
        (.batchNormAllTrainable, "count_params"), (.framePadEndFloor, "frame"), (.pairingWrongEpoch, "epoch_pairing"),
        (.depthwiseChannelOrder, "separable_conv2d"), (.causalUndilated, "conv1d"), (.float32From24Bits, "stateless_uniform"),
    ])
    func failUnderMutant(mutant: Mutant, op: String) throws {
        try #require(Mutants.available, "mutants need a debug build")
        let dir = Paths.repository.appendingPathComponent("fixtures/regressions/\(op)")
        let run = Mutants.with(mutant) { FixtureRunner(implementations: [.optimized]).run(directories: [dir]) }
        #expect(run.failed > 0, "\(mutant) passes every regression case of \(op)")
    }
}
