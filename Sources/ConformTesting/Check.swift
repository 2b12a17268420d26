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
public enum ConformTesting {
    /// The TensorFlow fixture sets committed with Conform (found beside this source file).
    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/tensorflow")

    @discardableResult
    public static func check(_ candidate: SwiftCandidate, seed: UInt64 = Campaign.defaultSeed, cases: Int = 200, fixtures: Bool = true,
                             sourceLocation: SourceLocation = #_sourceLocation) -> Campaign.Result {
        let implementation = Implementation(candidate: candidate)
        var campaign = Campaign(seed: seed, casesPerOp: cases, ops: OpTable.names.filter { candidate.ops.contains($0) })
        campaign.underTest = implementation
        let result = campaign.run(onFailure: { failure in
            Issue.record("\(candidate.name) fails \(failure.property) (seed \(seed), case \(failure.caseIndex), shrunk to \(failure.shrunk.elementCount) elements): \(failure.message)\nREPRO \(failure.repro)\n(replay it with ConformTesting.replay(candidate, <the REPRO JSON>))",
                         sourceLocation: sourceLocation)
        }, onMistrust: { finding in
            Issue.record("\(candidate.name): \(finding.property) proved nothing (seed \(seed)): \(finding.message)\nREPRO \(finding.replayCommand)",
                         sourceLocation: sourceLocation)
        })
        if fixtures {
            let sets = candidate.ops.sorted().map { Self.fixtures.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest.json").path) }
            let run = FixtureRunner(implementations: [implementation]).run(directories: sets)
            for result in run.results where !result.passed {
                if case .quirk = result.verdict { continue }
                let check = result.worstCheck
                let detail = check?.mismatch ?? check?.worst.map { "\($0.index): expected \($0.expected), got \($0.got)" } ?? "\(result.verdict)"
                Issue.record("\(candidate.name) fails the TensorFlow case \(result.id): \(detail)", sourceLocation: sourceLocation)
            }
        }
        return result
    }

    /// Reruns one REPRO line's case against the candidate: the property's verdict.
    public static func replay(_ candidate: SwiftCandidate, _ repro: String) throws -> Verdict {
        try UnderTest.$implementation.withValue(Implementation(candidate: candidate)) { try Campaign.replay(repro).verdict }
    }
}
