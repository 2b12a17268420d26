import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference

/// What `conform check` prints and writes: a per-op summary and the failures.
public enum CheckReport {
    /// The summary table, the path table, any unreached path, and the closing `N passed, M failed`
    /// line; `quiet` leaves out the path and boundary-class tables.
    public static func lines(_ result: Campaign.Result, seed: UInt64, shard: String, pathTable: Bool = true, quiet: Bool = false) -> [String] {
        let pathTable = pathTable && !quiet
        var rows = [["op", "cases", "passed", "failed", "mistrusted", "discarded", "cases/s"]]
        for s in result.summaries {
            rows.append([s.op, "\(s.cases)", "\(s.passed)", "\(s.failed)", "\(s.mistrusted)", "\(s.discarded)",
                         FixtureReport.format(s.casesPerSecond)])
        }
        var out = ["seed \(seed), shard \(shard)"] + aligned(rows) + (pathTable ? [""] + aligned(pathRows(result)) : [])
        if !result.boundaryHits.isEmpty && !quiet { out += [""] + aligned(classRows(result)) }
        let accepted = result.summaries.reduce(0) { $0 + $1.acceptsInvalid }
        if accepted > 0 {
            let kinds = Finding.group(result.acceptances, by: Finding.acceptanceKey)
            out.append("\(accepted) invalid input\(accepted == 1 ? "" : "s") accepted (counted, not failed), \(kinds.count) kind\(kinds.count == 1 ? "" : "s"):")
            for (i, k) in kinds.enumerated() {
                out.append("ACCEPTED \(i + 1): \(k.first.property), \(k.count) case\(k.count == 1 ? "" : "s") (\(k.caseList)): \(k.first.message)")
                out.append("  REPRO \(k.first.replayCommand)")
            }
        }
        let quirks = result.summaries.reduce(0) { $0 + $1.quirks }
        if quirks > 0 {
            out.append("\(quirks) case\(quirks == 1 ? "" : "s") explained by known quirks and refusals (counted, not failed):")
            for k in Finding.group(result.quirkFindings, by: Finding.acceptanceKey) {
                out.append("QUIRK \(k.first.property), \(k.count) case\(k.count == 1 ? "" : "s") (\(k.caseList)): \(k.first.message)")
            }
        }
        for path in result.unreached {
            out.append("UNREACHED \(path.rawValue): no case of \(path.ops.joined(separator: ", ")) reached this path of the optimized code")
        }
        let findings = Finding.group(result.failures)
        if !findings.isEmpty {
            out.append("\(findings.count) distinct finding\(findings.count == 1 ? "" : "s") in \(result.failures.count) failure\(result.failures.count == 1 ? "" : "s"):")
            for (i, f) in findings.enumerated() {
                out.append("FINDING \(i + 1): \(f.first.property)\(f.first.variant.map { " [\($0)]" } ?? ""), \(f.count) case\(f.count == 1 ? "" : "s") (\(f.caseList)), "
                           + "shrunk to \(f.first.shrunk.elementCount) elements: \(f.first.message)")
                out.append("  REPRO \(f.first.replayCommand)")
            }
        }
        for id in result.unreachedClasses {
            out.append("UNREACHED \(id): no judged case fell in this boundary class")
        }
        out.append("\(result.passed) passed, \(result.failed + result.mistrusted + result.unreached.count + result.unreachedClasses.count) failed")
        return out
    }

    /// Counted, not failed, outcomes (accepted invalid inputs, known departures) as JSON, one
    /// entry per kind (`Finding.acceptanceKey`).
    static func countedJSON(_ outcomes: [Campaign.Failure], repro: Bool) -> JSONValue {
        .array(Finding.group(outcomes, by: Finding.acceptanceKey).map { f in
            .object([("property", .string(f.first.property)), ("count", JSONValue(f.count)), ("cases", .array(f.cases.map { JSONValue($0) })),
                     ("message", .string(f.first.message))] + (repro ? [("repro", .string(f.first.repro))] : []))
        })
    }

    /// boundary class, judged cases inside it: the classes of the campaign's ops, in table order.
    public static func classRows(_ result: Campaign.Result) -> [[String]] {
        [["boundary class", "cases"]] + BoundaryClass.all.filter { result.boundaryHits[$0.id] != nil }.map { c in
            [c.id, "\(result.boundaryHits[c.id] ?? 0)"]
        }
    }

