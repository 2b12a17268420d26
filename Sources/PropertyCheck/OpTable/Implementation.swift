/// Which of an op's two implementations runs.
public enum Implementation: String, CaseIterable, Sendable, Comparable {
    /// `Sources/Reference`: the executable specification.
    case reference
    /// `Sources/Optimized`: the fast one.
    case optimized

    public static func < (a: Implementation, b: Implementation) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
