import Reference

/// Shape and value edits the metamorphic laws need, on float tensors of either precision.
/// Values go through Double and back, which is exact for float32 and float64.
extension AnyTensor {
    /// The elements as Doubles.
    public var doubles: [Double] { (0..<count).map { double(at: $0) } }

    /// A float tensor of this one's dtype holding `values` in `shape`.
    public func with(shape: [Int], values: [Double]) -> AnyTensor {
        switch dtype {
        case .float16: .float16(try! Tensor(shape: shape, scalars: values.map { Float16($0) }))
        case .float64: .float64(try! Tensor(shape: shape, scalars: values))
        default: .float32(try! Tensor(shape: shape, scalars: values.map { Float($0) }))
        }
    }

    /// The same elements in another shape.
    public func reshaped(_ shape: [Int]) -> AnyTensor { with(shape: shape, values: doubles) }

    /// Elementwise sum with a tensor of the same shape.
    public func adding(_ other: AnyTensor) -> AnyTensor { with(shape: shape, values: zip(doubles, other.doubles).map(+)) }

    /// Entries `range` of the last axis.
    public func lastAxis(_ range: Range<Int>) -> AnyTensor {
        let last = shape.last!, rows = count / max(last, 1)
        let v = doubles
        var out = [Double]()
        for r in 0..<rows { out += v[(r * last + range.lowerBound)..<(r * last + range.upperBound)] }
        return with(shape: shape.dropLast() + [range.count], values: out)
    }

    /// Tensors of equal leading shape joined along the last axis.
    public static func concatLastAxis(_ parts: [AnyTensor]) -> AnyTensor {
        let rows = parts[0].count / max(parts[0].shape.last!, 1)
        let values = parts.map(\.doubles)
        var out = [Double]()
        for r in 0..<rows {
            for (p, v) in zip(parts, values) { out += v[(r * p.shape.last!)..<((r + 1) * p.shape.last!)] }
        }
        return parts[0].with(shape: parts[0].shape.dropLast() + [parts.reduce(0) { $0 + $1.shape.last! }], values: out)
    }

    /// Drops the first `k` entries of `axis`.
    public func dropping(first k: Int, axis: Int) -> AnyTensor {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), n = shape[axis]
        let v = doubles
        var out = [Double]()
        for o in 0..<outer { out += v[((o * n + k) * inner)..<((o + 1) * n * inner)] }
        var s = shape
        s[axis] -= k
        return with(shape: s, values: out)
    }

    /// A 2-D tensor flipped on both axes.
    public var flipped2D: AnyTensor { with(shape: shape, values: doubles.reversed()) }
}
