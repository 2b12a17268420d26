import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

// This target is compiled against the planted twins: `Optimized` and `PropertyCheck` here are
// OptimizedPlanted and PropertyCheckPlanted (the same sources with CONFORM_MUTANTS), so a bug can
// be planted. Everything else runs the shipped modules.

/// The campaign is strong enough: every planted bug is caught by the default campaign, at the
/// seed and size `conform check` uses, and shrunk to a REPRO line that replays.
@Suite("Planted bugs")
struct PlantedBugTests {
    /// The smallest input a path's threshold allows, in elements: a bug that lives past a tile,
    /// segment or block edge cannot shrink below the edge.
    static func shrinkFloor(_ mutant: Mutant) -> Int {
        switch mutant.path {
        case .pointwiseGEMMTiles?: 1100          // more than 1024 pixels of one channel, a 1×1 filter
        case .im2colTiles?: 8000                  // more pixels than one tile's 384 KiB / (KH·KW·Cin·4 bytes) hold
        case .directTapSlices?: CPU.hostHasAVX512 ? 600 : 1200  // taps·Cin·lanes·4 bytes beyond a 24 KiB slice (32 lanes or 16)
        case .spatialPast48?, .spatialSegments?: 2 * 66 + 2  // 49 (65) output columns and a kernel
        case .atRowBlocks?, .threadsSerial?: 2 * 128 + 20  // 128 in-window kernel rows, input and kernel (two
                                                  // row blocks of conv2d_at are two tasks on one thread)
        case .directGroupBlocked?: 24             // three groups of one channel and five outputs (fewer groups or
                                                  // outputs take the row-merged pair or the half slots), a pixel or two
        case .depthwiseFloat64?: 4 * 16 + 16      // four pixels of 16 channels and a filter
        case .depthwiseInterior?: 64              // a block of 8 (AVX-512) interior pixels and a filter
        case .directGroupPairs?: 128              // eight groups of four channels, their filters, a tap or two
        case .directGroupWidePairs?: 2 + 2 * 9    // two groups of 9+ output channels: one pixel of 2 channels, a 1×1×1×18 filter
        case .directPacked?: 24                   // found through the split-concat law: two or three groups' channels and filters
        case .float16Chunked?: (1 << 18) + 8192    // more than one 262 144-element conversion chunk, a 1×1 filter and its output
        case .backpropFilterChunks?: 2 * 80       // two chunks of at least 32 output pixels: input and gradient, a
                                                  // channel each (the shapes the shrinker reaches hold up to 80 pixels)
        case .depthwiseBackpropFilterChunks?: 2 * 2 * 16 // two chunks of at least 16 output pixels: input and gradient, a channel
        case .backpropInputCol2imChunks?, .backpropInputCol2imImages?: 3 * 64 + 16  // two or three chunks (cores + 1 threads) of at
                                                  // least 64 gradient pixels each, a filter
        default: 16
        }
    }

