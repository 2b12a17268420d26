import ConformTesting
import MyOps
import PropertyCheck
import Reference
import Testing

let candidate = SwiftCandidate(name: "my-ops")
    .conv1d { x, f, attrs in try MyOps.conv1d(x, f, attrs) }
    .frame { signal, attrs in try MyOps.frame(signal, attrs) }

/// The package's own ops, gated on Conform: a seeded campaign and TensorFlow's committed cases.
@Test("MyOps computes what TensorFlow computes (seed 7, 200 cases per op)")
func myOpsConform() {
    let result = ConformTesting.check(candidate, seed: 7, cases: 200)
    #expect(result.summaries.map(\.op) == ["conv1d", "frame"])
    #expect(result.summaries.allSatisfy { $0.cases == 200 && $0.passed > 100 })
}

/// A planted bug in a copy of the ops is found, with a REPRO that replays to the same failure.
@Test("a wrong padding side is caught and replays")
func plantedBugCaught() throws {
    let wrong = SwiftCandidate(name: "my-ops-wrong")
        .conv1d { x, f, attrs in
            // SAME with the odd pixel on the wrong side: pad after, not before.
            var attrs = attrs
            if attrs.padding == .same {
                let (w, k, d) = (x.shape[1], f.shape[0], attrs.dilations[0])
                let total = max(0, ((w + attrs.strides[0] - 1) / attrs.strides[0] - 1) * attrs.strides[0] + d * (k - 1) + 1 - w)
                attrs.padding = .explicit([PadPair(total - total / 2, total / 2)])
            }
            return try MyOps.conv1d(x, f, attrs)
        }
    var campaign = Campaign(seed: 7, casesPerOp: 200, ops: ["conv1d"])
    campaign.underTest = Implementation(candidate: wrong)
    campaign.stopAfterFailures = 1
    let result = campaign.run()
    let failure = try #require(result.failures.first, "the planted bug survived")
    // Named after the candidate, and no Conform execution fields (ISA, threads) in its REPRO.
    #expect(failure.property == "conv1d/my-ops-wrong-vs-reference")
    #expect(!failure.repro.contains("\"isa\"") && !failure.repro.contains("\"threads\""))
    #expect(failure.shrunk.elementCount <= 16)
    guard case .fail = try ConformTesting.replay(wrong, failure.repro) else {
        Issue.record("the REPRO does not fail again")
        return
    }
    #expect(try ConformTesting.replay(candidate, failure.repro) == .pass)
}

/// A trap in the candidate's code is a finding, not the end of `swift test`: the check runs the
/// candidate in a child process, records the crash with its signal and a REPRO, and goes on.
@Test("a trap in the candidate is recorded with its signal and REPRO, and the check goes on")
func trapIsAFinding() {
    let unchecked = SwiftCandidate(name: "my-ops-unchecked")
        .conv1d { x, f, attrs in
            // The bug a missing size check leaves: with a kernel wider than the input, an index out
            // of range, which traps.
            if f.shape[0] > x.shape[1] { _ = [Float](repeating: 0, count: x.shape[1])[f.shape[0] - 1] }
            return try MyOps.conv1d(x, f, attrs)
        }
        .frame { signal, attrs in try MyOps.frame(signal, attrs) }
    var result: Campaign.Result?
    // Passes only if an issue names the candidate, the law, the signal and a REPRO.
    withKnownIssue {
        result = ConformTesting.check(unchecked, seed: 7, cases: 60, fixtures: false)
    } matching: { issue in
        let text = issue.comments.map(\.rawValue).joined()
        return text.contains("my-ops-unchecked fails conv1d/") && text.contains("signal") && text.contains("REPRO {")
    }
    // The check went on after the crash: every case of both ops ran.
    #expect(result?.summaries.map(\.cases) == [60, 60])
    #expect(result?.failures.allSatisfy { !$0.repro.contains("\"isa\"") && !$0.repro.contains("\"threads\"") } == true)
}
