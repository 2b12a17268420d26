// One source, compiled twice: as KernelsAVX2 (-march=x86-64-v3) and as KernelsAVX512
// (-march=x86-64-v4, WIDE defined; Sources/KernelsAVX512/Kernels.swift is a link to this file).
// Optimized picks the module the CPU supports at run time. Every public entry point is concrete
// (Float, or Double) and any generic body is inlined into it, so the code is compiled for its
// module's vector ISA, whoever calls it.

#if WIDE
/// Output channels per register block: two `SIMD16<Float>` (zmm) per pixel.
public let channelBlock = 32
/// Output pixels per register block: 8 × 2 accumulators = 16 of the 32 zmm registers.
public let pixelBlock = 8
#else
/// Output channels per register block: one `SIMD16<Float>` (two ymm) per pixel.
public let channelBlock = 16
/// Output pixels per register block: 4 × 2 ymm accumulators = 8 of the 16 ymm registers.
public let pixelBlock = 4
#endif

/// Direct convolution of up to `pixelBlock` output pixels × `channelBlock` output channels.
///
/// `sources[p·tableStride + t]` points at the `cpg` input channels pixel `p` reads at tap `t` (a
/// row of zeros for taps in the padding); `panel[(t·cpg + c)·channelBlock + lane]` is the weight of
/// tap `t`, input channel `c`, output lane. Every tap and channel costs one broadcast per pixel and
/// one FMA per accumulator. Writes `pixels` rows of `lanes` outputs, `outStride` apart; with
/// `accumulate` it adds to what they hold (the caller splits the taps into cache-sized slices).
@inline(never)
public func convBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride taps: Int, taps tapCount: Int, cpg: Int,
    panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int,
    accumulate: Bool
) {
    registerBlock(SIMD16<Float>.self, sources, tableStride: taps, taps: tapCount, cpg: cpg, panel: panel, out, outStride: outStride,
                  pixels: pixels, lanes: lanes, accumulate: accumulate)
}

#if WIDE
/// Output channels per register block of `convBlockDouble`: two `SIMD8<Double>` (zmm) per pixel.
public let doubleChannelBlock = 16
#else
/// Output channels per register block of `convBlockDouble`: one `SIMD8<Double>` (two ymm) per pixel.
public let doubleChannelBlock = 8
#endif

/// `convBlock` in float64: up to `pixelBlock` output pixels × `doubleChannelBlock` output channels
/// (the same 16 accumulator registers with AVX-512, 8 with AVX2), same table, panel layout
/// `[t][c][doubleChannelBlock]`, outputs and `accumulate`.
@inline(never)
public func convBlockDouble(
    _ sources: UnsafePointer<UnsafePointer<Double>>, tableStride taps: Int, taps tapCount: Int, cpg: Int,
    panel: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, outStride: Int, pixels: Int, lanes: Int,
    accumulate: Bool
) {
    registerBlock(SIMD8<Double>.self, sources, tableStride: taps, taps: tapCount, cpg: cpg, panel: panel, out, outStride: outStride,
                  pixels: pixels, lanes: lanes, accumulate: accumulate)
}

