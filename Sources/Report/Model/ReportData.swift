import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference

/// Everything one report shows, gathered before anything is written.
public struct ReportData: Sendable {
    /// One row of the discrepancy table: a fixture case or a campaign finding, under one implementation.
    public struct Discrepancy: Sendable {
        public var op: String, caseID: String, implementation: String
        public var elements: Int
        public var maxAbsError: Double?, maxRelError: Double?, maxULP: UInt64?, maxRatio: Double?
        /// pass, fail, mistrusted or unusable.
        public var verdict: String
        public var repro: String
    }

    /// One op's line of the campaign summary (from this run or merged shards).
    public struct CampaignLine: Sendable {
        public var op: String
        public var cases = 0, passed = 0, failed = 0, mistrusted = 0, discarded = 0
        /// Cases (among the passed) a known quirk or refusal explains: a candidate's, never Conform's.
        public var quirks = 0
        public var seconds = 0.0
        public var casesPerSecond: Double { seconds > 0 ? Double(cases) / seconds : 0 }
    }

    /// One row of the path table: a path of the optimized code, the campaign's cases that reached
    /// it and the failing ones among them.
    public struct PathLine: Sendable {
        public var path: String
        public var cases = 0, failures = 0
        /// false when this host cannot run the path (AVX-512 on an AVX2 CPU).
        public var available = true
    }

    public var machine: MachineInfo
    public var seed: UInt64
    public var casesPerOp: Int
    /// Where the campaign's numbers came from ("this run" or the merged files).
    public var campaignSource: String
    public var discrepancies: [Discrepancy]
    public var campaign: [CampaignLine]
    public var bench: BenchReport
    public var quirks: [Quirk]
    /// The campaign's path table (every path of the optimized code).
    public var paths: [PathLine]
    /// The conformance matrix: every implementation (peers included) on every op it offers.
    public var conformance: [ConformanceCell] = []
    /// The candidates judged and timed beside Conform's own ops: name, version, command.
    public var peers: [(name: String, version: String, command: String)] = []

    public init(machine: MachineInfo, seed: UInt64, casesPerOp: Int, campaignSource: String, discrepancies: [Discrepancy],
                campaign: [CampaignLine], bench: BenchReport, quirks: [Quirk], paths: [PathLine] = []) {
        self.paths = paths
        self.machine = machine
        self.seed = seed
        self.casesPerOp = casesPerOp
        self.campaignSource = campaignSource
        self.discrepancies = discrepancies
        self.campaign = campaign
        self.bench = bench
        self.quirks = quirks
    }

    public var passed: Int { discrepancies.filter { $0.verdict == "pass" }.count }
    /// Checks a known quirk or refusal explains: counted, neither passed nor failed.
    public var quirked: Int { discrepancies.filter { $0.verdict.hasPrefix("quirk") }.count }
    public var failed: Int { discrepancies.count - passed - quirked }
    /// The closing line: passed and failed, and the quirks when there are any.
    public var totals: String { "\(passed) passed, \(failed) failed" + (quirked > 0 ? ", \(quirked) explained by known quirks" : "") }

    /// Rows for every fixture verdict.
    public static func discrepancies(_ run: FixtureRun, fixtureDirectory: (String) -> String) -> [Discrepancy] {
        run.unusableSets.map {
            Discrepancy(op: "-", caseID: $0.file, implementation: "-", elements: 0, maxAbsError: nil, maxRelError: nil, maxULP: nil,
                        maxRatio: nil, verdict: "unusable", repro: $0.description)
        } + run.results.map { r in
            let verdict: String = switch r.verdict {
            case .pass: "pass"
            case .fail: "fail"
            case .unusable: "unusable"
            case let .quirk(id): "quirk \(id)"
            }
            return Discrepancy(
                op: r.op, caseID: r.id, implementation: r.implementation?.rawValue ?? "-", elements: r.checks.reduce(0) { $0 + $1.elements },
                maxAbsError: r.checks.map(\.maxAbsError).max(), maxRelError: r.checks.map(\.maxRelError).max(),
                maxULP: r.checks.compactMap(\.maxULP).max(), maxRatio: r.checks.compactMap(\.maxRatio).max(), verdict: verdict,
                repro: "conform fixtures \(fixtureDirectory(r.id))")
        }
    }

    /// Rows for the campaign's failures and mistrusted cases (each with its replay line).
    public static func discrepancies(_ failures: [Campaign.Failure], verdict: String, implementation: String = "optimized") -> [Discrepancy] {
        failures.map { f in
            Discrepancy(op: f.op, caseID: "\(f.property) #\(f.caseIndex)", implementation: implementation, elements: f.shrunk.elementCount,
                        maxAbsError: nil, maxRelError: nil, maxULP: nil, maxRatio: nil, verdict: verdict,
                        repro: f.replayCommand)
        }
    }

    /// Summary lines of a campaign run here.
    public static func campaign(_ result: Campaign.Result) -> [CampaignLine] {
        result.summaries.map {
            CampaignLine(op: $0.op, cases: $0.cases, passed: $0.passed, failed: $0.failed, mistrusted: $0.mistrusted,
                         discarded: $0.discarded, quirks: $0.quirks, seconds: $0.seconds)
        }
    }

    /// The path table of a campaign run here.
    public static func paths(_ result: Campaign.Result) -> [PathLine] {
        KernelPath.allCases.map { path in
            PathLine(path: path.rawValue, cases: result.paths[path]?.cases ?? 0, failures: result.paths[path]?.failures ?? 0,
                     available: path.availableOnHost)
        }
    }

