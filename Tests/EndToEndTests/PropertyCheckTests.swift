import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// The property campaign gates regressions: the default campaign over every op passes and
/// reaches every path and boundary class. (Its strength, planted bug by planted bug: PlantedBugTests.)
@Suite("Property campaign")
struct PropertyCheckTests {
    /// `conform check` as a user runs it (the default seed and size, every case supervised, the
    /// shipped binary), once, shared by the tests that judge it: its lines and its JSON.
    static let defaultRun = Result { () throws -> (out: CLI.Output, json: JSONValue) in
        let file = Paths.temporary("check").appendingPathComponent("check.json")
        let out = try CLI.conform(["check", "--no-regressions", "--json", file.path])
        return (out, try JSONParser.parse([UInt8](Data(contentsOf: file))))
    }

    @Test("the default campaign over every op passes")
    func campaignPasses() throws {
        let (out, json) = try Self.defaultRun.get()
        let seed = Campaign.defaultSeed
        #expect(out.status == 0, "seed \(seed): \(out.lines.filter { $0.hasPrefix("REPRO") || $0.hasPrefix("FAIL") }.prefix(10))")
        #expect(json["seed"]?.description == "\(seed)")
        for op in json["ops"]?.array ?? [] {
            #expect(op["cases"]?.int == Campaign.defaultCases && (op["passed"]?.int ?? 0) >= 250, "seed \(seed): \(op)")
            #expect(op["failed"]?.int == 0 && op["mistrusted"]?.int == 0, "seed \(seed): \(op)")
        }
        #expect(json["ops"]?.array?.count == OpTable.names.count)
        #expect(json["unreached_classes"]?.array?.isEmpty == true, "seed \(seed): unreached boundary classes \(json["unreached_classes"] ?? .null)")
        #expect(json["boundary_classes"]?.array?.count == OpTable.names.flatMap { BoundaryClass.of($0) }.count)
    }

    @Test("the default campaign prints the path table and reaches every path")
    func reachesEveryPath() throws {
        let (out, json) = try Self.defaultRun.get()
        for path in KernelPath.allCases where path.availableOnHost {
            let row = out.lines.first { $0.hasPrefix(path.rawValue + " ") }
            let cases = row.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
            #expect((cases ?? 0) > 0, "\(path.rawValue): \(row ?? "no row")")
        }
        #expect(json["paths"]?.array?.count == KernelPath.allCases.count)
        #expect(json["unreached"]?.array?.isEmpty == true, "unreached: \(json["unreached"] ?? .null)")
    }

    @Test("every property is named once and every op has the differential and error properties")
    func propertyList() {
        let names = Properties.all.map(\.name)
        #expect(Set(names).count == names.count)
        for op in OpTable.names {
            #expect(names.contains("\(op)/optimized-vs-reference") && names.contains("\(op)/invalid-input-raises"), "\(op)")
            #expect(OpGenerator.all.contains { $0.op == op }, "\(op) has no generator")
        }
        #expect(Properties.all.count >= 2 * OpTable.names.count + 15)
    }

    @Test("the same seed gives the same campaign; shards partition it")
    func determinismAndShards() {
        let ops = ["conv2d", "frame"]
        let a = Campaign(seed: 7, casesPerOp: 30, ops: ops).run(), b = Campaign(seed: 7, casesPerOp: 30, ops: ops).run()
        #expect(a.summaries.map(\.passed) == b.summaries.map(\.passed) && a.summaries.map(\.discarded) == b.summaries.map(\.discarded))
        let shards = (0..<3).map { Campaign(seed: 7, casesPerOp: 30, ops: ops, shard: ($0, 3)).run() }
        for (o, _) in ops.enumerated() {
            #expect(shards.reduce(0) { $0 + $1.summaries[o].cases } == a.summaries[o].cases)
            #expect(shards.reduce(0) { $0 + $1.summaries[o].passed } == a.summaries[o].passed)
        }
    }

    @Test("the mistrusted guard flags all-zero and non-finite results")
    func mistrust() throws {
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], repeating: 0))) != nil)
        #expect(Properties.mistrust(.float32(try Tensor(shape: [3], scalars: [1, .nan, 2]))) != nil)
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], scalars: (0..<10).map(Float.init)))) == nil)
        // Elements that sum no product are 0 by definition: they neither count as weak nor hide weak ones.
        let none = Accumulated(zerosOfShape: [10], count: 10)
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], repeating: 0)), accumulated: none) == nil)
        var some = none
        for i in 0..<9 { some.add(0, to: i) }
        #expect(Properties.mistrust(.float32(try Tensor(shape: [10], repeating: 0)), accumulated: some) != nil)
    }

    @Test("a repro line replays exactly its case", arguments: ["conv2d", "extract_glimpse", "epoch_pairing"])
    func replay(op: String) throws {
        var rng = SplitMix64(seed: 99)
        let generator = try #require(OpGenerator.all.first { $0.op == op })
        let spec = try #require(generator.draw(&rng, size: 6, fill: .exact))
        let c = try #require(generator.build(spec))
        let failure = Campaign.Failure(property: "\(op)/optimized-vs-reference", op: op, caseIndex: 0, fill: .exact,
                                       originalElements: c.elementCount, shrunk: c, message: "", shrinkSteps: 0)
        #expect(try GeneratedCase(json: JSONParser.parse(failure.repro)["case"]!) == c)
        #expect(try Campaign.replay(failure.repro).verdict == .pass)
    }
}

@Suite("Generators")
struct GeneratorTests {
    @Test("map, flatMap and filter compose, from one seed, growing with size")
    func compose() {
        let pair = Gen<Int>.int(1...6).flatMap { n in Gen<Int>.int(0...n).map { (n, $0) } }
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
        for _ in 0..<100 {
            let (x, y) = (pair.run(&a, size: 1), pair.run(&b, size: 1))
            #expect(x == y && x.1 <= x.0 && (1...6).contains(x.0))
        }
        let even = Gen<Int>.int(0...1000).filter(tries: 50) { $0 % 2 == 0 }
        var rng = SplitMix64(seed: 6)
        #expect((0..<100).allSatisfy { _ in (even.run(&rng, size: 1) ?? 0) % 2 == 0 })
        #expect(Gen<Int>.int(0...10).filter(tries: 5) { $0 > 10 }.run(&rng, size: 1) == nil)
        let sized = Gen<Int>.sized(from: 1, scale: 1, cap: 100)
        #expect((0..<200).map { _ in sized.run(&rng, size: 1) }.max()! <= 2)
        #expect((0..<200).map { _ in sized.run(&rng, size: 50) }.max()! > 20)
    }

    @Test("every op's generator covers its edge values", arguments: OpGenerator.all.map(\.op))
    func coverage(op: String) throws {
        let generator = try #require(OpGenerator.all.first { $0.op == op })
        var rng = SplitMix64(seed: 11)
        var seen = [String: Set<Int>]()
        for k in 0..<400 {
            guard let spec = generator.draw(&rng, size: 1 + k % 24, fill: .random) else { continue }
            for (name, value) in spec.params { seen[name, default: []].insert(value) }
            #expect(generator.invalidCase(spec) != nil)
        }
        // Every parameter reaches its minimum (dims of 1, no padding, first layer...) and varies.
        for param in generator.params {
            #expect(seen[param.name]?.contains(param.minimum) == true, "\(op).\(param.name) never at its minimum \(param.minimum)")
            #expect((seen[param.name]?.count ?? 0) >= 2, "\(op).\(param.name) never varies")
        }
    }
}
