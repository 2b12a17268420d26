import Reference

/// float16 arithmetic ops: the inputs widened to float32 (exactly), the float32 kernels run, and
/// each output rounded once to float16.
///
/// Error bound: the float32 sum of `n` products of float16 values (exact in float32) is within
/// `γ₃₂(n)·S` of the exact value, and the one rounding adds `u₁₆·|value|`; together at most
/// `γ₁₆(n)·S` (since `S ≥ |value|`), the bound the tolerance model gives float16 outputs.
enum Half {
    /// Runs `body` on float32 copies of `inputs` and rounds its result to T (T is Float16).
    static func viaFloat<T: ConformFloat>(
        _ inputs: [Tensor<T>], _ body: ([Tensor<Float>]) throws(OpError) -> Tensor<Float>
    ) throws(OpError) -> Tensor<T> {
        PathCounter.hit(.float16ViaFloat32)
        // Planted bug (debug builds): the inputs widened from their bit patterns instead of their values.
        let bits = Mutants.on(.float16WidenedFromBits)
        // T is Float16: the conversions run on concrete types (vcvtph2ps / vcvtps2ph with F16C), not generically.
        let wide = inputs.map { t in
            let half = Specialize.cast(t, to: Tensor<Float16>.self)
            return Tensor<Float>(unchecked: half.shape, half.scalars.map { bits ? Float($0.bitPattern) : Float($0) })
        }
        let out = try body(wide)
        let rounded: [Float16] = out.scalars.map { Float16($0) }
        return Specialize.cast(Tensor<Float16>(unchecked: out.shape, rounded), to: Tensor<T>.self)
    }
}

extension Tensor {
    /// A tensor from a shape and scalars already known to match.
    init(unchecked shape: [Int], _ scalars: [Scalar]) {
        self = try! Tensor(shape: shape, scalars: scalars)
    }
}
