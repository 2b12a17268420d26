import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// The judges themselves: each must fail a wrong fill, a wrong shape and a wrong value, and must
/// read the computed side where it means the computed side.
@Suite("Judges")
struct JudgeTests {
    /// A 2-item glimpse that leaves the image (so it has fill), with the given noise.
    static func glimpse(noise: String) throws -> (PreparedCase, ReferenceRun) {
        let image = try Tensor<Float>(shape: [2, 3, 3, 1], scalars: (0..<18).map { Float($0 % 9) + ($0 < 9 ? 1 : 20) })
        let offsets = try Tensor<Float>(shape: [2, 2], scalars: [-1, -1, 1, 1])
        let c = GeneratedCase(op: "extract_glimpse",
                              attrs: [("size", .array([JSONValue(3), JSONValue(3)])), ("centered", .bool(false)), ("normalized", .bool(false)),
                                      ("noise", .string(noise)), ("seed", JSONValue(7))],
                              inputs: [("input", .float32(image)), ("offsets", .float32(offsets))])
        let prepared = try c.prepare()
        return (prepared, try prepared.reference())
    }

    static func verdict(_ prepared: PreparedCase, _ got: AnyTensor, _ run: ReferenceRun) -> Bool {
        passes(prepared, ["output": got], run.outputs, run)
    }

    static func passes(_ prepared: PreparedCase, _ got: [String: AnyTensor], _ expected: [String: AnyTensor], _ run: ReferenceRun) -> Bool {
        prepared.judge(.optimized, got, expected, run).allSatisfy { $0.passed }
    }

    /// Item `b`'s output elements that are fill (outside the 3×3 image).
    static func fillIndices(_ out: Tensor<Float>) -> [Int] {
        // Offsets (-1, -1) and (1, 1) with a 3×3 window on a 3×3 image: the first row and column of
        // item 0 and the last row and column of item 1 are outside.
        (0..<18).filter { i in
            let (b, r, c) = (i / 9, (i % 9) / 3, i % 3)
            return b == 0 ? (r == 0 || c == 0) : (r == 2 || c == 2)
        }
    }

    @Test("glimpse noise judge: the reference's own output passes, whatever the expected side's fill holds",
          arguments: ["uniform", "gaussian"])
    func noiseJudgeReadsComputedSide(noise: String) throws {
        let (prepared, run) = try Self.glimpse(noise: noise)
        guard case let .float32(out) = run.outputs["output"]! else { Issue.record("not float32"); return }
        #expect(Self.verdict(prepared, .float32(out), run))
        // An expectation whose fill is zeros (another framework's noise, say) must not fail a correct result.
        var zeroFill = out.scalars
        for i in Self.fillIndices(out) { zeroFill[i] = 0 }
        var expected = run
        expected.outputs["output"] = .float32(try Tensor(shape: out.shape, scalars: zeroFill))
        #expect(Self.passes(prepared, ["output": .float32(out)], expected.outputs, run))
    }

    @Test("glimpse noise judge: Conform's optimized fill must be the reference's seeded values, not merely in range",
          arguments: ["uniform", "gaussian"])
    func noiseJudgeFixesOwnFill(noise: String) throws {
        let (prepared, run) = try Self.glimpse(noise: noise)
        guard case let .float32(out) = run.outputs["output"]! else { Issue.record("not float32"); return }
        // Every fill value moved to another value of its own item's range: in range, but not the seeded draw.
        var moved = out.scalars
        for i in Self.fillIndices(out) { moved[i] = i < out.count / 2 ? 5 : 24 }
        #expect(!Self.passes(prepared, ["output": .float32(try Tensor(shape: out.shape, scalars: moved))], run.outputs, run))
    }

    @Test("glimpse noise judge: a wrong fill, a wrong shape and a wrong in-image value each fail", arguments: ["uniform", "gaussian"])
    func noiseJudgeFails(noise: String) throws {
        let (prepared, run) = try Self.glimpse(noise: noise)
        guard case let .float32(out) = run.outputs["output"]! else { Issue.record("not float32"); return }
        let fill = Self.fillIndices(out)
        // Wrong fill: zeros, outside every item's value range (item 0 holds 1…9, item 1 holds 20…28).
        var zeros = out.scalars
        for i in fill { zeros[i] = 0 }
        #expect(!Self.verdict(prepared, .float32(try Tensor(shape: out.shape, scalars: zeros)), run), "zero fill passed")
        // Wrong fill: item 1 filled from item 0's range.
        var borrowed = out.scalars
        for i in fill where i >= 9 { borrowed[i] = 1 }
        #expect(!Self.verdict(prepared, .float32(try Tensor(shape: out.shape, scalars: borrowed)), run), "fill out of the item's range passed")
        // Wrong shape.
        #expect(!Self.verdict(prepared, .float32(try Tensor(shape: [2, 9, 1, 1], scalars: out.scalars)), run), "wrong shape passed")
        #expect(!Self.verdict(prepared, .float32(try Tensor(shape: [1, 3, 3, 1], scalars: Array(out.scalars[..<9]))), run), "wrong size passed")
        // Wrong value inside the image.
        let inside = try #require((0..<18).first { !fill.contains($0) })
        var wrong = out.scalars
        wrong[inside] += 1
        #expect(!Self.verdict(prepared, .float32(try Tensor(shape: out.shape, scalars: wrong)), run), "wrong in-image value passed")
        // And the wrong dtype.
        #expect(!Self.verdict(prepared, .float64(try Tensor(shape: out.shape, scalars: out.scalars.map(Double.init))), run), "float64 passed")
    }

    @Test("the default judges: bounded (arithmetic) and exact ones fail a wrong value and a wrong shape, and pass the reference")
    func defaultJudges() throws {
        let conv = GeneratedCase(op: "conv2d", attrs: [("padding", .string("VALID"))],
                                 inputs: [("input", .float32(try Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init)))),
                                          ("filters", .float32(try Tensor(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])))])
        let frame = GeneratedCase(op: "frame", attrs: [("frame_length", JSONValue(2)), ("frame_step", JSONValue(1))],
                                  inputs: [("signal", .float32(try Tensor(shape: [4], scalars: [1, 2, 3, 4])))])
        for c in [conv, frame] {
            let prepared = try c.prepare()
            let run = try prepared.reference()
            let name = run.outputs.keys.sorted()[0]
            guard case let .float32(out) = run.outputs[name]! else { Issue.record("not float32"); continue }
            #expect(Self.passes(prepared, [name: .float32(out)], run.outputs, run), "\(c.op): reference failed")
            var wrong = out.scalars
            wrong[wrong.count - 1] += 1
            let wrongValue = try Tensor(shape: out.shape, scalars: wrong), flat = try Tensor(shape: [out.count], scalars: out.scalars)
            #expect(!Self.passes(prepared, [name: .float32(wrongValue)], run.outputs, run), "\(c.op): a wrong value passed")
            #expect(!Self.passes(prepared, [name: .float32(flat)], run.outputs, run), "\(c.op): a wrong shape passed")
            #expect(!Self.passes(prepared, [:], run.outputs, run), "\(c.op): a missing output passed")
        }
    }
}
