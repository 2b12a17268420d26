import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// Every conv2d algorithm, forced on seeded random geometries, against the Float64 reference.
@Suite("Optimized conv2d algorithms")
struct OptimizedConvTests {
    static let seed: UInt64 = 0xC0DE_2026

    struct Case {
        var x: Tensor<Float>, f: Tensor<Float>, attrs: Conv2DAttributes, geometry: Conv2DGeometry
    }

    /// A random valid conv2d; `strideOne` and `groups` restrict it for algorithms that need it.
    static func randomCase(_ rng: inout SplitMix64, strideOne: Bool = false, ungrouped: Bool = false) -> Case {
        func r(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        while true {
            let groups = ungrouped ? 1 : 1 + r(3)
            // Few channels (the packed-patch path) and many (the pointer-table path), both.
            let (cpg, opg) = (r(3) == 0 ? 14 + r(10) : 1 + r(5), 1 + r(40))
            let (kh, kw) = (1 + r(4), 1 + r(5))
            let (sh, sw) = strideOne ? (1, 1) : (1 + r(3), 1 + r(3))
            let (dh, dw) = (1 + r(2), 1 + r(3))
            let padding: Padding = [.valid, .same, .explicit([PadPair(r(3), r(3)), PadPair(r(3), r(2))])][r(3)]
            let shape = [1 + r(2), 1 + r(12), 1 + r(14), groups * cpg]
            let attrs = Conv2DAttributes(strides: [sh, sw], padding: padding, dilations: [dh, dw])
            let fshape = [kh, kw, cpg, groups * opg]
            guard let g = try? Conv2DGeometry(input: shape, filters: fshape, attrs: attrs) else { continue }
            let x = try! Tensor<Float>(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 997 })
            let f = try! Tensor<Float>(shape: fshape, scalars: (0..<fshape.reduce(1, *)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 991 })
            return Case(x: x, f: f, attrs: attrs, geometry: g)
        }
    }

    static func check(_ c: Case, _ algorithm: Conv2DPlan.Algorithm, normwise: Double = 0, label: String) throws {
        let acc = try Reference.conv2dAccumulated(c.x, c.f, c.attrs)
        let got = Optimized.conv2d(c.x, c.f, geometry: c.geometry, plan: Conv2DPlan(algorithm: algorithm))
        #expect(got.shape == acc.shape, "\(label)")
        for i in 0..<acc.value.count {
            let bound = Tolerance.gamma(acc.terms[i], u: 0x1p-24) * acc.magnitude[i] + 0x1p-24 * abs(acc.value[i]) + normwise
            let error = abs(Double(got.scalars[i]) - acc.value[i])
            guard error <= bound else {
                Issue.record("\(label) \(algorithm) element \(i): got \(got.scalars[i]), exact \(acc.value[i]), error/bound \(error / bound); shape \(c.x.shape) ⊛ \(c.f.shape) \(c.attrs)")
                return
            }
        }
    }

    @Test("im2col + GEMM and direct agree with the reference within γ(n)·S", arguments: [Conv2DPlan.Algorithm.im2colGEMM, .direct])
    func elementwise(algorithm: Conv2DPlan.Algorithm) throws {
        var rng = SplitMix64(seed: Self.seed)
        for n in 0..<150 { try Self.check(Self.randomCase(&rng), algorithm, label: "seed \(Self.seed) case \(n)") }
    }

    @Test("spatial agrees with the reference within γ(n)·S on width-stride-1 convolutions")
    func spatial() throws {
        var rng = SplitMix64(seed: Self.seed ^ 3)
        var n = 0
        while n < 120 {
            let c = Self.randomCase(&rng)
            guard c.geometry.cols.stride == 1 else { continue }
            try Self.check(c, .spatial, label: "seed \(Self.seed ^ 3) case \(n)")
            n += 1
        }
    }
    @Test("pointwise GEMM agrees on 1×1 stride-1 unpadded convolutions")
    func pointwise() throws {
        var rng = SplitMix64(seed: Self.seed ^ 1)
        for n in 0..<60 {
            var c = Self.randomCase(&rng)
            let shape = c.x.shape
            let f = try Tensor<Float>(shape: [1, 1, c.f.shape[2], c.f.shape[3]], scalars: Array(c.f.scalars.prefix(c.f.shape[2] * c.f.shape[3])))
            c = Case(x: c.x, f: f, attrs: Conv2DAttributes(), geometry: try Conv2DGeometry(input: shape, filters: f.shape, attrs: Conv2DAttributes()))
            try Self.check(c, .pointwiseGEMM, label: "seed \(Self.seed ^ 1) case \(n)")
        }
    }

    @Test("FFT agrees within its norm-wise bound on stride-1 convolutions; the other paths have none")
    func fft() throws {
        var rng = SplitMix64(seed: Self.seed ^ 2)
        for n in 0..<60 {
            let c = Self.randomCase(&rng, strideOne: true, ungrouped: true)
            let slack = Conv2DPlan(algorithm: .fft).normwiseSlack(c.geometry, input: c.x, filters: c.f)
            #expect(slack > 0 && Conv2DPlan(algorithm: .direct).normwiseSlack(c.geometry, input: c.x, filters: c.f) == 0)
            try Self.check(c, .fft, normwise: slack, label: "seed \(Self.seed ^ 2) case \(n)")
        }
    }

    /// The model's logic on fixed rates (a Zen 4 and a Zen 5 core, as measured), so the choices
    /// cannot move with the load other tests put on the host; the model on this host's measured
    /// rates is checked against measured timings (`CostModelTests`).
    @Test("the cost model, on fixed rates: FFT for huge kernels, columns for one channel, direct for wide float32 and float64",
          arguments: [
              HostRates(widePeak: 118e9, narrowPeak: 99e9, sgemm: 110e9, dgemm: 55e9, fftSecondsPerPoint: 0.65e-9, bandwidth: 25e9),
              HostRates(widePeak: 270e9, narrowPeak: 135e9, sgemm: 120e9, dgemm: 60e9, fftSecondsPerPoint: 0.5e-9, bandwidth: 40e9),
          ])
    func costModel(rates: HostRates) throws {
        let same = Conv2DAttributes(padding: .same)
        let huge = try Conv2DGeometry(input: [1, 256, 256, 1], filters: [101, 101, 1, 1], attrs: same)
        #expect(Conv2DPlan(huge, rates: rates).algorithm == .fft)
        let single = try Conv2DGeometry(input: [1, 256, 256, 1], filters: [31, 31, 1, 1], attrs: same)
        #expect(Conv2DPlan(single, rates: rates).algorithm == .spatial)
        let wide = try Conv2DGeometry(input: [1, 56, 56, 64], filters: [3, 3, 64, 64], attrs: same)
        #expect(Conv2DPlan(wide, rates: rates).algorithm == .direct)
        #expect(Conv2DPlan(wide, elementType: .float64, rates: rates).algorithm == .direct)
        // Two groups of 8 from 5 channels each run row-merged in pairs, ahead of GEMM's skinny products.
        let pairs = try Conv2DGeometry(input: [8, 1, 800, 10], filters: [1, 6, 5, 16], attrs: Conv2DAttributes())
        #expect(Conv2DPlan(pairs, rates: rates).algorithm == .direct)
    }
}