    @Test("every planted bug is caught by the default campaign with a REPRO line that replays, and shrunk",
          arguments: Mutant.allCases.filter { !$0.killsTheProcess && ($0.path?.availableOnHost ?? true) })
    func mutantCaught(mutant: Mutant) throws {
        let seed = Campaign.defaultSeed
        // The default campaign's cases of the ops that can reach the bug's path (a case depends on
        // the seed, its op and its index, not on which other ops run): caught here, caught there.
        var campaign = Campaign(seed: seed, casesPerOp: Campaign.defaultCases, ops: mutant.path?.ops ?? OpTable.names)
        campaign.stopAfterFailures = 1
        let result = Mutants.with(mutant) { campaign.run() }
        let smallest = result.failures.min { $0.shrunk.elementCount < $1.shrunk.elementCount }
        let failure = try #require(smallest, "\(mutant) survived the default campaign (seed \(seed))")
        #expect(failure.shrunk.elementCount <= Self.shrinkFloor(mutant) && failure.shrunk.elementCount <= failure.originalElements,
                "\(mutant) (seed \(seed)): shrunk to \(failure.shrunk.elementCount) elements: REPRO conform replay '\(failure.repro)'")
        // The REPRO line is the whole story: replayed with the bug planted it fails, in a fresh
        // worker as `conform replay` runs it; without the bug it passes.
        let worker = PlantedSupervisionTests.supervisor()
        defer { worker.stop() }
        var planted = failure.execution
        planted.mutant = mutant
        let replayed = worker.checkInFreshChild(property: failure.property, fill: failure.fill, case: failure.shrunk, execution: planted)
        guard case .fail = replayed else {
            Issue.record("\(mutant) (seed \(seed)): REPRO conform replay '\(failure.repro)' does not fail again: \(replayed)")
            return
        }
        #expect(try Campaign.replay(failure.repro).verdict == .pass, "\(mutant) (seed \(seed)): the repro fails without the bug")
        print("MUTANT \(mutant.rawValue) [\(mutant.path?.rawValue ?? "semantic")] caught by \(failure.property) at case \(failure.caseIndex), \(failure.originalElements) → \(failure.shrunk.elementCount) elements")
    }

    @Test("every path of the table has a planted bug that lives on it")
    func pathsHaveMutants() {
        let covered = Set(Mutant.allCases.compactMap(\.path))
        for path in KernelPath.allCases { #expect(covered.contains(path), "\(path.rawValue) has no planted bug") }
    }

    @Test("a shrunk failure is saved as a regression set that passes without its bug and fails with it")
    func savedRegression() throws {
        var campaign = Campaign(seed: Campaign.defaultSeed, casesPerOp: 30, ops: ["conv2d_at"])
        campaign.stopAfterFailures = 1
        let failure = try #require(Mutants.with(.kernelNotFlipped) { campaign.run() }.failures.first, "seed \(campaign.seed)")
        let dir = Paths.temporary("regressions")
        let id = try Campaign.saveRegression(failure, in: dir)
        let set = dir.appendingPathComponent("conv2d_at")
        let clean = FixtureRunner(implementations: Implementation.allCases).run(directories: [set])
        #expect(clean.failed == 0 && clean.passed > 0 && !clean.anyUnusable, "\(id): \(clean.results.filter { !$0.passed })")
        #expect(Mutants.with(.kernelNotFlipped) { FixtureRunner(implementations: [.optimized]).run(directories: [set]) }.failed > 0)
    }

    @Test("with their planted bug, the committed regression sets fail again", arguments: [
        (Mutant.kernelNotFlipped, "conv2d_at"), (.glimpseFloor, "extract_glimpse"), (.windowsCountOffByOne, "timeseries_windows"),
        (.batchNormAllTrainable, "count_params"), (.framePadEndFloor, "frame"), (.pairingWrongEpoch, "epoch_pairing"),
        (.depthwiseChannelOrder, "separable_conv2d"), (.causalUndilated, "conv1d"), (.float32From24Bits, "stateless_uniform"),
    ])
    func regressionSetsFail(mutant: Mutant, op: String) throws {
        let dir = Paths.repository.appendingPathComponent("fixtures/regressions/\(op)")
        let run = Mutants.with(mutant) { FixtureRunner(implementations: [.optimized]).run(directories: [dir]) }
        #expect(run.failed > 0, "\(mutant) passes every regression case of \(op)")
    }
}

/// A trap or a hang in the code under test is a finding with a repro, and the run goes on. The
/// planted twin's worker is `conform-test-candidate worker`, supervised as `conform worker` is.
@Suite("Planted crashes and hangs under supervision", .serialized)
struct PlantedSupervisionTests {
    static func supervisor(timeout: Double = 300) -> Supervisor {
        Supervisor(executable: Paths.products.appendingPathComponent("conform-test-candidate").path, arguments: ["worker"], timeout: timeout)
    }

