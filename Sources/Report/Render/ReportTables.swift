import Formats
import Foundation
import PropertyCheck
import Reference

/// The report's tables as rows of cells: one source for Markdown, CSV, JSON and HTML.
public struct Table: Sendable {
    public var name: String
    public var columns: [String]
    public var rows: [[String]]
}

extension ReportData {
    static func f(_ x: Double?) -> String { x.map(FixtureReport.format) ?? "" }

    /// op, case, implementation, elements, max abs error, max rel error, max ULP, max error/bound, verdict, repro.
    public var discrepancyTable: Table {
        Table(name: "discrepancies",
              columns: ["op", "case", "implementation", "elements", "max abs error", "max rel error", "max ULP", "max error/bound", "verdict", "repro"],
              rows: discrepancies.map { d in
                  [d.op, d.caseID, d.implementation, "\(d.elements)", Self.f(d.maxAbsError), Self.f(d.maxRelError),
                   d.maxULP.map { "\($0)" } ?? "", Self.f(d.maxRatio), d.verdict, d.repro]
              })
    }

    /// op, case, shape, implementation, median, p10, p90, GFLOP/s, % of peak, speedup vs reference, vs TensorFlow.
    public var performanceTable: Table {
        Table(name: "performance",
              columns: ["op", "case", "shape", "implementation", "median", "p10", "p90", "GFLOP/s", "% of peak", "speedup vs reference",
                        "TensorFlow median", "vs TensorFlow", "plan"],
              rows: bench.results.map { r in
                  [r.op, r.id, r.shape, r.implementation.rawValue, r.timing.map { BenchCase.duration($0.median) } ?? (r.note ?? ""),
                   r.timing.map { BenchCase.duration($0.p10) } ?? "", r.timing.map { BenchCase.duration($0.p90) } ?? "",
                   Self.f(r.gflops), Self.f(bench.percentOfPeak(r)), bench.speedup(r).map { Self.f($0) + "×" } ?? "",
                   bench.peerMedian(r).map(BenchCase.duration) ?? "", bench.versusPeer(r).map { Self.f($0) + "×" } ?? "", r.plan ?? ""]
              })
    }

    /// op, cases, passed, failed, mistrusted, discarded, cases/s.
    public var campaignTable: Table {
        Table(name: "campaign", columns: ["op", "cases", "passed", "failed", "mistrusted", "discarded", "cases/s"],
              rows: campaign.map { [$0.op, "\($0.cases)", "\($0.passed)", "\($0.failed)", "\($0.mistrusted)", "\($0.discarded)", Self.f($0.casesPerSecond)] })
    }

    /// path, cases, failures: which paths of the optimized code the campaign reached.
    public var pathTable: Table {
        Table(name: "paths", columns: ["path", "cases", "failures"],
              rows: paths.map { [$0.path, $0.available ? "\($0.cases)" : "n/a on this CPU", "\($0.failures)"] })
    }

    /// quirk, TensorFlow, Conform, example, evidence, confirmed.
    public var quirkTable: Table {
        Table(name: "quirks", columns: ["quirk", "tensorflow", "conform", "example", "evidence", "confirmed"],
              rows: quirks.map { [$0.title, $0.tensorflow, $0.conform, $0.example.joined(separator: " | "), $0.evidence, $0.confirmed ? "yes" : "no"] })
    }

    /// Per op: fixture cases checked, failures, and the largest error/bound over every case.
    public var discrepancySummary: Table {
        let ops = discrepancies.map(\.op).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return Table(name: "discrepancy-summary", columns: ["op", "checks", "failed", "largest error/bound", "largest ULP"],
                     rows: ops.map { op in
                         let rows = discrepancies.filter { $0.op == op }
                         return [op, "\(rows.count)", "\(rows.filter { $0.verdict != "pass" }.count)", Self.f(rows.compactMap(\.maxRatio).max()),
                                 rows.compactMap(\.maxULP).max().map { "\($0)" } ?? ""]
                     })
    }

    /// op, implementation, version, fixture checks, campaign cases, passed, failed, quirks, largest
    /// error/bound, benchmark case, median, speedup vs reference: the conformance matrix, one row per cell.
    public var conformanceTable: Table {
        Table(name: "conformance",
              columns: ["op", "implementation", "version", "fixture checks", "campaign cases", "passed", "failed", "quirks",
                        "largest error/bound", "benchmark case", "median", "speedup vs reference"],
              rows: OpTable.names.flatMap { op in
                  conformance.filter { $0.op == op }.map { c in
                      [c.op, c.implementation, c.version, "\(c.fixtureChecks)", "\(c.campaignCases)", "\(c.passed)", "\(c.failed)", "\(c.quirks)",
                       Self.f(c.maxErrorOverBound), c.benchCase ?? "", c.medianSeconds.map(BenchCase.duration) ?? "",
                       c.speedupVsReference.map { Self.f($0) + "×" } ?? ""]
                  }
              })
    }

