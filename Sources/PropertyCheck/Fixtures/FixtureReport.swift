import Foundation
import Reference

/// The text `conform fixtures` prints: one line per failing or unusable case, then `N passed, M failed`.
public enum FixtureReport {
    /// One line for a result that did not pass; nil for a pass.
    public static func line(for result: CaseResult) -> String? {
        let impl = result.implementation.map { " [\($0.rawValue)]" } ?? ""
        switch result.verdict {
        case .pass:
            return nil
        case let .unusable(error):
            return "ERROR \(result.id)\(impl): \(error)"
        case let .quirk(id):
            return "QUIRK \(result.id)\(impl): " + KnownRefusal.phrase(for: id) + " (counted, not failed)"
        case .fail:
            guard let check = result.worstCheck else { return "FAIL \(result.id)\(impl)" }
            if let mismatch = check.mismatch { return "FAIL \(result.id)\(impl) \(check.name): \(mismatch)" }
            guard let worst = check.worst else { return "FAIL \(result.id)\(impl) \(check.name)" }
            var parts = ["FAIL \(result.id)\(impl) \(check.name)\(worst.index): expected \(worst.expected), got \(worst.got)"]
            if let ulp = worst.ulp { parts.append("\(ulp) ulp") }
            if let ratio = worst.ratio { parts.append("error/bound \(format(ratio))") }
            return parts.joined(separator: ", ")
        }
    }

    /// Every line of the report, the closing `N passed, M failed` last.
    public static func lines(for run: FixtureRun, verbose: Bool = false, implementations: [Implementation] = Implementation.allCases) -> [String] {
        var out = run.unusableSets.map { "ERROR \($0)" }
        for result in run.results {
            if let line = line(for: result) {
                out.append(line)
            } else if verbose {
                let ratio = result.checks.compactMap(\.maxRatio).max().map { ", max error/bound \(format($0))" } ?? ""
                out.append("ok   \(result.id) [\(result.implementation?.rawValue ?? "-")]\(ratio)")
            }
        }
        out.append(FixtureRun.counting(sets: run.sets, cases: run.cases, implementations: implementations))
        for (id, n) in run.quirks.sorted(by: { $0.key < $1.key }) { out.append("\(n) check\(n == 1 ? "" : "s") explained by the known \(KnownRefusal.phrase(for: id).hasPrefix("refuses") ? "refusal" : "quirk") \(id)") }
        out.append("\(run.passed) passed, \(run.failed) failed")
        return out
    }

    /// Three significant digits.
    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 0.001 && magnitude < 1e5 {
            let digits = max(0, 2 - Int(log10(magnitude).rounded(.down)))
            return String(format: "%.\(digits)f", x)
        }
        return String(format: "%.2e", x)
    }
}
