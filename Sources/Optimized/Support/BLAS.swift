import CGSL
import Reference

/// Matrix products for either float type, through GSL's CBLAS interface with OpenBLAS behind it.
@usableFromInline
enum BLAS {
    /// `C[m×n] (ldc) = A[m×k] (lda) · B[k×n] (ldb)`, row-major, overwriting C.
    @inlinable
    static func gemm<T: ConformFloat>(
        _ a: UnsafePointer<T>, lda: Int, _ b: UnsafePointer<T>, ldb: Int, _ c: UnsafeMutablePointer<T>, ldc: Int,
        m: Int, n: Int, k: Int
    ) {
        product(a, lda: lda, transposeA: false, b, ldb: ldb, transposeB: false, c, ldc: ldc, m: m, n: n, k: k, accumulate: false)
    }

    /// `C[m×n] (ldc) += Aᵀ · B[k×n] (ldb)` where `A` is stored `k×m` (lda), row-major: the product
    /// a weight gradient needs (patches or inputs by rows, transposed) without a transposed copy.
    @inlinable
    static func gemmTransposedA<T: ConformFloat>(
        _ a: UnsafePointer<T>, lda: Int, _ b: UnsafePointer<T>, ldb: Int, _ c: UnsafeMutablePointer<T>, ldc: Int,
        m: Int, n: Int, k: Int
    ) {
        guard k > 0 else { return }
        product(a, lda: lda, transposeA: true, b, ldb: ldb, transposeB: false, c, ldc: ldc, m: m, n: n, k: k, accumulate: true)
    }

    /// `C[m×n] (ldc) = A[m×k] (lda) · Bᵀ` where `B` is stored `n×k` (ldb), row-major: the product
    /// an input gradient needs (the gradient by the filter's rows) without a transposed copy.
    @inlinable
    static func gemmTransposedB<T: ConformFloat>(
        _ a: UnsafePointer<T>, lda: Int, _ b: UnsafePointer<T>, ldb: Int, _ c: UnsafeMutablePointer<T>, ldc: Int,
        m: Int, n: Int, k: Int
    ) {
        product(a, lda: lda, transposeA: false, b, ldb: ldb, transposeB: true, c, ldc: ldc, m: m, n: n, k: k, accumulate: false)
    }

    /// `C = op(A)·op(B)` (or `C += …` when `accumulate`), row-major, through `cblas_sgemm`/`cblas_dgemm`.
    @inlinable
    static func product<T: ConformFloat>(
        _ a: UnsafePointer<T>, lda: Int, transposeA: Bool, _ b: UnsafePointer<T>, ldb: Int, transposeB: Bool,
        _ c: UnsafeMutablePointer<T>, ldc: Int, m: Int, n: Int, k: Int, accumulate: Bool
    ) {
        guard m > 0, n > 0 else { return }
        let (ta, tb) = (transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans)
        if T.self == Float.self {
            a.withMemoryRebound(to: Float.self, capacity: 1) { a in
                b.withMemoryRebound(to: Float.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Float.self, capacity: 1) { c in
                        cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb),
                                    accumulate ? 1 : 0, c, Int32(ldc))
                    }
                }
            }
        } else {
            a.withMemoryRebound(to: Double.self, capacity: 1) { a in
                b.withMemoryRebound(to: Double.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Double.self, capacity: 1) { c in
                        cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb),
                                    accumulate ? 1 : 0, c, Int32(ldc))
                    }
                }
            }
        }
    }
}
