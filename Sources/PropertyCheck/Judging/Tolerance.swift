import Reference

/// The error bound of docs/DESIGN.md's tolerance model: no hand-tuned rtol/atol.
///
/// A sum of `n` products computed in floating point with unit roundoff `u`, in any order,
/// satisfies `|got − exact| ≤ γ(n)·S` with `γ(n) = n·u / (1 − n·u)` and `S = Σ|t_i|`.
public enum Tolerance {
    /// `γ(n) = n·u / (1 − n·u)`; infinite once `n·u ≥ 1` (no bound is possible).
    @inlinable public static func gamma(_ n: Int, u: Double) -> Double {
        let nu = Double(n) * u
        return nu < 1 ? nu / (1 - nu) : .infinity
    }

    /// The bound on `|got − expected|` for element `i`, where `expected` was computed by an
    /// independent correct implementation in `T` (TensorFlow) and `got` by `implementation`.
    ///
    /// - expected (TensorFlow, any order): `γ_T(n)·S`
    /// - the Float64 reference's own error: `γ₆₄(n)·S`
    /// - got = the reference rounded once to T: `u_T·|value|`; got = any other implementation, any order: `γ_T(n)·S`
    /// `slack` is a norm-wise term an algorithm adds (FFT); 0 for sums computed term by term.
    @inlinable public static func bound(
        _ acc: Accumulated, _ i: Int, unitRoundoff u: Double, implementation: Implementation, slack: Double = 0
    ) -> Double {
        let n = acc.terms[i], s = acc.magnitude[i]
        let shared = gamma(n, u: u) * s + gamma(n, u: 0x1p-53) * s
        // The reference rounds its Float64 sum once; any other implementation sums in any order in T.
        return implementation == .reference ? shared + u * abs(acc.value[i]) : shared + gamma(n, u: u) * s + slack
    }

    /// The distance in units in the last place between two values of one float dtype.
    public static func ulpDistance(_ a: AnyTensor, _ b: AnyTensor, at i: Int) -> UInt64? {
        guard a.dtype == b.dtype else { return nil }
        func ordered(_ bits: UInt64, width: Int) -> Int64 {
            let sign = UInt64(1) << (width - 1)
            let magnitude = Int64(bitPattern: bits & (sign - 1))
            return bits & sign != 0 ? -magnitude : magnitude
        }
        let width: Int
        switch a.dtype {
        case .float16: width = 16
        case .float32: width = 32
        case .float64: width = 64
        default: return nil
        }
        let (x, y) = (ordered(a.bits(at: i), width: width), ordered(b.bits(at: i), width: width))
        let (d, overflow) = x.subtractingReportingOverflow(y)
        return overflow ? UInt64.max : d.magnitude
    }
}
