/// A tensor of any fixture dtype: what `.npy` files hold and fixture cases pass around.
public enum AnyTensor: Sendable, Equatable {
    case float16(Tensor<Float16>)
    case float32(Tensor<Float>)
    case float64(Tensor<Double>)
    case int32(Tensor<Int32>)
    case int64(Tensor<Int64>)
    case bool(Tensor<Bool>)

    public var dtype: DType {
        switch self {
        case .float16: .float16
        case .float32: .float32
        case .float64: .float64
        case .int32: .int32
        case .int64: .int64
        case .bool: .bool
        }
    }

    public var shape: [Int] {
        switch self {
        case let .float16(t): t.shape
        case let .float32(t): t.shape
        case let .float64(t): t.shape
        case let .int32(t): t.shape
        case let .int64(t): t.shape
        case let .bool(t): t.shape
        }
    }

    public var count: Int {
        switch self {
        case let .float16(t): t.count
        case let .float32(t): t.count
        case let .float64(t): t.count
        case let .int32(t): t.count
        case let .int64(t): t.count
        case let .bool(t): t.count
        }
    }

    /// Element `i` (row-major) as a Double, for printing and error measures.
    public func double(at i: Int) -> Double {
        switch self {
        case let .float16(t): Double(t.scalars[i])
        case let .float32(t): Double(t.scalars[i])
        case let .float64(t): t.scalars[i]
        case let .int32(t): Double(t.scalars[i])
        case let .int64(t): Double(t.scalars[i])
        case let .bool(t): t.scalars[i] ? 1 : 0
        }
    }

    /// Element `i` printed exactly as its type prints it.
    public func text(at i: Int) -> String {
        switch self {
        case let .float16(t): "\(t.scalars[i])"
        case let .float32(t): "\(t.scalars[i])"
        case let .float64(t): "\(t.scalars[i])"
        case let .int32(t): "\(t.scalars[i])"
        case let .int64(t): "\(t.scalars[i])"
        case let .bool(t): "\(t.scalars[i])"
        }
    }

    /// The bit pattern of element `i`, for bit-exact comparison (so -0 ≠ +0 and NaNs compare by payload).
    public func bits(at i: Int) -> UInt64 {
        switch self {
        case let .float16(t): UInt64(t.scalars[i].bitPattern)
        case let .float32(t): UInt64(t.scalars[i].bitPattern)
        case let .float64(t): t.scalars[i].bitPattern
        case let .int32(t): UInt64(UInt32(bitPattern: t.scalars[i]))
        case let .int64(t): UInt64(bitPattern: t.scalars[i])
        case let .bool(t): t.scalars[i] ? 1 : 0
        }
    }
}

extension Tensor where Scalar: ConformFloat {
    /// Wraps a Float or Double tensor.
    public var erased: AnyTensor { Scalar.erase(self) }
}

extension Tensor {
    /// The tensor with its axes reversed (`[a, b, c]` → `[c, b, a]`): a C-order array's
    /// Fortran-order data, and back.
    public func transposedAll() -> Tensor {
        let rank = shape.count
        guard rank > 1, !scalars.isEmpty else { return Tensor(validatedShape: Array(shape.reversed()), scalars: scalars) }
        let reversed = Array(shape.reversed())
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        var out = [Scalar]()
        out.reserveCapacity(scalars.count)
        var index = [Int](repeating: 0, count: rank)  // an index into `reversed`, C order
        for _ in 0..<scalars.count {
            var offset = 0
            for k in 0..<rank { offset += index[k] * strides[rank - 1 - k] }
            out.append(scalars[offset])
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < reversed[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return Tensor(validatedShape: reversed, scalars: out)
    }
}

extension AnyTensor {
    /// Every axis reversed (see `Tensor.transposedAll`).
    public func transposedAll() -> AnyTensor {
        switch self {
        case let .float16(t): .float16(t.transposedAll())
        case let .float32(t): .float32(t.transposedAll())
        case let .float64(t): .float64(t.transposedAll())
        case let .int32(t): .int32(t.transposedAll())
        case let .int64(t): .int64(t.transposedAll())
        case let .bool(t): .bool(t.transposedAll())
        }
    }

}