    /// The matrix at a glance: a row per op, a column per implementation, each cell
    /// "passed/judged" with failures and quirks, its median and speedup over the reference.
    public var conformanceGrid: Table {
        let columns = conformance.map(\.implementation).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return Table(name: "conformance-grid",
                     columns: ["op"] + columns.map { name in
                         let version = conformance.first { $0.implementation == name }?.version ?? ""
                         return version.isEmpty || version == "Conform" ? name : "\(name) \(version)"
                     },
                     rows: OpTable.names.map { op in
                         [op] + columns.map { name in
                             guard let c = conformance.first(where: { $0.op == op && $0.implementation == name }) else { return "not offered" }
                             var text = "\(c.passed)/\(c.passed + c.failed + c.quirks) pass"
                             if c.failed > 0 { text += ", \(c.failed) FAIL" }
                             if c.quirks > 0 { text += ", \(c.quirks) quirk" }
                             if let t = c.medianSeconds { text += "; " + BenchCase.duration(t) }
                             if let x = c.speedupVsReference { text += " (" + Self.f(x) + "×)" }
                             return text
                         }
                     })
    }

    public var tables: [Table] { [discrepancyTable, performanceTable, campaignTable, pathTable, quirkTable, conformanceTable] }

    /// The header lines: machine, versions, seed, date.
    public var headerLines: [(String, String)] {
        [("CPU", "\(machine.cpuModel) (family \(machine.cpuFamily), model \(machine.cpuModelNumber)), \(machine.cores) cores, features \(machine.features.joined(separator: " "))"),
         ("Kernels", machine.isa),
         ("Measured peak", "\(FixtureReport.format(machine.fmaPeakGFLOPS)) GFLOP/s FMA per core; copy bandwidth \(FixtureReport.format(machine.bandwidthGBps)) GB/s"),
         ("Software", "Swift \(machine.swift), GSL \(machine.gsl), \(machine.openBLAS.hasPrefix("OpenBLAS") ? machine.openBLAS : "OpenBLAS " + machine.openBLAS)"),
         ("Fixtures", "exported from TensorFlow \(machine.tensorflow)"),
         ("Campaign", "seed \(seed), \(casesPerOp) cases per op (\(campaignSource))"),
         ("Peers", peers.isEmpty ? "none in this run: `bash scripts/peers.sh` adds TensorFlow, JAX, PyTorch and ONNX Runtime as live candidates"
                                 : peers.map { "\($0.name) \($0.version) (`\($0.command)`)" }.joined(separator: "; ")),
         ("TensorFlow timings", bench.tensorflowTimed ? "timed live in this run, on this machine (the tensorflow candidate, one thread)"
                                                     : "none: no tensorflow candidate in this run, so no \"vs TensorFlow\" ratios"),
         ("Date", machine.date)]
    }
}

