import Formats
import Reference

/// The verdict on one fixture case under one implementation.
public struct CaseResult: Sendable {
    public enum Verdict: Sendable, Equatable {
        case pass
        case fail
        /// The case (or its op's input) could not be used: the error says why.
        case unusable(FixtureError)
        /// A candidate departs from the definition the way a known TensorFlow quirk (its id) says:
        /// counted apart, not a failure.
        case quirk(String)
    }

    public var id: String
    public var op: String
    /// nil when the case failed before any implementation ran.
    public var implementation: Implementation?
    public var verdict: Verdict
    public var checks: [OutputCheck]
    public var seconds: Double
    /// The folder of the case's set (what `conform fixtures` reruns it from).
    public var set = ""

    public var passed: Bool { verdict == .pass }

    /// The output check that failed worst, for the one-line summary.
    public var worstCheck: OutputCheck? {
        checks.filter { !$0.passed }.max { ($0.maxRatio ?? $0.maxAbsError) < ($1.maxRatio ?? $1.maxAbsError) }
    }
}

/// Everything `conform fixtures` found over a list of fixture folders.
public struct FixtureRun: Sendable {
    public var results: [CaseResult] = []
    /// Folders whose manifest could not be used at all.
    public var unusableSets: [FixtureError] = []
    /// Sets read and cases in them.
    public var sets = 0, cases = 0

    public init() {}

    /// What the closing line counts, in words.
    public static func counting(sets: Int, cases: Int, implementations: [Implementation]) -> String {
        "checked \(cases) case\(cases == 1 ? "" : "s") in \(sets) set\(sets == 1 ? "" : "s"), each under "
            + implementations.map(\.rawValue).joined(separator: " and ") + "; a check is one case under one implementation"
    }

    public var passed: Int { results.filter(\.passed).count }
    /// Candidates' departures that known TensorFlow quirks explain, by quirk id.
    public var quirks: [String: Int] {
        results.reduce(into: [:]) { counts, r in if case let .quirk(id) = r.verdict { counts[id, default: 0] += 1 } }
    }
    /// Failures and unusable cases and sets.
    public var failed: Int { results.count - passed - quirks.values.reduce(0, +) + unusableSets.count }
    public var anyUnusable: Bool {
        !unusableSets.isEmpty || results.contains { if case .unusable = $0.verdict { true } else { false } }
    }

    /// 0 when everything passed, 2 when some input was unusable, else 1.
    public var exitCode: Int32 { anyUnusable ? 2 : (failed > 0 ? 1 : 0) }
}
