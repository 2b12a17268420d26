/// Attributes of frame (`tf.signal.frame`).
public struct FrameAttributes: Equatable, Sendable {
    public var frameLength: Int
    public var frameStep: Int
    public var padEnd: Bool
    /// Converted to the signal's dtype.
    public var padValue: Double
    /// The framed axis; negative counts from the end.
    public var axis: Int

    public init(frameLength: Int, frameStep: Int, padEnd: Bool = false, padValue: Double = 0, axis: Int = -1) {
        self.frameLength = frameLength
        self.frameStep = frameStep
        self.padEnd = padEnd
        self.padValue = padValue
        self.axis = axis
    }

    /// The number of frames along an axis of length `n`:
    /// `max(0, 1 + (n − L)/step)` (floor division), or `ceil(n/step)` with pad_end.
    public func frameCount(_ n: Int) -> Int {
        padEnd ? (n + frameStep - 1) / frameStep : (n < frameLength ? 0 : 1 + (n - frameLength) / frameStep)
    }
}

/// `tf.signal.frame`: overlapping frames along one axis, which becomes `[frames, frame_length]`.
///
///     out[..., i, j, ...] = signal[..., i·step + j, ...]   (pad_value past the end, with pad_end)
///
/// - Complexity: O(frames · frame_length · (other axes)).
public func frame<Scalar: Sendable>(
    _ signal: Tensor<Scalar>, _ attrs: FrameAttributes, padValue: Scalar
) throws(OpError) -> Tensor<Scalar> {
    let frames = try frameGeometry(signal.shape, attrs)
    let axis = attrs.axis < 0 ? attrs.axis + signal.rank : attrs.axis
    let n = signal.shape[axis]
    let outer = signal.shape[..<axis].reduce(1, *), inner = signal.shape[(axis + 1)...].reduce(1, *)
    let length = attrs.frameLength
    var out = [Scalar]()
    out.reserveCapacity(outer * frames * length * inner)
    for o in 0..<outer {
        for i in 0..<frames {
            for j in 0..<length {
                let p = i * attrs.frameStep + j
                for q in 0..<inner {
                    out.append(p < n ? signal.scalars[(o * n + p) * inner + q] : padValue)
                }
            }
        }
    }
    let shape = Array(signal.shape[..<axis]) + [frames, length] + Array(signal.shape[(axis + 1)...])
    return Tensor(validatedShape: shape, scalars: out)
}

/// Checks frame's attributes against a signal shape; returns the number of frames.
public func frameGeometry(_ shape: [Int], _ attrs: FrameAttributes) throws(OpError) -> Int {
    let v = Validator(op: "frame")
    try v.positive("frame_length", [attrs.frameLength])
    try v.positive("frame_step", [attrs.frameStep])
    for (name, value) in [("frame_length", attrs.frameLength), ("frame_step", attrs.frameStep)] where value > 1 << 40 {
        throw v.fail(name, expected: "at most 2⁴⁰", actual: "\(value)")
    }
    guard !shape.isEmpty else { throw v.fail("signal", expected: "rank ≥ 1", actual: "a scalar") }
    guard (-shape.count..<shape.count).contains(attrs.axis) else {
        throw v.fail("axis", expected: "in \(-shape.count)..<\(shape.count)", actual: "\(attrs.axis)")
    }
    let axis = attrs.axis < 0 ? attrs.axis + shape.count : attrs.axis
    let frames = attrs.frameCount(shape[axis])
    _ = try v.outputCount(Array(shape[..<axis]) + [frames, attrs.frameLength] + Array(shape[(axis + 1)...]))
    return frames
}
