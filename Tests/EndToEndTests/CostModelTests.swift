import Dispatch
import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// The cost model plans with rates measured on the host that runs it: on a set of geometries its
/// choice must be the fastest algorithm measured here, within a tolerance for noise.
@Suite("Cost model", .serialized)
struct CostModelTests {
    static let geometries: [(String, [Int], [Int], Conv2DAttributes, DType)] = [
        ("resnet 28×28×64 k3", [1, 28, 28, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same), .float32),
        ("pointwise 28×28×128", [1, 28, 28, 128], [1, 1, 128, 128], Conv2DAttributes(), .float32),
        ("large kernel 96×96 k15", [1, 96, 96, 1], [15, 15, 1, 1], Conv2DAttributes(padding: .same), .float32),
        ("16 groups of 8, 28×28×128 k3", [1, 28, 28, 128], [3, 3, 8, 128], Conv2DAttributes(padding: .same), .float32),
        ("stem 112×112×3 k7 s2", [1, 112, 112, 3], [7, 7, 3, 32], Conv2DAttributes(strides: [2, 2], padding: .same), .float32),
        ("batch-8 conv1d 800×10 → 16 k6", [8, 1, 800, 10], [1, 6, 10, 16], Conv2DAttributes(), .float32),
        ("batch-8 conv1d 800×10 → 16 k6, 2 groups", [8, 1, 800, 10], [1, 6, 5, 16], Conv2DAttributes(), .float32),
        ("few channels 64×64×4 k5", [1, 64, 64, 4], [5, 5, 4, 8], Conv2DAttributes(padding: .same), .float32),
        ("large kernel 256×256 k31", [1, 256, 256, 1], [31, 31, 1, 1], Conv2DAttributes(padding: .same), .float32),
        ("float64 resnet 28×28×64 k3", [1, 28, 28, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same), .float64),
        ("float64 pointwise 28×28×128", [1, 28, 28, 128], [1, 1, 128, 128], Conv2DAttributes(), .float64),
    ]

    /// The cost model's choice is within 1.5× of the fastest applicable algorithm's best time (best
    /// of five, runs interleaved across algorithms so that load from parallel tests hits all alike).
    @Test("the cost model picks the fastest measured algorithm on this host, within a tolerance", arguments: geometries.indices)
    func choice(_ index: Int) throws {
        let (name, x, f, attrs, dtype) = Self.geometries[index]
        if dtype == .float64 {
            try Self.choice(name, x, f, attrs, index, as: Double.self)
        } else {
            try Self.choice(name, x, f, attrs, index, as: Float.self)
        }
    }

    /// One attempt: rates measured now, under whatever load the parallel tests put on the host,
    /// as the timings are; nil when the choice is within 1.5× of the fastest, else what was seen.
    static func attempt<T: ConformFloat>(_ name: String, _ g: Conv2DGeometry, _ xs: Tensor<T>, _ fs: Tensor<T>) throws -> String? {
        let rates = HostRates.measure()
        let chosen = Execution.with(Execution(threads: 1)) { Conv2DPlan(g, elementType: T.dtype, rates: rates) }
        var best = [Conv2DPlan.Algorithm: Double]()
        for round in 0..<5 {
            for algorithm in Conv2DPlan.applicable(to: g) {
                // An algorithm 5× slower than the best so far after one run cannot become the fastest.
                if round > 0, let fastest = best.values.min(), let mine = best[algorithm], mine > 5 * fastest { continue }
                let seconds: Double = Execution.with(Execution(threads: 1)) {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let out: Tensor<T> = conv2d(xs, fs, geometry: g, plan: Conv2DPlan(algorithm: algorithm))
                    precondition(out.shape == g.outputShape)
                    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                }
                best[algorithm] = min(best[algorithm] ?? .infinity, seconds)
            }
        }
        let fastest = try #require(best.min { $0.value < $1.value })
        let mine = try #require(best[chosen.algorithm])
        guard mine > 1.5 * fastest.value else { return nil }
        let table = best.sorted { $0.value < $1.value }.map { "\($0.key.rawValue) \(String(format: "%.3f", $0.value * 1e3)) ms" }
            .joined(separator: ", ")
        return "\(name): chose \(chosen.algorithm.rawValue) (estimate \(String(format: "%.3f", chosen.estimate * 1e3)) ms); measured \(table); rates \(rates)"
    }

    /// A choice measured wrong is measured again, rates and timings, before it fails: the tests
    /// beside this one load the two cores in bursts (twice in the full suite a choice measured
    /// about 4 ms against 0.5 for the fastest, and was right run alone), while a wrong choice is
    /// wrong in both attempts.
    static func choice<T: ConformFloat>(_ name: String, _ x: [Int], _ f: [Int], _ attrs: Conv2DAttributes, _ index: Int, as _: T.Type) throws {
        let g = try Conv2DGeometry(input: x, filters: f, attrs: attrs)
        var rng = SplitMix64(seed: UInt64(index + 1))
        let xs = Fill.random.tensor(x, &rng, as: T.self), fs = Fill.random.tensor(f, &rng, as: T.self)
        guard let first = try attempt(name, g, xs, fs) else { return }
        if let second = try attempt(name, g, xs, fs) {
            Issue.record("twice outside 1.5× of the fastest: \(first) | again: \(second)")
        }
    }

    @Test("the rates are measured once per process and plausible")
    func rates() {
        let r = HostRates.current
        #expect(r.widePeak > 1e9 && r.narrowPeak > 1e9 && r.sgemm > 1e9 && r.dgemm > 1e8, "\(r)")
        #expect(r.bandwidth > 1e9 && r.fftSecondsPerPoint > 0 && r.fftSecondsPerPoint < 1e-6, "\(r)")
    }
}
