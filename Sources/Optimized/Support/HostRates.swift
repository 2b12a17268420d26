import CGSL
import Dispatch
import Reference

/// The rates `Conv2DPlan` plans with, measured on this host once per process (at the first plan
/// that chooses): the FMA peak of each kernel module, OpenBLAS's GEMM, GSL's FFT and
/// the copy bandwidth. The cost model multiplies them by each algorithm's efficiency (a fraction
/// of the peak its inner loop reaches, which depends on the code, not on the CPU), so the same
/// binary plans right whether AVX-512 runs on 256-bit units or at full width.
public struct HostRates: Sendable {
    /// FLOP/s of independent FMA chains in the widest kernel set the host runs, and in the AVX2 one (where the host runs AVX2).
    public var widePeak: Double, narrowPeak: Double
    /// FLOP/s of OpenBLAS `sgemm` and `dgemm` on a convolution-shaped product (one thread).
    public var sgemm: Double, dgemm: Double
    /// Seconds per `P·log₂P` of a 2-D complex transform of `P` points (GSL, Float64).
    public var fftSecondsPerPoint: Double
    /// Bytes per second of a large copy, read and write counted.
    public var bandwidth: Double

    public init(widePeak: Double, narrowPeak: Double, sgemm: Double, dgemm: Double, fftSecondsPerPoint: Double, bandwidth: Double) {
        (self.widePeak, self.narrowPeak, self.sgemm, self.dgemm) = (widePeak, narrowPeak, sgemm, dgemm)
        (self.fftSecondsPerPoint, self.bandwidth) = (fftSecondsPerPoint, bandwidth)
    }

    /// This host's rates, measured on first use.
    public static let current: HostRates = measure()

    /// Measures every rate: three rounds over all of them, the best of each kept, so that a moment
    /// of load from another process slows one sample of every rate rather than all of one.
    public static func measure() -> HostRates {
        var r = HostRates(widePeak: 0, narrowPeak: 0, sgemm: 0, dgemm: 0, fftSecondsPerPoint: .infinity, bandwidth: 0)
        for _ in 0..<3 {
            let wide = Peak.measureFMA(seconds: 0.005) * 1e9
            r.widePeak = max(r.widePeak, wide)
            r.narrowPeak = max(r.narrowPeak, CPU.hostHasAVX512 ? Peak.measureFMA(seconds: 0.005, chains: { CPU.fmaChains(.avx2, $0) }) * 1e9 : wide)
            r.sgemm = max(r.sgemm, gemmRate(Float.self))
            r.dgemm = max(r.dgemm, gemmRate(Double.self))
            r.fftSecondsPerPoint = min(r.fftSecondsPerPoint, fftRate())
            r.bandwidth = max(r.bandwidth, Peak.measureBandwidth(runs: 1, floats: 8 << 20) * 1e9)
        }
        return r
    }

    /// The best of three products `[256×576]·[576×64]`: a 3×3, 64-channel layer's im2col tile.
    static func gemmRate<T: ConformFloat>(_: T.Type) -> Double {
        let (m, k, n) = (256, 576, 64)
        let a = [T](repeating: 0.5, count: m * k), b = [T](repeating: 0.25, count: k * n)
        var c = [T](repeating: 0, count: m * n)
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(a.baseAddress!, lda: k, b.baseAddress!, ldb: n, c.baseAddress!, ldc: n, m: m, n: n, k: k)
                    }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return 2 * Double(m * k * n) / max(best, 1e-9)
    }

    /// The best of three forward 2-D transforms of a 160×160 plane (past L2, as the planes FFT pays on).
    static func fftRate() -> Double {
        let side = 160
        let transform = FFTConvolution.Transform(rows: side, cols: side, tables: FFTConvolution.Tables(rows: side, cols: side))
        var data = [Double](repeating: 0.5, count: 2 * side * side)
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            data.withUnsafeMutableBufferPointer { transform.run($0.baseAddress!, inverse: false) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let p = Double(side * side)
        return best / (p * log2(p))
    }
}
