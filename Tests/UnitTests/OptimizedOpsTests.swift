import Foundation
import Optimized
import PropertyCheck
import Reference
import Testing

/// The optimized ops other than conv2d against the reference, on seeded random cases.
@Suite("Optimized ops against the reference")
struct OptimizedOpsTests {
    static let seed: UInt64 = 0x0071_2026

    static func floats(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor<Float> {
        try! Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 503 })
    }

    /// `got` within the tolerance bound of the reference accumulation (optimized: any summation order).
    static func expectBounded(_ got: Tensor<Float>, _ acc: Accumulated, _ label: String) {
        #expect(got.shape == acc.shape, "\(label)")
        for i in 0..<min(got.count, acc.value.count) {
            let bound = Tolerance.bound(acc, i, unitRoundoff: 0x1p-24, implementation: .optimized)
            let error = abs(Double(got.scalars[i]) - acc.value[i])
            if !(error <= bound) {
                Issue.record("\(label): element \(i) got \(got.scalars[i]), exact \(acc.value[i]), error/bound \(error / bound)")
                return
            }
        }
    }

    @Test("depthwise and separable, every multiplier, stride, dilation and padding")
    func depthwiseAndSeparable() throws {
        var rng = SplitMix64(seed: Self.seed)
        var n = 0
        while n < 150 {
            func r(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
            let (c, m, kh, kw) = (1 + r(40), 1 + r(3), 1 + r(4), 1 + r(4))
            let padding: Padding = [.valid, .same, .explicit([PadPair(r(3), r(2)), PadPair(r(2), r(3))])][r(3)]
            let attrs = Conv2DAttributes(strides: [1 + r(3), 1 + r(3)], padding: padding, dilations: [1 + r(2), 1 + r(2)])
            let x = Self.floats([1 + r(2), 1 + r(13), 1 + r(13), c], &rng), f = Self.floats([kh, kw, c, m], &rng)
            guard let acc = try? Reference.depthwiseConv2dAccumulated(x, f, attrs) else { continue }
            Self.expectBounded(try Optimized.depthwiseConv2d(x, f, attrs), acc, "seed \(Self.seed) depthwise case \(n) \(x.shape) \(f.shape) \(attrs)")
            let p = Self.floats([1, 1, c * m, 1 + r(40)], &rng)
            let sep = try Reference.separableConv2dAccumulated(x, f, p, attrs)
            Self.expectBounded(try Optimized.separableConv2d(x, f, p, attrs), sep, "seed \(Self.seed) separable case \(n)")
            n += 1
        }
    }

    @Test("conv2d_at in both modes and anchors, windows clipped on every side")
    func conv2dAt() throws {
        var rng = SplitMix64(seed: Self.seed ^ 1)
        for n in 0..<300 {
            func r(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
            let (h, w) = (1 + r(70), 1 + r(70))
            let x = Self.floats([h, w], &rng), k = Self.floats([1 + r(60), 1 + r(60)], &rng)
            let attrs = Conv2DAtAttributes(row: r(h), col: r(w), mode: r(2) == 0 ? .correlation : .convolution,
                                           anchor: r(2) == 0 ? .corner : .center)
            let acc = try Reference.conv2dAtAccumulated(x, k, attrs)
            Self.expectBounded(try Optimized.conv2dAt(x, k, attrs), acc, "seed \(Self.seed ^ 1) case \(n) \(x.shape) \(k.shape) \(attrs)")
        }
    }

    @Test("glimpse, windows, frame, RNG and pairing are bit-identical to the reference")
    func exactOps() throws {
        var rng = SplitMix64(seed: Self.seed ^ 2)
        func r(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
        for n in 0..<200 {
            let x = Self.floats([1 + r(3), 1 + r(9), 1 + r(9), 1 + r(3)], &rng)
            let offsets = try Tensor<Float>(shape: [x.shape[0], 2], scalars: (0..<(2 * x.shape[0])).map { _ in Float(r(41) - 20) / 4 })
            let attrs = GlimpseAttributes(size: [r(7), r(7)], centered: r(2) == 0, normalized: r(2) == 0,
                                          noise: GlimpseAttributes.Noise.allCases[r(3)], version: 1 + r(2), seed: Int64(n))
            #expect(try Optimized.extractGlimpse(x, offsets, attrs) == Reference.extractGlimpse(x, offsets, attrs), "seed \(Self.seed ^ 2) glimpse \(n)")

            let t = 2 + r(40)
            let data = Self.floats([t, 1 + r(3)], &rng)
            let targets = try Tensor<Int32>(shape: [t], scalars: (0..<t).map(Int32.init))
            let window = WindowAttributes(sequenceLength: 1 + r(6), sequenceStride: 1 + r(min(3, t - 1)),
                                          samplingRate: 1 + r(min(3, t - 1)), startIndex: r(2) == 0 ? nil : r(t),
                                          endIndex: r(2) == 0 ? nil : r(t))
            let withTargets = r(2) == 0 ? targets : nil
            // Both compute the same windows, or both refuse with the same error: two refusals are not two equal answers.
            let ref = Result { try Reference.timeseriesWindows(data, targets: withTargets, window) }
            let opt = Result { try Optimized.timeseriesWindows(data, targets: withTargets, window) }
            switch (ref, opt) {
            case let (.success(a), .success(b)):
                #expect(a.windows == b.windows && a.targets == b.targets, "seed \(Self.seed ^ 2) windows \(n) \(window)")
            case let (.failure(a), .failure(b)):
                #expect("\(a)" == "\(b)", "seed \(Self.seed ^ 2) windows \(n) \(window)")
            default:
                Issue.record("seed \(Self.seed ^ 2) windows \(n) \(window): reference \(ref), optimized \(opt)")
            }

            let signal = Self.floats([1 + r(4), 1 + r(30)], &rng)
            let frame = FrameAttributes(frameLength: 1 + r(8), frameStep: 1 + r(5), padEnd: r(2) == 0, padValue: 0, axis: [-1, 0, 1, -2][r(4)])
            #expect(try Optimized.frame(signal, frame, padValue: 7) == Reference.frame(signal, frame, padValue: 7), "seed \(Self.seed ^ 2) frame \(n)")

            let dtype = [DType.float16, .float32, .float64, .int32, .int64][r(5)]
            let uniform = StatelessUniformAttributes(shape: [r(9), r(70)], seed: [Int64(bitPattern: rng.next()), Int64(bitPattern: rng.next())],
                                                     dtype: dtype, minval: -3, maxval: Double(1 + r(1000)))
            #expect(try Optimized.statelessUniform(uniform) == Reference.statelessUniform(uniform), "seed \(Self.seed ^ 2) uniform \(n)")

            let rows = 1 + r(50)
            var bounds: [Int64] = [0]
            for _ in 0..<rows { bounds.append(bounds.last! + Int64(1 + r(12))) }
            let candidates = try Tensor<Int64>(shape: [Int(bounds.last!)], scalars: (0..<Int(bounds.last!)).map { _ in Int64(r(1000)) })
            let rowSplits = try Tensor<Int64>(shape: [bounds.count], scalars: bounds)
            let pairing = EpochPairingAttributes(seed: Int64(r(100)) - 50, epochs: r(6), firstEpoch: r(100),
                                                 mode: r(2) == 0 ? .tensorflow : .cycle)
            #expect(try Optimized.epochPairing(rowSplits, candidates, pairing) == Reference.epochPairing(rowSplits, candidates, pairing),
                    "seed \(Self.seed ^ 2) pairing \(n)")
        }
    }
}
