/// Attributes of timeseries_windows (`keras.utils.timeseries_dataset_from_array`, unbatched, unshuffled).
public struct WindowAttributes: Equatable, Sendable {
    public var sequenceLength: Int
    public var sequenceStride: Int
    public var samplingRate: Int
    /// nil means 0.
    public var startIndex: Int?
    /// nil means T.
    public var endIndex: Int?

    public init(sequenceLength: Int, sequenceStride: Int = 1, samplingRate: Int = 1,
                startIndex: Int? = nil, endIndex: Int? = nil) {
        self.sequenceLength = sequenceLength
        self.sequenceStride = sequenceStride
        self.samplingRate = samplingRate
        self.startIndex = startIndex
        self.endIndex = endIndex
    }

    /// The windows' start positions: `start + k·s` for `k·s < count`, where
    /// `count = end − start − (L−1)·r`, capped by the target count when targets are given.
    ///
    /// Validates as Keras does, including its quirks: `start_index = 0` and `end_index = 0`
    /// skip the checks (Keras tests them for truth), and `end_index = 0` yields no window.
    public func starts(length t: Int, targets: Int?) throws(OpError) -> StrideTo<Int> {
        let w = try windows(length: t, targets: targets)
        return stride(from: w.first, to: w.first + w.count * w.stride, by: w.stride)
    }

    /// The windows as first start, stride and count (O(1), for views that never list them).
    public func windows(length t: Int, targets: Int?) throws(OpError) -> (first: Int, stride: Int, count: Int) {
        let v = Validator(op: "timeseries_windows")
        try v.positive("sequence_length", [sequenceLength])
        if let s = startIndex, s != 0 {
            guard s > 0 else { throw v.fail("start_index", expected: "0 or greater", actual: "\(s)") }
            guard s < t else { throw v.fail("start_index", expected: "lower than the data length \(t)", actual: "\(s)") }
        }
        if let e = endIndex, e != 0 {
            if let s = startIndex, s != 0, e <= s {
                throw v.fail("end_index", expected: "higher than start_index \(s)", actual: "\(e)")
            }
            guard e < t else {
                throw v.fail("end_index", expected: "lower than the data length \(t) (pass null for all of it)", actual: "\(e)")
            }
            guard e > 0 else { throw v.fail("end_index", expected: "higher than 0", actual: "\(e)") }
        }
        guard samplingRate > 0 else { throw v.fail("sampling_rate", expected: "higher than 0", actual: "\(samplingRate)") }
        guard samplingRate < t else {
            throw v.fail("sampling_rate", expected: "lower than the data length \(t)", actual: "\(samplingRate)")
        }
        guard sequenceStride > 0 else {
            throw v.fail("sequence_stride", expected: "higher than 0", actual: "\(sequenceStride)")
        }
        guard sequenceStride < t else {
            throw v.fail("sequence_stride", expected: "lower than the data length \(t)", actual: "\(sequenceStride)")
        }
        let start = startIndex ?? 0, end = endIndex ?? t
        let (span, overflow) = (sequenceLength - 1).multipliedReportingOverflow(by: samplingRate)
        var count = overflow ? Int.min / 2 : end - start - span
        if let targets { count = min(count, targets) }
        if let targets, count > 0 {
            // Keras gathers target k from targets[start...] at k·s; a missing row is an error there.
            let last = start + (count - 1) / sequenceStride * sequenceStride
            guard last < targets else {
                throw v.fail("targets", expected: "at least \(last + 1) rows (the last window starts at \(last))",
                             actual: "\(targets) rows")
            }
        }
        let windows = count > 0 ? (count - 1) / sequenceStride + 1 : 0
        return (start, sequenceStride, windows)
    }
}

/// Sliding windows over the first axis, as Keras's `timeseries_dataset_from_array` yields them.
///
///     window k = data[p_k + j·r] for j in 0..<L,   p_k = start + k·s,   k·s < count
///     target k = targets[p_k]
///
/// - Returns: `windows [n, L, ...]` and, when targets are given, `targets [n, ...]`.
/// - Complexity: O(n·L·row) time and memory: every window is materialised (Optimized has the view).
public func timeseriesWindows<Scalar: Sendable, Target: Sendable>(
    _ data: Tensor<Scalar>, targets: Tensor<Target>?, _ attrs: WindowAttributes
) throws(OpError) -> (windows: Tensor<Scalar>, targets: Tensor<Target>?) {
    let v = Validator(op: "timeseries_windows")
    guard data.rank >= 1 else { throw v.fail("data", expected: "rank ≥ 1 [T, ...]", actual: "a scalar") }
    let t = data.shape[0]
    if let targets, targets.rank < 1 {
        throw v.fail("targets", expected: "rank ≥ 1 [T, ...]", actual: "a scalar")
    }
    let length = attrs.sequenceLength
    // Overflow-checked, within the output limit and the memory budget, before the start list is
    // made (a window of an empty row still costs its start; Optimized has a lazy view for more).
    let count = try attrs.windows(length: t, targets: targets?.shape[0]).count
    _ = try v.outputCount([count, length] + Array(data.shape.dropFirst()))
    if let targets { _ = try v.outputCount([count] + Array(targets.shape.dropFirst())) }
    let starts = Array(try attrs.starts(length: t, targets: targets?.shape[0]))
    let row = data.count / max(t, 1)
    var windows = [Scalar]()
    windows.reserveCapacity(starts.count * length * row)
    for p in starts {
        for j in 0..<length {
            let r = (p + j * attrs.samplingRate) * row
            windows.append(contentsOf: data.scalars[r ..< r + row])
        }
    }
    let windowShape = [starts.count, length] + data.shape.dropFirst()
    var targetOut: Tensor<Target>? = nil
    if let targets {
        let trow = targets.count / max(targets.shape[0], 1)
        var picked = [Target]()
        picked.reserveCapacity(starts.count * trow)
        for p in starts { picked.append(contentsOf: targets.scalars[p * trow ..< (p + 1) * trow]) }
        targetOut = Tensor(validatedShape: [starts.count] + targets.shape.dropFirst(), scalars: picked)
    }
    return (Tensor(validatedShape: windowShape, scalars: windows), targetOut)
}
