import Reference

/// The input gradient of grouped 2-D cross-correlation (`Conv2DBackpropInput`), as a forward conv2d.
///
/// Algorithm: the gradient `out_backprop` is written, zero-stuffed, into a buffer of
/// `[N, H + (KH−1)·dh, W + (KW−1)·dw, Cout]`, row `i` at `i·sh + (KH−1)·dh − pad_top` (column
/// alike; rows that land outside reach no input element and are dropped); the filter is turned
/// 180° with its channel axes swapped per group (`w'[a,b,o,g·Cin/G + c] = w[KH−1−a, KW−1−b, c, g·Cout/G + o]`);
/// then the optimized conv2d (its cost model choosing the algorithm, the FFT excepted) correlates
/// the two, VALID, stride 1, dilation `[dh, dw]`. With a stride the zeros cost `sh·sw` times the gradient's work.
/// Nothing to add (an empty input, gradient or channel axis) gives zeros without a kernel.
///
/// Error bound: each element is a conv2d output whose `n` nonzero terms are exactly the
/// reference's (the stuffed zeros add exact zeros), so conv2d's bound `γ_T(n)·Σ|t_i|` holds.
///
/// - Complexity: O(N·(H + (KH−1)·dh)·(W + (KW−1)·dw)·Cin·KH·KW·Cout/G).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let op = "conv2d_backprop_input"
    if T.self == Float16.self {
        return try Half.viaFloat(op: op, [filter, outBackprop]) { (t: [Tensor<Float>]) throws(OpError) in
            try conv2dBackpropInput(inputSizes: inputSizes, t[0], t[1], attrs)
        }
    }
    let g = try Reference.conv2dBackpropInputGeometry(inputSizes: inputSizes, filter: filter.shape, outBackprop: outBackprop.shape, attrs)
    let (kh, kw, cpg, cout, opg) = (g.kernelHeight, g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
    let (dh, dw) = (g.rows.dilation, g.cols.dilation)
    if inputSizes.contains(0) || outBackprop.count == 0 {
        PathCounter.hit(.backpropInputEmpty)
        var shape = inputSizes
        // Planted bug (the test-only twin): the zeros take the gradient's spatial extents.
        #if CONFORM_MUTANTS
        if Mutants.on(.backpropInputEmptyGradientExtents) { (shape[1], shape[2]) = (g.rows.output, g.cols.output) }
        #endif
        return try! Tensor(shape: shape, repeating: 0)
    }
    if Execution.current.algorithm == nil ? backpropInputPrefersCol2im(g) : Execution.current.algorithm == .im2colGEMM {
        return try backpropInputCol2im(inputSizes: inputSizes, filter, outBackprop, g)
    }
    PathCounter.hit(.backpropInputStuffed)
    if g.rows.stride > 1 || g.cols.stride > 1 { PathCounter.hit(.backpropInputStrided) }
    let v = Validator(op: op)
    let hp = try v.sum("input_sizes", g.height, try v.product("filter", kh - 1, dh))
    let wp = try v.sum("input_sizes", g.width, try v.product("filter", kw - 1, dw))
    let stuffed = [g.batch, hp, wp, cout]
    try v.memory("out_backprop", elements: try v.product("out_backprop", g.batch, hp, wp, cout), bytesEach: 8, shape: stuffed)
    // Planted bugs (the test-only twin): the filter turned over its rows only; with a stride,
    // stuffed rows one place late.
    #if CONFORM_MUTANTS
    let flipColumns = !Mutants.on(.backpropInputColumnsUnflipped)
    let late = Mutants.on(.backpropInputStridedRowLate) && g.rows.stride > 1 ? 1 : 0
    #else
    let flipColumns = true
    let late = 0
    #endif
    let top = (kh - 1) * dh - g.rows.padBefore + late, left = (kw - 1) * dw - g.cols.padBefore
    var buffer = [T](repeating: 0, count: stuffed.reduce(1, *))
    let dy = outBackprop.scalars
    for b in 0..<g.batch {
        for i in 0..<g.rows.output {
            let y = i * g.rows.stride + top
            guard y >= 0 && y < hp else { continue }
            for j in 0..<g.cols.output {
                let x = j * g.cols.stride + left
                guard x >= 0 && x < wp else { continue }
                let from = ((b * g.rows.output + i) * g.cols.output + j) * cout, to = ((b * hp + y) * wp + x) * cout
                for o in 0..<cout { buffer[to + o] = dy[from + o] }
            }
        }
    }
    let cin = g.inputChannels
    var turned = [T](repeating: 0, count: kh * kw * opg * cin)
    let f = filter.scalars
    for a in 0..<kh {
        for bb in 0..<kw {
            let source = ((kh - 1 - a) * kw + (flipColumns ? kw - 1 - bb : bb)) * cpg
            for o in 0..<cout {
                let (group, local) = (o / opg, o % opg)
                for c in 0..<cpg { turned[((a * kw + bb) * opg + local) * cin + group * cpg + c] = f[(source + c) * cout + o] }
            }
        }
    }
    let forward = Conv2DAttributes(strides: [1, 1], padding: .valid, dilations: [dh, dw])
    let x = try! Tensor(shape: stuffed, scalars: buffer), w = try! Tensor(shape: [kh, kw, opg, cin], scalars: turned)
    let geometry = try Conv2DGeometry(op: op, input: stuffed, filters: w.shape, attrs: forward)
    try checkWorkingSet(geometry, op: op)
    // Never the FFT: its error is norm-wise, and this op's bound is element-wise.
    var plan = Conv2DPlan(geometry, elementType: T.dtype)
    if plan.algorithm == .fft { plan = Conv2DPlan(algorithm: .direct) }
    return conv2d(x, w, geometry: geometry, plan: plan)
}

