/// How a convolution pads its input, per docs/OPS.md, "Output extent and padding".
public enum Padding: Equatable, Sendable, CustomStringConvertible {
    /// No padding; the dilated kernel must fit inside the input.
    case valid
    /// Output length `ceil(n/s)`; the odd padding pixel goes to the end (bottom/right).
    case same
    /// conv1d only (Keras): `d·(k−1)` zeros before, none after, then VALID.
    case causal
    /// Explicit `(before, after)` zeros per spatial axis.
    case explicit([PadPair])

    public var description: String {
        switch self {
        case .valid: "VALID"
        case .same: "SAME"
        case .causal: "CAUSAL"
        case let .explicit(pairs): "\(pairs.map { [$0.before, $0.after] })"
        }
    }
}

/// Zeros added before and after one spatial axis.
public struct PadPair: Equatable, Sendable {
    public var before: Int
    public var after: Int
    public init(_ before: Int, _ after: Int) {
        self.before = before
        self.after = after
    }
}

/// The resolved geometry of one spatial axis of a convolution.
public struct AxisGeometry: Equatable, Sendable {
    /// Input length `n`.
    public var input: Int
    /// Kernel taps `k`.
    public var kernel: Int
    /// Stride `s`.
    public var stride: Int
    /// Dilation `d`.
    public var dilation: Int
    /// Zeros before the first input element.
    public var padBefore: Int
    /// Zeros after the last input element.
    public var padAfter: Int
    /// Output length.
    public var output: Int

    /// The dilated kernel's extent `(k−1)·d + 1`.
    public var extent: Int { (kernel - 1) * dilation + 1 }

    /// Resolves one axis by the table of docs/OPS.md; `axis` names the axis in errors.
    ///
    /// `padding` must already be reduced to this axis: `.explicit` carries one pair.
    public static func resolve(
        op: String, axis: String, input n: Int, kernel k: Int, stride s: Int, dilation d: Int,
        padding: Padding
    ) throws(OpError) -> AxisGeometry {
        let v = Validator(op: op)
        try v.positive("strides[\(axis)]", [s])
        try v.positive("dilations[\(axis)]", [d])
        try v.positive("kernel size along \(axis)", [k])
        try v.nonNegative("input size along \(axis)", n)
        for (name, value) in [("strides[\(axis)]", s), ("dilations[\(axis)]", d)] where value > 1 << 40 {
            throw v.fail(name, expected: "at most 2⁴⁰", actual: "\(value)")
        }
        let (extentMinusOne, o1) = (k - 1).multipliedReportingOverflow(by: d)
        guard !o1, extentMinusOne < Int.max / 4 else {
            throw v.fail("dilations[\(axis)]", expected: "a dilated kernel extent that fits in memory",
                         actual: "kernel \(k) × dilation \(d)")
        }
        let eff = extentMinusOne + 1
        var g = AxisGeometry(input: n, kernel: k, stride: s, dilation: d, padBefore: 0, padAfter: 0, output: 0)
        switch padding {
        case .valid:
            g.output = try windows(v, span: n, extent: eff, stride: s, field: "input size along \(axis)", actual: "\(n)")
        case .same:
            g.output = (n + s - 1) / s
            let total = max(0, (g.output - 1) * s + eff - n)
            g.padBefore = total / 2
            g.padAfter = total - g.padBefore
        case .causal:
            g.padBefore = extentMinusOne
            g.output = (n + s - 1) / s
        case let .explicit(pairs):
            guard pairs.count == 1, let p = pairs.first else {
                throw v.fail("padding", expected: "one [before, after] pair per spatial axis", actual: "\(padding)")
            }
            guard p.before >= 0, p.after >= 0, p.before < Int.max / 4, p.after < Int.max / 4 else {
                throw v.fail("padding[\(axis)]", expected: "non-negative [before, after]", actual: "[\(p.before), \(p.after)]")
            }
            let padded = n + p.before + p.after
            g.padBefore = p.before
            g.padAfter = p.after
            g.output = try windows(v, span: padded, extent: eff, stride: s, field: "padding[\(axis)]",
                                   actual: "padded size \(n) + \(p.before) + \(p.after) = \(padded)")
        }
        return g
    }

    /// TensorFlow's output size of a window sliding over `span` elements:
    /// `(span − extent + stride) / stride`, the division truncating toward zero as C++'s does.
    ///
    /// The size is 0, an empty output, whenever `span − extent + stride` lies in `(−stride, stride)`:
    /// a kernel one longer than its input at stride 1, up to `2·stride − 1` longer at larger
    /// strides. Only a negative size is an error, as in TensorFlow's shape function
    /// (`GetWindowedOutputSizeVerboseV2`).
    static func windows(_ v: Validator, span: Int, extent: Int, stride s: Int, field: String, actual: String) throws(OpError) -> Int {
        let size = (span - extent + s) / s
        guard size >= 0 else {
            throw v.fail(field, expected: "a span of at least \(extent - 2 * s + 1) (the output size (span − extent \(extent) + stride \(s)) / stride, "
                             + "truncated, must not be negative)", actual: actual)
        }
        return size
    }

    /// Taps over all outputs that read real input rather than padding.
    ///
    /// - Complexity: O(output · kernel).
    public var realTaps: Int {
        (0..<output).reduce(0) { sum, i in
            sum + (0..<kernel).filter { (0..<input).contains(position(output: i, tap: $0)) }.count
        }
    }

    /// Outputs with at least one tap on real input (the others are sums of padding: zero).
    public var outputsReadingInput: Int {
        (0..<output).filter { i in (0..<kernel).contains { (0..<input).contains(position(output: i, tap: $0)) } }.count
    }

    /// Input positions some output reads through a tap (a gradient is zero at the others).
    ///
    /// - Complexity: O(output · kernel).
    public var positionsRead: Int {
        var read = Set<Int>()
        for i in 0..<output {
            for t in 0..<kernel where (0..<input).contains(position(output: i, tap: t)) { read.insert(position(output: i, tap: t)) }
        }
        return read.count
    }

    /// Input position read by output `i`, tap `t` (may be in the padding: outside `0..<input`).
    @inlinable public func position(output i: Int, tap t: Int) -> Int { i * stride + t * dilation - padBefore }
}
