import Reference

/// `tf.signal.frame` by block copies: a frame that lies inside the signal is one contiguous copy of
/// `frame_length · inner` elements (the framed axis and everything after it); only the last frames
/// under pad_end are assembled step by step.
///
/// Exact: equal to the reference bit for bit.
///
/// - Complexity: O(frames · frame_length · (other axes)) copies.
public func frame<Scalar: Sendable>(
    _ signal: Tensor<Scalar>, _ attrs: FrameAttributes, padValue: Scalar
) throws(OpError) -> Tensor<Scalar> {
    let view = try FrameView(signal, attrs, padValue: padValue)
    return view.batch(0..<view.frames)
}

/// The frames of a signal as a lazy view: frames are copied only when a batch is asked for.
public struct FrameView<Scalar: Sendable>: Sendable {
    public let signal: Tensor<Scalar>
    public let attrs: FrameAttributes
    public let padValue: Scalar
    /// The framed axis, non-negative.
    public let axis: Int
    /// The number of frames.
    public let frames: Int

    public init(_ signal: Tensor<Scalar>, _ attrs: FrameAttributes, padValue: Scalar) throws(OpError) {
        let frames = try Reference.frameGeometry(signal.shape, attrs)
        self.signal = signal
        self.attrs = attrs
        self.padValue = padValue
        self.axis = attrs.axis < 0 ? attrs.axis + signal.rank : attrs.axis
        #if CONFORM_MUTANTS
        self.frames = Mutants.on(.framePadEndFloor) && attrs.padEnd ? signal.shape[axis] / attrs.frameStep : frames
        #else
        self.frames = frames
        #endif
    }

    /// Frames `range`, shaped like the full output with `range.count` frames.
    public func batch(_ range: Range<Int>) -> Tensor<Scalar> {
        let shape = signal.shape
        let n = shape[axis]
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let (length, step) = (attrs.frameLength, attrs.frameStep)
        let frameSize = length * inner
        let total = outer * range.count * frameSize
        if range.lowerBound > 0 { PathCounter.hit(.frameViewOffset) }
        // Planted bugs (the test-only twin): a batch numbered from 0; an inside frame ending in one pad value.
        #if CONFORM_MUTANTS
        let origin = Mutants.on(.frameViewFromZero) ? range.lowerBound : 0
        let lastPadded = Mutants.on(.frameInsideLastPadded) ? 1 : 0
        #else
        let origin = 0
        let lastPadded = 0
        #endif
        var (insideSeen, paddedSeen) = (false, false)
        let out = [Scalar](unsafeUninitializedCapacity: total) { buffer, initialized in
            signal.scalars.withUnsafeBufferPointer { x in
                var dst = buffer.baseAddress!
                for o in 0..<outer {
                    let base = x.baseAddress! + o * n * inner
                    for i in range {
                        let start = (i - origin) * step
                        let available = max(0, min(length, n - start))
                        if available == length { insideSeen = true } else { paddedSeen = true }
                        let copied = available == length && available * inner > 0 ? available * inner - lastPadded : available * inner
                        #if CONFORM_MUTANTS
                        if available < length && Mutants.on(.framePaddedReadsPastEnd) {
                            // Planted bug: the whole length read from the signal, through checked indexing.
                            for j in 0..<(length * inner) { (dst + j).initialize(to: signal.scalars[(o * n + start) * inner + j]) }
                            dst += frameSize
                            continue
                        }
                        #endif
                        if copied > 0 { dst.initialize(from: base + start * inner, count: copied) }
                        (dst + copied).initialize(repeating: padValue, count: length * inner - copied)
                        dst += frameSize
                    }
                }
            }
            initialized = total
        }
        if insideSeen { PathCounter.hit(.frameInside) }
        if paddedSeen { PathCounter.hit(.framePadded) }
        let outShape = Array(shape[..<axis]) + [range.count, length] + Array(shape[(axis + 1)...])
        return try! Tensor(shape: outShape, scalars: out)
    }
}