/// Whether the input gradient runs as GEMM + col2im rather than as a zero-stuffed conv2d: with a
/// stride (the stuffed zeros multiply the work by sh·sw) or few input channels per group (the
/// stuffed conv2d's output channels, fewer than its kernels' 16-lane blocks fill).
func backpropInputPrefersCol2im(_ g: Conv2DGeometry) -> Bool {
    g.rows.stride * g.cols.stride > 1 || g.channelsPerGroup < 16
}

/// The input gradient as matrix products and a scatter: per group, `cols[p, (tap, c)] =
/// Σ_o g[p, o]·w[tap, c, o]` (GEMM with the filter transposed, over tiles of output pixels),
/// then each column added to the input element its tap read (col2im). The output pixels are
/// split into contiguous chunks, one per thread (at least 64 pixels each). With at least as many
/// images as chunks, the chunks are whole images, whose scatters never meet: they write the result
/// directly. Otherwise each chunk scatters into its own copy of the result, and the copies are
/// added in chunk order.
///
/// Error bound: each element is a sum of the same products as the reference's, in some order:
/// `γ_T(n)·Σ|t_i|`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func backpropInputCol2im<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ g: Conv2DGeometry
) throws(OpError) -> Tensor<T> {
    let op = "conv2d_backprop_input"
    let (kh, kw, cpg, cout, opg) = (g.kernelHeight, g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
    let (h, w, cin, ho, wo) = (g.height, g.width, g.inputChannels, g.rows.output, g.cols.output)
    let pixels = g.batch * ho * wo, k = kh * kw * cpg, size = inputSizes.reduce(1, *)
    let chunks = max(1, min(Threading.current, pixels / 64))
    let byImage = chunks > 1 && g.batch >= chunks
    let tile = max(16, min(pixels, Im2col.tileBytes / (k * MemoryLayout<T>.size)))
    let v = Validator(op: op)
    let copies = byImage ? 0 : try v.product("input_sizes", chunks - 1, size)
    let columns = try v.product("filter", Threading.current, tile, k)
    try v.memory("input_sizes", elements: try v.sum("input_sizes", copies, columns), bytesEach: MemoryLayout<T>.size, shape: inputSizes)
    PathCounter.hit(.backpropInputCol2im)
    if chunks > 1 { PathCounter.hit(byImage ? .backpropInputCol2imImages : .backpropInputCol2imChunks) }
    // Planted bugs (the test-only twin): the scatter skips the first column of taps in the left
    // padding's place (adds tap dj = 0 one column right); later chunks start one pixel late.
    #if CONFORM_MUTANTS
    let shifted = Mutants.on(.backpropInputCol2imFirstTapShifted) ? 1 : 0
    let late = Mutants.on(.backpropInputCol2imChunkLate) && !byImage ? 1 : 0
    let lastImageSkipped = Mutants.on(.backpropInputCol2imLastImageSkipped) && byImage ? 1 : 0
    #else
    let shifted = 0
    let late = 0
    let lastImageSkipped = 0
    #endif
    let perImage = ho * wo
    var partial = [T](repeating: 0, count: (byImage ? 1 : chunks) * size)
    partial.withUnsafeMutableBufferPointer { out in
        let sums = UnsafeSendable(out.baseAddress!)
        filter.scalars.withUnsafeBufferPointer { fb in
            outBackprop.scalars.withUnsafeBufferPointer { gb in
                let (fp, gp) = (UnsafeSendable(fb.baseAddress!), UnsafeSendable(gb.baseAddress!))
                Threading.forEach(chunks * g.groups) { task in
                    let (chunk, group) = (task / g.groups, task % g.groups)
                    let (first, end): (Int, Int)
                    if byImage {
                        (first, end) = (chunk * g.batch / chunks * perImage,
                                        ((chunk + 1) * g.batch / chunks - (chunk == chunks - 1 ? lastImageSkipped : 0)) * perImage)
                    } else {
                        (first, end) = (chunk * pixels / chunks + (chunk > 0 ? late : 0), (chunk + 1) * pixels / chunks)
                    }
                    let dx = sums.value + (byImage ? 0 : chunk * size) + group * cpg
                    let cols = UnsafeMutablePointer<T>.allocate(capacity: tile * k)
                    defer { cols.deallocate() }
                    var p0 = first
                    while p0 < end {
                        let count = min(tile, end - p0)
                        BLAS.gemmTransposedB(gp.value + p0 * cout + group * opg, lda: cout, fp.value + group * opg, ldb: cout,
                                             cols, ldc: k, m: count, n: k, k: opg)
                        for r in 0..<count {
                            let q = p0 + r
                            let (b, i, j) = (q / (ho * wo), (q / wo) % ho, q % wo)
                            var src = cols + r * k
                            for di in 0..<kh {
                                let y = g.rows.position(output: i, tap: di)
                                for dj in 0..<kw {
                                    let x = g.cols.position(output: j, tap: dj) + (dj == 0 ? shifted : 0)
                                    if y >= 0 && y < h && x >= 0 && x < w {
                                        let target = dx + ((b * h + y) * w + x) * cin
                                        Col2im.add(src, into: target, count: cpg)
                                    }
                                    src += cpg
                                }
                            }
                        }
                        p0 += count
                    }
                }
            }
        }
    }
    return try! Tensor(shape: inputSizes, scalars: byImage ? partial : ChunkSums.total(partial, chunks: chunks, size: size))
}

/// The scatter's inner step, in four-lane blocks where the channels allow (grouped convolutions
/// have runs of a few channels, which a plain loop of unknown length leaves unvectorised).
@usableFromInline
enum Col2im {
    @inlinable @inline(__always)
    static func add<T: ConformFloat>(_ src: UnsafeMutablePointer<T>, into target: UnsafeMutablePointer<T>, count: Int) {
        var c = 0
        if T.self == Float.self {
            let (s, t) = (UnsafeMutableRawPointer(src), UnsafeMutableRawPointer(target))
            while c + 4 <= count {
                let sum = t.loadUnaligned(fromByteOffset: c * 4, as: SIMD4<Float>.self) + s.loadUnaligned(fromByteOffset: c * 4, as: SIMD4<Float>.self)
                t.storeBytes(of: sum, toByteOffset: c * 4, as: SIMD4<Float>.self)
                c += 4
            }
        }
        while c < count {
            target[c] += src[c]
            c += 1
        }
    }
}
