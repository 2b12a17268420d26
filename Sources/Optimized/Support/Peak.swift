import CGSL
import Dispatch

/// The machine's FMA throughput, measured: the ceiling that `% of peak` in benchmarks refers to.
public enum Peak {
    /// GFLOP/s of one core running independent `SIMD16<Float>` FMA chains (12 accumulators, so
    /// latency never limits), compiled for this module's vector ISA (AVX2+FMA: two ymm per op).
    public static func measureFMA(seconds: Double = 0.2) -> Double {
        var best = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        var iterations = 1 << 16
        repeat {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let sink = fmaChains(iterations)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if sink.isNaN { iterations += 1 }
            // 12 chains × 16 lanes × 2 FLOPs per FMA.
            best = max(best, Double(iterations) * 12 * 16 * 2 / dt / 1e9)
            if dt < 0.01 { iterations *= 2 }
        } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds
        return best
    }

    @inline(never)
    static func fmaChains(_ n: Int) -> Float {
        let b = SIMD16<Float>(repeating: 0.999_999), c = SIMD16<Float>(repeating: 1e-7)
        var a0 = SIMD16<Float>(repeating: 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0
        var a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0
        for _ in 0..<n {
            a0 = c.addingProduct(a0, b); a1 = c.addingProduct(a1, b); a2 = c.addingProduct(a2, b); a3 = c.addingProduct(a3, b)
            a4 = c.addingProduct(a4, b); a5 = c.addingProduct(a5, b); a6 = c.addingProduct(a6, b); a7 = c.addingProduct(a7, b)
            a8 = c.addingProduct(a8, b); a9 = c.addingProduct(a9, b); a10 = c.addingProduct(a10, b); a11 = c.addingProduct(a11, b)
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
    }

    /// The GSL version the package was built against.
    public static var gslVersion: String { GSL_VERSION }
    /// OpenBLAS's build configuration string (version, core type).
    public static var openBLASConfig: String { String(cString: openblas_get_config()) }
}
