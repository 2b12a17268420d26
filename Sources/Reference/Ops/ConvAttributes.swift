/// Attributes of conv2d, depthwise_conv2d and separable_conv2d (docs/FIXTURES.md).
public struct Conv2DAttributes: Equatable, Sendable {
    /// `[sh, sw]`.
    public var strides: [Int]
    /// VALID, SAME or explicit `[[top, bottom], [left, right]]`.
    public var padding: Padding
    /// `[dh, dw]`.
    public var dilations: [Int]

    public init(strides: [Int] = [1, 1], padding: Padding = .valid, dilations: [Int] = [1, 1]) {
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
    }

    /// Resolves both spatial axes for an `[H, W]` input and a `[KH, KW]` kernel.
    public func geometry(op: String, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int)
        throws(OpError) -> (rows: AxisGeometry, cols: AxisGeometry)
    {
        let v = Validator(op: op)
        try v.count("strides", strides, 2)
        try v.count("dilations", dilations, 2)
        let (rowPad, colPad): (Padding, Padding)
        switch padding {
        case .valid: (rowPad, colPad) = (.valid, .valid)
        case .same: (rowPad, colPad) = (.same, .same)
        case .causal:
            throw v.fail("padding", expected: "VALID, SAME or [[t,b],[l,r]] (CAUSAL is conv1d only)", actual: "CAUSAL")
        case let .explicit(pairs):
            guard pairs.count == 2 else {
                throw v.fail("padding", expected: "2 [before, after] pairs", actual: "\(pairs.count) pairs")
            }
            (rowPad, colPad) = (.explicit([pairs[0]]), .explicit([pairs[1]]))
        }
        let rows = try AxisGeometry.resolve(op: op, axis: "0", input: height, kernel: kernelHeight,
                                            stride: strides[0], dilation: dilations[0], padding: rowPad)
        let cols = try AxisGeometry.resolve(op: op, axis: "1", input: width, kernel: kernelWidth,
                                            stride: strides[1], dilation: dilations[1], padding: colPad)
        return (rows, cols)
    }
}

/// Attributes of conv1d (docs/FIXTURES.md).
public struct Conv1DAttributes: Equatable, Sendable {
    /// `[s]`.
    public var strides: [Int]
    /// VALID, SAME, CAUSAL or explicit `[[before, after]]`.
    public var padding: Padding
    /// `[d]`.
    public var dilations: [Int]

    public init(strides: [Int] = [1], padding: Padding = .valid, dilations: [Int] = [1]) {
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
    }
}
