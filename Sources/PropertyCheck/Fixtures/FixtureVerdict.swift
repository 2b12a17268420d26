import Formats

/// One fixture check as the outputs report it (JUnit, a worker's reply): the case, the
/// implementation, how it ended and the line `conform fixtures` prints for it.
///
/// Lighter than `CaseResult` (no output checks): what crosses the worker's pipe and what a CI
/// report needs, one per case and implementation, a crashed case and an unreadable set included.
public struct FixtureVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case pass, fail
        /// Explained by a known TensorFlow quirk: counted, not failed.
        case quirk
        /// The case or its set could not be used.
        case unusable
        /// The worker judging it died or hung.
        case crash
    }

    /// The case's id (for an unreadable set, its folder).
    public var caseID: String
    /// The folder of its set: `conform fixtures <set>` reruns it.
    public var set: String
    public var op: String
    /// The implementation judged; empty when the case failed before any ran.
    public var implementation: String
    public var kind: Kind
    /// What `conform fixtures` prints for it (empty for a pass).
    public var line: String
    public var seconds: Double

    public init(caseID: String, set: String, op: String, implementation: String, kind: Kind, line: String, seconds: Double = 0) {
        self.caseID = caseID
        self.set = set
        self.op = op
        self.implementation = implementation
        self.kind = kind
        self.line = line
        self.seconds = seconds
    }

    public init(_ result: CaseResult) {
        let kind: Kind = switch result.verdict {
        case .pass: .pass
        case .fail: .fail
        case .quirk: .quirk
        case .unusable: .unusable
        }
        self.init(caseID: result.id, set: result.set, op: result.op, implementation: result.implementation?.rawValue ?? "", kind: kind,
                  line: FixtureReport.line(for: result) ?? "", seconds: result.seconds)
    }

    /// The verdict on a set whose manifest could not be used: its folder's, as a case of no op.
    public init(unusableSet error: FixtureError) {
        self.init(caseID: error.file, set: error.file, op: "(set)", implementation: "", kind: .unusable, line: "ERROR \(error)")
    }

    /// Every check of a run: its results, then a verdict per unreadable set.
    public static func of(_ run: FixtureRun) -> [FixtureVerdict] {
        run.results.map(FixtureVerdict.init) + run.unusableSets.map(FixtureVerdict.init(unusableSet:))
    }

    public var json: JSONValue {
        .object([("case", .string(caseID)), ("set", .string(set)), ("op", .string(op)), ("implementation", .string(implementation)),
                 ("kind", .string(kind.rawValue)), ("line", .string(line)), ("seconds", JSONValue(seconds))])
    }

    /// A verdict from a worker's reply; nil when it is not one.
    public init?(json: JSONValue) {
        guard let id = json["case"]?.string, let set = json["set"]?.string, let op = json["op"]?.string, let implementation = json["implementation"]?.string,
              let kind = json["kind"]?.string.flatMap(Kind.init(rawValue:)), let line = json["line"]?.string else { return nil }
        self.init(caseID: id, set: set, op: op, implementation: implementation, kind: kind, line: line, seconds: json["seconds"]?.double ?? 0)
    }
}
