import Reference

/// The windows of `timeseries_dataset_from_array` as a lazy view: nothing is copied until a batch
/// is asked for, so peak memory is one batch, whatever the number of windows (a 550 000 × 28
/// series has 549 951 windows of 50 steps: 3 GB materialised, one batch as a view).
public struct WindowView<Scalar: Sendable>: Sendable {
    public let data: Tensor<Scalar>
    public let attrs: WindowAttributes
    /// First data row of window 0, and the rows between consecutive windows' first rows.
    public let first: Int, stride: Int
    /// The number of windows.
    public let count: Int

    /// Validates as Keras does; `targetCount` caps the windows when targets are given.
    public init(_ data: Tensor<Scalar>, targetCount: Int? = nil, _ attrs: WindowAttributes) throws(OpError) {
        guard data.rank >= 1 else {
            throw OpError(op: "timeseries_windows", field: "data", expected: "rank ≥ 1 [T, ...]", actual: "a scalar")
        }
        let windows = try attrs.windows(length: data.shape[0], targets: targetCount)
        self.data = data
        self.attrs = attrs
        #if CONFORM_MUTANTS
        let lost = Mutants.on(.windowsCountOffByOne) && attrs.samplingRate > 1 && windows.count > 0 ? 1 : 0
        #else
        let lost = 0
        #endif
        (first, stride, count) = (windows.first, windows.stride, windows.count - lost)
    }

    /// Elements per time step.
    public var rowSize: Int { data.shape.dropFirst().reduce(1, *) }
    /// `[L, ...]`.
    public var windowShape: [Int] { [attrs.sequenceLength] + data.shape.dropFirst() }
    /// The data row window `k` starts at.
    public func start(_ k: Int) -> Int { first + k * stride }

    /// Windows `range` as one tensor `[range.count, L, ...]`: one copy per window when
    /// sampling_rate is 1 (a window is contiguous), one per step otherwise.
    public func batch(_ range: Range<Int>) -> Tensor<Scalar> {
        let (row, length, rate) = (rowSize, attrs.sequenceLength, attrs.samplingRate)
        let windowSize = length * row
        PathCounter.hit(rate == 1 ? .windowsContiguous : .windowsSampled)
        if range.lowerBound > 0 { PathCounter.hit(.windowsViewOffset) }
        // Planted bugs (the test-only twin): a batch numbered from 0; the last contiguous window repeating the one before.
        #if CONFORM_MUTANTS
        let origin = Mutants.on(.windowsViewFromZero) ? range.lowerBound : 0
        let repeatLast = Mutants.on(.windowsLastRepeats) && rate == 1
        #else
        let origin = 0
        let repeatLast = false
        #endif
        let out = [Scalar](unsafeUninitializedCapacity: range.count * windowSize) { buffer, initialized in
            data.scalars.withUnsafeBufferPointer { x in
                var dst = buffer.baseAddress!
                for k in range {
                    let window = repeatLast && k == range.upperBound - 1 && k > 0 ? k - 1 : k
                    let src = x.baseAddress! + start(window - origin) * row
                    if rate == 1 {
                        dst.initialize(from: src, count: windowSize)
                        dst += windowSize
                    } else {
                        for j in 0..<length {
                            dst.initialize(from: src + j * rate * row, count: row)
                            dst += row
                        }
                    }
                }
            }
            initialized = range.count * windowSize
        }
        return try! Tensor(shape: [range.count] + windowShape, scalars: out)
    }

    /// The targets of windows `range`: `targets[start(k)]`.
    public func targets<Target>(_ targets: Tensor<Target>, _ range: Range<Int>) -> Tensor<Target> {
        let row = targets.shape.dropFirst().reduce(1, *)
        PathCounter.hit(.windowsTargets)
        // Planted bug (the test-only twin): targets[k] instead of targets[start(k)].
        #if CONFORM_MUTANTS
        let plain = Mutants.on(.targetsIgnoreStart)
        #else
        let plain = false
        #endif
        var out = [Target]()
        out.reserveCapacity(range.count * row)
        for k in range {
            let s = plain ? k : start(k)
            out.append(contentsOf: targets.scalars[s * row ..< (s + 1) * row])
        }
        return try! Tensor(shape: [range.count] + targets.shape.dropFirst(), scalars: out)
    }
}

/// Sliding windows over the first axis, materialised through `WindowView` (one copy per window).
///
/// Exact: equal to the reference bit for bit.
///
/// - Complexity: O(n·L·row) copies; use `WindowView` to keep memory at one batch.
public func timeseriesWindows<Scalar: Sendable, Target: Sendable>(
    _ data: Tensor<Scalar>, targets: Tensor<Target>?, _ attrs: WindowAttributes
) throws(OpError) -> (windows: Tensor<Scalar>, targets: Tensor<Target>?) {
    if let targets, targets.rank < 1 {
        throw OpError(op: "timeseries_windows", field: "targets", expected: "rank ≥ 1 [T, ...]", actual: "a scalar")
    }
    let view = try WindowView(data, targetCount: targets?.shape[0], attrs)
    _ = try Validator(op: "timeseries_windows").outputCount([view.count] + view.windowShape)
    return (view.batch(0..<view.count), targets.map { view.targets($0, 0..<view.count) })
}
