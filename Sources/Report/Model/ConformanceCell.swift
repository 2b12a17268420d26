import PropertyCheck
import Reference

/// One cell of the conformance matrix: one implementation (the reference, the optimized ops, a
/// peer framework or any other candidate) on one op, everything this run learnt about it.
///
/// `passed`, `failed` and `quirks` add the fixture checks and the campaign cases together; a quirk
/// (a departure or refusal a known quirk explains) is neither passed nor failed. The reference is
/// the oracle the campaign judges the others by, so it has fixture checks and no campaign cases.
public struct ConformanceCell: Sendable {
    public var implementation: String
    public var version: String
    public var op: String
    public var fixtureChecks = 0, campaignCases = 0
    public var passed = 0, failed = 0, quirks = 0
    /// The largest error/bound over the fixture checks (nil for exact ops or with no checks).
    public var maxErrorOverBound: Double?
    /// The built-in benchmark case the timing is of (the op's first in the suite) and its median.
    public var benchCase: String?
    public var medianSeconds: Double?
    /// The reference's median over this one's on the same case.
    public var speedupVsReference: Double?

    /// Whether anything was judged: a cell of an op the implementation does not offer is empty.
    public var judged: Bool { fixtureChecks + campaignCases > 0 }

    /// The matrix: a cell per op (the op table's order) per implementation (the given order).
    public static func matrix(implementations: [Implementation], fixtures: FixtureRun, campaigns: [Implementation: [ReportData.CampaignLine]],
                              bench: BenchReport) -> [ConformanceCell] {
        implementations.flatMap { implementation in
            OpTable.names.filter(implementation.offers).map { op in
                var cell = ConformanceCell(implementation: implementation.name, version: implementation.version, op: op)
                for r in fixtures.results where r.op == op && r.implementation == implementation {
                    cell.fixtureChecks += 1
                    switch r.verdict {
                    case .pass: cell.passed += 1
                    case .quirk: cell.quirks += 1
                    case .fail, .unusable: cell.failed += 1
                    }
                    if let ratio = r.checks.compactMap(\.maxRatio).max() { cell.maxErrorOverBound = max(cell.maxErrorOverBound ?? 0, ratio) }
                }
                if let summary = campaigns[implementation]?.first(where: { $0.op == op }) {
                    cell.campaignCases = summary.cases
                    cell.passed += summary.passed - summary.quirks
                    cell.quirks += summary.quirks
                    cell.failed += summary.failed + summary.mistrusted
                }
                // Every implementation timed on the same case: the op's first of the suite.
                if let id = bench.results.first(where: { $0.op == op })?.id,
                   let row = bench.results.first(where: { $0.id == id && $0.implementation == implementation && $0.timing != nil }) {
                    cell.benchCase = row.id
                    cell.medianSeconds = row.timing?.median
                    cell.speedupVsReference = bench.speedup(row)
                }
                return cell
            }
        }
    }
}
