import Reference

/// The failures of a run that are one finding: the same law, on the same execution path of the
/// candidate (`CandidateVariant`; a departure the other-variant law found counts as one of the
/// path that departed), the same symptom (a wrong shape or wrong values), shrunk into the same
/// boundary classes. One planted bug or framework bug that fails a hundred cases is one finding
/// with a count, printed once with the first case's REPRO.
public struct Finding: Sendable {
    /// The first failure of the group: its REPRO is the finding's.
    public var first: Campaign.Failure
    /// Every case index of the group, in the order found.
    public var cases: [Int]
    public var count: Int { cases.count }

    /// What makes two failures the same finding.
    public static func key(_ f: Campaign.Failure) -> String {
        let law = f.property.replacingOccurrences(of: "/" + Properties.otherVariantLaw, with: "/optimized-vs-reference")
        let symptom = f.message.contains("shape") ? "shape" : "values"
        return [f.op, law, (f.failedUnder ?? f.variant)?.description ?? "", symptom, f.classes.joined(separator: ";")].joined(separator: "|")
    }

    /// Groups failures into findings, in the order their first failure was found.
    public static func group(_ failures: [Campaign.Failure]) -> [Finding] {
        var order = [String](), groups = [String: Finding]()
        for f in failures {
            let key = key(f)
            if groups[key] == nil {
                order.append(key)
                groups[key] = Finding(first: f, cases: [])
            }
            groups[key]!.cases.append(f.caseIndex)
        }
        return order.map { groups[$0]! }
    }
}
