import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Bad input of every kind ends as a typed error naming the file, the case, the field, and
/// expected vs actual, never as a crash.
@Suite("Errors on bad input")
struct ErrorTests {
    /// A valid conv2d case: `input [1,4,4,2]`, `filters [2,2,2,3]`, VALID.
    static func validCase() -> (JSONValue, [String: AnyTensor]) {
        let x = try! Tensor<Float>(shape: [1, 4, 4, 2], scalars: (0..<32).map { Float($0) / 8 })
        let f = try! Tensor<Float>(shape: [2, 2, 2, 3], scalars: (0..<24).map { Float($0) / 4 - 3 })
        let out = try! Reference.conv2d(x, f, Conv2DAttributes())
        let json = try! JSONParser.parse("""
            {"id": "conv2d/valid", "op": "conv2d", "attrs": {"strides": [1, 1], "padding": "VALID", "dilations": [1, 1]},
             "inputs": {"input": "x.npy", "filters": "f.npy"}, "outputs": {"output": "y.npy"}}
            """)
        return (json, ["x.npy": .float32(x), "f.npy": .float32(f), "y.npy": .float32(out)])
    }

    /// Writes a one-set fixture folder with the given manifest text and files; returns the folder.
    static func folder(manifest: String, files: [String: [UInt8]]) throws -> URL {
        let dir = Paths.temporary()
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    static func manifest(_ cases: [JSONValue]) -> String {
        JSONValue.object([("format", .string(FixtureManifest.format)), ("cases", .array(cases))]).serialized()
    }

    /// Runs one case (edited by `edit`) and returns the error that made it unusable.
    static func error(editing edit: (inout [(String, JSONValue)]) -> Void = { _ in },
                      files editFiles: (inout [String: [UInt8]]) -> Void = { _ in }) throws -> FixtureError? {
        let (json, tensors) = validCase()
        var entries = json.object!
        edit(&entries)
        var files = tensors.mapValues { NPY.encode($0) }
        editFiles(&files)
        let dir = try folder(manifest: manifest([.object(entries)]), files: files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = FixtureRunner().run(directories: [dir])
        if let e = run.unusableSets.first { return e }
        for result in run.results { if case let .unusable(e) = result.verdict { return e } }
        return nil
    }

    static func set(_ entries: inout [(String, JSONValue)], _ key: String, _ value: JSONValue?) {
        entries.removeAll { $0.0 == key }
        if let value { entries.append((key, value)) }
    }

    static func setAttr(_ entries: inout [(String, JSONValue)], _ key: String, _ value: JSONValue?) {
        var attrs = entries.first { $0.0 == "attrs" }!.1.object!
        attrs.removeAll { $0.0 == key }
        if let value { attrs.append((key, value)) }
        set(&entries, "attrs", .object(attrs))
    }

    @Test("the valid case passes, so the errors below come from the edits")
    func baseline() throws {
        #expect(try Self.error() == nil)
    }

    @Test("malformed JSON names the line and column")
    func malformedJSON() throws {
        let dir = try Self.folder(manifest: "{\"format\": \"conform-fixtures/1\",\n \"cases\": [1, }", files: [:])
        let run = FixtureRunner().run(directories: [dir])
        let e = try #require(run.unusableSets.first)
        #expect(e.kind == .malformedJSON)
        #expect(e.description.contains("manifest.json"))
        #expect(e.field == "(2:15)")
        #expect(run.exitCode == 2)
    }

    @Test("a wrong format string is refused")
    func wrongFormat() throws {
        let dir = try Self.folder(manifest: #"{"format": "conform-fixtures/9", "cases": []}"#, files: [:])
        let e = try #require(FixtureRunner().run(directories: [dir]).unusableSets.first)
        #expect(e.kind == .unsupportedFormat)
        #expect(e.actual == "\"conform-fixtures/9\"")
    }

    @Test("an unknown op is named")
    func unknownOp() throws {
        let e = try #require(try Self.error { Self.set(&$0, "op", .string("conv3d")) })
        #expect(e.kind == .unknownOp)
        #expect(e.caseID == "conv2d/valid")
        #expect(e.actual == "\"conv3d\"")
        #expect(e.description.contains("conv3d"))
    }

    @Test("a duplicate case id is refused")
    func duplicateID() throws {
        let (json, tensors) = Self.validCase()
        let dir = try Self.folder(manifest: Self.manifest([json, json]), files: tensors.mapValues { NPY.encode($0) })
        let e = try #require(FixtureRunner().run(directories: [dir]).unusableSets.first)
        #expect(e.kind == .duplicateID)
        #expect(e.field == "cases[1].id")
    }

    @Test("missing, extra and mistyped attributes name the case and the field")
    func attributes() throws {
        let extra = try #require(try Self.error { Self.setAttr(&$0, "bogus", .bool(true)) })
        #expect(extra.kind == .unexpectedField && extra.field == "attrs.bogus" && extra.caseID == "conv2d/valid")
        let missing = try #require(try Self.error { Self.setAttr(&$0, "padding", nil) })
        #expect(missing.kind == .missingField && missing.field == "attrs.padding")
        let mistyped = try #require(try Self.error { Self.setAttr(&$0, "strides", .string("2")) })
        #expect(mistyped.kind == .wrongType && mistyped.field == "attrs.strides" && mistyped.actual == "\"2\"")
        let badPadding = try #require(try Self.error { Self.setAttr(&$0, "padding", .string("CAUSAL")) })
        #expect(badPadding.field == "attrs.padding" && badPadding.actual == "\"CAUSAL\"")
        let badElement = try #require(try Self.error { Self.setAttr(&$0, "dilations", .array([JSONValue(1), .number("1.5")])) })
        #expect(badElement.kind == .wrongType && badElement.field == "attrs.dilations[1]")
    }

    @Test("missing, extra and mistyped inputs name the case and the field")
    func inputs() throws {
        let missing = try #require(try Self.error { Self.set(&$0, "inputs", .object([("input", .string("x.npy"))])) })
        #expect(missing.kind == .missingField && missing.field == "inputs.filters")
        let extra = try #require(try Self.error {
            Self.set(&$0, "inputs", .object([("input", .string("x.npy")), ("filters", .string("f.npy")), ("bias", .string("f.npy"))]))
        })
        #expect(extra.kind == .unexpectedField && extra.field == "inputs.bias")
        let mistyped = try #require(try Self.error(files: {
            $0["f.npy"] = NPY.encode(.int32(try! Tensor(shape: [2, 2, 2, 3], repeating: 1)))
        }))
        #expect(mistyped.kind == .wrongType && mistyped.field == "inputs.filters")
        #expect(mistyped.expected == "dtype <f4 like inputs.input" && mistyped.actual == "<i4")
        let notAString = try #require(try Self.error { Self.set(&$0, "outputs", .object([("output", JSONValue(3))])) })
        #expect(notAString.kind == .wrongType && notAString.field == "outputs.output")
    }

    @Test("paths that leave the folder are refused", arguments: ["../x.npy", "/etc/passwd", "a/../../x.npy", "~/x.npy", ""])
    func escapingPaths(path: String) throws {
        let e = try #require(try Self.error { Self.set(&$0, "inputs", .object([("input", .string(path)), ("filters", .string("f.npy"))])) })
        #expect(e.kind == .pathEscapes)
        #expect(e.field == "inputs.input")
    }

    @Test("a missing .npy file is named")
    func missingFile() throws {
        let e = try #require(try Self.error(files: { $0["f.npy"] = nil }))
        #expect(e.kind == .io && e.file.hasSuffix("f.npy") && e.actual == "no such file")
    }

    static func npyError(_ mutate: (inout [UInt8]) -> Void) throws -> FixtureError? {
        try error(files: { mutate(&$0["x.npy"]!) })
    }

    @Test("truncated, corrupt, unsupported and inconsistent .npy files are typed errors")
    func npyFiles() throws {
        let truncated = try #require(try Self.npyError { $0.removeLast(5) })
        #expect(truncated.kind == .badNPY && truncated.npyKind == .truncated && truncated.caseID == "conv2d/valid")
        #expect(truncated.expected.contains("128 bytes") && truncated.actual == "123 bytes")
        let header = try #require(try Self.npyError { $0.removeLast($0.count - 20) })
        #expect(header.npyKind == .truncated)
        let corrupt = try #require(try Self.npyError { $0[1] = 0x41 })
        #expect(corrupt.npyKind == .notNPY && corrupt.field.hasPrefix("inputs.input"))
        let version = try #require(try Self.npyError { $0[6] = 4 })
        #expect(version.npyKind == .unsupportedVersion && version.actual == "4.0")
        let dtype = try #require(try Self.npyError { Self.replace(&$0, "<f4", "<u2") })
        #expect(dtype.npyKind == .unsupportedDType && dtype.actual == "'<u2'")
        // Fortran order is a layout NumPy writes, not an error: the same bytes read column-major.
        #expect(try Self.npyError { Self.replace(&$0, "False", "True ") } == nil)
        let size = try #require(try Self.npyError { $0 += [0, 0, 0, 0] })
        #expect(size.npyKind == .sizeMismatch && size.actual == "132 bytes")
        let shape = try #require(try Self.npyError { Self.replace(&$0, "(1, 4, 4, 2)", "(1, 4, 4, 9)") })
        #expect(shape.npyKind == .truncated)
        let garbage = try #require(try Self.npyError { Self.replace(&$0, "'shape'", "'shapf'") })
        #expect(garbage.npyKind == .malformedHeader)
    }

    static func replace(_ bytes: inout [UInt8], _ old: String, _ new: String) {
        let (o, n) = (Array(old.utf8), Array(new.utf8))
        for i in 0...(bytes.count - o.count) where Array(bytes[i..<i + o.count]) == o {
            bytes.replaceSubrange(i..<i + o.count, with: n)
            return
        }
        Issue.record("\(old) not found")
    }

    /// Runs one hand-made case and returns its error.
    static func opError(_ caseJSON: String, _ tensors: [String: AnyTensor]) throws -> FixtureError? {
        let dir = try folder(manifest: manifest([try JSONParser.parse(caseJSON)]), files: tensors.mapValues { NPY.encode($0) })
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = FixtureRunner().run(directories: [dir])
        for result in run.results { if case let .unusable(e) = result.verdict { return e } }
        return run.unusableSets.first
    }

    static func floats(_ shape: [Int]) -> AnyTensor {
        .float32(try! Tensor(shape: shape, repeating: 1))
    }

    static func conv(_ attrs: String, x: [Int], f: [Int]) throws -> FixtureError? {
        try opError(#"{"id": "c", "op": "conv2d", "attrs": \#(attrs), "inputs": {"input": "x.npy", "filters": "f.npy"}, "outputs": {"output": "x.npy"}}"#,
                    ["x.npy": floats(x), "f.npy": floats(f)])
    }

    @Test("inputs inconsistent with their op name the field, expected and actual")
    func inconsistentInputs() throws {
        let groups = try #require(try Self.conv(#"{"padding": "VALID"}"#, x: [1, 4, 4, 5], f: [2, 2, 2, 4]))
        #expect(groups.kind == .invalidInput && groups.field == "filters.shape[2]" && groups.actual.hasPrefix("2"))
        #expect(groups.expected == "a divisor of the input channels 5")
        let coutGroups = try #require(try Self.conv(#"{"padding": "VALID"}"#, x: [1, 4, 4, 4], f: [2, 2, 2, 3]))
        #expect(coutGroups.field == "filters.shape[3]")
        // TensorFlow's output size (3 − 5 + 1) / 1 is negative (a kernel of 4 would give an empty output).
        let tooBig = try #require(try Self.conv(#"{"padding": "VALID"}"#, x: [1, 3, 9, 1], f: [5, 2, 1, 1]))
        #expect(tooBig.field == "input size along 0" && tooBig.actual.hasPrefix("3"))
        let stride = try #require(try Self.conv(#"{"padding": "SAME", "strides": [1, 0]}"#, x: [1, 3, 3, 1], f: [1, 1, 1, 1]))
        #expect(stride.field == "strides[1]" && stride.actual.hasPrefix("0"))
        let dilation = try #require(try Self.conv(#"{"padding": "SAME", "dilations": [-1, 1]}"#, x: [1, 3, 3, 1], f: [1, 1, 1, 1]))
        #expect(dilation.field == "dilations[0]")
        let rank = try #require(try Self.conv(#"{"padding": "SAME"}"#, x: [3, 3, 1], f: [1, 1, 1, 1]))
        #expect(rank.field == "input" && rank.actual == "shape [3, 3, 1] (conv2d)")
        let negativePad = try #require(try Self.conv(#"{"padding": [[0, -1], [0, 0]]}"#, x: [1, 3, 3, 1], f: [1, 1, 1, 1]))
        #expect(negativePad.field == "padding[0]")

        let at = try #require(try Self.opError(
            #"{"id": "a", "op": "conv2d_at", "attrs": {"row": 5, "col": 0}, "inputs": {"input": "x.npy", "kernel": "k.npy"}, "outputs": {"output": "x.npy"}}"#,
            ["x.npy": Self.floats([5, 5]), "k.npy": Self.floats([3, 3])]))
        #expect(at.field == "row" && at.expected == "0 ≤ row < 5" && at.actual.hasPrefix("5"))

        let glimpse = try #require(try Self.opError(
            #"{"id": "g", "op": "extract_glimpse", "attrs": {"size": [2, -1]}, "inputs": {"input": "x.npy", "offsets": "o.npy"}, "outputs": {"output": "x.npy"}}"#,
            ["x.npy": Self.floats([1, 4, 4, 1]), "o.npy": Self.floats([1, 2])]))
        #expect(glimpse.field == "size[1]")

        let window = try #require(try Self.opError(
            #"{"id": "w", "op": "timeseries_windows", "attrs": {"sequence_length": 2, "end_index": 10}, "inputs": {"data": "x.npy"}, "outputs": {"windows": "x.npy"}}"#,
            ["x.npy": Self.floats([10, 2])]))
        #expect(window.field == "end_index" && window.actual.hasPrefix("10"))

        let splits = AnyTensor.int64(try Tensor(shape: [4], scalars: [0, 2, 2, 3]))
        let candidates = AnyTensor.int64(try Tensor(shape: [3], scalars: [7, 8, 9]))
        let pairing = try #require(try Self.opError(
            #"{"id": "p", "op": "epoch_pairing", "attrs": {"seed": 1, "epochs": 2}, "inputs": {"row_splits": "s.npy", "candidates": "c.npy"}, "outputs": {"pairs": "s.npy"}}"#,
            ["s.npy": splits, "c.npy": candidates]))
        #expect(pairing.field == "row_splits[1...2]" && pairing.expected == "row 1 with at least one candidate")

        let rng = try #require(try Self.opError(
            #"{"id": "r", "op": "stateless_uniform", "attrs": {"shape": [3], "seed": [1, 2], "dtype": "int32"}, "outputs": {"output": "x.npy"}}"#,
            ["x.npy": Self.floats([3])]))
        #expect(rng.field == "maxval")

        let frame = try #require(try Self.opError(
            #"{"id": "f", "op": "frame", "attrs": {"frame_length": 0, "frame_step": 1}, "inputs": {"signal": "x.npy"}, "outputs": {"output": "x.npy"}}"#,
            ["x.npy": Self.floats([10])]))
        #expect(frame.field == "frame_length")

        let layer = try #require(try Self.opError(
            #"{"id": "k", "op": "count_params", "attrs": {"layer": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "input_shape": [9, 9, 3]}, "outputs": {"trainable": "x.npy", "non_trainable": "x.npy", "output_shape": "x.npy"}}"#,
            ["x.npy": Self.floats([1])]))
        #expect(layer.field == "strides" && layer.expected.contains("dilation_rate"))
    }
}