/// The body of `convBlock` and `convBlockDouble`, for a 512-bit vector `V` (`SIMD16<Float>`,
/// `SIMD8<Double>`): `pixelBlock` pixels × two `V` (AVX-512: 16 zmm accumulators) or × one `V`
/// (AVX2: two ymm each, 8 accumulators). Inlined into each, so it compiles to concrete code.
@inline(__always)
func registerBlock<V: SIMD>(
    _: V.Type, _ sources: UnsafePointer<UnsafePointer<V.Scalar>>, tableStride taps: Int, taps tapCount: Int, cpg: Int,
    panel: UnsafePointer<V.Scalar>, _ out: UnsafeMutablePointer<V.Scalar>, outStride: Int, pixels: Int, lanes: Int,
    accumulate: Bool
) where V.Scalar: BinaryFloatingPoint {
    let n = V.scalarCount
    @inline(__always) func load(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    /// The `k`-th vector of pixel `p`'s outputs, or zero when starting afresh.
    @inline(__always) func initial(_ p: Int, _ k: Int) -> V {
        guard accumulate && p < pixels else { return V() }
        let o = out + p * outStride + n * k
        if lanes >= n * (k + 1) { return load(o) }
        var v = V()
        for lane in 0..<max(0, lanes - n * k) { v[lane] = o[lane] }
        return v
    }
    @inline(__always) func put(_ o: UnsafeMutablePointer<V.Scalar>, _ v: V, _ count: Int) {
        if count >= n {
            UnsafeMutableRawPointer(o).storeBytes(of: v, as: V.self)
        } else {
            for lane in 0..<max(0, count) { o[lane] = v[lane] }
        }
    }
    #if WIDE
    var a00 = initial(0, 0), a01 = initial(0, 1), a10 = initial(1, 0), a11 = initial(1, 1)
    var a20 = initial(2, 0), a21 = initial(2, 1), a30 = initial(3, 0), a31 = initial(3, 1)
    var a40 = initial(4, 0), a41 = initial(4, 1), a50 = initial(5, 0), a51 = initial(5, 1)
    var a60 = initial(6, 0), a61 = initial(6, 1), a70 = initial(7, 0), a71 = initial(7, 1)
    for t in 0..<tapCount {
        let (s0, s1, s2, s3) = (sources[t], sources[taps + t], sources[2 * taps + t], sources[3 * taps + t])
        let (s4, s5, s6, s7) = (sources[4 * taps + t], sources[5 * taps + t], sources[6 * taps + t], sources[7 * taps + t])
        var w = panel + t * cpg * 2 * n
        for c in 0..<cpg {
            let (w0, w1) = (load(w), load(w + n))
            var x = V(repeating: s0[c]); a00.addProduct(x, w0); a01.addProduct(x, w1)
            x = V(repeating: s1[c]); a10.addProduct(x, w0); a11.addProduct(x, w1)
            x = V(repeating: s2[c]); a20.addProduct(x, w0); a21.addProduct(x, w1)
            x = V(repeating: s3[c]); a30.addProduct(x, w0); a31.addProduct(x, w1)
            x = V(repeating: s4[c]); a40.addProduct(x, w0); a41.addProduct(x, w1)
            x = V(repeating: s5[c]); a50.addProduct(x, w0); a51.addProduct(x, w1)
            x = V(repeating: s6[c]); a60.addProduct(x, w0); a61.addProduct(x, w1)
            x = V(repeating: s7[c]); a70.addProduct(x, w0); a71.addProduct(x, w1)
            w += 2 * n
        }
    }
    @inline(__always) func store(_ p: Int, _ v0: V, _ v1: V) {
        guard p < pixels else { return }
        let o = out + p * outStride
        put(o, v0, lanes); put(o + n, v1, lanes - n)
    }
    store(0, a00, a01); store(1, a10, a11); store(2, a20, a21); store(3, a30, a31)
    store(4, a40, a41); store(5, a50, a51); store(6, a60, a61); store(7, a70, a71)
    #else
    var a0 = initial(0, 0), a1 = initial(1, 0), a2 = initial(2, 0), a3 = initial(3, 0)
    for t in 0..<tapCount {
        let (s0, s1, s2, s3) = (sources[t], sources[taps + t], sources[2 * taps + t], sources[3 * taps + t])
        var w = panel + t * cpg * n
        for c in 0..<cpg {
            let w0 = load(w)
            a0.addProduct(V(repeating: s0[c]), w0)
            a1.addProduct(V(repeating: s1[c]), w0)
            a2.addProduct(V(repeating: s2[c]), w0)
            a3.addProduct(V(repeating: s3[c]), w0)
            w += n
        }
    }
    @inline(__always) func store(_ p: Int, _ v: V) {
        if p < pixels { put(out + p * outStride, v, lanes) }
    }
    store(0, a0); store(1, a1); store(2, a2); store(3, a3)
    #endif
}

#if WIDE
/// Output pixels per block of `groupedBlock`: 6 × 4 ymm accumulators = 24 of the 32 registers AVX-512VL gives.
public let groupedPixelBlock = 6
/// Output pixels per block of `groupedHalfBlock` and `grouped4Block` (both unrolled for it): 4 × 4
/// accumulators, room for their paired broadcasts and spread channels.
public let groupedHalfPixelBlock = 4
#else
/// Output pixels per block of `groupedBlock`: 2 × 4 ymm accumulators = 8 of the 16 ymm registers.
public let groupedPixelBlock = 2
/// Output pixels per block of `groupedHalfBlock` and `grouped4Block`.
public let groupedHalfPixelBlock = 2
#endif

/// Direct convolution of up to `groupedPixelBlock` output pixels × 4 slots of 8 output channels,
/// each slot reading input channels of its own: narrow groups (8 or 16 output channels) share a
/// block instead of each filling a 32-lane block mostly with nothing.
///
/// `sources[p·tableStride + t]` points at the input channels pixel `p` reads at tap `t`, from the
/// block's first group on (zeros in the padding); slot `j` reads channel `slotInputs[j] + c` of
/// them. `panel[(t·cpg + c)·32 + 8j + lane]` is the weight of tap `t`, channel `c` for slot `j`'s
/// lane (zero past a slot's `slotLanes[j]`). Each pixel, tap and channel costs one broadcast and one
/// 8-lane FMA per slot. Writes slot `j`'s lanes of pixel `p` at `out + p·outStride + slotOutputs[j]`.
@inline(never)
public func groupedBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, slotInputs: (Int, Int, Int, Int),
    panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, slotOutputs: (Int, Int, Int, Int),
    slotLanes: (Int, Int, Int, Int), pixels: Int
) {
    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let (i0, i1, i2, i3) = slotInputs
    @inline(__always) func put(_ o: UnsafeMutablePointer<Float>, _ v: V, _ lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(o).storeBytes(of: v, as: V.self)
        } else {
            for lane in 0..<lanes { o[lane] = v[lane] }
        }
    }
    @inline(__always) func store(_ p: Int, _ v0: V, _ v1: V, _ v2: V, _ v3: V) {
        guard p < pixels else { return }
        let o = out + p * outStride
        put(o + slotOutputs.0, v0, slotLanes.0); put(o + slotOutputs.1, v1, slotLanes.1)
        put(o + slotOutputs.2, v2, slotLanes.2); put(o + slotOutputs.3, v3, slotLanes.3)
    }
    #if WIDE
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    var a20 = V(), a21 = V(), a22 = V(), a23 = V()
    var a30 = V(), a31 = V(), a32 = V(), a33 = V()
    var a40 = V(), a41 = V(), a42 = V(), a43 = V()
    var a50 = V(), a51 = V(), a52 = V(), a53 = V()
    for t in 0..<taps {
        let s0 = sources[t]
        let s1 = sources[1 * tableStride + t]
        let s2 = sources[2 * tableStride + t]
        let s3 = sources[3 * tableStride + t]
        let s4 = sources[4 * tableStride + t]
        let s5 = sources[5 * tableStride + t]
        var w = panel + t * cpg * 32
        for c in 0..<cpg {
            let (w0, w1, w2, w3) = (load(w), load(w + 8), load(w + 16), load(w + 24))
            a00.addProduct(V(repeating: s0[i0 + c]), w0); a01.addProduct(V(repeating: s0[i1 + c]), w1)
            a02.addProduct(V(repeating: s0[i2 + c]), w2); a03.addProduct(V(repeating: s0[i3 + c]), w3)
            a10.addProduct(V(repeating: s1[i0 + c]), w0); a11.addProduct(V(repeating: s1[i1 + c]), w1)
            a12.addProduct(V(repeating: s1[i2 + c]), w2); a13.addProduct(V(repeating: s1[i3 + c]), w3)
            a20.addProduct(V(repeating: s2[i0 + c]), w0); a21.addProduct(V(repeating: s2[i1 + c]), w1)
            a22.addProduct(V(repeating: s2[i2 + c]), w2); a23.addProduct(V(repeating: s2[i3 + c]), w3)
            a30.addProduct(V(repeating: s3[i0 + c]), w0); a31.addProduct(V(repeating: s3[i1 + c]), w1)
            a32.addProduct(V(repeating: s3[i2 + c]), w2); a33.addProduct(V(repeating: s3[i3 + c]), w3)
            a40.addProduct(V(repeating: s4[i0 + c]), w0); a41.addProduct(V(repeating: s4[i1 + c]), w1)
            a42.addProduct(V(repeating: s4[i2 + c]), w2); a43.addProduct(V(repeating: s4[i3 + c]), w3)
            a50.addProduct(V(repeating: s5[i0 + c]), w0); a51.addProduct(V(repeating: s5[i1 + c]), w1)
            a52.addProduct(V(repeating: s5[i2 + c]), w2); a53.addProduct(V(repeating: s5[i3 + c]), w3)
            w += 32
        }
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    store(2, a20, a21, a22, a23)
    store(3, a30, a31, a32, a33)
    store(4, a40, a41, a42, a43)
    store(5, a50, a51, a52, a53)
    #else
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    for t in 0..<taps {
        let s0 = sources[t]
        let s1 = sources[1 * tableStride + t]
        var w = panel + t * cpg * 32
        for c in 0..<cpg {
            let (w0, w1, w2, w3) = (load(w), load(w + 8), load(w + 16), load(w + 24))
            a00.addProduct(V(repeating: s0[i0 + c]), w0); a01.addProduct(V(repeating: s0[i1 + c]), w1)
            a02.addProduct(V(repeating: s0[i2 + c]), w2); a03.addProduct(V(repeating: s0[i3 + c]), w3)
            a10.addProduct(V(repeating: s1[i0 + c]), w0); a11.addProduct(V(repeating: s1[i1 + c]), w1)
            a12.addProduct(V(repeating: s1[i2 + c]), w2); a13.addProduct(V(repeating: s1[i3 + c]), w3)
            w += 32
        }
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    #endif
}

/// `groupedBlock` for groups of at most 4 output channels: each 8-lane slot holds two groups, its
/// low half broadcasting one group's input channel and its high half the next one's, so eight
/// groups share a block. `halfInputs[h]` is group `h`'s input channel offset from the block's first
/// (`h < 8`), `halfOutputs[h]` its first output channel, `lanes` the channels of each group
/// (`halves` of the eight are real groups). `panel[(t·cpg + c)·32 + 4h + lane]` is group `h`'s weight.
@inline(never)
public func groupedHalfBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, halfInputs: UnsafePointer<Int>,
    panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, halfOutputs: UnsafePointer<Int>,
    lanes: Int, halves: Int, pixels: Int
) {
    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func pair(_ s: UnsafePointer<Float>, _ a: Int, _ b: Int) -> V {
        V(lowHalf: SIMD4(repeating: s[a]), highHalf: SIMD4(repeating: s[b]))
    }
    let (i0, i1, i2, i3) = (halfInputs[0], halfInputs[1], halfInputs[2], halfInputs[3])
    let (i4, i5, i6, i7) = (halfInputs[4], halfInputs[5], halfInputs[6], halfInputs[7])
    @inline(__always) func put(_ o: UnsafeMutablePointer<Float>, _ v: V, _ j: Int) {
        for half in 0..<2 where 2 * j + half < halves {
            let target = o + halfOutputs[2 * j + half]
            for lane in 0..<lanes { target[lane] = v[4 * half + lane] }
        }
    }
    @inline(__always) func store(_ p: Int, _ v0: V, _ v1: V, _ v2: V, _ v3: V) {
        guard p < pixels else { return }
        let o = out + p * outStride
        put(o, v0, 0); put(o, v1, 1); put(o, v2, 2); put(o, v3, 3)
    }
    #if WIDE
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    var a20 = V(), a21 = V(), a22 = V(), a23 = V()
    var a30 = V(), a31 = V(), a32 = V(), a33 = V()
    for t in 0..<taps {
        let s0 = sources[t]
        let s1 = sources[1 * tableStride + t]
        let s2 = sources[2 * tableStride + t]
        let s3 = sources[3 * tableStride + t]
        var w = panel + t * cpg * 32
        for c in 0..<cpg {
            let (w0, w1, w2, w3) = (load(w), load(w + 8), load(w + 16), load(w + 24))
            a00.addProduct(pair(s0, i0 &+ c, i1 &+ c), w0); a01.addProduct(pair(s0, i2 &+ c, i3 &+ c), w1)
            a02.addProduct(pair(s0, i4 &+ c, i5 &+ c), w2); a03.addProduct(pair(s0, i6 &+ c, i7 &+ c), w3)
            a10.addProduct(pair(s1, i0 &+ c, i1 &+ c), w0); a11.addProduct(pair(s1, i2 &+ c, i3 &+ c), w1)
            a12.addProduct(pair(s1, i4 &+ c, i5 &+ c), w2); a13.addProduct(pair(s1, i6 &+ c, i7 &+ c), w3)
            a20.addProduct(pair(s2, i0 &+ c, i1 &+ c), w0); a21.addProduct(pair(s2, i2 &+ c, i3 &+ c), w1)
            a22.addProduct(pair(s2, i4 &+ c, i5 &+ c), w2); a23.addProduct(pair(s2, i6 &+ c, i7 &+ c), w3)
            a30.addProduct(pair(s3, i0 &+ c, i1 &+ c), w0); a31.addProduct(pair(s3, i2 &+ c, i3 &+ c), w1)
            a32.addProduct(pair(s3, i4 &+ c, i5 &+ c), w2); a33.addProduct(pair(s3, i6 &+ c, i7 &+ c), w3)
            w += 32
        }
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    store(2, a20, a21, a22, a23)
    store(3, a30, a31, a32, a33)
    #else
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    for t in 0..<taps {
        let s0 = sources[t]
        let s1 = sources[1 * tableStride + t]
        var w = panel + t * cpg * 32
        for c in 0..<cpg {
            let (w0, w1, w2, w3) = (load(w), load(w + 8), load(w + 16), load(w + 24))
            a00.addProduct(pair(s0, i0 &+ c, i1 &+ c), w0); a01.addProduct(pair(s0, i2 &+ c, i3 &+ c), w1)
            a02.addProduct(pair(s0, i4 &+ c, i5 &+ c), w2); a03.addProduct(pair(s0, i6 &+ c, i7 &+ c), w3)
            a10.addProduct(pair(s1, i0 &+ c, i1 &+ c), w0); a11.addProduct(pair(s1, i2 &+ c, i3 &+ c), w1)
            a12.addProduct(pair(s1, i4 &+ c, i5 &+ c), w2); a13.addProduct(pair(s1, i6 &+ c, i7 &+ c), w3)
            w += 32
        }
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    #endif
}

/// `groupedHalfBlock` for eight whole groups of exactly 4 input channels each: a slot's two groups
/// hold 8 consecutive input channels, so one 8-lane load per pixel, tap and slot brings both, and
/// each channel `c` is spread to its group's half within the 128-bit lanes (one in-lane shuffle per
/// FMA, no scalar broadcasts). `sources[p·tableStride + t] + base` is the block's first channel;
/// outputs and panel as `groupedHalfBlock` (`taps` taps of 4 channels).
@inline(never)
public func grouped4Block(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, base: Int, panel: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, outStride: Int, firstOutput: Int, lanes: Int, pixels: Int
) {
    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func spread(_ x: V, _ c: Int) -> V { V(x[c], x[c], x[c], x[c], x[4 + c], x[4 + c], x[4 + c], x[4 + c]) }
    @inline(__always) func put(_ o: UnsafeMutablePointer<Float>, _ v: V, _ j: Int) {
        let target = o + firstOutput + 8 * j * lanes / 4
        for lane in 0..<lanes { target[lane] = v[lane]; target[lanes + lane] = v[4 + lane] }
    }
    @inline(__always) func store(_ p: Int, _ v0: V, _ v1: V, _ v2: V, _ v3: V) {
        guard p < pixels else { return }
        let o = out + p * outStride
        put(o, v0, 0); put(o, v1, 1); put(o, v2, 2); put(o, v3, 3)
    }
    /// Pixel `p`'s tap `t` into its four accumulators: one load of each slot's two groups, each
    /// channel spread to its group's half.
    @inline(__always) func accumulate(_ p: Int, _ t: Int, _ a0: inout V, _ a1: inout V, _ a2: inout V, _ a3: inout V) {
        let s = sources[p * tableStride + t] + base, w = panel + t * 128
        let (x0, x1, x2, x3) = (load(s), load(s + 8), load(s + 16), load(s + 24))
        for c in 0..<4 {
            let wc = w + c * 32
            a0.addProduct(spread(x0, c), load(wc)); a1.addProduct(spread(x1, c), load(wc + 8))
            a2.addProduct(spread(x2, c), load(wc + 16)); a3.addProduct(spread(x3, c), load(wc + 24))
        }
    }
    #if WIDE
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    var a20 = V(), a21 = V(), a22 = V(), a23 = V()
    var a30 = V(), a31 = V(), a32 = V(), a33 = V()
    for t in 0..<taps {
        accumulate(0, t, &a00, &a01, &a02, &a03)
        accumulate(1, t, &a10, &a11, &a12, &a13)
        accumulate(2, t, &a20, &a21, &a22, &a23)
        accumulate(3, t, &a30, &a31, &a32, &a33)
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    store(2, a20, a21, a22, a23)
    store(3, a30, a31, a32, a33)
    #else
    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
    for t in 0..<taps {
        accumulate(0, t, &a00, &a01, &a02, &a03)
        accumulate(1, t, &a10, &a11, &a12, &a13)
    }
    store(0, a00, a01, a02, a03)
    store(1, a10, a11, a12, a13)
    #endif
}

#if WIDE
/// Output pixels per block of `pairedBlock`: 8 × 2 ymm accumulators.
public let pairedPixelBlock = 8
#else
/// Output pixels per block of `pairedBlock`: 4 × 2 ymm accumulators.
public let pairedPixelBlock = 4
#endif

/// Direct convolution of up to `pairedPixelBlock` output pixels of two groups of at most 8 output
/// channels each, side by side in 16 lanes: the low 8 broadcast the first group's input channel,
/// the high 8 the second's, so no lane computes a product for the other group.
///
/// `sources[p·tableStride + t]` points at the first group's `cpg` channels pixel `p` reads at tap
/// `t`; the second group's are `second` floats further on. `panel[(t·cpg + c)·16 + 8j + lane]` is
/// group `j`'s weight (zero past its `lanes`). Writes group `j`'s `lanes` outputs of pixel `p` at
/// `out + p·outStride + j·lanes`.
@inline(never)
public func pairedBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, second: Int,
    panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
) {
    pairBody(SIMD8<Float>.self, sources, tableStride: tableStride, taps: taps, cpg: cpg, first: 0, second: second, groups: 2,
             panel: panel, out, outStride: outStride, lanes: lanes, pixels: pixels)
}

#if WIDE
/// Output pixels per block of `pairedWideBlock`: 8 × 2 zmm accumulators.
public let pairedWidePixelBlock = 8

/// `pairedBlock` at twice the width, for two groups of 9 to 16 output channels: 8 output pixels ×
/// 2 `SIMD16<Float>` (zmm), the low 16 lanes broadcasting the first group's input channel, the
/// high 16 the second's (`groupedBlock` would broadcast each group's channel twice, once per
/// 8-lane slot). The groups read channels `first + c` and `second + c` of each pixel's source;
/// `panel[(t·cpg + c)·32 + 16j + lane]` is group `j`'s weight; with `groups` 1 only the first group
/// is real (`second` should then be `first`, so nothing past it is read).
@inline(never)
public func pairedWideBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, first: Int, second: Int, groups: Int,
    panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
) {
    pairBody(SIMD16<Float>.self, sources, tableStride: tableStride, taps: taps, cpg: cpg, first: first, second: second, groups: groups,
             panel: panel, out, outStride: outStride, lanes: lanes, pixels: pixels)
}
#endif

/// The body of `pairedBlock` (`V` = `SIMD8<Float>`) and `pairedWideBlock` (`SIMD16<Float>`):
/// `pairedPixelBlock` pixels × two `V`, the first group's lanes then the second's. Inlined into
/// each, so it compiles to concrete code.
@inline(__always)
func pairBody<V: SIMD>(
    _: V.Type, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, first: Int, second: Int,
    groups: Int, panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
) where V.Scalar == Float {
    let n = V.scalarCount
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func put(_ o: UnsafeMutablePointer<Float>, _ v: V) {
        if lanes == n {
            UnsafeMutableRawPointer(o).storeBytes(of: v, as: V.self)
        } else {
            for lane in 0..<lanes { o[lane] = v[lane] }
        }
    }
    @inline(__always) func store(_ p: Int, _ a: V, _ b: V) {
        guard p < pixels else { return }
        let o = out + p * outStride
        put(o, a)
        if groups == 2 { put(o + lanes, b) }
    }
    #if WIDE
    var a0 = V(), b0 = V(), a1 = V(), b1 = V(), a2 = V(), b2 = V(), a3 = V(), b3 = V()
    var a4 = V(), b4 = V(), a5 = V(), b5 = V(), a6 = V(), b6 = V(), a7 = V(), b7 = V()
    for t in 0..<taps {
        let (s0, s1, s2, s3) = (sources[t], sources[tableStride + t], sources[2 * tableStride + t], sources[3 * tableStride + t])
        let (s4, s5, s6, s7) = (sources[4 * tableStride + t], sources[5 * tableStride + t], sources[6 * tableStride + t],
                                sources[7 * tableStride + t])
        var w = panel + t * cpg * 2 * n
        for c in 0..<cpg {
            let (wa, wb) = (load(w), load(w + n))
            let (e, d) = (first &+ c, second &+ c)
            a0.addProduct(V(repeating: s0[e]), wa); b0.addProduct(V(repeating: s0[d]), wb)
            a1.addProduct(V(repeating: s1[e]), wa); b1.addProduct(V(repeating: s1[d]), wb)
            a2.addProduct(V(repeating: s2[e]), wa); b2.addProduct(V(repeating: s2[d]), wb)
            a3.addProduct(V(repeating: s3[e]), wa); b3.addProduct(V(repeating: s3[d]), wb)
            a4.addProduct(V(repeating: s4[e]), wa); b4.addProduct(V(repeating: s4[d]), wb)
            a5.addProduct(V(repeating: s5[e]), wa); b5.addProduct(V(repeating: s5[d]), wb)
            a6.addProduct(V(repeating: s6[e]), wa); b6.addProduct(V(repeating: s6[d]), wb)
            a7.addProduct(V(repeating: s7[e]), wa); b7.addProduct(V(repeating: s7[d]), wb)
            w += 2 * n
        }
    }
    store(0, a0, b0); store(1, a1, b1); store(2, a2, b2); store(3, a3, b3)
    store(4, a4, b4); store(5, a5, b5); store(6, a6, b6); store(7, a7, b7)
    #else
    var a0 = V(), b0 = V(), a1 = V(), b1 = V(), a2 = V(), b2 = V(), a3 = V(), b3 = V()
    for t in 0..<taps {
        let (s0, s1, s2, s3) = (sources[t], sources[tableStride + t], sources[2 * tableStride + t], sources[3 * tableStride + t])
        var w = panel + t * cpg * 2 * n
        for c in 0..<cpg {
            let (wa, wb) = (load(w), load(w + n))
            let (e, d) = (first &+ c, second &+ c)
            a0.addProduct(V(repeating: s0[e]), wa); b0.addProduct(V(repeating: s0[d]), wb)
            a1.addProduct(V(repeating: s1[e]), wa); b1.addProduct(V(repeating: s1[d]), wb)
            a2.addProduct(V(repeating: s2[e]), wa); b2.addProduct(V(repeating: s2[d]), wb)
            a3.addProduct(V(repeating: s3[e]), wa); b3.addProduct(V(repeating: s3[d]), wb)
            w += 2 * n
        }
    }
    store(0, a0, b0); store(1, a1, b1); store(2, a2, b2); store(3, a3, b3)
    #endif
}

/// Depthwise convolution of up to `pixelBlock` output pixels over `channels` channels.
///
/// `sources[p·taps + t]` points at the channels pixel `p` reads at tap `t` (zeros in the padding);
/// `filter[t·channels + c]` is the weight. Channels go 16 at a time, the tail one by one.
@inline(never)
public func depthwiseBlock(
    _ sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, channels: Int, filter: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, pixels: Int
) {
    typealias V = SIMD16<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let vectorEnd = channels / 16 * 16
    var c = 0
    @inline(__always) func store(_ p: Int, _ v: V) {
        if p < pixels { UnsafeMutableRawPointer(out + p * channels + c).storeBytes(of: v, as: V.self) }
    }
    while c < vectorEnd {
        #if WIDE
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        for t in 0..<taps {
            let w = load(filter + t * channels + c)
            a0.addProduct(load(sources[t] + c), w)
            a1.addProduct(load(sources[taps + t] + c), w)
            a2.addProduct(load(sources[2 * taps + t] + c), w)
            a3.addProduct(load(sources[3 * taps + t] + c), w)
            a4.addProduct(load(sources[4 * taps + t] + c), w)
            a5.addProduct(load(sources[5 * taps + t] + c), w)
            a6.addProduct(load(sources[6 * taps + t] + c), w)
            a7.addProduct(load(sources[7 * taps + t] + c), w)
        }
        store(0, a0); store(1, a1); store(2, a2); store(3, a3); store(4, a4); store(5, a5); store(6, a6); store(7, a7)
        #else
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        for t in 0..<taps {
            let w = load(filter + t * channels + c)
            a0.addProduct(load(sources[t] + c), w)
            a1.addProduct(load(sources[taps + t] + c), w)
            a2.addProduct(load(sources[2 * taps + t] + c), w)
            a3.addProduct(load(sources[3 * taps + t] + c), w)
        }
        store(0, a0); store(1, a1); store(2, a2); store(3, a3)
        #endif
        c += 16
    }
    channelTail(pixels: pixels, channels: channels, from: vectorEnd, taps: taps, filter: filter, out) { p, t in sources[p * taps + t] }
}

/// The channels past the last whole vector, one by one in tap order; `source(p, t)` points at
/// the channels pixel `p` reads at tap `t`.
@inline(__always)
func channelTail(pixels: Int, channels: Int, from start: Int, taps: Int, filter: UnsafePointer<Float>,
                 _ out: UnsafeMutablePointer<Float>, source: (Int, Int) -> UnsafePointer<Float>) {
    for p in 0..<pixels {
        for ch in start..<channels {
            var acc: Float = 0
            for t in 0..<taps { acc += source(p, t)[ch] * filter[t * channels + ch] }
            out[p * channels + ch] = acc
        }
    }
}

/// Peak FMA throughput of this module's vector ISA on one core, in GFLOP/s per iteration count:
/// 12 independent chains of `SIMD16<Float>` FMAs. Returns a value that depends on every chain.
@inline(never)
public func fmaChains(_ n: Int) -> Float {
    let b = SIMD16<Float>(repeating: 0.999_999), c = SIMD16<Float>(repeating: 1e-7)
    var a0 = SIMD16<Float>(repeating: 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0
    var a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0
    for _ in 0..<n {
        a0 = c.addingProduct(a0, b); a1 = c.addingProduct(a1, b); a2 = c.addingProduct(a2, b)
        a3 = c.addingProduct(a3, b); a4 = c.addingProduct(a4, b); a5 = c.addingProduct(a5, b)
        a6 = c.addingProduct(a6, b); a7 = c.addingProduct(a7, b); a8 = c.addingProduct(a8, b)
        a9 = c.addingProduct(a9, b); a10 = c.addingProduct(a10, b); a11 = c.addingProduct(a11, b)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}

/// `depthwiseBlock` for a block of `pixelBlock` pixels lying wholly inside the image: pixel `p`
/// reads tap `t` at `bases[t] + p·pixelStride`, so one pointer per tap serves the whole block.
@inline(never)
public func depthwiseBlockInterior(
    _ bases: UnsafePointer<UnsafePointer<Float>>, pixelStride: Int, taps: Int, channels: Int,
    filter: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
) {
    typealias V = SIMD16<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let vectorEnd = channels / 16 * 16
    let s = pixelStride
    var c = 0
    @inline(__always) func put(_ p: Int, _ v: V) { UnsafeMutableRawPointer(out + p * channels + c).storeBytes(of: v, as: V.self) }
    while c < vectorEnd {
        #if WIDE
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        for t in 0..<taps {
            let w = load(filter + t * channels + c), b = bases[t] + c
            a0.addProduct(load(b), w); a1.addProduct(load(b + s), w)
            a2.addProduct(load(b + 2 * s), w); a3.addProduct(load(b + 3 * s), w)
            a4.addProduct(load(b + 4 * s), w); a5.addProduct(load(b + 5 * s), w)
            a6.addProduct(load(b + 6 * s), w); a7.addProduct(load(b + 7 * s), w)
        }
        put(0, a0); put(1, a1); put(2, a2); put(3, a3); put(4, a4); put(5, a5); put(6, a6); put(7, a7)
        #else
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        for t in 0..<taps {
            let w = load(filter + t * channels + c), b = bases[t] + c
            a0.addProduct(load(b), w); a1.addProduct(load(b + s), w)
            a2.addProduct(load(b + 2 * s), w); a3.addProduct(load(b + 3 * s), w)
        }
        put(0, a0); put(1, a1); put(2, a2); put(3, a3)
        #endif
        c += 16
    }
    channelTail(pixels: pixelBlock, channels: channels, from: vectorEnd, taps: taps, filter: filter, out) { p, t in bases[t] + p * s }
}
