import Foundation
import PropertyCheck
import Reference
import Testing

/// Gates a downstream package's own implementations on Conform, in its own `swift test`.
///
///     @Test func myOpsConform() {
///         ConformTesting.check(SwiftCandidate(name: "my-ops").conv1d(MyOps.conv1d).frame(MyOps.frame), seed: 7, cases: 200)
///     }
///
/// Runs a seeded property campaign over the ops the candidate offers (differential against the
/// reference under both fills, the metamorphic laws, the error properties, shrinking) and, with
/// `fixtures`, every committed TensorFlow case of those ops. Each finding is one recorded issue
/// carrying its REPRO line; the seed is in every message.
///
/// The candidate's code runs in a child process (this same test binary, rerun on this one test:
/// `ConformTesting+Worker.swift`), so a trap, a bounds failure or a hang in it is a recorded issue
/// with the signal and the REPRO of the case, shrunk, and the check goes on with a fresh child.
public enum ConformTesting {
    /// The TensorFlow fixture sets committed with Conform (found beside this source file).
    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/tensorflow")

    /// Checks `candidate`'s ops: the campaign's result (its failures are also recorded as issues).
    ///
    /// - Parameters:
    ///   - seed: the campaign's seed (every message names it).
    ///   - cases: cases per op.
    ///   - fixtures: also judge the committed TensorFlow cases of the candidate's ops.
    ///   - supervised: run the candidate in a child process (where the test binary can be rerun on
    ///     one test: Linux, inside a Swift Testing test); false runs it in this process, where a
    ///     trap ends the test run.
    @discardableResult
    public static func check(_ candidate: SwiftCandidate, seed: UInt64 = Campaign.defaultSeed, cases: Int = 200, fixtures: Bool = true,
                             supervised: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> Campaign.Result {
        let implementation = Implementation(candidate: candidate)
        let worker = Worker(candidate: candidate, seed: seed, cases: cases, at: sourceLocation)
        // In the child this check started: serve the parent, then leave (the rest of the test is the parent's).
        if let served = Worker.served {
            guard served == worker.key else { return Campaign(seed: seed, casesPerOp: 0, ops: []).run() }
            UnderTest.$implementation.withValue(implementation) { WorkerServer.serve() }
            exit(0)
        }
        let supervisor = supervised ? worker.supervisor() : nil
        defer { supervisor?.stop() }
        var campaign = Campaign(seed: seed, casesPerOp: cases, ops: OpTable.names.filter { candidate.ops.contains($0) })
        campaign.underTest = implementation
        let result = campaign.run(runner: supervisor?.caseRunner(for: campaign))
        // One issue per distinct finding (`Finding.key`), with the first case's REPRO and the count.
        for finding in Finding.group(result.failures) {
            let failure = finding.first
            let cases = finding.count == 1 ? "case \(failure.caseIndex)" : "\(finding.count) cases: \(finding.caseList)"
            Issue.record("\(candidate.name) fails \(failure.property) (seed \(seed), \(cases); the first shrunk to \(failure.shrunk.elementCount) elements): \(failure.message)\nREPRO \(failure.repro)\n(replay it with ConformTesting.replay(candidate, <the REPRO JSON>))",
                         sourceLocation: sourceLocation)
        }
        for finding in Finding.group(result.mistrusts, by: Finding.acceptanceKey) {
            Issue.record("\(candidate.name): \(finding.first.property) proved nothing (seed \(seed), \(finding.count) case\(finding.count == 1 ? "" : "s")): \(finding.first.message)\nREPRO \(finding.first.repro)",
                         sourceLocation: sourceLocation)
        }
        if fixtures {
            let sets = candidate.ops.sorted().map { Self.fixtures.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest.json").path) }
            for line in fixtureFindings(sets, implementation, supervisor: supervisor) {
                Issue.record("\(candidate.name) on TensorFlow's cases: \(line)", sourceLocation: sourceLocation)
            }
        }
        return result
    }

    /// Reruns one REPRO line's case against the candidate (in this process): the property's verdict.
    public static func replay(_ candidate: SwiftCandidate, _ repro: String) throws -> Verdict {
        try UnderTest.$implementation.withValue(Implementation(candidate: candidate)) { try Campaign.replay(repro).verdict }
    }

    /// What the fixture cases of `sets` found against the implementation: one line per case that
    /// failed, crashed or could not be read (a known TensorFlow quirk is not a finding).
    static func fixtureFindings(_ sets: [URL], _ implementation: Implementation, supervisor: Supervisor?) -> [String] {
        guard let supervisor else {
            let run = FixtureRunner(implementations: [implementation]).run(directories: sets)
            return FixtureReport.lines(for: run).filter(isFinding)
        }
        let outcome = SupervisedFixtures(implementations: [implementation], verbose: false).run(directories: sets, supervisor: supervisor)
        return outcome.lines.filter(isFinding)
    }

    static func isFinding(_ line: String) -> Bool {
        ["FAIL ", "ERROR ", "CRASH "].contains { line.hasPrefix($0) }
    }
}
