import Formats
import Foundation
import PropertyCheck
import Reference
import Report
import Testing

/// `conform report` and `conform explain` end to end: every file, its columns, the page in a browser.
@Suite("conform report", .serialized)
struct ReportTests {
    /// One small report, shared by the tests below (a short campaign and two benchmark cases).
    /// A failure to run it is each test's failure, not a trap that ends the whole test run.
    static let shared: Result<(dir: URL, run: CLI.Output), Error> = Result {
        let dir = Paths.temporary("report")
        // A candidate named tensorflow: judged, run through its campaign, timed live, and the
        // "vs TensorFlow" column divides by its medians.
        let run = try CLI.conform(["report", "--out", dir.path, "--cases", "10", "--bench-filter", "conv1d/seed-800", "--min-time", "0",
                                         "--candidate", CandidateTests.command("none") + " --name tensorflow",
                                         "--fixtures", Paths.fixtures.path, Paths.repository.appendingPathComponent("fixtures/regressions").path,
                                         "--quirks", Paths.repository.appendingPathComponent("fixtures/quirks").path])
        return (dir, run)
    }

    static var output: (dir: URL, run: CLI.Output) { get throws { try shared.get() } }

    static func text(_ name: String) throws -> String { try String(contentsOf: output.dir.appendingPathComponent(name), encoding: .utf8) }

    @Test("writes every file and passes")
    func files() throws {
        let output = try Self.output
        #expect(output.run.status == 0, "\(output.run.stdout)")
        for file in ReportWriter.files {
            #expect(FileManager.default.fileExists(atPath: output.dir.appendingPathComponent(file).path), "\(file)")
        }
        #expect(output.run.lines.last?.hasSuffix("passed, 0 failed") == true)
    }

