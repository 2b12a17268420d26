import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// The boundary classes, the candidate variants and the grouping of failures into findings.
@Suite("Boundary classes, variants and findings")
struct BoundaryTests {
    @Test("a boundary draw lands in its primary class, builds, and the convolutions' empty outputs are TensorFlow's")
    func drawsLandInTheirClass() throws {
        let campaign = Campaign(seed: 7, casesPerOp: 300)
        for generator in OpGenerator.all {
            let classes = BoundaryClass.of(generator.op)
            guard !classes.isEmpty, let opIndex = OpTable.names.firstIndex(of: generator.op) else { continue }
            // Case k = 3j + 2 is drawn into class j (mod the class count).
            for (j, c) in classes.enumerated() {
                let k = Campaign.boundaryShare * j + Campaign.boundaryShare - 1
                let spec = try #require(campaign.drawCase(k, generator: generator, opIndex: opIndex), "\(c.id)")
                #expect(c.contains(spec.params), "case \(k) is not in \(c.id)")
                #expect(generator.build(spec) != nil, "\(c.id)")
            }
        }
        // An output extent of 0 by TensorFlow's rule: (2 − 3 + 1) / 1 = 0 rows, and (2 − 7 + 3) / 3 truncates to 0.
        for (kernel, stride) in [(3, 1), (7, 3)] {
            let x = try Tensor<Float>(shape: [1, 2, 3, 1], scalars: [Float](repeating: 1, count: 6))
            let f = try Tensor<Float>(shape: [kernel, 1, 1, 1], scalars: [Float](repeating: 1, count: kernel))
            let y = try Reference.conv2d(x, f, Conv2DAttributes(strides: [stride, 1], padding: .valid))
            #expect(y.shape == [1, 0, 3, 1])
        }
        // A negative size is refused, naming the axis.
        let x = try Tensor<Float>(shape: [1, 2, 3, 1], scalars: [Float](repeating: 1, count: 6))
        let f = try Tensor<Float>(shape: [4, 1, 1, 1], scalars: [Float](repeating: 1, count: 4))
        #expect(throws: OpError.self) { try Reference.conv2d(x, f, Conv2DAttributes(padding: .valid)) }
    }

    @Test("a hello's variants parse, a malformed one names its field, and each case draws one value per axis")
    func variants() throws {
        let hello = try JSONParser.parse(#"""
        {"onednn": {"scope": "process", "values": {"on": {"TF_ENABLE_ONEDNN_OPTS": "1"}, "off": {"TF_ENABLE_ONEDNN_OPTS": "0"}}},
         "layout": {"scope": "request", "values": ["nchw", "nhwc", "blocked"]}}
        """#)
        let axes = try VariantAxis.parse(hello, command: "prog")
        #expect(axes.map(\.name) == ["onednn", "layout"])
        #expect(axes[0].environment["off"] == ["TF_ENABLE_ONEDNN_OPTS": "0"])
        var seen = Set<String>()
        for k in 0..<40 {
            let v = try #require(CandidateVariant.draw(axes, seed: 1, caseIndex: k))
            #expect(v == CandidateVariant.draw(axes, seed: 1, caseIndex: k))
            seen.insert(v.description)
            let other = try #require(v.other(axes))
            #expect(other.choices["onednn"] != v.choices["onednn"] && other.choices["layout"] == v.choices["layout"])
        }
        #expect(seen.count == 6, "\(seen)")
        for bad in [#"{"x": {"scope": "sometimes", "values": ["a"]}}"#, #"{"x": {"scope": "request", "values": []}}"#,
                    #"{"x": {"scope": "process", "values": {"a": {"V": 1}}}}"#, #"[1]"#] {
            do {
                _ = try VariantAxis.parse(try JSONParser.parse(bad), command: "prog")
                Issue.record("accepted \(bad)")
            } catch let error as FixtureError {
                #expect(error.field.hasPrefix("hello.variants"), "\(bad): \(error)")
            } catch { Issue.record("\(bad): \(error)") }
        }
    }

    @Test("failures of one bug group into one finding; another law, path or symptom is another; a refusal is one per message")
    func findings() throws {
        let generator = try #require(OpGenerator.all.first { $0.op == "conv2d" })
        let campaign = Campaign(seed: 3, casesPerOp: 300)
        let spec = try #require(campaign.drawCase(0, generator: generator, opIndex: 1))
        let c = try #require(generator.build(spec))
        func failure(_ k: Int, _ property: String, _ message: String, _ value: String?) -> Campaign.Failure {
            var f = Campaign.Failure(property: property, op: "conv2d", caseIndex: k, fill: .exact, originalElements: 10, shrunk: c,
                                     message: message, shrinkSteps: 1)
            f.variant = value.map { CandidateVariant(["onednn": $0]) }
            return f
        }
        let findings = Finding.group([
            failure(1, "conv2d/optimized-vs-reference", "output: shape: expected [1, 0, 1, 1], got [1, 2, 1, 1]", "on"),
            failure(4, "conv2d/optimized-vs-reference", "output: shape: expected [1, 0, 1, 1], got [1, 3, 1, 1]", "on"),
            failure(5, "conv2d/optimized-vs-reference", "output at [0]: expected 1, got 0", "on"),
            failure(6, "conv2d/optimized-vs-reference", "output: shape: expected [1, 0, 1, 1], got [1, 2, 1, 1]", "off"),
            failure(9, "conv2d/linearity", "f(x + x′) vs f(x) + f(x′)", "on"),
            // One refusal met by several laws on several paths, with other numbers: one finding; another message: another.
            failure(10, "conv2d/optimized-vs-reference", "raised refused: RuntimeError: expected weight to be at least 1, got [0, 1, 1, 1]", "on"),
            failure(11, "conv2d/linearity", "raised refused: RuntimeError: expected weight to be at least 1, got [0, 2, 1, 1]", "off"),
            failure(12, "conv2d/other-variant-vs-reference", "under onednn=on: raised refused: RuntimeError: expected weight to be at least 1, got [0, 3, 3, 3]", "off"),
            failure(13, "conv2d/linearity", "raised refused: ValueError: no", "on"),
        ])
        #expect(findings.map(\.cases) == [[1, 4], [5], [6], [9], [10, 11, 12], [13]])
    }
}
