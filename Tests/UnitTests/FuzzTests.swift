import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Seeded mutations of valid `.npy` and manifest files: each one parses or raises a typed
/// error; none crashes, and none allocates more than its bytes describe.
@Suite("Reader fuzzing")
struct FuzzTests {
    static let seed: UInt64 = 0xC0FF_EE00_2026_1129

    @Test("10 000 mutated .npy files parse or raise NPYError")
    func npy() throws {
        let valid = try [AnyTensor.float32(Tensor(shape: [3, 5], scalars: (0..<15).map(Float.init))),
                         .int64(Tensor(shape: [3, 5], scalars: (0..<15).map(Int64.init))),
                         .float16(Tensor(shape: [3, 5], repeating: 1)), .bool(Tensor(shape: [3, 5], repeating: true))]
            .map { NPY.encode($0) }
        var rng = SplitMix64(seed: Self.seed)
        var (parsed, rejected) = (0, 0)
        for iteration in 0..<10_000 {
            let input = ByteMutations.mutate(valid[iteration % valid.count], &rng, headerEdits: ByteMutations.npyEdits)
            do {
                let t = try NPY.decode(input)
                // Whatever parsed is no larger than the bytes that describe it.
                #expect(t.count * t.dtype.byteWidth <= input.count, "seed \(Self.seed), iteration \(iteration)")
                parsed += 1
            } catch {
                #expect(!error.description.isEmpty)
                rejected += 1
            }
        }
        #expect(parsed > 100 && rejected > 1000, "seed \(Self.seed): \(parsed) parsed, \(rejected) rejected")
    }

    static let manifestEdits: [(String, String)] = [
        ("\"conv2d\"", "\"conv9d\""), ("\"VALID\"", "\"valid\""), ("[1, 1]", "[1, 0]"), ("[1, 1]", "[1e400, 1]"),
        ("[1, 1]", "\"1\""), ("\"x.npy\"", "\"../x.npy\""), ("\"x.npy\"", "\"/x.npy\""), ("\"strides\"", "\"stride\""),
        ("\"input\"", "\"inputz\""), ("{", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["),
        ("conform-fixtures/1", "conform-fixtures/2"), ("\"id\"", "\"id\": 1, \"x\""), ("1, 1", "99999999999999999999, 1"),
        (": [", ": [-"), ("\"f.npy\"", "null"), ("true", "tru"),
    ]

    @Test("10 000 mutated manifests parse or raise FixtureError; 300 of them run end to end")
    func manifests() throws {
        let (json, tensors) = ErrorTests.validCase()
        let text = Array(ErrorTests.manifest([json]).utf8)
        var rng = SplitMix64(seed: Self.seed ^ 0x5EED)
        var (parsed, rejected) = (0, 0)
        for iteration in 0..<10_000 {
            let input = ByteMutations.mutate(text, &rng, headerEdits: Self.manifestEdits)
            do throws(FixtureError) {
                _ = try FixtureManifest(bytes: input, file: "fuzz-\(iteration).json")
                parsed += 1
            } catch {
                #expect(error.file == "fuzz-\(iteration).json", "seed \(Self.seed ^ 0x5EED), iteration \(iteration)")
                rejected += 1
            }
        }
        #expect(parsed > 100 && rejected > 1000, "\(parsed) parsed, \(rejected) rejected")

        // End to end: the mutated manifest next to valid and mutated tensors, through the op table.
        let dir = Paths.temporary("fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        for iteration in 0..<300 {
            try Data(ByteMutations.mutate(text, &rng, headerEdits: Self.manifestEdits)).write(to: dir.appendingPathComponent("manifest.json"))
            for (name, tensor) in tensors {
                let bytes = NPY.encode(tensor)
                try Data(iteration % 3 == 0 ? ByteMutations.mutate(bytes, &rng, headerEdits: ByteMutations.npyEdits) : bytes)
                    .write(to: dir.appendingPathComponent(name))
            }
            let run = FixtureRunner().run(directories: [dir])
            #expect(run.results.count + run.unusableSets.count >= 1, "seed \(Self.seed ^ 0x5EED), run \(iteration)")
        }
    }

    @Test("JSON nesting deeper than the limit is an error, not a stack overflow")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
    }
}
