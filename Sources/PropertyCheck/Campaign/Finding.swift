import Foundation
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
    /// The first eight case indices, then `…` if there are more.
    public var caseList: String { cases.prefix(8).map(String.init).joined(separator: ", ") + (count > 8 ? ", …" : "") }

    /// What makes two failures the same finding. A refusal of a valid input is one finding per
    /// op and message (numbers blanked), whichever law or path met it: the candidate said what it
    /// refuses, and every law that sends it such a case hears the same words.
    public static func key(_ f: Campaign.Failure) -> String {
        if let refusal = f.message.range(of: "refused: ") {
            return [f.op, "refusal", blanked(String(f.message[refusal.upperBound...]))].joined(separator: "|")
        }
        let path = (f.failedUnder ?? f.variant)?.description ?? ""
        // A wrong shape is the answer's, whichever law compared it: one finding per op, path and set of wrong axes.
        if f.message.contains("shape"), let axes = wrongAxes(f.message) {
            return [f.op, "shape", path, axes.map(String.init).joined(separator: ",")].joined(separator: "|")
        }
        let law = (Properties.named(f.property)?.name ?? f.property)
            .replacingOccurrences(of: "/" + Properties.otherVariantLaw, with: "/optimized-vs-reference")
        return [f.op, law, path, "values", f.classes.joined(separator: ";")].joined(separator: "|")
    }

    /// The axes where the first two shapes a message names (`[1, 0, 1, 1]`, `[1, 2, 1, 1]`) differ;
    /// nil unless it names two shapes of one rank.
    static func wrongAxes(_ message: String) -> [Int]? {
        let shapes = message.matches(of: /\[([0-9]+(, [0-9]+)*)?\]/).map { match in
            match.output.0.dropFirst().dropLast().split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard shapes.count >= 2, shapes[0].count == shapes[1].count else { return nil }
        return shapes[0].indices.filter { shapes[0][$0] != shapes[1][$0] }
    }

    /// `text` with every run of digits replaced by `#`.
    static func blanked(_ text: String) -> String {
        text.replacingOccurrences(of: "[0-9]+", with: "#", options: .regularExpression)
    }

    /// What makes two accepted invalid inputs (or two known departures) the same: the law and the
    /// message with its numbers blanked, so the same answer to the same rejected rule is one entry
    /// whatever the shapes.
    public static func acceptanceKey(_ f: Campaign.Failure) -> String {
        f.property + "|" + blanked(f.message)
    }

    /// Groups failures into findings, in the order their first failure was found (by `key` unless
    /// another rule is given).
    public static func group(_ failures: [Campaign.Failure], by rule: (Campaign.Failure) -> String = key) -> [Finding] {
        var order = [String](), groups = [String: Finding]()
        for f in failures {
            let key = rule(f)
            if groups[key] == nil {
                order.append(key)
                groups[key] = Finding(first: f, cases: [])
            }
            groups[key]!.cases.append(f.caseIndex)
        }
        return order.map { groups[$0]! }
    }
}