/// CSV with RFC 4180 quoting.
enum CSV {
    static func render(_ table: Table) -> String {
        ([table.columns] + table.rows).map { $0.map(Inert.csv).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// GitHub-flavoured Markdown.
enum Markdown {
    static func table(_ t: Table) -> String {
        let cell = Inert.markdown
        var out = "| " + t.columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + t.columns.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in t.rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }

    static func render(_ r: ReportData) -> String {
        var md = "# Conform report\n\n"
        for (k, v) in r.headerLines { md += "- **\(k)**: \(Inert.markdown(v))\n" }
        md += "\n**\(r.totals)** (fixture checks and campaign findings); campaign: "
        md += "\(r.campaign.reduce(0) { $0 + $1.passed }) of \(r.campaign.reduce(0) { $0 + $1.cases }) cases passed.\n\n"
        md += "## Conformance matrix\n\nEach implementation on each op it offers: passed of judged (fixture checks and campaign cases together), failures, known quirks counted apart, the median on the op's first built-in benchmark case and the speedup over the reference there. The reference is the oracle: it has fixture checks only.\n\n"
        md += table(r.conformanceGrid) + "\n"
        md += "<details><summary>Every cell in numbers</summary>\n\n" + table(r.conformanceTable) + "\n</details>\n\n"
        md += "## Discrepancies\n\nEvery TensorFlow fixture case under every implementation of this run. `error/bound` is the largest ratio of an element's error to its rigorous floating-point bound γ(n)·Σ|tᵢ|: a correct implementation stays below 1.\n\n"
        md += table(r.discrepancySummary) + "\n"
        let notPassing = r.discrepancyTable.rows.filter { $0[8] != "pass" }
        if !notPassing.isEmpty {
            md += "Not passing (failures, and departures a known quirk or refusal explains, counted apart):\n\n" + table(Table(name: "", columns: r.discrepancyTable.columns, rows: notPassing)) + "\n"
        }
        md += "<details><summary>All \(r.discrepancies.count) checks</summary>\n\n" + table(r.discrepancyTable) + "\n</details>\n\n"
        md += "## Performance\n\nSingle figures are medians; GFLOP/s exclude taps in the padding; % of peak is of the measured FMA peak × threads (\(r.bench.threads)).\n\n"
        md += table(r.performanceTable) + "\n"
        md += "## Property campaign\n\n" + table(r.campaignTable) + "\n"
        md += "Paths of the optimized code the campaign reached (algorithm, sub-path, ISA, thread split):\n\n" + table(r.pathTable) + "\n"
        md += "## TensorFlow quirks\n\nEach is computed by the suite on a minimal example and backed by a fixture TensorFlow exported.\n\n"
        for q in r.quirks {
            md += "### \(q.title)\n\n- **TensorFlow**: \(q.tensorflow)\n- **Conform**: \(q.conform)\n- **Example**:\n"
            for line in q.example { md += "  - `\(line)`\n" }
            md += "- **Evidence**: \(q.evidence) (\(q.confirmed ? "confirmed" : "not confirmed") on this run)\n\n"
        }
        return md
    }
}

/// The report as JSON: every number, schema `conform-report/1` (see README).
enum ReportJSON {
    static func render(_ r: ReportData) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { JSONValue($0) } ?? .null }
        return .object([
            ("format", .string("conform-report/1")),
            ("machine", .object([("cpu", .string(r.machine.cpuModel)), ("features", .array(r.machine.features.map { .string($0) })),
                                 ("cores", JSONValue(r.machine.cores)), ("isa", .string(r.machine.isa)),
                                 ("fma_peak_gflops", JSONValue(r.machine.fmaPeakGFLOPS)), ("bandwidth_gbps", JSONValue(r.machine.bandwidthGBps)),
                                 ("swift", .string(r.machine.swift)), ("gsl", .string(r.machine.gsl)), ("openblas", .string(r.machine.openBLAS)),
                                 ("tensorflow", .string(r.machine.tensorflow)), ("date", .string(r.machine.date))])),
            ("seed", .number(String(r.seed))), ("cases_per_op", JSONValue(r.casesPerOp)), ("campaign_source", .string(r.campaignSource)),
            ("totals", .object([("passed", JSONValue(r.passed)), ("failed", JSONValue(r.failed)), ("quirks", JSONValue(r.quirked))])),
            ("discrepancies", .array(r.discrepancies.map { d in
                .object([("op", .string(d.op)), ("case", .string(d.caseID)), ("implementation", .string(d.implementation)),
                         ("elements", JSONValue(d.elements)), ("max_abs_error", number(d.maxAbsError)), ("max_rel_error", number(d.maxRelError)),
                         ("max_ulp", d.maxULP.map { .number(String($0)) } ?? .null), ("max_error_over_bound", number(d.maxRatio)),
                         ("verdict", .string(d.verdict)), ("repro", .string(d.repro))])
            })),
            ("performance", r.bench.json()),
            ("peers", .array(r.peers.map { .object([("name", .string($0.name)), ("version", .string($0.version)), ("command", .string($0.command))]) })),
            ("conformance", .array(r.conformance.map { c in
                .object([("implementation", .string(c.implementation)), ("version", .string(c.version)), ("op", .string(c.op)),
                         ("fixture_checks", JSONValue(c.fixtureChecks)), ("campaign_cases", JSONValue(c.campaignCases)),
                         ("passed", JSONValue(c.passed)), ("failed", JSONValue(c.failed)), ("quirks", JSONValue(c.quirks)),
                         ("max_error_over_bound", number(c.maxErrorOverBound)), ("benchmark_case", c.benchCase.map { .string($0) } ?? .null),
                         ("median_seconds", number(c.medianSeconds)), ("speedup_vs_reference", number(c.speedupVsReference))])
            })),
            ("campaign", .array(r.campaign.map { c in
                .object([("op", .string(c.op)), ("cases", JSONValue(c.cases)), ("passed", JSONValue(c.passed)), ("failed", JSONValue(c.failed)),
                         ("mistrusted", JSONValue(c.mistrusted)), ("discarded", JSONValue(c.discarded)), ("cases_per_second", JSONValue(c.casesPerSecond))])
            })),
            ("paths", .array(r.paths.map { p in
                .object([("path", .string(p.path)), ("cases", JSONValue(p.cases)), ("failures", JSONValue(p.failures)),
                         ("available", .bool(p.available))])
            })),
            ("quirks", .array(r.quirks.map { q in
                .object([("id", .string(q.id)), ("title", .string(q.title)), ("tensorflow", .string(q.tensorflow)), ("conform", .string(q.conform)),
                         ("example", .array(q.example.map { .string($0) })), ("evidence", .string(q.evidence)), ("confirmed", .bool(q.confirmed))])
            })),
        ])
    }
}
