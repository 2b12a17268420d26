import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Every committed TensorFlow fixture, judged for every implementation the op has.
@Suite("TensorFlow fixtures")
struct FixtureTests {
    static let run = FixtureRunner().run(directories: [Paths.fixtures])

    @Test("every committed case passes", arguments: OpTable.names)
    func casesPass(op: String) {
        let results = Self.run.results.filter { $0.op == op }
        #expect(results.count >= 10, "\(op) has \(results.count) fixture cases; at least 10 expected")
        for result in results where !result.passed {
            Issue.record("\(FixtureReport.line(for: result) ?? result.id)")
        }
        #expect(Self.run.unusableSets.isEmpty, "\(Self.run.unusableSets)")
    }

    @Test("the regression cases shrunk from property failures replay and pass")
    func regressions() {
        let run = FixtureRunner().run(directories: [Paths.repository.appendingPathComponent("fixtures/regressions")])
        #expect(run.unusableSets.isEmpty, "\(run.unusableSets)")
        #expect(run.results.count >= 10)
        for result in run.results where !result.passed { Issue.record("\(FixtureReport.line(for: result) ?? result.id)") }
    }

    @Test("the committed sets hold at least 300 cases")
    func enoughCases() {
        #expect(Set(Self.run.results.map(\.id)).count >= 300)
    }

    @Test("the exporter's checks of the worked values found TensorFlow agreeing with every one")
    func workedValues() throws {
        let check = try String(contentsOf: Paths.fixtures.appendingPathComponent("OPS-CHECK.txt"), encoding: .utf8)
        #expect(!check.contains("CONTRADICTS"))
        #expect(check.components(separatedBy: "\nagrees: ").count - 1 >= 18)
        let worked = Self.run.results.filter { $0.id.contains("/worked-") }
        #expect(worked.count >= 14)
        #expect(worked.allSatisfy { $0.passed })
    }

    @Test("every worked value docs/OPS.md states is the expected output of the fixture case it names")
    func documentedValues() throws {
        let text = try String(contentsOf: Paths.repository.appendingPathComponent("docs/OPS.md"), encoding: .utf8)
        // "- `op/case-id` … → `[v, v, …]`": the case's first expected output, flattened.
        let stated = text.matches(of: /- `([a-z0-9_]+\/[a-z0-9-]+)`[^\n]*?→\s+`\[([-0-9., ]+)\]`/)
        #expect(stated.count >= 17, "worked values found: \(stated.count)")
        for match in stated {
            let id = String(match.output.1)
            let values = match.output.2.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            let op = String(id.prefix { $0 != "/" })
            let set = try FixtureSet(directory: Paths.fixtures.appendingPathComponent(op))
            let c = try #require(set.manifest.cases.first { $0.id == id }, "docs/OPS.md names \(id), which no fixture case is")
            let expected = try set.tensor(c.outputs[0].1, caseID: id, field: "output")
            let got = (0..<expected.count).map { expected.double(at: $0) }
            // A float32 value is stated in its shortest round-trip digits: equal once rounded to float32.
            let same = got.count == values.count && zip(got, values).allSatisfy { a, b in
                expected.dtype == .float32 ? Float(a) == Float(b) : a == b
            }
            #expect(same, "\(id): docs/OPS.md says \(values), the fixture holds \(got)")
        }
    }

    @Test("the seed questions are named cases", arguments: [
        "conv1d/seed-800x10-f16-k6-valid", "conv1d/seed-800x10-f16-k6-same",
        "conv2d_at/seed-at-10-37-k3-convolution-center", "extract_glimpse/seed-5x5-v1-offset-1-1",
        "extract_glimpse/seed-5x5-v1-offset-2-1", "extract_glimpse/seed-5x5-v2-offset-1-1",
        "extract_glimpse/seed-5x5-v2-offset-2-1", "timeseries_windows/seed-550x28-L50",
        "separable_conv2d/nasnet-5x5-768-to-128-same", "count_params/seed-nasnet-separable-5x5-768-to-128",
        "count_params/seed-conv1d-800x10-f16-k6",
    ])
    func seedCases(id: String) {
        let results = Self.run.results.filter { $0.id == id }
        #expect(!results.isEmpty, "no fixture case \(id)")
        #expect(results.allSatisfy { $0.passed })
    }

    @Test("every .npy file re-encodes to NumPy's exact bytes")
    func npyRoundTrip() throws {
        let fm = FileManager.default
        var checked = 0
        for set in try fm.contentsOfDirectory(atPath: Paths.fixtures.path).sorted() {
            let dir = Paths.fixtures.appendingPathComponent(set)
            guard let files = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".npy") && checked < 400 {
                let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(file)))
                #expect(NPY.encode(try NPY.decode(bytes)) == bytes, "\(set)/\(file)")
                checked += 1
            }
        }
        #expect(checked >= 300)
    }
}
