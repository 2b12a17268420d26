import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// The memory budget counts what each op allocates, not only the tensors a manifest names: for
/// every op, a case whose files are small but whose largest allocation (an output, a padded or
/// repeated copy, an intermediate stage, a widened float16 copy, a list of window starts) passes a
/// small `--max-memory` is refused before anything is allocated.
@Suite("Memory budget")
struct MemoryBudgetTests {
    static func f32(_ shape: [Int]) -> AnyTensor { .float32(try! Tensor(shape: shape, repeating: 0.5)) }

    static func attrs(_ json: String) -> [(String, JSONValue)] { try! JSONParser.parse(json).object! }

    /// One case per op and allocation path: (id, op, attrs, inputs). Every file stays under 5 MB.
    static let cases: [(String, String, [(String, JSONValue)], [(String, AnyTensor)])] = [
        ("conv1d-output", "conv1d", attrs(#"{"strides": [1], "padding": "VALID", "dilations": [1]}"#),
         [("input", f32([1, 200_000, 1])), ("filters", f32([1, 1, 64]))]),
        ("conv2d-padded-copy", "conv2d", attrs(#"{"strides": [64, 64], "padding": [[1000, 1000], [1000, 1000]], "dilations": [1, 1]}"#),
         [("input", f32([1, 4, 4, 1])), ("filters", f32([1, 1, 1, 1]))]),
        ("depthwise-repeated-input", "depthwise_conv2d", attrs(#"{"strides": [16, 16], "padding": "VALID", "dilations": [1, 1]}"#),
         [("input", f32([1, 100, 100, 8])), ("filter", f32([1, 1, 8, 64]))]),
        ("separable-intermediate", "separable_conv2d", attrs(#"{"strides": [1, 1], "padding": "VALID", "dilations": [1, 1]}"#),
         [("input", f32([1, 100, 100, 8])), ("depthwise_filter", f32([1, 1, 8, 64])), ("pointwise_filter", f32([1, 1, 512, 1]))]),
        ("conv2d_at-float16-widened", "conv2d_at", attrs(#"{"row": 0, "col": 0}"#),
         [("input", .float16(try! Tensor(shape: [2, 2], repeating: 1))), ("kernel", .float16(try! Tensor(shape: [1500, 1500], repeating: 1)))]),
        ("conv2d_backprop_input-output", "conv2d_backprop_input",
         attrs(#"{"input_sizes": [1, 4000, 4000, 1], "strides": [4000, 4000], "padding": "VALID", "dilations": [1, 1]}"#),
         [("filter", f32([1, 1, 1, 1])), ("out_backprop", f32([1, 1, 1, 1]))]),
        ("conv2d_backprop_filter-output", "conv2d_backprop_filter",
         attrs(#"{"filter_sizes": [100, 100, 1, 1000], "strides": [1, 1], "padding": "VALID", "dilations": [1, 1]}"#),
         [("input", f32([1, 100, 100, 1])), ("out_backprop", f32([1, 1, 1, 1000]))]),
        ("depthwise_conv2d_backprop_input-output", "depthwise_conv2d_backprop_input",
         attrs(#"{"input_sizes": [1, 4000, 4000, 1], "strides": [4000, 4000], "padding": "VALID", "dilations": [1, 1]}"#),
         [("filter", f32([1, 1, 1, 1])), ("out_backprop", f32([1, 1, 1, 1]))]),
        ("depthwise_conv2d_backprop_filter-output", "depthwise_conv2d_backprop_filter",
         attrs(#"{"filter_sizes": [1000, 1000, 1, 10], "strides": [1, 1], "padding": "VALID", "dilations": [1, 1]}"#),
         [("input", f32([1, 1000, 1000, 1])), ("out_backprop", f32([1, 1, 1, 10]))]),
        ("conv1d_backprop_input-output", "conv1d_backprop_input",
         attrs(#"{"input_sizes": [1, 10000000, 1], "strides": [10000000], "padding": "VALID", "dilations": [1]}"#),
         [("filter", f32([1, 1, 1])), ("out_backprop", f32([1, 1, 1]))]),
        ("conv1d_backprop_filter-output", "conv1d_backprop_filter",
         attrs(#"{"filter_sizes": [1000000, 1, 10], "strides": [1], "padding": "VALID", "dilations": [1]}"#),
         [("input", f32([1, 1000000, 1])), ("out_backprop", f32([1, 1, 10]))]),
        ("conv2d_transpose-output", "conv2d_transpose",
         attrs(#"{"strides": [4000, 4000], "padding": "VALID", "output_padding": null, "dilations": [1, 1]}"#),
         [("input", f32([1, 1, 1, 1])), ("kernel", f32([1, 1, 1, 1]))]),
        ("conv1d_transpose-output", "conv1d_transpose",
         attrs(#"{"strides": [10000000], "padding": "VALID", "output_padding": null, "dilations": [1]}"#),
         [("input", f32([1, 1, 1])), ("kernel", f32([1, 1, 1]))]),
        ("extract_glimpse-output", "extract_glimpse",
         attrs(#"{"size": [2000, 2000], "centered": false, "normalized": false, "noise": "zero", "version": 1}"#),
         [("input", f32([1, 4, 4, 1])), ("offsets", f32([1, 2]))]),
        ("frame-output", "frame", attrs(#"{"frame_length": 1000, "frame_step": 1}"#), [("signal", f32([10_000]))]),
        ("stateless_uniform-output", "stateless_uniform", attrs(#"{"shape": [10000000], "seed": [1, 2], "dtype": "float32"}"#), []),
        ("timeseries_windows-output", "timeseries_windows", attrs(#"{"sequence_length": 1000}"#), [("data", f32([100_000, 1]))]),
        ("timeseries_windows-starts-of-empty-rows", "timeseries_windows", attrs(#"{"sequence_length": 1}"#), [("data", f32([1 << 31, 0]))]),
        ("epoch_pairing-pairs", "epoch_pairing", attrs(#"{"seed": 0, "epochs": 16777216}"#),
         [("row_splits", .int64(try! Tensor(shape: [2], scalars: [0, 1]))), ("candidates", .int64(try! Tensor(shape: [1], scalars: [5])))]),
    ]

    @Test("each op's largest allocation is refused under a small --max-memory, before it is made")
    func everyOpIsBounded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-memory-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var tensors = [String: AnyTensor](), fixtureCases = [FixtureCase]()
        for (id, op, attrs, inputs) in Self.cases {
            for (name, t) in inputs { tensors["\(id)-\(name).npy"] = t }
            let output = OpTable.entry(named: op)!.outputs[0]
            tensors["\(id)-expected.npy"] = op == "epoch_pairing" ? .int64(try Tensor(shape: [1], scalars: [0])) : Self.f32([1])
            fixtureCases.append(FixtureCase(id: id, op: op, attrs: attrs, inputs: inputs.map { ($0.0, "\(id)-\($0.0).npy") },
                                            outputs: [(output, "\(id)-expected.npy")]))
        }
        // Every op the table has is here but count_params, which allocates nothing beyond its answer.
        #expect(Set(Self.cases.map(\.1)) == Set(OpTable.names).subtracting(["count_params"]))
        try FixtureSet.write(FixtureManifest(cases: fixtureCases), tensors: tensors, to: dir)
        let out = try CLI.conform(["fixtures", "--max-memory", "8M", dir.path])
        #expect(out.status == 2, "\(out.lines.suffix(3))")
        for (id, _, _, _) in Self.cases {
            let lines = out.lines.filter { $0.contains(id + ":") || $0.contains(id + " ") }
            #expect(lines.contains { $0.contains("memory budget") || $0.contains("at most 268435456 elements") }, "\(id): \(lines)")
        }
    }
}