    /// Merges the `conform check --json` files of the shards of one campaign: counts add up per op
    /// and per path, failures are listed from every file. A set that does not make one whole
    /// campaign is refused, naming what is wrong: shards that differ in seed, options, the
    /// implementation under test or Conform's version (`mergeKeys`), or in their count, and an
    /// index missing or given twice.
    public static func merge(_ files: [URL]) throws -> (lines: [CampaignLine], issues: [Discrepancy], seeds: [String], paths: [PathLine]) {
        var lines = [String: CampaignLine](), order = [String](), issues = [Discrepancy](), seeds = [String]()
        var paths = [String: PathLine](), pathOrder = [String]()
        var first: (file: String, keys: [String: String])?
        var indices = [Int: [String]](), shardCount = 0
        for file in files {
            let bytes = try InputFile.read(file.path)
            let json: JSONValue
            do { json = try JSONParser.parse(bytes) } catch {
                throw FixtureError(.malformedJSON, file: file.path, field: "(\(error.line):\(error.column))", expected: error.expected, actual: error.actual)
            }
            guard json["format"]?.string == "conform-check/1", let ops = json["ops"]?.array else {
                throw FixtureError(.unsupportedFormat, file: file.path, field: "format", expected: "\"conform-check/1\" (conform check --json)",
                                   actual: json["format"]?.description ?? "nothing")
            }
            seeds.append("\(json["seed"]?.description ?? "?") shard \(json["shard"]?.string ?? "?")")
            // The shard's place, and what every shard of one campaign shares.
            guard let text = json["shard"]?.string, text != "auto", let shard = try? Shard.parse(text, environment: [:]) else {
                throw FixtureError(.wrongType, file: file.path, field: "shard", expected: "i/n with 0 ≤ i < n ≤ 1000000", actual: json["shard"]?.description ?? "nothing")
            }
            let (index, total) = (shard.index, shard.count)
            let keys = Dictionary(uniqueKeysWithValues: mergeKeys.map { ($0, json[$0]?.description ?? "(absent)") })
                .merging(["shard count": "\(total)"]) { a, _ in a }
            if let first {
                for key in mergeKeys + ["shard count"] where keys[key] != first.keys[key] {
                    throw FixtureError(.shardsDisagree, file: file.path, field: key, expected: "\(first.keys[key] ?? "") (as in \(first.file))",
                                       actual: keys[key] ?? "")
                }
            } else {
                first = (file.path, keys)
            }
            indices[index, default: []].append(file.path)
            shardCount = total
            /// A count from the file: a whole number from 0 to 2^40 (so sums over any number of files stay exact).
            func count(_ item: JSONValue, _ key: String) throws -> Int {
                guard let value = item[key] else { return 0 }
                guard let n = value.int, (0...(1 << 40)).contains(n) else {
                    throw FixtureError(.wrongType, file: file.path, field: key, expected: "a count from 0 to 2^40", actual: value.description)
                }
                return n
            }
            for o in ops {
                guard let op = o["op"]?.string else { continue }
                if lines[op] == nil { order.append(op); lines[op] = CampaignLine(op: op) }
                lines[op]!.cases += try count(o, "cases")
                lines[op]!.passed += try count(o, "passed")
                lines[op]!.failed += try count(o, "failed")
                lines[op]!.mistrusted += try count(o, "mistrusted")
                lines[op]!.discarded += try count(o, "discarded")
                let seconds = o["seconds"]?.double ?? 0
                lines[op]!.seconds += seconds.isFinite && seconds >= 0 ? min(seconds, 1e9) : 0
            }
            for row in json["paths"]?.array ?? [] {
                guard let path = row["path"]?.string else { continue }
                if paths[path] == nil { pathOrder.append(path); paths[path] = PathLine(path: path, available: row["available"]?.bool ?? true) }
                paths[path]!.cases += try count(row, "cases")
                paths[path]!.failures += try count(row, "failures")
            }
            for f in json["failures"]?.array ?? [] {
                issues.append(Discrepancy(op: f["op"]?.string ?? "-", caseID: "\(f["property"]?.string ?? "?") #\(f["case"]?.int ?? -1)",
                                          implementation: "optimized", elements: try count(f, "shrunk_elements"), maxAbsError: nil,
                                          maxRelError: nil, maxULP: nil, maxRatio: nil, verdict: "fail",
                                          repro: "conform replay '\(f["repro"]?.string ?? "")'"))
            }
        }
        let missing = (0..<shardCount).filter { indices[$0] == nil }
        let twice = indices.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        if !missing.isEmpty || !twice.isEmpty {
            let said = (missing.isEmpty ? [] : ["missing shard" + (missing.count == 1 ? " " : "s ") + missing.map(String.init).joined(separator: ", ")])
                + twice.map { "shard \($0.key) given \($0.value.count) times (\($0.value.joined(separator: ", ")))" }
            throw FixtureError(.shardsDisagree, file: files.map(\.path).joined(separator: ", "), field: "shard",
                               expected: "each of the \(shardCount) shards once", actual: said.joined(separator: "; "))
        }
        return (order.compactMap { lines[$0] }, issues, seeds, pathOrder.compactMap { paths[$0] })
    }

    /// The fields every shard of one campaign has alike (a file without one has it absent alike).
    static let mergeKeys = ["seed", "options", "implementation", "conform_version"]
}
