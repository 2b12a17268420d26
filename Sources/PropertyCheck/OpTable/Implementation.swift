/// One implementation under judgement: the reference (the specification), Conform's optimized
/// ops, or a candidate (a user's Swift code, or a program speaking `conform-candidate/1`). The
/// op table, the fixture runner, the campaign, the benchmark and the report take a list of them.
public struct Implementation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name reports print (`reference`, `optimized`, a candidate's name).
    public let name: String
    /// The candidate behind it; nil for the reference and the optimized ops.
    public let candidate: (any Candidate)?

    /// `Sources/Reference`: the executable specification.
    public static let reference = Implementation(name: "reference")
    /// `Sources/Optimized`: Conform's fast ops.
    public static let optimized = Implementation(name: "optimized")
    /// Conform's own two.
    public static let allCases: [Implementation] = [.reference, .optimized]

    init(name: String) {
        self.name = name
        self.candidate = nil
    }

    /// A candidate under its own name.
    public init(candidate: any Candidate) {
        self.name = candidate.name
        self.candidate = candidate
    }

    /// `reference` or `optimized` by name (the `--implementation` option).
    public init?(rawValue: String) {
        guard let known = Self.allCases.first(where: { $0.name == rawValue }) else { return nil }
        self = known
    }

    public var rawValue: String { name }

    /// The version reports name: a program's hello version (empty for Swift code), "Conform" for
    /// the reference and the optimized ops.
    public var version: String {
        guard let candidate else { return "Conform" }
        return (candidate as? ProgramCandidate)?.version ?? ""
    }
    public var description: String { name }

    /// Whether this implementation computes `op` (the reference and optimized ops compute all).
    public func offers(_ op: String) -> Bool { candidate?.ops.contains(op) ?? true }

    public static func == (a: Implementation, b: Implementation) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The reference first, then the optimized ops, then candidates by name.
    public static func < (a: Implementation, b: Implementation) -> Bool {
        func rank(_ i: Implementation) -> Int { i == .reference ? 0 : i == .optimized ? 1 : 2 }
        return (rank(a), a.name) < (rank(b), b.name)
    }
}
