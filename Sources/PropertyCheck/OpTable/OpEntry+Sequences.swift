import Formats
import Optimized
import Reference

extension OpEntry {
    public static let timeseriesWindows = OpEntry(
        name: "timeseries_windows", kind: .exact, inputs: ["data"], optionalInputs: ["targets"], outputs: ["windows"],
        optionalOutputs: ["targets"],
        attributes: [AttributeSpec("sequence_length"), .optional("sequence_stride", 1), .optional("sampling_rate", 1),
                     .optional("start_index", .null), .optional("end_index", .null)],
        notes: ["data": "[T,…]", "windows": "[n,L,…]"]
    ) { (c: inout CaseContext) in
        let attrs = WindowAttributes(
            sequenceLength: try c.int("sequence_length"), sequenceStride: try c.int("sequence_stride"),
            samplingRate: try c.int("sampling_rate"), startIndex: try c.optionalInt("start_index"),
            endIndex: try c.optionalInt("end_index"))
        let data = try c.input("data")
        let targets = c.has(input: "targets") ? try c.input("targets") : nil
        if targets != nil, !c.fixtureCase.outputs.contains(where: { $0.0 == "targets" }) {
            throw c.error(.missingField, "outputs.targets", expected: "a .npy file name (the case has targets)", actual: "nothing")
        }
        return PreparedCase(reference: { ReferenceRun(outputs: try erasedWindows(data, targets, attrs, .reference)) },
                            optimized: { try erasedWindows(data, targets, attrs, .optimized) })
    }

    static func frameAttributes(_ c: CaseContext) throws(FixtureError) -> FrameAttributes {
        FrameAttributes(frameLength: try c.int("frame_length"), frameStep: try c.int("frame_step"),
                        padEnd: try c.bool("pad_end"), padValue: try c.double("pad_value") ?? 0, axis: try c.int("axis"))
    }

    public static let frame = OpEntry(
        name: "frame", kind: .exact, inputs: ["signal"], outputs: ["output"],
        attributes: [AttributeSpec("frame_length"), AttributeSpec("frame_step"), .optional("pad_end", false), .optional("pad_value", 0),
                     .optional("axis", -1)]
    ) { (c: inout CaseContext) in
        let attrs = try frameAttributes(c)
        let signal = try c.input("signal")
        return PreparedCase(reference: { ReferenceRun(outputs: ["output": try erasedFrame(signal, attrs, .reference)]) },
                            optimized: { ["output": try erasedFrame(signal, attrs, .optimized)] })
    }
}

/// Runs `timeseriesWindows` on tensors of any dtype.
func erasedWindows(_ data: AnyTensor, _ targets: AnyTensor?, _ attrs: WindowAttributes,
                   _ implementation: Implementation) throws(OpError) -> [String: AnyTensor] {
    func withTargets<D: Sendable>(_ d: Tensor<D>, _ wrap: (Tensor<D>) -> AnyTensor) throws(OpError) -> [String: AnyTensor] {
        func run<T: Sendable>(_ t: Tensor<T>?, _ wrapT: (Tensor<T>) -> AnyTensor) throws(OpError) -> [String: AnyTensor] {
            let r = implementation == .reference ? try Reference.timeseriesWindows(d, targets: t, attrs)
                                                 : try Optimized.timeseriesWindows(d, targets: t, attrs)
            var out = ["windows": wrap(r.windows)]
            if let tt = r.targets { out["targets"] = wrapT(tt) }
            return out
        }
        switch targets {
        case nil: return try run(Tensor<Bool>?.none, AnyTensor.bool)
        case let .float16(t)?: return try run(t, AnyTensor.float16)
        case let .float32(t)?: return try run(t, AnyTensor.float32)
        case let .float64(t)?: return try run(t, AnyTensor.float64)
        case let .int32(t)?: return try run(t, AnyTensor.int32)
        case let .int64(t)?: return try run(t, AnyTensor.int64)
        case let .bool(t)?: return try run(t, AnyTensor.bool)
        }
    }
    switch data {
    case let .float16(d): return try withTargets(d, AnyTensor.float16)
    case let .float32(d): return try withTargets(d, AnyTensor.float32)
    case let .float64(d): return try withTargets(d, AnyTensor.float64)
    case let .int32(d): return try withTargets(d, AnyTensor.int32)
    case let .int64(d): return try withTargets(d, AnyTensor.int64)
    case let .bool(d): return try withTargets(d, AnyTensor.bool)
    }
}

/// Runs `frame` on a tensor of any dtype, converting `pad_value` to it as TensorFlow does.
func erasedFrame(_ signal: AnyTensor, _ attrs: FrameAttributes, _ implementation: Implementation) throws(OpError) -> AnyTensor {
    let p = attrs.padValue
    func run<S: Sendable>(_ t: Tensor<S>, _ pad: S) throws(OpError) -> Tensor<S> {
        implementation == .reference ? try Reference.frame(t, attrs, padValue: pad) : try Optimized.frame(t, attrs, padValue: pad)
    }
    func integer<I: FixedWidthInteger>(_: I.Type) throws(OpError) -> I {
        guard let v = I(exactly: p) else {
            throw OpError(op: "frame", field: "pad_value", expected: "a value of the signal's integer dtype", actual: "\(p)")
        }
        return v
    }
    switch signal {
    case let .float16(t): return .float16(try run(t, Float16(p)))
    case let .float32(t): return .float32(try run(t, Float(p)))
    case let .float64(t): return .float64(try run(t, p))
    case let .int32(t): return .int32(try run(t, try integer(Int32.self)))
    case let .int64(t): return .int64(try run(t, try integer(Int64.self)))
    case let .bool(t): return .bool(try run(t, p != 0))
    }
}
