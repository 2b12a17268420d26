import Formats
import Foundation
import PropertyCheck
import Reference
import Report
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile input, seeded: generated cases of every op, mutated in every input channel (attributes,
/// tensors, shapes, dtypes, expected outputs), judged by the real `conform fixtures` in supervised
/// workers, so a trap is a `CRASH` line the test sees instead of the end of the test process.
@Suite("Hostile input fuzzing", .serialized)
struct HostileFuzzTests {
    static let seed: UInt64 = 0x0B5E_55ED_2026_1129
    static let cases = 10_000

    /// Values that break arithmetic that is not overflow-checked, or loops over virtual positions.
    static let extremes: [JSONValue] = [
        JSONValue(0), JSONValue(-1), JSONValue(1 << 31), JSONValue(1 << 40), JSONValue(1 << 62), JSONValue(Int.max), JSONValue(Int.min),
        .number("1.5"), .number("1e308"), .string("x"), .null, .array([]), .array([JSONValue(1 << 62), JSONValue(1 << 62)]),
        .array([.array([JSONValue(1 << 40), JSONValue(0)]), .array([JSONValue(0), JSONValue(Int.max)])]), .bool(true), .object([]),
    ]

    /// A tensor of `t`'s dtype with a hostile shape or hostile values.
    static func hostile(_ t: AnyTensor, _ rng: inout SplitMix64) -> AnyTensor {
        let rank = max(1, t.shape.count)
        switch rng.next() % 5 {
        case 0: // empty, with huge other extents
            return t.with(shape: [0] + Array(repeating: 1 << 20, count: min(rank, 3) - 1) + Array(repeating: 1, count: max(0, rank - 3)), values: [])
        case 1: // another rank
            return t.with(shape: [t.count], values: t.doubles)
        case 2 where t.dtype.isFloatingPoint: // non-finite values everywhere
            let special = [Double.nan, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude]
            return t.with(shape: t.shape, values: t.doubles.map { _ in special[Int(rng.next() % UInt64(special.count))] })
        case 3: // another dtype
            return t.dtype == .float32 ? .int64(try! Tensor(shape: t.shape, scalars: t.doubles.map { Int64($0.isFinite ? $0.rounded() : 0) }))
                                       : .float32(try! Tensor(shape: t.shape, scalars: t.doubles.map(Float.init)))
        default: // a scalar
            return t.with(shape: [], values: [t.count > 0 ? t.doubles[0] : 1])
        }
    }

    /// What a fuzzed case must come to.
    enum Expectation { case pass, notPass, anything }

    @Test("10 000 hostile cases over every op: no crash, no hang, memory within budget, correct verdicts (seed 0x0B5E55ED20261129)")
    func hostileFixtures() throws {
        let root = Paths.temporary("hostile")
        var expectations = [String: Expectation]()
        var sets = [(FixtureManifest, [String: AnyTensor])]()
        var manifest = FixtureManifest(cases: []), tensors = [String: AnyTensor]()
        for i in 0..<Self.cases {
            let generator = OpGenerator.all[i % OpGenerator.all.count]
            var rng = SplitMix64(seed: Self.seed ^ UInt64(i))
            guard let spec = generator.draw(&rng, size: 1 + i % 12, fill: i % 2 == 0 ? .random : .exact),
                  var c = generator.build(spec), let run = try? c.prepare().reference() else { continue }
            var expected = run.outputs
            let id = "fuzz-\(i)"
            var expectation = Expectation.anything
            let arithmetic = OpTable.entry(named: c.op)?.kind == .arithmetic
            switch rng.next() % 5 {
            case 0:
                expectation = .pass
            case 1 where arithmetic:
                // A non-finite input, the reference's (by-class) result, and one expected element planted wrong.
                guard let (index, (name, x)) = c.inputs.enumerated().first(where: { $0.element.1.count > 0 }) else { continue }
                var values = x.doubles
                values[Int(rng.next() % UInt64(values.count))] = [Double.infinity, -.infinity, .nan][Int(rng.next() % 3)]
                c.inputs[index] = (name, x.with(shape: x.shape, values: values))
                guard let out = try? c.prepare().reference().outputs["output"], out.count > 0 else { continue }
                var planted = out.doubles
                let k = Int(rng.next() % UInt64(planted.count))
                planted[k] = planted[k].isNaN ? 0 : (planted[k].isInfinite ? -planted[k] : .nan)
                expected = ["output": out.with(shape: out.shape, values: planted)]
                expectation = .notPass
            case 2 where !c.attrs.isEmpty:
                let a = Int(rng.next() % UInt64(c.attrs.count))
                c.attrs[a].1 = Self.extremes[Int(rng.next() % UInt64(Self.extremes.count))]
            case 3 where !c.inputs.isEmpty:
                let k = Int(rng.next() % UInt64(c.inputs.count))
                c.inputs[k].1 = Self.hostile(c.inputs[k].1, &rng)
            default:
                // A wrong expected shape: never a pass.
                guard let (name, out) = expected.first else { continue }
                expected[name] = out.with(shape: [out.count + 1], values: out.doubles + [1])
                expectation = .notPass
            }
            expectations[id] = expectation
            let prefix = "\(i)"
            manifest.cases.append(c.fixtureCase(id: id, prefix: prefix, outputs: expected.keys.sorted()))
            for (name, t) in c.inputs { tensors["\(prefix)-\(name).npy"] = t }
            for (name, t) in expected { tensors["\(prefix)-expected-\(name).npy"] = t }
            if manifest.cases.count == 500 {
                sets.append((manifest, tensors))
                (manifest, tensors) = (FixtureManifest(cases: []), [:])
            }
        }
        if !manifest.cases.isEmpty { sets.append((manifest, tensors)) }
        for (n, (m, t)) in sets.enumerated() { try FixtureSet.write(m, tensors: t, to: root.appendingPathComponent("set-\(n)")) }
        // The file channels too: damaged .npy bytes (one input file in ten) and damaged manifests
        // (copies of the first set), through the same mutations as the reader fuzz.
        var damage = SplitMix64(seed: Self.seed ^ 0xF11E)
        for (n, (m, _)) in sets.enumerated() {
            for c in m.cases where damage.next() % 10 == 0 {
                guard let file = c.inputs.first?.1 else { continue }
                let url = root.appendingPathComponent("set-\(n)/\(file)")
                let bytes = [UInt8](try Data(contentsOf: url))
                try Data(ByteMutations.mutate(bytes, &damage, headerEdits: ByteMutations.npyEdits)).write(to: url)
                expectations[c.id] = .anything
            }
        }
        let manifestEdits: [(String, String)] = [("\"op\"", "\"op\": 1, \"x\""), ("[", "[["), ("\"attrs\"", "\"attrs\":{}, \"attrs\""),
                                                 ("conform-fixtures/1", "conform-fixtures/2"), ("\"id\"", "\"id\": null, \"y\"")]
        let firstManifest = [UInt8](try Data(contentsOf: root.appendingPathComponent("set-0/manifest.json")))
        for k in 0..<20 {
            let folder = root.appendingPathComponent("damaged-\(k)")
            try FileManager.default.copyItem(at: root.appendingPathComponent("set-0"), to: folder)
            try Data(ByteMutations.mutate(firstManifest, &damage, headerEdits: manifestEdits)).write(to: folder.appendingPathComponent("manifest.json"))
        }
        #expect(expectations.count >= 9_000, "only \(expectations.count) cases were built")

        let start = Date()
        let out = try CLI.conform(["fixtures", "--case-timeout", "60", root.path])
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let peakMiB = Int(usage.ru_maxrss) / 1024
        print("HOSTILE \(expectations.count) cases in \(Int(seconds)) s, largest resident set of a child \(peakMiB) MiB, exit \(out.status)")

        #expect(out.status == 1 || out.status == 2)
        let crashes = out.lines.filter { $0.hasPrefix("CRASH") }
        #expect(crashes.isEmpty, "seed \(Self.seed): \(crashes.prefix(5).joined(separator: "\n"))")
        // The run (and its workers) stayed within the default 1 GiB budget, with room for the binary itself.
        #expect(peakMiB < 1024 + 256, "peak \(peakMiB) MiB")
        var flagged = [String: Int]()
        for line in out.lines where line.hasPrefix("FAIL ") || line.hasPrefix("ERROR ") || line.hasPrefix("CRASH ") {
            // Damaged copies of set-0 repeat its ids; their verdicts are not set-0's.
            if line.contains("damaged-") { continue }
            let id = line.split(separator: " ")[1].split(separator: ":")[0]
            flagged[String(id), default: 0] += 1
        }
        let kinds = expectations.values.reduce(into: [String: Int]()) { $0["\($1)", default: 0] += 1 }
        print("HOSTILE verdicts: \(kinds), \(flagged.count) cases refused or failed, closing line: \(out.lines.last ?? "")")
        for (id, expectation) in expectations.sorted(by: { $0.key < $1.key }) {
            switch expectation {
            case .pass: #expect(flagged[id] == nil, "seed \(Self.seed): \(id) should pass: \(out.lines.filter { $0.contains(id + " ") }.prefix(2))")
            case .notPass: #expect(flagged[id] != nil, "seed \(Self.seed): \(id) has a planted wrong expected value and passed")
            case .anything: break
            }
        }
    }

    @Test("1 000 mutated repro lines: replay refuses or judges each, never crashes")
    func hostileRepros() throws {
        var rng = SplitMix64(seed: Self.seed ^ 0xABCD)
        var refused = 0
        for i in 0..<1_000 {
            let generator = OpGenerator.all[i % OpGenerator.all.count]
            guard let spec = generator.draw(&rng, size: 3, fill: .exact), var c = generator.build(spec) else { continue }
            var property = "\(generator.op)/optimized-vs-reference"
            switch rng.next() % 4 {
            case 0 where !c.attrs.isEmpty: c.attrs[Int(rng.next() % UInt64(c.attrs.count))].1 = Self.extremes[Int(rng.next() % UInt64(Self.extremes.count))]
            case 1 where !c.inputs.isEmpty:
                let k = Int(rng.next() % UInt64(c.inputs.count))
                c.inputs[k].1 = Self.hostile(c.inputs[k].1, &rng)
            case 2: property = Properties.all[Int(rng.next() % UInt64(Properties.all.count))].name
            default: break
            }
            var repro = Campaign.Failure(property: property, op: c.op, caseIndex: 0, fill: .exact, originalElements: 0, shrunk: c,
                                         message: "", shrinkSteps: 0).repro
            if rng.next() % 4 == 0 {
                // Byte-level damage too.
                var bytes = Array(repro.utf8)
                bytes[Int(rng.next() % UInt64(bytes.count))] = [UInt8(ascii: "\""), UInt8(ascii: "9"), UInt8(ascii: "]"), UInt8(ascii: "-")][Int(rng.next() % 4)]
                repro = String(decoding: bytes, as: UTF8.self)
            }
            do { _ = try Campaign.replay(repro) } catch { refused += 1 }
        }
        #expect(refused > 0)
    }

    @Test("500 mutated 'conform check --json' files: report --merge merges or refuses each with a typed error")
    func hostileMerges() throws {
        let folder = Paths.temporary("merge")
        let valid = #"""
        {"format": "conform-check/1", "seed": 7, "shard": "0/2", "cases_per_op": 10,
         "ops": [{"op": "frame", "cases": 10, "passed": 9, "failed": 1, "mistrusted": 0, "discarded": 0, "seconds": 0.5}],
         "failures": [{"property": "frame/optimized-vs-reference", "op": "frame", "case": 3, "shrunk_elements": 2, "repro": "<script>x</script>"}],
         "paths": [{"path": "frame/inside", "cases": 9, "failures": 1, "available": true}]}
        """#
        let edits: [(String, String)] = [("10,", "9223372036854775807,"), ("9,", "-9223372036854775808,"), ("0.5", "1e999"),
                                         (#""ops""#, #""ops": 5, "x""#), ("conform-check/1", "conform-check/2"), ("[", "[[[["),
                                         (#""cases": 9"#, #""cases": "nine""#), ("2,", "4611686018427387904,")]
        var rng = SplitMix64(seed: Self.seed ^ 0x3E63)
        var (merged, refused) = (0, 0)
        for i in 0..<500 {
            let file = folder.appendingPathComponent("\(i).json"), other = folder.appendingPathComponent("\(i)-other.json")
            let mutated = ByteMutations.mutate(Array(valid.utf8), &rng, headerEdits: edits)
            try Data(mutated).write(to: file)
            // The same file as the campaign's other shard: the two make a whole unless the mutation broke that.
            try Data(String(decoding: mutated, as: UTF8.self).replacingOccurrences(of: "\"0/2\"", with: "\"1/2\"").utf8).write(to: other)
            do {
                let result = try ReportData.merge([file, other])
                for line in result.lines { #expect(line.cases >= 0 && line.cases <= 1 << 41, "\(i): \(line)") }
                merged += 1
            } catch let error as FixtureError {
                // A refusal names the file and the field it could not use.
                #expect(!error.field.isEmpty && "\(error)".contains(file.lastPathComponent), "\(i): \(error)")
                refused += 1
            } catch { Issue.record("\(i): an untyped \(error)") }
        }
        #expect(merged > 0 && refused > 0, "merged \(merged), refused \(refused)")
    }

    @Test("command lines with hostile numbers: an ERROR line and exit 2, never a crash")
    func hostileArguments() throws {
        let numbers = ["-1", "0", "9223372036854775807", "-9223372036854775808", "1e999", "nan", "abc", "99999999999999999999"]
        var rng = SplitMix64(seed: Self.seed ^ 0xA5A5)
        let commands: [(String, [String])] = [
            ("check", ["--cases", "--max-size", "--threads", "--stop-after", "--time-budget", "--case-timeout", "--shard", "--seed", "--max-memory"]),
            ("explain", ["--filters", "--stride", "--dilation", "--groups", "--multiplier", "--length", "--rate", "--batch"]),
            ("bench", ["--threads", "--min-time", "--min-runs", "--max-memory"]),
            ("fixtures", ["--threads", "--case-timeout", "--max-memory"]),
        ]
        for _ in 0..<60 {
            let (command, options) = commands[Int(rng.next() % UInt64(commands.count))]
            let option = options[Int(rng.next() % UInt64(options.count))]
            let value = numbers[Int(rng.next() % UInt64(numbers.count))]
            var arguments = [command, option, value]
            if command == "explain" { arguments.insert(contentsOf: ["conv2d", "--input", "8x8x4"], at: 1) }
            if command == "fixtures" { arguments.append(Paths.fixtures.appendingPathComponent("frame").path) }
            if command == "bench" { arguments += ["--filter", "no-such-case"] }
            let out = try CLI.conform(arguments)
            #expect(out.status == 2 || out.status == 0 || out.status == 1, "\(arguments): exit \(out.status)")
            // A refusal is one ERROR line that names the option it refuses.
            if out.status == 2 {
                #expect(out.lines.first?.hasPrefix("ERROR ") == true && out.lines.first?.contains(option) == true, "\(arguments): \(out.lines.prefix(2))")
            }
        }
    }
}
