/// A floating-point element type the arithmetic ops are generic over (Float16, Float and Double).
///
/// Reference ops accumulate every sum in Float64 whatever the element type; the unit
/// roundoff feeds the tolerance model (docs/DESIGN.md): `γ(n) = n·u / (1 − n·u)`.
public protocol ConformFloat: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The fixture dtype of this type.
    static var dtype: DType { get }
    /// Wraps a tensor of this type.
    static func erase(_ tensor: Tensor<Self>) -> AnyTensor
    /// Unwraps a tensor of this type, or nil for another dtype.
    static func unerase(_ tensor: AnyTensor) -> Tensor<Self>?
}

extension ConformFloat {
    /// Unit roundoff `u`: 2⁻¹¹ for Float16, 2⁻²⁴ for Float, 2⁻⁵³ for Double.
    @inlinable public static var unitRoundoff: Double { Double(Self.ulpOfOne) / 2 }
}

extension Float: ConformFloat {
    public static var dtype: DType { .float32 }
    public static func erase(_ tensor: Tensor<Float>) -> AnyTensor { .float32(tensor) }
    public static func unerase(_ tensor: AnyTensor) -> Tensor<Float>? {
        if case let .float32(t) = tensor { t } else { nil }
    }
}

extension Double: ConformFloat {
    public static var dtype: DType { .float64 }
    public static func erase(_ tensor: Tensor<Double>) -> AnyTensor { .float64(tensor) }
    public static func unerase(_ tensor: AnyTensor) -> Tensor<Double>? {
        if case let .float64(t) = tensor { t } else { nil }
    }
}

extension Float16: ConformFloat {
    public static var dtype: DType { .float16 }
    public static func erase(_ tensor: Tensor<Float16>) -> AnyTensor { .float16(tensor) }
    public static func unerase(_ tensor: AnyTensor) -> Tensor<Float16>? {
        if case let .float16(t) = tensor { t } else { nil }
    }
}