    @Test("a trap is a failure with a shrunk REPRO, and the campaign goes on to its summary")
    func crashIsAFinding() throws {
        let supervisor = Self.supervisor()
        defer { supervisor.stop() }
        var campaign = Campaign(seed: Campaign.defaultSeed, casesPerOp: Campaign.defaultCases, ops: ["frame"])
        campaign.stopAfterFailures = 1
        let result = Mutants.with(.framePaddedReadsPastEnd) { campaign.run(runner: supervisor.caseRunner(for: campaign)) }
        let failure = try #require(result.failures.first, "the trap was not found (seed \(campaign.seed))")
        #expect(failure.message.contains("crashed") && failure.message.contains("Fatal error: Index out of range"), "\(failure.message)")
        #expect(result.summaries.first?.cases ?? 0 > 0, "no summary: the run was aborted")
        #expect(failure.shrunk.elementCount <= 4, "shrunk to \(failure.shrunk.elementCount) elements: \(failure.repro)")
        // The repro replays the crash in a fresh child with the bug planted, and passes without it.
        let c = failure.shrunk
        let planted = Mutants.with(.framePaddedReadsPastEnd) {
            supervisor.checkInFreshChild(property: failure.property, fill: failure.fill, case: c, execution: .current)
        }
        guard case let .fail(why) = planted, why.contains("crashed") else {
            Issue.record("the repro does not crash again: \(planted)")
            return
        }
        #expect(supervisor.checkInFreshChild(property: failure.property, fill: failure.fill, case: c, execution: Execution()) == .pass)
    }

    @Test("a hang is a failure: the worker is killed at the time limit and the case has a REPRO")
    func hangIsAFinding() throws {
        let supervisor = Self.supervisor(timeout: 2)
        defer { supervisor.stop() }
        var campaign = Campaign(seed: Campaign.defaultSeed, casesPerOp: Campaign.defaultCases, ops: ["epoch_pairing"])
        campaign.stopAfterFailures = 1
        let result = Mutants.with(.cycleHangsOnSingleCandidate) { campaign.run(runner: supervisor.caseRunner(for: campaign)) }
        let failure = try #require(result.failures.first, "the hang was not found (seed \(campaign.seed))")
        #expect(failure.message.contains("timed out"), "\(failure.message)")
        #expect(!failure.repro.isEmpty)
    }

    @Test("supervised fixtures: a case that crashes its worker is a CRASH line; every other case is still judged")
    func fixtureCrash() throws {
        let supervisor = Self.supervisor()
        defer { supervisor.stop() }
        let set = Paths.fixtures.appendingPathComponent("frame")
        let cases = try FixtureSet(directory: set).manifest.cases.count
        let out = Mutants.with(.framePaddedReadsPastEnd) {
            SupervisedFixtures(implementations: Implementation.allCases, verbose: false).run(directories: [set], supervisor: supervisor)
        }
        #expect(out.exitCode == 1)
        let crashes = out.lines.filter { $0.hasPrefix("CRASH frame/") && $0.contains("Fatal error") }
        #expect(!crashes.isEmpty)
        // Every case counted under both implementations: the crashed ones as failures.
        #expect(out.passed + out.failed == 2 * cases, "\(out.lines.suffix(2))")
        #expect(out.failed >= 2 * crashes.count, "\(out.lines.suffix(2))")
    }
}

/// The shipped `conform`, end to end, against the planted twin served as a candidate program.
@Suite("Planted bugs through the command line")
struct PlantedCommandLineTests {
    @Test("a planted bug prints a REPRO line first, which replay reruns and fails; the shipped ops pass it")
    func reproAndReplay() throws {
        let candidate = Paths.products.appendingPathComponent("conform-test-candidate").path + " --mutant kernelNotFlipped --ops conv2d_at"
        let out = try CLI.conform(["check", "--candidate", candidate, "--cases", "30", "--ops", "conv2d_at", "--stop-after", "1"])
        #expect(out.status == 1, "\(out.stdout)")
        let first = try #require(out.lines.first { $0.hasPrefix("REPRO ") }, "\(out.stdout)")
        let prefix = "REPRO conform replay --candidate "
        #expect(first.hasPrefix(prefix), "\(first)")
        let repro = try #require(first.range(of: " '{").map { String(first[first.index(after: $0.lowerBound)...].dropFirst().dropLast()) })
        // Replayed against the planted candidate it fails again; replayed on the shipped ops it passes.
        let again = try CLI.conform(["replay", "--candidate", candidate, repro])
        #expect(again.status == 1 && again.lines.first?.hasPrefix("FAIL conv2d_at/") == true, "\(again.stdout)")
        let mine = try JSONParser.parse(repro).object?.filter { $0.0 != "candidate" } ?? []
        let shipped = try CLI.conform(["replay", JSONValue.object(mine).description])
        #expect(shipped.status == 0 && shipped.lines.first?.hasPrefix("pass conv2d_at/") == true, "\(shipped.stdout)")
    }
}