/// Absurd sizes are refused before anything is allocated or any index overflows.
@Suite("Errors on absurd sizes")
struct AbsurdSizeTests {
    @Test("a padding, glimpse, frame or RNG shape too large to allocate is an OpError")
    func tooLarge() throws {
        let x = try Tensor<Float>(shape: [1, 2, 2, 1], repeating: 1), f = try Tensor<Float>(shape: [1, 1, 1, 1], repeating: 1)
        let pad = Conv2DAttributes(padding: .explicit([PadPair(0, 1 << 40), PadPair(0, 1 << 40)]))
        #expect(throws: OpError(op: "conv2d", field: "output", expected: "at most \(Validator.maxOutputElements) elements",
                                actual: "shape [1, \((1 << 40) + 2), \((1 << 40) + 2), 1]")) { try Reference.conv2d(x, f, pad) }
        let stride = Conv2DAttributes(strides: [Int.max, 1], padding: .same)
        #expect(throws: OpError.self) { try Reference.conv2d(x, f, stride) }
        let offsets = try Tensor<Float>(shape: [1, 2], repeating: 0)
        #expect(throws: OpError.self) { try Reference.extractGlimpse(x, offsets, GlimpseAttributes(size: [100_000, 100_000])) }
        let signal = try Tensor<Float>(shape: [4], repeating: 1)
        #expect(throws: OpError.self) {
            try Reference.frame(signal, FrameAttributes(frameLength: 2, frameStep: Int.max, padEnd: true), padValue: 0)
        }
        #expect(throws: OpError.self) { try Reference.statelessUniform(StatelessUniformAttributes(shape: [1 << 20, 1 << 20], seed: [1, 2])) }
    }

    @Test("Keras configurations whose counts overflow are OpErrors")
    func kerasOverflow() {
        #expect(throws: OpError.self) { try Reference.countParams(.dense(units: 1 << 41, useBias: true), inputShape: [3]) }
        #expect(throws: OpError.self) { try Reference.countParams(.embedding(inputDim: 1 << 40, outputDim: 1 << 40), inputShape: [3]) }
        #expect(throws: OpError.self) { try Reference.countParams(.flatten, inputShape: [1 << 40, 1 << 40]) }
    }
}
