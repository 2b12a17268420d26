import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Each op's schema is the one source of its attributes' defaults: for decoding, for candidates'
/// requests, and for README's op table.
@Suite("Op table")
struct OpTableTests {
    @Test("README's and docs/FIXTURES.md's op tables are the one the schema generates", arguments: ["README.md", "docs/FIXTURES.md"])
    func documentedTable(file: String) throws {
        let text = try String(contentsOf: Paths.repository.appendingPathComponent(file), encoding: .utf8)
        #expect(text.contains(OpTable.markdownTable + "\n"), "\(file)'s op table differs from the schema's; it should read:\n\(OpTable.markdownTable)")
    }

    @Test("a case without its optional attributes decodes as the same case with the defaults written out",
          arguments: OpTable.all.map(\.name))
    func defaultsDecodeAlike(op: String) throws {
        let entry = try #require(OpTable.entry(named: op))
        // Every committed TensorFlow case of the op, its defaulted attributes dropped.
        let set = try FixtureSet(directory: Paths.fixtures.appendingPathComponent(op))
        for fixture in set.manifest.cases {
            let filled = entry.filled(fixture.attrs)
            var bare = fixture
            bare.attrs = filled.filter { key, value in
                guard let spec = entry.attributes.first(where: { $0.name == key }) else { return true }
                return spec.defaultValue(given: filled) != value
            }
            func outputs(_ c: FixtureCase) throws -> [String: AnyTensor] {
                var context = CaseContext(fixtureCase: c, file: "(test)") { file, field throws(FixtureError) in
                    try set.tensor(file, caseID: c.id, field: field)
                }
                return try entry.prepare(&context).reference().outputs
            }
            let (a, b) = (Result { try outputs(fixture) }, Result { try outputs(bare) })
            switch (a, b) {
            // Compared as printed, so that NaNs (a float16 range past the largest value) compare equal.
            case let (.success(x), .success(y)): #expect(x.keys.sorted().map { "\(x[$0]!)" } == y.keys.sorted().map { "\(y[$0]!)" }, "\(fixture.id)")
            case (.failure, .failure): break
            default: Issue.record("\(fixture.id): decoded with its defaults written out \(a), without them \(b)")
            }
        }
    }

    @Test("a candidate receives every attribute the schema defaults, and nothing for a required one")
    func filledAttributes() {
        let filled = OpTable.filledAttributes("frame", [("frame_length", 4), ("frame_step", 2)])
        #expect(filled.map(\.0) == ["frame_length", "frame_step", "pad_end", "pad_value", "axis"])
        #expect(OpTable.filledAttributes("stateless_uniform", [("dtype", "int32")]).contains { $0.0 == "maxval" } == false)
        #expect(OpTable.filledAttributes("stateless_uniform", [("dtype", "float64")]).first { $0.0 == "maxval" }?.1 == 1)
    }

    @Test("every op has one descriptor, and everything the campaign runs on an op comes from it")
    func descriptors() {
        let names = OpTable.descriptors.map(\.name)
        #expect(Set(names).count == names.count && names == OpTable.names)
        for d in OpTable.descriptors {
            #expect(OpGenerator.all.first { $0.op == d.name }?.params.map(\.name) == d.generator.params.map(\.name), "\(d.name)")
            #expect(BoundaryClass.of(d.name).map(\.id) == d.boundaryClasses.map(\.id), "\(d.name)")
            // Its properties: the shared ones, then exactly its own laws.
            let own = d.properties.map(\.name).filter { !["optimized-vs-reference", "invalid-input-raises", Properties.otherVariantLaw,
                                                          "every-variant-vs-reference"].contains($0.split(separator: "/").last.map(String.init) ?? "") }
            #expect(own == d.laws.map(\.name), "\(d.name)")
        }
        #expect(OpTable.descriptors.allSatisfy { d in !d.benchmarks.isEmpty && d.benchmarks.allSatisfy { $0.op == d.name } })
        #expect(BuiltinSuite.cases.count == OpTable.descriptors.reduce(0) { $0 + $1.benchmarks.count })
        #expect(OpTable.descriptors.flatMap(\.departures).count == Departure.all.count)
        #expect(Set(OpTable.descriptors.flatMap { $0.refusals.map(\.id) }) == Set(KnownRefusal.all.map(\.id)))
    }
}
