import Foundation
import PropertyCheck

/// The report as one self-contained page: inline CSS, inline SVG charts, sortable tables, no network.
enum HTMLReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Prose as HTML: escaped, and `inline code` between Markdown's backticks set as code (an
    /// unmatched last backtick stays a backtick).
    static func prose(_ s: String) -> String {
        let parts = escape(s).components(separatedBy: "`")
        let matched = (parts.count - 1) / 2 * 2
        var out = parts[0]
        for j in 1..<max(1, parts.count) {
            out += (j <= matched ? (j % 2 == 1 ? "<code>" : "</code>") : "`") + parts[j]
        }
        return out
    }

    /// The performance table as the page shows it: the TensorFlow columns only when TensorFlow
    /// was timed, and a median whose p90 is more than twice it flagged as noisy.
    static func performance(_ r: ReportData) -> Table {
        var t = r.performanceTable
        if let median = t.columns.firstIndex(of: "median") {
            for (i, result) in r.bench.results.enumerated() where i < t.rows.count {
                guard let timing = result.timing, timing.median > 0, timing.p90 > 2 * timing.median else { continue }
                t.rows[i][median] += " (noisy: p90 \(FixtureReport.format(timing.p90 / timing.median))× the median)"
            }
        }
        if !r.bench.tensorflowTimed {
            let keep = t.columns.indices.filter { !["TensorFlow median", "vs TensorFlow"].contains(t.columns[$0]) }
            t = Table(name: t.name, columns: keep.map { t.columns[$0] }, rows: t.rows.map { row in keep.map { row[$0] } })
        }
        return t
    }

    /// A sortable table in a box that scrolls sideways when the window is narrower than it. A
    /// shape or a short value (a number with its unit) never wraps: broken at every space it makes
    /// a row many lines tall. Longer text may.
    static func table(_ t: Table, id: String) -> String {
        var h = "<div class=\"wide\"><table class=\"sortable\" id=\"\(id)\"><thead><tr>"
        h += t.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in t.rows {
            let verdict = t.columns.firstIndex(of: "verdict").map { row[$0] } ?? ""
            h += "<tr class=\"\(verdict == "pass" || verdict.isEmpty ? "" : "bad")\">"
            h += row.enumerated().map { i, cell in
                cell.count <= 14 || (i < t.columns.count && t.columns[i] == "shape") ? "<td class=\"nw\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return h + "</tbody></table></div>"
    }

    /// x on a log₁₀ axis between `lo` and `hi`, mapped to `0...width`.
    static func logX(_ v: Double, _ lo: Double, _ hi: Double, _ width: Double) -> Double {
        let c = min(max(v, lo), hi)
        return (log10(c) - log10(lo)) / (log10(hi) - log10(lo)) * width
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A power of ten as a speedup tick: 0.01×, 0.1×, 1×, 10×, 100×, 1000×.
    static func times(_ v: Double) -> String {
        v >= 1 ? "\(Int(v.rounded()))×" : String(format: "%g×", (v * 1e6).rounded() / 1e6)
    }

    /// Horizontal bars of speedup over the reference and over TensorFlow, log scale, a line at 1×.
    static func speedupChart(_ r: ReportData) -> String {
        let rows = r.bench.results.filter { $0.implementation == .optimized }.map { row in
            (row.id, r.bench.speedup(row), r.bench.versusPeer(row))
        }
        guard !rows.isEmpty else { return "" }
        let (left, width, rowH) = (300.0, 560.0, 26.0)
        let values = rows.flatMap { [$0.1, $0.2].compactMap { $0 } }.filter { $0 > 0 && $0.isFinite }
        // Whole decades, so every tick is a power of ten: 0.1×, 1×, 10×, 100×.
        let lo = pow(10, min(-1, (log10(values.min() ?? 1)).rounded(.down))), hi = pow(10, max(1, (log10(values.max() ?? 10)).rounded(.up)))
        let height = Double(rows.count) * rowH + 80
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(left + width + 40)) \(f(height))\" width=\"\(f(left + width + 40))\" height=\"\(f(height))\" role=\"img\" aria-label=\"speedup per case\">"
        s += "<text x=\"\(f(left))\" y=\"14\" class=\"title\">Speedup per case (log scale): over the reference, and over TensorFlow</text>"
        // The legend.
        s += "<rect x=\"\(f(left))\" y=\"20\" width=\"12\" height=\"9\" class=\"ref\"/><text x=\"\(f(left + 16))\" y=\"28\" class=\"key\">over the reference</text>"
        if r.bench.tensorflowTimed {
            s += "<rect x=\"\(f(left + 150))\" y=\"20\" width=\"12\" height=\"9\" class=\"tf\"/><text x=\"\(f(left + 166))\" y=\"28\" class=\"key\">over TensorFlow (timed on this machine only)</text>"
        }
        var decade = log10(lo)
        while decade <= log10(hi) + 0.001 {
            let tick = pow(10, decade)
            let x = left + logX(tick, lo, hi, width)
            s += "<line x1=\"\(f(x))\" y1=\"36\" x2=\"\(f(x))\" y2=\"\(f(height - 34))\" class=\"grid\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(f(height - 22))\" class=\"tick\">\(Self.times(tick))</text>"
            decade += 1
        }
        s += "<text x=\"\(f(left + width / 2))\" y=\"\(f(height - 6))\" class=\"tick\">speedup (×, log scale; right of the dashed line: faster)</text>"
        let one = left + logX(1, lo, hi, width)
        s += "<line x1=\"\(f(one))\" y1=\"36\" x2=\"\(f(one))\" y2=\"\(f(height - 34))\" class=\"unit\"/>"
        for (i, row) in rows.enumerated() {
            let y = 42 + Double(i) * rowH
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 13))\" class=\"label\">\(escape(row.0))</text>"
            if let ref = row.1 {
                s += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(max(1, logX(ref, lo, hi, width))))\" height=\"9\" class=\"ref\"><title>\(escape(row.0)): \(FixtureReport.format(ref))× the reference</title></rect>"
            }
            if let tf = row.2 {
                s += "<rect x=\"\(f(left))\" y=\"\(f(y + 10))\" width=\"\(f(max(1, logX(tf, lo, hi, width))))\" height=\"9\" class=\"tf\"><title>\(escape(row.0)): \(FixtureReport.format(tf))× TensorFlow</title></rect>"
            }
        }
        return s + "</svg>"
    }

    /// Roofline: GFLOP/s against arithmetic intensity, under the measured FMA peak and bandwidth roofs.
    static func roofline(_ r: ReportData) -> String {
        let points = r.bench.results.compactMap { row -> (String, Double, Double, Bool)? in
            guard let g = row.gflops, let flops = row.flops, let bytes = row.bytes, bytes > 0 else { return nil }
            return (row.id, flops / bytes, g, row.implementation == .optimized)
        }
        guard !points.isEmpty else { return "" }
        let peak = r.bench.peakGFLOPS, bandwidth = r.machine.bandwidthGBps * Double(r.bench.threads)
        let (left, top, width, height) = (60.0, 30.0, 640.0, 340.0)
        let (xlo, xhi) = (0.1, 1000.0), (ylo, yhi) = (0.01, max(1000, peak * 2))
        func px(_ x: Double) -> Double { left + logX(x, xlo, xhi, width) }
        func py(_ y: Double) -> Double { top + height - logX(y, ylo, yhi, height) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(left + width + 220)) \(f(top + height + 50))\" width=\"\(f(left + width + 220))\" height=\"\(f(top + height + 50))\" role=\"img\" aria-label=\"roofline\">"
        s += "<text x=\"\(f(left))\" y=\"16\" class=\"title\">GFLOP/s against arithmetic intensity (FLOP/byte), under the measured roofs</text>"
        for e in [-1, 0, 1, 2, 3] {
            let x = px(pow(10, Double(e)))
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + height))\" class=\"grid\"/><text x=\"\(f(x))\" y=\"\(f(top + height + 16))\" class=\"tick\">\(String(format: "%g", pow(10, Double(e))))</text>"
        }
        for e in -2...4 where pow(10, Double(e)) <= yhi {
            let y = py(pow(10, Double(e)))
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + width))\" y2=\"\(f(y))\" class=\"grid\"/><text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" class=\"label\">\(String(format: "%g", pow(10, Double(e))))</text>"
        }
        // The roof: min(peak, bandwidth × intensity).
        let ridge = peak / bandwidth
        s += "<polyline class=\"roof\" points=\"\(f(px(xlo))),\(f(py(bandwidth * xlo))) \(f(px(ridge))),\(f(py(peak))) \(f(px(xhi))),\(f(py(peak)))\"/>"
        s += "<text x=\"\(f(px(xhi) - 4))\" y=\"\(f(py(peak) - 6))\" class=\"label\">FMA peak \(FixtureReport.format(peak)) GFLOP/s</text>"
        s += "<text x=\"\(f(px(xlo) + 4))\" y=\"\(f(py(bandwidth * xlo) - 6))\" class=\"key\">\(FixtureReport.format(bandwidth)) GB/s</text>"
        for (label, x, y, optimized) in points {
            s += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"5\" class=\"\(optimized ? "tf" : "ref")\"><title>\(escape(label)) (\(optimized ? "optimized" : "reference")): \(FixtureReport.format(y)) GFLOP/s</title></circle>"
        }
        s += "<text x=\"\(f(left + width / 2))\" y=\"\(f(top + height + 34))\" class=\"tick\">arithmetic intensity (FLOP per byte moved, log scale)</text>"
        s += "<text x=\"14\" y=\"\(f(top + height / 2))\" class=\"tick\" transform=\"rotate(-90 14 \(f(top + height / 2)))\">GFLOP/s (log scale)</text>"
        s += "<circle cx=\"\(f(left + width + 20))\" cy=\"\(f(top + 10))\" r=\"5\" class=\"tf\"/><text x=\"\(f(left + width + 30))\" y=\"\(f(top + 14))\" class=\"key\">optimized</text>"
        s += "<circle cx=\"\(f(left + width + 20))\" cy=\"\(f(top + 30))\" r=\"5\" class=\"ref\"/><text x=\"\(f(left + width + 30))\" y=\"\(f(top + 34))\" class=\"key\">reference</text>"
        return s + "</svg>"
    }

    /// Per arithmetic op, each fixture check's largest error/bound as a dot (log scale; 1 = the bound).
    static func errorDistribution(_ r: ReportData) -> String {
        let ops = r.discrepancies.filter { $0.maxRatio != nil }.map(\.op).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !ops.isEmpty else { return "" }
        let (left, width, rowH) = (150.0, 600.0, 30.0), (lo, hi) = (1e-9, 10.0)
        let height = Double(ops.count) * rowH + 70
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(left + width + 40)) \(f(height))\" width=\"\(f(left + width + 40))\" height=\"\(f(height))\" role=\"img\" aria-label=\"error over bound\">"
        s += "<circle cx=\"\(f(left + width - 150))\" cy=\"\(f(height - 10))\" r=\"3\" class=\"ref\"/><text x=\"\(f(left + width - 144))\" y=\"\(f(height - 6))\" class=\"key\">reference</text>"
        s += "<circle cx=\"\(f(left + width - 70))\" cy=\"\(f(height - 10))\" r=\"3\" class=\"tf\"/><text x=\"\(f(left + width - 64))\" y=\"\(f(height - 6))\" class=\"key\">optimized</text>"
        s += "<text x=\"\(f(left + width / 2 - 100))\" y=\"\(f(height - 6))\" class=\"tick\">error / bound (log scale)</text>"
        s += "<text x=\"\(f(left))\" y=\"14\" class=\"title\">Largest error / bound per check (log scale; exact at the left, failing past 1)</text>"
        for e in stride(from: -9, through: 1, by: 2) {
            let x = left + logX(pow(10, Double(e)), lo, hi, width)
            s += "<line x1=\"\(f(x))\" y1=\"22\" x2=\"\(f(x))\" y2=\"\(f(height - 40))\" class=\"grid\"/><text x=\"\(f(x))\" y=\"\(f(height - 26))\" class=\"tick\">1e\(e)</text>"
        }
        let one = left + logX(1, lo, hi, width)
        s += "<line x1=\"\(f(one))\" y1=\"22\" x2=\"\(f(one))\" y2=\"\(f(height - 40))\" class=\"unit\"/>"
        for (i, op) in ops.enumerated() {
            let y = 36 + Double(i) * rowH
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" class=\"label\">\(escape(op))</text>"
            for d in r.discrepancies where d.op == op {
                guard let ratio = d.maxRatio else { continue }
                // A stable jitter (FNV-1a of the case id) so overlapping dots stay apart, identically on every run.
                let hash = d.caseID.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
                let jitter = Double(hash % 9) - 4
                s += "<circle cx=\"\(f(left + logX(max(ratio, lo), lo, hi, width)))\" cy=\"\(f(y + jitter))\" r=\"3\" class=\"\(d.implementation == "optimized" ? "tf" : "ref")\"><title>\(escape(d.caseID)) [\(d.implementation)]: \(FixtureReport.format(ratio))</title></circle>"
            }
        }
        return s + "</svg>"
    }

    /// The conformance matrix as a heat map: a row per op, a column per implementation, each
    /// cell coloured by its share of failures (green: none, red: all; grey: not offered), with
    /// passed/judged, quirks and the median in the cell and every number in its tooltip.
    static func heatMap(_ r: ReportData) -> String {
        let columns = r.conformance.map(\.implementation).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !columns.isEmpty else { return "" }
        var h = "<table class=\"heat\" id=\"conformance-heat\" aria-label=\"conformance matrix\"><thead><tr><th>op</th>"
        for name in columns {
            let version = r.conformance.first { $0.implementation == name }?.version ?? ""
            h += "<th>\(escape(name))<br><small>\(escape(version))</small></th>"
        }
        h += "</tr></thead><tbody>"
        for op in OpTable.names {
            h += "<tr><th>\(escape(op))</th>"
            for name in columns {
                guard let c = r.conformance.first(where: { $0.op == op && $0.implementation == name }) else {
                    h += "<td class=\"cell absent\">not offered</td>"
                    continue
                }
                let judged = c.passed + c.failed + c.quirks
                let share = judged > 0 ? Double(c.failed) / Double(judged) : 0
                // Hue 120 (green) for no failure down to 0 (red); any failure is at most orange.
                let hue = c.failed == 0 ? 120.0 : 35 * (1 - share)
                let tip = "\(name) on \(op): \(c.fixtureChecks) fixture checks, \(c.campaignCases) campaign cases; \(c.passed) passed, \(c.failed) failed, \(c.quirks) quirks"
                    + (c.maxErrorOverBound.map { "; largest error/bound \(FixtureReport.format($0))" } ?? "")
                    + (c.medianSeconds.map { "; median \(BenchCase.duration($0)) on \(c.benchCase ?? "")" } ?? "")
                    + (c.speedupVsReference.map { ", \(FixtureReport.format($0))× the reference" } ?? "")
                h += "<td class=\"cell\" data-failed=\"\(c.failed)\" style=\"background:hsl(\(Int(hue)),70%,85%)\" title=\"\(escape(tip))\">"
                h += "<b>\(c.passed)/\(judged)</b>" + (c.failed > 0 ? " <span class=\"no\">\(c.failed) fail</span>" : "")
                h += (c.quirks > 0 ? "<br>\(c.quirks) quirk" : "") + (c.medianSeconds.map { "<br>\(BenchCase.duration($0))" } ?? "")
                h += (c.speedupVsReference.map { " (\(FixtureReport.format($0))×)" } ?? "") + "</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table><p class=\"legend\">Cells: passed/judged (fixture checks and campaign cases), failures, known quirks, median on the op's first benchmark case (speedup over the reference). Green: no failure; orange to red: the share that failed; grey: not offered.</p>"
    }

    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1d2330}
    h1{font-size:24px}h2{margin-top:36px;border-bottom:1px solid #dde;padding-bottom:4px}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}
    dt{font-weight:600}table{border-collapse:collapse;margin:12px 0;font-size:12px}th,td{border:1px solid #dde;padding:3px 6px;text-align:left;vertical-align:top}
    th{background:#f2f4f8;cursor:pointer;user-select:none;position:sticky;top:0}th:after{content:" ⇅";color:#99a}tr.bad td{background:#fde8e8}
    td:nth-child(n+4){font-variant-numeric:tabular-nums}.scroll{max-height:560px;overflow:auto;border:1px solid #eef}
    .wide{overflow-x:auto;max-width:100%}td.nw{white-space:nowrap}
    svg{display:block;margin:16px 0;background:#fbfcfe;border:1px solid #eef;max-width:100%;height:auto}.title{font-size:13px;font-weight:600;fill:#1d2330}
    .tick{font-size:10px;fill:#556;text-anchor:middle}.key{font-size:10px;fill:#556;text-anchor:start}.label{font-size:11px;fill:#334;text-anchor:end}.grid{stroke:#e4e7ef}.unit{stroke:#c33;stroke-dasharray:4 3}
    .ref{fill:#8aa4d6}.tf{fill:#e08a2c}.roof{fill:none;stroke:#1d2330;stroke-width:2}.quirk{border-left:4px solid #e08a2c;padding:4px 12px;margin:12px 0;background:#fffaf3}
    code{font-size:12px}.ok{color:#1a7f37;font-weight:600}.no{color:#c33;font-weight:600}
    table.heat td.cell{min-width:96px;font-size:12px;text-align:center}table.heat td.absent{background:#eceef2;color:#889}.legend{font-size:12px;color:#556}
    """

    static let script = """
    document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
    var t=th.closest('table'),b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),d=th.dataset.d==='a'?-1:1;th.dataset.d=d===1?'a':'d';
    function v(r){var s=r.cells[i].textContent.trim(),n=parseFloat(s.replace(/[×%]/g,''));return isNaN(n)?s.toLowerCase():n;}
    rows.sort(function(x,y){var a=v(x),c=v(y);return (a<c?-1:a>c?1:0)*d;});rows.forEach(function(r){b.appendChild(r);});});});
    """

    static func render(_ r: ReportData) -> String {
        var h = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Conform report</title><style>\(style)</style></head><body>"
        h += "<h1>Conform report</h1><dl>" + r.headerLines.map { "<dt>\(escape($0.0))</dt><dd>\(prose($0.1))</dd>" }.joined() + "</dl>"
        h += "<p><b>\(r.totals)</b> (fixture checks and campaign findings).</p>"
        h += "<h2>Conformance matrix</h2>" + heatMap(r)
        h += "<details><summary>Every cell in numbers</summary>" + table(r.conformanceTable, id: "conformance") + "</details>"
        h += "<h2>Performance</h2>" + speedupChart(r) + roofline(r) + table(performance(r), id: "performance")
        h += "<h2>Discrepancies</h2>" + errorDistribution(r) + table(r.discrepancySummary, id: "discrepancy-summary")
        h += "<div class=\"scroll\">" + table(r.discrepancyTable, id: "discrepancies") + "</div>"
        h += "<h2>Property campaign</h2>" + table(r.campaignTable, id: "campaign")
        h += "<h3>Paths of the optimized code reached</h3>" + table(r.pathTable, id: "paths")
        h += "<h2>TensorFlow quirks</h2>"
        for q in r.quirks {
            h += "<div class=\"quirk\"><h3>\(prose(q.title))</h3><p><b>TensorFlow:</b> \(prose(q.tensorflow))</p><p><b>Conform:</b> \(prose(q.conform))</p>"
            h += "<p><b>Example:</b></p><ul>" + q.example.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>"
            h += "<p><b>Evidence:</b> \(prose(q.evidence)) <span class=\"\(q.confirmed ? "ok" : "no")\">\(q.confirmed ? "confirmed" : "not confirmed")</span></p></div>"
        }
        return h + "<script>\(script)</script></body></html>\n"
    }
}
