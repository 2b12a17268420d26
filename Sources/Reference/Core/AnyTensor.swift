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
