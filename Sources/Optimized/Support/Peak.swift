import CGSL
import Dispatch

/// The machine's FMA throughput, measured: the ceiling that `% of peak` in benchmarks refers to.
public enum Peak {
    /// GFLOP/s of one core running independent 16-lane float32 FMA chains (12 accumulators, so
    /// latency never limits) in the widest kernel set the host runs (`CPU.isa`).
    public static func measureFMA(seconds: Double = 0.2) -> Double { measureFMA(seconds: seconds, chains: CPU.fmaChains) }

    /// GFLOP/s of `chains` (a kernel set's 12 independent 16-lane FMA chains).
    static func measureFMA(seconds: Double, chains: (Int) -> Float) -> Double {
        var best = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        var iterations = 1 << 16
        repeat {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let sink = chains(iterations)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if sink.isNaN { iterations += 1 }
            // 12 chains × 16 lanes × 2 FLOPs per FMA.
            best = max(best, Double(iterations) * 12 * 16 * 2 / dt / 1e9)
            if dt < 0.01 { iterations *= 2 }
        } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds
        return best
    }

    /// Memory bandwidth of one core in GB/s: the best of a few copies of a 64 MiB buffer
    /// (read + write counted), the sloped roof of the report's roofline chart.
    public static func measureBandwidth(runs: Int = 5, floats count: Int = 16 << 20) -> Double {
        let source = UnsafeMutablePointer<Float>.allocate(capacity: count), target = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { source.deallocate(); target.deallocate() }
        source.initialize(repeating: 1, count: count)
        target.initialize(repeating: 0, count: count)
        var best = 0.0
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            target.update(from: source, count: count)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = max(best, 2 * Double(count * 4) / dt / 1e9)
        }
        return best
    }

    /// The GSL version the package was built against.
    public static var gslVersion: String { GSL_VERSION }
    /// OpenBLAS's build configuration string (version, core type).
    public static var openBLASConfig: String { String(cString: openblas_get_config()) }
}
