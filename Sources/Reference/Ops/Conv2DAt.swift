/// Attributes of conv2d_at.
public struct Conv2DAtAttributes: Equatable, Sendable {
    /// Whether the kernel is used as is or flipped on both axes.
    public enum Mode: String, Sendable, CaseIterable { case correlation, convolution }
    /// Where `(row, col)` sits in the window: its top-left tap, or its centre tap `((KH−1)/2, (KW−1)/2)`.
    public enum Anchor: String, Sendable, CaseIterable { case corner, center }

    public var row: Int
    public var col: Int
    public var mode: Mode
    public var anchor: Anchor

    public init(row: Int, col: Int, mode: Mode = .correlation, anchor: Anchor = .corner) {
        self.row = row
        self.col = col
        self.mode = mode
        self.anchor = anchor
    }
}

/// One output value of a 2-D correlation or convolution of `input [H,W]` with `kernel [KH,KW]`.
///
///     k'[a,b] = kernel[a,b]                  (correlation)
///             = kernel[KH−1−a, KW−1−b]       (convolution)
///     top = row − (center ? (KH−1)/2 : 0),  left = col − (center ? (KW−1)/2 : 0)
///     value = Σ_{a<KH, b<KW} input[top+a, left+b] · k'[a,b]      (outside the input reads 0)
///
/// The window is clipped to the input, never padded: extra memory O(1).
///
/// - Complexity: O(KH·KW) time at most, O(1) extra memory.
@inlinable
public func conv2dAtAccumulated<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: Conv2DAtAttributes
) throws(OpError) -> Accumulated {
    let window = try conv2dAtWindow(input.shape, kernel.shape, attrs)
    let (top, left, aRange, bRange) = (window.top, window.left, window.rows, window.cols)
    let (kh, kw, w) = (kernel.shape[0], kernel.shape[1], input.shape[1])
    var value = 0.0, magnitude = 0.0
    for a in aRange {
        for b in bRange {
            let k = attrs.mode == .correlation ? kernel.scalars[a * kw + b]
                                               : kernel.scalars[(kh - 1 - a) * kw + (kw - 1 - b)]
            let t = Double(input.scalars[(top + a) * w + left + b]) * Double(k)
            value += t
            magnitude += abs(t)
        }
    }
    return Accumulated(shape: [], value: [value], magnitude: [magnitude], terms: [aRange.count * bRange.count])
}

/// One output value of a 2-D correlation or convolution, rounded once from its Float64 sum.
public func conv2dAt<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: Conv2DAtAttributes
) throws(OpError) -> Tensor<T> {
    try conv2dAtAccumulated(input, kernel, attrs).rounded()
}

/// The window of conv2d_at, clipped to the input: its top-left tap position and the kernel rows
/// and columns whose input pixel exists.
public func conv2dAtWindow(_ input: [Int], _ kernel: [Int], _ attrs: Conv2DAtAttributes) throws(OpError)
    -> (top: Int, left: Int, rows: Range<Int>, cols: Range<Int>)
{
    let v = Validator(op: "conv2d_at")
    try v.rank("input", input, 2, layout: "[H, W]")
    try v.rank("kernel", kernel, 2, layout: "[KH, KW]")
    let (h, w, kh, kw) = (input[0], input[1], kernel[0], kernel[1])
    try v.positive("input.shape", [h, w])
    try v.positive("kernel.shape", [kh, kw])
    guard (0..<h).contains(attrs.row) else { throw v.fail("row", expected: "0 ≤ row < \(h)", actual: "\(attrs.row)") }
    guard (0..<w).contains(attrs.col) else { throw v.fail("col", expected: "0 ≤ col < \(w)", actual: "\(attrs.col)") }
    let top = attrs.row - (attrs.anchor == .center ? (kh - 1) / 2 : 0)
    let left = attrs.col - (attrs.anchor == .center ? (kw - 1) / 2 : 0)
    // Tap (a, b) reads input[top + a, left + b]; keep the taps whose pixel exists.
    return (top, left, max(0, -top)..<min(kh, h - top), max(0, -left)..<min(kw, w - left))
}