    /// path, cases that reached it, failing cases among them: the paths of the campaign's ops, in table order.
    public static func pathRows(_ result: Campaign.Result) -> [[String]] {
        let ops = Set(result.summaries.map(\.op))
        return [["path", "cases", "failures"]] + KernelPath.allCases.filter { !ops.isDisjoint(with: $0.ops) }.map { path in
            let stats = result.paths[path] ?? Campaign.PathStats()
            return [path.rawValue, path.availableOnHost ? "\(stats.cases)" : "n/a on this CPU", "\(stats.failures)"]
        }
    }

    /// Rows as columns: the first left-aligned, the others right-aligned.
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                                    : String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "  ")
        }
    }

    /// Everything as JSON: per-op counts and every failure with its repro; with what a merge must
    /// find equal in every shard (`options`, the implementation and its version, Conform's version)
    /// and the shard's place in the campaign.
    public static func json(_ result: Campaign.Result, seed: UInt64, shard: String, cases: Int,
                            options: [(String, JSONValue)] = [], implementation: Implementation = .optimized) -> JSONValue {
        let parts = shard.split(separator: "/").compactMap { Int($0) }
        let command: JSONValue = implementation.candidate?.command.map(JSONValue.string) ?? .null
        let under: JSONValue = .object([("name", .string(implementation.name)), ("version", .string(implementation.version)), ("command", command)])
        let settings: [(String, JSONValue)] = [("seed", .number(String(seed))), ("cases_per_op", JSONValue(cases))] + options
        let header: [(String, JSONValue)] = [
            ("format", .string("conform-check/1")), ("seed", .number(String(seed))), ("shard", .string(shard)),
            ("shard_index", JSONValue(parts.first ?? 0)), ("shard_count", JSONValue(parts.count == 2 ? parts[1] : 1)),
            ("conform_version", .string(ConformVersion.current)), ("implementation", under), ("options", .object(settings)),
        ]
        return .object(header + [
            ("cases_per_op", JSONValue(cases)),
            ("ops", .array(result.summaries.map { s in
                .object([("op", .string(s.op)), ("cases", JSONValue(s.cases)), ("passed", JSONValue(s.passed)),
                         ("failed", JSONValue(s.failed)), ("mistrusted", JSONValue(s.mistrusted)), ("discarded", JSONValue(s.discarded)),
                         ("seconds", JSONValue(s.seconds))])
            })),
            ("findings", .array(Finding.group(result.failures).map { f in
                .object([("property", .string(f.first.property)), ("variant", f.first.variant?.json ?? .null), ("count", JSONValue(f.count)),
                         ("cases", .array(f.cases.map { JSONValue($0) })), ("message", .string(f.first.message)), ("repro", .string(f.first.repro))])
            })),
            ("accepted_invalid", countedJSON(result.acceptances, repro: true)),
            ("known_departures", countedJSON(result.quirkFindings, repro: false)),
            ("failures", .array(result.failures.map { f in
                .object([("property", .string(f.property)), ("op", .string(f.op)), ("case", JSONValue(f.caseIndex)),
                         ("fill", .string(f.fill.rawValue)), ("original_elements", JSONValue(f.originalElements)),
                         ("shrunk_elements", JSONValue(f.shrunk.elementCount)), ("message", .string(f.message)),
                         ("thread_dependent", .bool(f.threadDependent)), ("repro", .string(f.repro))])
            })),
            ("paths", .array(KernelPath.allCases.map { path in
                let stats = result.paths[path] ?? Campaign.PathStats()
                return .object([("path", .string(path.rawValue)), ("cases", JSONValue(stats.cases)), ("failures", JSONValue(stats.failures)),
                                ("available", .bool(path.availableOnHost))])
            })),
            ("unreached", .array(result.unreached.map { .string($0.rawValue) })),
            ("boundary_classes", .array(BoundaryClass.all.filter { result.boundaryHits[$0.id] != nil }.map { c in
                .object([("class", .string(c.id)), ("cases", JSONValue(result.boundaryHits[c.id] ?? 0))])
            })),
            ("unreached_classes", .array(result.unreachedClasses.map { .string($0) })),
        ])
    }
}
