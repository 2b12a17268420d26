import Optimized
import PropertyCheck
import Testing

/// The BLAS link works and computes what a naive triple loop computes.
@Suite("GEMM through GSL's CBLAS interface")
struct GEMMTests {
    @Test("sgemm and dgemm agree with a naive product on small integers (exact)", arguments: [(1, 1, 1), (3, 5, 7), (17, 9, 33)])
    func matchesNaive(m: Int, n: Int, k: Int) {
        var rng = SplitMix64(seed: UInt64(m * 10_000 + n * 100 + k))
        let a = (0..<(m * k)).map { _ in Float(Int(rng.next() % 9) - 4) }
        let b = (0..<(k * n)).map { _ in Float(Int(rng.next() % 9) - 4) }
        var c = [Float](repeating: 0, count: m * n), cd = [Double](repeating: 0, count: m * n)
        GEMM.multiply(a, b, into: &c, m: m, n: n, k: k)
        GEMM.multiply(a.map(Double.init), b.map(Double.init), into: &cd, m: m, n: n, k: k)
        for i in 0..<m {
            for j in 0..<n {
                let expected = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * b[$1 * n + j] }
                #expect(c[i * n + j] == expected && cd[i * n + j] == Double(expected), "(\(i), \(j))")
            }
        }
        #expect(!GEMM.gslVersion.isEmpty)
    }
}