    @Test("the CSV tables carry their documented columns")
    func csv() throws {
        let output = try Self.output
        let expected = [
            "discrepancies.csv": "op,case,implementation,elements,max abs error,max rel error,max ULP,max error/bound,verdict,repro",
            "performance.csv": "op,case,shape,implementation,median,p10,p90,GFLOP/s,% of peak,speedup vs reference,TensorFlow median,vs TensorFlow,plan",
            "paths.csv": "path,cases,failures",
            "campaign.csv": "op,cases,passed,failed,mistrusted,discarded,cases/s",
            "quirks.csv": "quirk,tensorflow,conform,example,evidence,confirmed",
        ]
        for (file, header) in expected {
            let lines = try Self.text(file).split(separator: "\n")
            #expect(lines.first.map(String.init) == header, "\(file)")
            #expect(lines.count > 1, "\(file) has no rows")
        }
        // TensorFlow timed live in the same run: its median and the ratio on every optimized row it timed.
        let report = try JSONParser.parse(Array(try Data(contentsOf: output.dir.appendingPathComponent("report.json"))))
        let performance = report["performance"]?.array ?? []
        let optimized = performance.filter { $0["impl"]?.string == "optimized" }
        #expect(!optimized.isEmpty && optimized.allSatisfy { row in
            let tf = performance.first { $0["id"]?.string == row["id"]?.string && $0["impl"]?.string == "tensorflow" }?["median_seconds"]?.double
            return tf != nil && row["tensorflow_median_seconds"]?.double == tf && row["vs_tensorflow"]?.double != nil
        }, "\(optimized)")
        #expect(try Self.text("REPORT.md").contains("timed live in this run, on this machine"))
        // Both implementations, on every committed TensorFlow case.
        let discrepancies = try Self.text("discrepancies.csv")
        #expect(discrepancies.components(separatedBy: ",optimized,").count > 380 && discrepancies.components(separatedBy: ",reference,").count > 380)
    }

    @Test("REPORT.md has the header, the four sections and GitHub tables")
    func markdown() throws {
        let md = try Self.text("REPORT.md")
        for heading in ["# Conform report", "## Discrepancies", "## Performance", "## Property campaign", "## TensorFlow quirks"] {
            #expect(md.contains("\n" + heading) || md.hasPrefix(heading), "\(heading)")
        }
        for item in ["**CPU**", "**Measured peak**", "**Software**", "GSL", "OpenBLAS", "TensorFlow 2.21.0", "seed", "**Date**"] {
            #expect(md.contains(item), "\(item)")
        }
        #expect(md.contains("| op | case | shape | implementation | median | p10 | p90 | GFLOP/s | % of peak | speedup vs reference | TensorFlow median | vs TensorFlow | plan |"))
        #expect(md.contains("|---|---|"))
    }

    @Test("report.json holds every number under its schema")
    func json() throws {
        let output = try Self.output
        let json = try JSONParser.parse(Array(try Data(contentsOf: output.dir.appendingPathComponent("report.json"))))
        #expect(json["format"]?.string == "conform-report/1")
        for key in ["machine", "seed", "totals", "discrepancies", "performance", "campaign", "paths", "quirks"] { #expect(json[key] != nil, "\(key)") }
        #expect((json["machine"]?["fma_peak_gflops"]?.double ?? 0) > 0)
        let row = try #require(json["discrepancies"]?.array?.first)
        for key in ["op", "case", "implementation", "elements", "max_abs_error", "max_rel_error", "max_ulp", "max_error_over_bound", "verdict", "repro"] {
            #expect(row[key] != nil, "\(key)")
        }
        #expect(json["campaign"]?.array?.count == OpTable.names.count)
        #expect(json["quirks"]?.array?.count == 5)
        #expect(json["quirks"]?.array?.allSatisfy { $0["confirmed"]?.bool == true } == true)
        #expect(json["performance"]?.array?.contains { $0["impl"]?.string == "optimized" && $0["median_seconds"]?.double != nil } == true)
    }

    @Test("report.html is self-contained, with sortable tables and three charts")
    func html() throws {
        let html = try Self.text("report.html")
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(!html.contains("<link") && !html.contains("src=\""))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains("class=\"sortable\"") && html.contains("addEventListener('click'"))
    }

    @Test("the page renders in headless Chromium to a non-blank screenshot")
    func screenshot() throws {
        let output = try Self.output
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "chromium is installed by scripts/setup.sh")
        func shoot(_ page: URL, _ png: URL) throws -> Int {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: browser)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600",
                           "--screenshot=\(png.path)", page.absoluteString]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return (try? Data(contentsOf: png).count) ?? 0
        }
        let blank = output.dir.appendingPathComponent("blank.html")
        try Data("<!doctype html><html><body></body></html>".utf8).write(to: blank)
        let pageBytes = try shoot(output.dir.appendingPathComponent("report.html"), output.dir.appendingPathComponent("report.png"))
        let blankBytes = try shoot(blank, output.dir.appendingPathComponent("blank.png"))
        let png = try Data(contentsOf: output.dir.appendingPathComponent("report.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // A blank page of the same size compresses to almost nothing; the report's text and charts do not.
        #expect(pageBytes > 10 * max(blankBytes, 1), "screenshot \(pageBytes) bytes, blank page \(blankBytes)")
    }

    @Test("the charts, as the browser renders them: decade ticks (1×, 10×, 100×), a legend and labelled axes")
    func chartsInBrowser() throws {
        let output = try Self.output
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "chromium is installed by scripts/setup.sh")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", output.dir.appendingPathComponent("report.html").absoluteString]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let speedup = try #require(dom.components(separatedBy: "aria-label=\"speedup per case\"").dropFirst().first?.components(separatedBy: "</svg>").first)
        let ticks = speedup.components(separatedBy: "class=\"tick\">").dropFirst().map { String($0.prefix { $0 != "<" }) }.filter { $0.hasSuffix("×") }
        #expect(ticks.count >= 2, "\(ticks)")
        for tick in ticks { #expect(["0.001×", "0.01×", "0.1×", "1×", "10×", "100×", "1000×", "10000×"].contains(tick), "tick \(tick)") }
        #expect(speedup.contains("over the reference") && speedup.contains("over TensorFlow"), "no legend")
        // Legend labels start at their swatch: a class of their own, not .tick (whose CSS centred them over it).
        #expect(speedup.contains("class=\"key\">over the reference") && dom.contains(".key{font-size:10px;fill:#556;text-anchor:start}"))
        // Inline code in prose is set as code, its backticks gone.
        #expect(dom.contains("(attribute <code>version</code>)") && !dom.contains("`version`"))
        // Every chart scales to the window: a viewBox, and a width the page caps.
        #expect(dom.components(separatedBy: "viewBox=\"0 0 ").count - 1 == 3 && dom.contains("max-width:100%;height:auto"))
        #expect(speedup.contains("speedup (×, log scale"), "no axis label")
        #expect(dom.contains("arithmetic intensity (FLOP per byte moved") && dom.contains("GFLOP/s (log scale)"))
        #expect(dom.contains("error / bound (log scale)"))
        // The conformance heat map: a column per implementation, green where nothing failed, grey where not offered.
        let heat = try #require(dom.components(separatedBy: "id=\"conformance-heat\"").dropFirst().first?.components(separatedBy: "</table>").first)
        #expect(heat.contains(">tensorflow<") && heat.contains(">optimized<") && heat.contains(">reference<"), "\(heat.prefix(400))")
        #expect(heat.contains("hsl(120") && heat.contains("not offered") && !heat.contains("data-failed=\"1"))
    }

    @Test("the conformance matrix: a cell per op each implementation offers, its counts adding up, in report.json, REPORT.md and the page")
    func conformance() throws {
        let output = try Self.output
        let json = try JSONParser.parse(Array(try Data(contentsOf: output.dir.appendingPathComponent("report.json"))))
        let all = try #require(json["conformance"]?.array)
        let keys = ["implementation", "version", "op", "fixture_checks", "campaign_cases", "passed", "failed", "quirks", "max_error_over_bound",
                    "median_seconds"]
        for cell in all { for key in keys { #expect(cell[key] != nil, "\(key) in \(cell)") } }
        func cells(of name: String) -> [JSONValue] { all.filter { $0["implementation"]?.string == name } }
        #expect(cells(of: "reference").count == OpTable.names.count && cells(of: "optimized").count == OpTable.names.count)
        // The candidate offers three ops: a cell each, judged on the fixtures and through its own campaign.
        let tensorflow = cells(of: "tensorflow")
        #expect(Set(tensorflow.compactMap { $0["op"]?.string }) == ["conv1d", "conv2d", "frame"], "\(tensorflow)")
        for cell in cells(of: "tensorflow") + cells(of: "optimized") {
            let n = { (key: String) in cell[key]?.int ?? -1 }
            #expect(n("fixture_checks") > 0 && n("campaign_cases") == 10, "\(cell)")
            #expect(n("passed") + n("failed") + n("quirks") == n("fixture_checks") + n("campaign_cases"), "\(cell)")
            #expect(n("failed") == 0, "\(cell)")
        }
        // The reference is the oracle: fixture checks, no campaign of its own.
        #expect(cells(of: "reference").allSatisfy { $0["campaign_cases"]?.int == 0 && ($0["fixture_checks"]?.int ?? 0) > 0 })
        // Timed on the op's first built-in case, with the speedup over the reference.
        let conv1d = try #require(tensorflow.first { $0["op"]?.string == "conv1d" })
        #expect((conv1d["median_seconds"]?.double ?? 0) > 0 && (conv1d["speedup_vs_reference"]?.double ?? 0) > 0, "\(conv1d)")
        let md = try Self.text("REPORT.md")
        #expect(md.contains("## Conformance matrix") && md.contains("| op | reference | optimized | tensorflow 1 |"), "\(md.prefix(3000))")
        #expect(md.contains("not offered"))
        let html = try Self.text("report.html")
        #expect(html.contains("id=\"conformance-heat\"") && html.contains("id=\"conformance\""))
    }

    @Test("a candidate's known quirks are counted in the matrix and the totals, and do not fail the report")
    func quirksDoNotFail() throws {
        let dir = Paths.temporary("report-quirk")
        let run = try CLI.conform(["report", "--out", dir.path, "--cases", "40", "--bench-filter", "count_params", "--min-time", "0",
                                        "--candidate", CandidateTests.command("tf-depthwise", ops: "depthwise_conv2d"),
                                        "--fixtures", Paths.fixtures.appendingPathComponent("depthwise_conv2d").path,
                                        "--quirks", Paths.repository.appendingPathComponent("fixtures/quirks").path])
        #expect(run.status == 0, "\(run.lines.suffix(3))")
        #expect(run.lines.last?.contains("0 failed, ") == true && run.lines.last?.hasSuffix("explained by known quirks") == true, "\(run.lines.suffix(2))")
        let json = try JSONParser.parse(Array(try Data(contentsOf: dir.appendingPathComponent("report.json"))))
        let cell = try #require(json["conformance"]?.array?.first { $0["implementation"]?.string == "test-candidate-tf-depthwise" })
        #expect((cell["quirks"]?.int ?? 0) > 0 && cell["failed"]?.int == 0 && cell["campaign_cases"]?.int == 40, "\(cell)")
        #expect((json["totals"]?["quirks"]?.int ?? 0) > 0)
    }

    @Test("shards of a campaign merge into one report whose counts add up")
    func merge() throws {
        let dir = Paths.temporary("merge")
        var files = [String]()
        for i in 0..<2 {
            let file = dir.appendingPathComponent("shard\(i).json").path
            let out = try CLI.conform(["check", "--seed", "3", "--cases", "10", "--shard", "\(i)/2", "--no-regressions", "--json", file])
            #expect(out.status == 0)
            files.append(file)
        }
        let out = dir.appendingPathComponent("report")
        let run = try CLI.conform(["report", "--out", out.path, "--bench-filter", "count_params", "--min-time", "0",
                                        "--fixtures", Paths.fixtures.appendingPathComponent("frame").path,
                                        "--quirks", Paths.repository.appendingPathComponent("fixtures/quirks").path, "--merge"] + files)
        #expect(run.status == 0)
        let json = try JSONParser.parse(Array(try Data(contentsOf: out.appendingPathComponent("report.json"))))
        let cases = json["campaign"]?.array?.reduce(0) { $0 + ($1["cases"]?.int ?? 0) }
        #expect(cases == 10 * OpTable.names.count)
        #expect(json["campaign_source"]?.string?.hasPrefix("merged from 2 files") == true)
        // The merged verdicts are the unsharded campaign's, op by op.
        let whole = dir.appendingPathComponent("whole.json").path
        // (Exit 1 for the paths 10 cases leave unreached, which only a whole campaign checks.)
        #expect(try CLI.conform(["check", "--seed", "3", "--cases", "10", "--no-regressions", "--json", whole]).status != 2)
        let unsharded = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: whole))))
        for op in unsharded["ops"]?.array ?? [] {
            let merged = try #require(json["campaign"]?.array?.first { $0["op"]?.string == op["op"]?.string }, "\(op)")
            for key in ["cases", "passed", "failed", "mistrusted", "discarded"] {
                #expect(merged[key]?.int == op[key]?.int, "\(op["op"]?.string ?? ""): \(key) merged \(merged[key]?.int ?? -1), unsharded \(op[key]?.int ?? -1)")
            }
        }
        // A set that is not one campaign is refused, naming what is wrong.
        let report = ["report", "--out", dir.appendingPathComponent("bad").path, "--bench-filter", "count_params", "--min-time", "0", "--merge"]
        let missing = try CLI.conform(report + [files[0]])
        #expect(missing.status == 2 && missing.lines.first?.contains("missing shard 1") == true, "\(missing.lines)")
        let twice = try CLI.conform(report + [files[0], files[0], files[1]])
        #expect(twice.status == 2 && twice.lines.first?.contains("shard 0 given 2 times") == true, "\(twice.lines)")
        let otherSeed = dir.appendingPathComponent("seed4.json").path
        #expect(try CLI.conform(["check", "--seed", "4", "--cases", "10", "--shard", "1/2", "--no-regressions", "--json", otherSeed]).status == 0)
        let seeds = try CLI.conform(report + [files[0], otherSeed])
        #expect(seeds.status == 2 && seeds.lines.first?.contains("seed") == true && seeds.lines.first?.contains(files[0]) == true, "\(seeds.lines)")
    }

    @Test("explain answers the seed questions with computed numbers")
    func explain() throws {
        let conv = try CLI.conform(["explain", "conv1d", "--input", "800x10", "--filters", "16", "--kernel", "6"])
        #expect(conv.lines.contains("kernel shape: [6, 10, 16]  — it spans all 10 input channels, one slice per filter"))
        #expect(conv.lines.contains("output with VALID: [795, 16]"))
        #expect(conv.lines.contains { $0.hasPrefix("output with SAME: [800, 16]") })
        #expect(conv.lines.contains("parameters with bias: 6·10·16 + 16 = 976"))
        let glimpse = try CLI.conform(["explain", "glimpse", "--image", "5x5", "--size", "3x3", "--offset", "2,1"])
        #expect(glimpse.lines.contains("v1 centered=false normalized=false: top-left (0, 0) → [0, 1, 2] [5, 6, 7] [10, 11, 12]"))
        #expect(glimpse.lines.contains("v2 centered=false normalized=false: top-left (2, 1) → [11, 12, 13] [16, 17, 18] [21, 22, 23]"))
        let separable = try CLI.conform(["explain", "separable_conv2d", "--input", "8x8x768", "--filters", "128", "--kernel", "5"])
        #expect(separable.lines.contains("total without bias: 117 504"))
        let windows = try CLI.conform(["explain", "windows", "--data", "550000x28", "--length", "50"])
        #expect(windows.lines.contains { $0.hasPrefix("windows: 549 951") })
        #expect(windows.lines.contains { $0.contains("3.08 GB") })
        #expect(try CLI.conform(["explain", "conv3d"]).status != 0)
    }

    @Test("explain covers conv2d_at, frame, epoch_pairing and stateless_uniform with the suite's own numbers")
    func explainMore() throws {
        // One output of a 10 000 × 10 000 convolution: the taps are the clipped window's.
        let at = try CLI.conform(["explain", "conv2d_at", "--input", "10000x10000", "--kernel", "10000x10000", "--at", "5000,5000",
                                       "--anchor", "center"])
        let window = try Reference.conv2dAtWindow([10000, 10000], [10000, 10000], Conv2DAtAttributes(row: 5000, col: 5000, anchor: .center))
        let taps = window.rows.count * window.cols.count
        #expect(at.status == 0)
        #expect(at.lines.contains { $0.hasPrefix("this output: ") && $0.replacingOccurrences(of: " ", with: "").contains("\(taps)multiply–adds") }, "\(at.lines)")
        #expect(at.lines.contains { $0.hasPrefix("the full convolution: 100 000 000 outputs") })
        #expect(at.lines.contains { $0.hasPrefix("a zero-padded copy") && $0.contains("19999×19999") })
        // frame: the count the reference computes.
        let frame = try CLI.conform(["explain", "frame", "--signal", "4x16000", "--length", "400", "--step", "160", "--pad-end"])
        let frames = try Reference.frameGeometry([4, 16000], FrameAttributes(frameLength: 400, frameStep: 160, padEnd: true))
        #expect(frame.lines.contains { $0.hasPrefix("\(frames) frames: output shape [4, \(frames), 400]") }, "\(frame.lines)")
        // epoch_pairing: the reference's picks, epoch by epoch.
        let pairing = try CLI.conform(["explain", "epoch_pairing", "--rows", "3,1,4", "--seed", "7", "--epochs", "2"])
        let picks = try Reference.epochPairing(try Tensor(shape: [4], scalars: [0, 3, 4, 8]), try Tensor(shape: [8], scalars: [0, 1, 2, 0, 0, 1, 2, 3]),
                                               EpochPairingAttributes(seed: 7, epochs: 2))
        for e in 0..<2 {
            let line = "epoch \(e): " + (0..<3).map { "row \($0) → \(picks.scalars[e * 3 + $0])" }.joined(separator: ", ")
            #expect(pairing.lines.contains(line), "\(line) not in \(pairing.lines)")
        }
        // stateless_uniform: TensorFlow's values, from the committed fixture.
        let set = try FixtureSet(directory: Paths.fixtures.appendingPathComponent("stateless_uniform"))
        let c = try #require(set.manifest.cases.first { $0.id == "stateless_uniform/worked-seed1-2-float32" })
        let expected = try set.tensor(c.outputs[0].1, caseID: c.id, field: "output")
        let uniform = try CLI.conform(["explain", "stateless_uniform", "--shape", "\(expected.count)", "--seed", "1,2"])
        #expect(uniform.lines.contains("first \(expected.count): " + (0..<expected.count).map { expected.text(at: $0) }.joined(separator: ", ")), "\(uniform.lines)")
        #expect(try CLI.conform(["explain", "epoch_pairing", "--rows", "0,2"]).status == 2)
    }

    @Test("explain's ops, options and help are the descriptors'; each op reads its own options and defaults")
    func explainFromDescriptors() throws {
        // Every op with an explanation is listed in the command's help, and answers its own example.
        let help = try CLI.conform(["explain", "--help"])
        for (op, spec) in OpTable.explained {
            #expect(help.lines.contains { $0.contains(op) }, "\(op) missing from explain's help")
            let run = try CLI.conform(["explain"] + spec.example.split(separator: " ").map(String.init))
            #expect(run.status == 0 && !run.lines.isEmpty, "\(spec.example): \(run.lines.suffix(2))")
        }
        // An op's --help lists its options with their defaults.
        let conv = try CLI.conform(["explain", "conv2d", "--help"])
        #expect(conv.lines.contains { $0.contains("--filters") && $0.contains("(default: 16)") }, "\(conv.lines)")
        // Defaults are per op: stateless_uniform's seed is two integers whatever epoch_pairing's is.
        #expect(try CLI.conform(["explain", "stateless_uniform", "--shape", "4"]).status == 0)
        // An option another op takes is named as unknown here, with the ones this op takes.
        let wrong = try CLI.conform(["explain", "frame", "--filters", "3"])
        #expect(wrong.status == 2 && wrong.lines.contains { $0.contains("unknown option --filters") && $0.contains("--signal") }, "\(wrong.lines)")
        // The gradient: out_backprop's shape is conv2d's output, the result input_sizes'.
        let grad = try CLI.conform(["explain", "conv2d_backprop_input", "--input", "9x9x2", "--filters", "3", "--kernel", "1", "--stride", "3"])
        #expect(grad.lines.contains("out_backprop must be conv2d's output shape: [1, 3, 3, 3]; the result has input_sizes' shape [1, 9, 9, 2]"), "\(grad.lines)")
        #expect(grad.lines.contains { $0.contains("3 of 9 rows × 3 of 9 columns") && $0.contains("72 positions get a gradient of 0") }, "\(grad.lines)")
    }
}
