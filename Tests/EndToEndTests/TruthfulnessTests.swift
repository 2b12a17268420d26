import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Every input TensorFlow users have: any `.npy` layout, every Keras config key, quirk cases.
@Suite("Truthful on every input")
struct TruthfulnessTests {
    /// A copy of committed sets with every tensor rewritten by `encode`.
    static func recoded(_ sets: [String], _ encode: (AnyTensor, Int) -> [UInt8]) throws -> URL {
        let root = Paths.temporary("recoded")
        for name in sets {
            let source = Paths.fixtures.appendingPathComponent(name), target = root.appendingPathComponent(name)
            try FileManager.default.copyItem(at: source, to: target)
            let files = try FileManager.default.contentsOfDirectory(atPath: target.path).filter { $0.hasSuffix(".npy") }.sorted()
            for (k, file) in files.enumerated() {
                let url = target.appendingPathComponent(file)
                try Data(encode(try NPY.decode([UInt8](Data(contentsOf: url))), k)).write(to: url)
            }
        }
        return root
    }

    @Test("a Fortran-order, big-endian copy of committed sets passes like the original")
    func otherLayouts() throws {
        let sets = ["conv2d", "frame", "timeseries_windows", "extract_glimpse"]
        let root = try Self.recoded(sets) { t, k in NPY.encode(t, fortranOrder: k % 3 != 1, bigEndian: k % 3 != 0) }
        let out = try CLI.conform(["fixtures", root.path])
        let cases = try sets.map { try FixtureSet(directory: Paths.fixtures.appendingPathComponent($0)).manifest.cases.count }.reduce(0, +)
        #expect(out.status == 0, "\(out.lines.prefix(3))")
        #expect(out.lines.last == "\(2 * cases) passed, 0 failed")
        // The reader really saw the other layouts: a Fortran-order file decodes to the C-order tensor.
        let t = AnyTensor.float32(try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init)))
        #expect(try NPY.decode(NPY.encode(t, fortranOrder: true)) == t)
        #expect(try NPY.decode(NPY.encode(t, bigEndian: true)) == t)
        #expect(NPY.encode(t, fortranOrder: true) != NPY.encode(t))
    }

    @Test("conform fixtures on the repository's fixtures folder: every set below it, quirk cases included, exit 0")
    func wholeFolder() throws {
        let out = try CLI.conform(["fixtures", Paths.repository.appendingPathComponent("fixtures").path])
        #expect(out.status == 0, "\(out.lines.suffix(4))")
        #expect(out.lines.dropLast().last?.hasPrefix("checked ") == true)
        let one = try CLI.conform(["fixtures", Paths.fixtures.appendingPathComponent("frame/manifest.json").path])
        #expect(one.status == 0 && one.lines.last?.hasSuffix("passed, 0 failed") == true)
    }

    @Test("an unknown Keras config key is an ERROR naming it, exit 2")
    func unknownConfigKey() throws {
        let dir = try CLI.copy(set: "count_params")
        let url = dir.appendingPathComponent("manifest.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        let range = try #require(text.range(of: "\"config\": {"))
        text.replaceSubrange(range, with: "\"config\": {\"made_up_key\": 3, ")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let out = try CLI.conform(["fixtures", dir.path])
        #expect(out.status == 2)
        #expect(out.lines.contains { $0.hasPrefix("ERROR ") && $0.contains("attrs.config.made_up_key") }, "\(out.lines.prefix(2))")
    }

    @Test("a departing case fails naming its quirk once TensorFlow computes the definition; an unknown quirk is an ERROR")
    func departures() throws {
        let dir = Paths.temporary("quirks").appendingPathComponent("quirks")
        try FileManager.default.copyItem(at: Paths.repository.appendingPathComponent("fixtures/quirks"), to: dir)
        let clean = try CLI.conform(["fixtures", dir.path])
        #expect(clean.status == 0, "\(clean.lines)")
        // A re-export from a TensorFlow that stopped departing: the recorded output is the definition.
        let set = try FixtureSet(directory: dir)
        let c = try #require(set.manifest.cases.first { $0.departs == "depthwise-stride-dilation" })
        let run = try #require(try? FixtureRunner().judge(c, in: set).first)
        #expect(run.passed)
        var context = CaseContext(fixtureCase: c, file: set.manifestPath) { name, field throws(FixtureError) in
            try set.tensor(name, caseID: c.id, field: field)
        }
        // The first rows and columns of the stride-1 dilated output depart too, but not the way
        // TensorFlow's space-to-batch route does (rows 0, 1, 4): the quirk's model must tell them apart.
        let file = { (key: String) in c.inputs.first { $0.0 == key }!.1 }
        guard case let .float32(x) = try set.tensor(file("input"), caseID: c.id, field: "input"),
              case let .float32(f) = try set.tensor(file("filter"), caseID: c.id, field: "filter") else { Issue.record("float32 expected"); return }
        let full = try Reference.depthwiseConv2d(x, f, Conv2DAttributes(padding: .valid, dilations: [2, 2]))
        let consecutive = try Tensor(shape: [1, 3, 3, 1], scalars: (0..<3).flatMap { i in (0..<3).map { j in full.scalars[i * full.shape[2] + j] } })
        try Data(NPY.encode(AnyTensor.float32(consecutive))).write(to: dir.appendingPathComponent(c.outputs[0].1))
        let elsewhere = try CLI.conform(["fixtures", dir.path])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.lines.contains { $0.contains("not as quirk depthwise-stride-dilation says") }, "\(elsewhere.lines)")
        let definition = try OpTable.entry(named: c.op)!.prepare(&context).reference().outputs["output"]!
        try Data(NPY.encode(definition)).write(to: dir.appendingPathComponent(c.outputs[0].1))
        let stopped = try CLI.conform(["fixtures", dir.path])
        #expect(stopped.status == 1)
        #expect(stopped.lines.contains { $0.contains("no longer departs (quirk depthwise-stride-dilation)") }, "\(stopped.lines)")
        // An unknown quirk id.
        let url = dir.appendingPathComponent("manifest.json")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"depthwise-stride-dilation\"", with: "\"no-such-quirk\"")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let unknown = try CLI.conform(["fixtures", dir.path])
        #expect(unknown.status == 2 && unknown.lines.contains { $0.hasPrefix("ERROR ") && $0.contains("departs") })
    }

    @Test("a known refusal explains a refusal only with the framework's own message, on the cases its predicate names")
    func knownRefusalNeedsItsMessage() {
        let unequal: [(String, JSONValue)] = [("strides", .array([JSONValue(1), JSONValue(2)])), ("padding", .string("SAME"))]
        let equal: [(String, JSONValue)] = [("strides", .array([JSONValue(2), JSONValue(2)])), ("padding", .string("SAME"))]
        let tensorflow = "InvalidArgumentError: Current implementation only supports equal length strides in the row and column dimensions."
        #expect(KnownRefusal.explaining(op: "depthwise_conv2d", attrs: unequal, shapes: [:], message: tensorflow)?.id == "depthwise-unequal-strides")
        #expect(KnownRefusal.explaining(op: "separable_conv2d", attrs: unequal, shapes: [:], message: tensorflow)?.id == "depthwise-unequal-strides")
        // Another framework refusing the same case for its own reason; TensorFlow's message on a case it does not name.
        #expect(KnownRefusal.explaining(op: "depthwise_conv2d", attrs: unequal, shapes: [:], message: "ValidationError: shape missing") == nil)
        #expect(KnownRefusal.explaining(op: "depthwise_conv2d", attrs: equal, shapes: [:], message: tensorflow) == nil)
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: unequal, shapes: [:], message: tensorflow) == nil)
        let dilated: [(String, JSONValue)] = [("padding", .string("SAME")), ("dilations", .array([JSONValue(1), JSONValue(2)]))]
        let onnx = "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Dilation not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER."
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: dilated, shapes: [:], message: onnx)?.id == "onnxruntime-same-dilation")
        #expect(KnownRefusal.phrase(for: "onnxruntime-same-dilation").contains("as ONNX Runtime is known to"))
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: [("padding", .string("VALID")), ("dilations", .array([JSONValue(1), JSONValue(2)]))],
                                        shapes: [:], message: onnx) == nil)
        // An empty output: PyTorch's and ONNX Runtime's refusals, each only with its own message and only when the output is empty.
        let torch = "RuntimeError: Calculated padded input size per channel: (1 x 2). Kernel size: (1 x 3). Kernel size can't be greater than actual input size"
        let ort = "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Non-zero status code returned while running Conv node. Status Message: Invalid input shape: {1,2}"
        let valid: [(String, JSONValue)] = [("padding", .string("VALID"))]
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 1, 0, 2]], message: torch)?.id == "torch-conv-empty-output")
        #expect(KnownRefusal.explaining(op: "conv1d", attrs: valid, shapes: ["output": [2, 0, 2]], message: ort)?.id == "onnxruntime-conv-empty-output")
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 1, 1, 2]], message: torch) == nil)
        // An empty batch or no output channels is not the refused case.
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [0, 1, 1, 2]], message: ort) == nil)
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 1, 1, 0]], message: torch) == nil)
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 0, 1, 2]], message: onnx) == nil)
        let weight = "RuntimeError: Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 1, 1, 1] instead"
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 2, 2, 0]], message: weight)?.id == "torch-conv-no-output-channels")
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["output": [1, 2, 2, 3]], message: weight) == nil)
        // The input gradient: the forward output is out_backprop's shape, not the gradient's.
        let gradient = ["out_backprop": [1, 0, 2, 3], "filter": [3, 1, 2, 3], "output": [1, 2, 2, 2]]
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: valid, shapes: gradient, message: torch)?.id == "torch-conv-empty-output")
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: valid, shapes: ["out_backprop": [1, 1, 2, 3], "output": [1, 3, 4, 2]],
                                        message: torch) == nil)
        // TensorFlow's CPU gradient kernel: grouped (the filter's input channels fewer than the input's) and dilated only.
        let grouped = "InvalidArgumentError: {{function_node __wrapped__Conv2DBackpropInput}} Gradients for grouped convolutions are not supported on CPU. Please file a feature request"
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: valid, shapes: ["filter": [3, 3, 2, 4], "output": [1, 5, 5, 4]],
                                        message: grouped)?.id == "tf-cpu-grouped-gradient")
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: valid, shapes: ["filter": [3, 3, 4, 4], "output": [1, 5, 5, 4]],
                                        message: grouped) == nil)
        #expect(KnownRefusal.explaining(op: "conv2d", attrs: valid, shapes: ["filter": [3, 3, 2, 4], "output": [1, 5, 5, 4]], message: grouped) == nil)
        let dilatedGradient = "InvalidArgumentError: Current CPU implementations do not yet support dilation rates larger than 1."
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: dilated, shapes: [:], message: dilatedGradient)?.id == "tf-cpu-dilated-gradient")
        #expect(KnownRefusal.explaining(op: "conv2d_backprop_input", attrs: valid, shapes: [:], message: dilatedGradient) == nil)
    }

    @Test("ONNX Runtime's SAME past the kernel is its registered departure: the pixel after, and nothing else")
    func onnxSameStridePastKernel() throws {
        // 12 samples, a 1-tap kernel, stride 4: SAME wants (3-1)·4 + 1 - 12 = -3 of padding; ONNX Runtime
        // starts at -(-3/2) = 1, so its outputs are x[1], x[5], x[9] where the definition's are x[0], x[4], x[8].
        let x = try Tensor<Float>(shape: [1, 12, 1], scalars: (0..<12).map { Float($0 * $0 % 7) })
        let f = try Tensor<Float>(shape: [1, 1, 1], scalars: [1])
        let attrs: [(String, JSONValue)] = [("strides", .array([JSONValue(4)])), ("padding", .string("SAME")), ("dilations", .array([JSONValue(1)]))]
        let definition = AnyTensor.float32(try Reference.conv1d(x, f, Conv1DAttributes(strides: [4], padding: .same)))
        func picks(_ offset: Int) throws -> AnyTensor { .float32(try Tensor(shape: [1, 3, 1], scalars: [0, 4, 8].map { x.scalars[$0 + offset] })) }
        #expect(definition == (try picks(0)))
        let inputs: [String: AnyTensor] = ["input": .float32(x), "filters": .float32(f)]
        func explained(_ got: AnyTensor, _ attrs: [(String, JSONValue)] = attrs) -> String? {
            Departure.explaining(op: "conv1d", inputs: inputs, attrs: attrs, got: got, definition: definition)?.id
        }
        #expect(explained(try picks(1)) == "onnxruntime-same-stride-past-kernel")
        #expect(explained(try picks(2)) == nil)
        #expect(explained(definition) == nil, "the definition itself is no departure")
        // Stride 2 leaves a total of -1: ONNX Runtime pads nothing before, as the definition does.
        let stride2: [(String, JSONValue)] = [("strides", .array([JSONValue(2)])), ("padding", .string("SAME"))]
        #expect(explained(try picks(1), stride2) == nil)
        #expect(KnownRefusal.phrase(for: "onnxruntime-same-stride-past-kernel").contains("ONNX Runtime's known quirk"))
        // An empty input (a TensorFlow-valid case) is explained by nothing, and asking must not trap.
        let empty = try Tensor<Float>(shape: [1, 0, 1], scalars: [])
        let emptyInputs: [String: AnyTensor] = ["input": .float32(empty), "filters": .float32(f)]
        let emptyOutput = AnyTensor.float32(try Reference.conv1d(empty, f, Conv1DAttributes(strides: [4], padding: .same)))
        for got in [emptyOutput, .float32(try Tensor(shape: [1, 1, 1], scalars: [7]))] {
            #expect(Departure.explaining(op: "conv1d", inputs: emptyInputs, attrs: attrs, got: got, definition: emptyOutput) == nil)
        }
    }
}
