import CGSL

/// Single-precision matrix products through GSL's CBLAS interface, with OpenBLAS behind it.
///
/// The convolution kernels lower to these (im2col + GEMM); OpenBLAS's sgemm runs at about
/// 120 GFLOP/s on one core here, GSL's own CBLAS at about 8.
public enum GEMM {
    /// `C[m×n] = A[m×k] · B[k×n] + beta·C`, all row-major and contiguous.
    ///
    /// - Complexity: O(m·n·k).
    @inlinable
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, beta: Float = 0
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), beta, c, Int32(n))
    }

    /// `C[m×n] = A[m×k] · B[k×n] + beta·C` in double precision.
    @inlinable
    public static func multiply(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, n: Int, k: Int, beta: Double = 0
    ) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), beta, c, Int32(n))
    }

    /// The GSL version the package was built against, for report headers.
    public static var gslVersion: String { GSL_VERSION }
}
