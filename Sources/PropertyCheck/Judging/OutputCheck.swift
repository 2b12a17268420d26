import Reference

/// How one output of one case compares with its expected value.
public struct OutputCheck: Sendable, Equatable {
    /// The worst element: the one closest to (or furthest past) its bound.
    public struct Worst: Sendable, Equatable {
        public var index: [Int]
        public var expected: String
        public var got: String
        public var ulp: UInt64?
        /// error / bound; nil for exact comparisons.
        public var ratio: Double?
    }

    public var name: String
    public var elements: Int
    public var maxAbsError: Double
    public var maxRelError: Double
    public var maxULP: UInt64?
    /// max error / bound over the elements (0 when all are equal; nil for exact comparisons).
    public var maxRatio: Double?
    public var worst: Worst?
    /// Why the output could not be compared element by element (shape or dtype differ).
    public var mismatch: String?
    public var passed: Bool

    /// An output that cannot be compared element by element.
    public static func mismatched(_ name: String, _ why: String) -> OutputCheck {
        OutputCheck(name: name, elements: 0, maxAbsError: .infinity, maxRelError: .infinity, maxULP: nil,
                    maxRatio: nil, worst: nil, mismatch: why, passed: false)
    }

    /// The row-major multi-index of flat index `i` in `shape`.
    public static func multiIndex(_ i: Int, shape: [Int]) -> [Int] {
        var rest = i
        var index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// Compares shapes and dtypes; nil when they agree.
    static func layoutMismatch(_ got: AnyTensor, _ expected: AnyTensor) -> String? {
        if got.dtype != expected.dtype { return "dtype: expected \(expected.dtype.npyDescr), got \(got.dtype.npyDescr)" }
        if got.shape != expected.shape { return "shape: expected \(expected.shape), got \(got.shape)" }
        return nil
    }

    /// Bit-for-bit comparison, for the exact ops. `skip` marks elements judged elsewhere.
    public static func exact(_ name: String, got: AnyTensor, expected: AnyTensor, skip: (Int) -> Bool = { _ in false }) -> OutputCheck {
        if let why = layoutMismatch(got, expected) { return .mismatched(name, why) }
        var check = OutputCheck(name: name, elements: got.count, maxAbsError: 0, maxRelError: 0, maxULP: nil,
                                maxRatio: nil, worst: nil, mismatch: nil, passed: true)
        let isFloat = got.dtype.isFloatingPoint
        if isFloat { check.maxULP = 0 }
        for i in 0..<got.count where !skip(i) && got.bits(at: i) != expected.bits(at: i) {
            let (g, e) = (got.double(at: i), expected.double(at: i))
            let abs = Swift.abs(g - e)
            let ulp = isFloat ? Tolerance.ulpDistance(got, expected, at: i) : nil
            if check.passed || abs > check.maxAbsError || abs.isNaN {
                check.worst = Worst(index: multiIndex(i, shape: got.shape), expected: expected.text(at: i),
                                    got: got.text(at: i), ulp: ulp, ratio: nil)
            }
            check.passed = false
            check.maxAbsError = max(check.maxAbsError, abs.isNaN ? .infinity : abs)
            check.maxRelError = max(check.maxRelError, e == 0 ? .infinity : abs / Swift.abs(e))
            if let ulp { check.maxULP = max(check.maxULP ?? 0, ulp) }
        }
        return check
    }

    /// Comparison within the tolerance model's bound, for the arithmetic ops.
    public static func bounded(
        _ name: String, got: AnyTensor, expected: AnyTensor, accumulated acc: Accumulated,
        unitRoundoff u: Double, implementation: Implementation, slack: Double = 0
    ) -> OutputCheck {
        if let why = layoutMismatch(got, expected) { return .mismatched(name, why) }
        guard acc.value.count == got.count else {
            return .mismatched(name, "shape: the reference computed \(acc.shape), the fixture holds \(expected.shape)")
        }
        var check = OutputCheck(name: name, elements: got.count, maxAbsError: 0, maxRelError: 0, maxULP: 0,
                                maxRatio: 0, worst: nil, mismatch: nil, passed: true)
        var worstRatio = -1.0
        for i in 0..<got.count {
            let (g, e) = (got.double(at: i), expected.double(at: i))
            let ulp = Tolerance.ulpDistance(got, expected, at: i)
            // The one rule for non-finite values: both NaN (any payload) or the same infinity pass;
            // otherwise a non-finite value on either side, or a non-finite exact value (the
            // element is judged by class: a correct result cannot be finite), fails.
            if !g.isFinite || !e.isFinite || !acc.value[i].isFinite {
                let sameClass = (g.isNaN && e.isNaN) || (g.isInfinite && g == e)
                let ratio: Double = sameClass ? 0 : .infinity
                if !sameClass {
                    check.passed = false
                    check.maxAbsError = .infinity
                    check.maxRelError = .infinity
                }
                if let ulp, !sameClass { check.maxULP = max(check.maxULP ?? 0, ulp) }
                check.maxRatio = max(check.maxRatio ?? 0, ratio)
                if ratio > worstRatio {
                    worstRatio = ratio
                    check.worst = Worst(index: multiIndex(i, shape: got.shape), expected: expected.text(at: i),
                                        got: got.text(at: i), ulp: ulp, ratio: nil)
                }
                continue
            }
            let error = Swift.abs(g - e)
            let bound = Tolerance.bound(acc, i, unitRoundoff: u, implementation: implementation, slack: slack)
            let ratio = error == 0 ? 0 : error / bound
            check.maxAbsError = max(check.maxAbsError, error)
            if error > 0 { check.maxRelError = max(check.maxRelError, e == 0 ? .infinity : error / Swift.abs(e)) }
            if let ulp { check.maxULP = max(check.maxULP ?? 0, ulp) }
            check.maxRatio = max(check.maxRatio ?? 0, ratio)
            if !(error <= bound) { check.passed = false }
            if ratio > worstRatio {
                worstRatio = ratio
                check.worst = Worst(index: multiIndex(i, shape: got.shape), expected: expected.text(at: i),
                                    got: got.text(at: i), ulp: ulp, ratio: ratio)
            }
        }
        if worstRatio <= 0 { check.worst = nil }
        return check
    }
}
