import Reference

/// The filter gradient of grouped 2-D cross-correlation (`Conv2DBackpropFilter`), as matrix products.
///
/// Algorithm: per group, `dw_g[KH·KW·Cin/G, Cout/G] = Pᵀ · dy_g`, where `P` holds one row per output
/// pixel (`N·Ho·Wo` rows) with the input patch that pixel read (taps in the padding as 0) — the
/// im2col matrix of the forward op — and `dy_g` is the gradient's columns of the group. The patch
/// rows are unrolled in tiles small enough to stay in L2 while the product streams them, and the
/// products accumulate into the result through `GEMM(transA)` without a transposed copy. A 1×1,
/// stride-1, unpadded filter needs no unrolling: `P` is the input itself. The output pixels are
/// split into contiguous chunks, one per thread (at least 32 pixels each), each with its own
/// partial result; the partials are then added in chunk order, so a result depends only on the
/// chunk count. Nothing to add (an empty batch, gradient or filter) gives zeros without a kernel.
///
/// Error bound: each element is a sum of `n = N·Ho·Wo` products (the padding's exact zeros add no
/// rounding), summed in some order by GEMM and the chunk sum, so `|error| ≤ γ_T(n)·Σ|t_i|`, the
/// forward ops' bound with the sum's length.
///
/// - Complexity: O(N·Ho·Wo·KH·KW·Cin·Cout/G) operations; memory: the filter-sized result per chunk
///   and one patch tile per thread.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func conv2dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let op = "conv2d_backprop_filter"
    if T.self == Float16.self {
        return try Half.viaFloat(op: op, [input, outBackprop]) { (t: [Tensor<Float>]) throws(OpError) in
            try conv2dBackpropFilter(t[0], filterSizes: filterSizes, t[1], attrs)
        }
    }
    let g = try Reference.conv2dBackpropFilterGeometry(input: input.shape, filterSizes: filterSizes, outBackprop: outBackprop.shape, attrs)
    if filterSizes.contains(0) || outBackprop.count == 0 || input.count == 0 {
        PathCounter.hit(.backpropFilterEmpty)
        var shape = filterSizes
        // Planted bug (the test-only twin): the zeros take the filter's channel axes swapped.
        #if CONFORM_MUTANTS
        if Mutants.on(.backpropFilterEmptyChannelsSwapped) { shape.swapAt(2, 3) }
        #endif
        return try! Tensor(shape: shape, repeating: 0)
    }
    let (kh, kw, cpg, cout, opg) = (g.kernelHeight, g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
    let (h, w, cin, ho, wo) = (g.height, g.width, g.inputChannels, g.rows.output, g.cols.output)
    let pixels = g.batch * ho * wo, k = kh * kw * cpg, size = kh * kw * cpg * cout
    let pointwise = kh == 1 && kw == 1 && g.rows.stride == 1 && g.cols.stride == 1 && g.rows.padBefore == 0 && g.cols.padBefore == 0
        && ho == h && wo == w
    let chunks = max(1, min(Threading.current, pixels / 32))
    let tile = pointwise ? pixels : max(16, min(pixels, Im2col.tileBytes / (k * MemoryLayout<T>.size)))
    let v = Validator(op: op)
    let partials = try v.product("filter_sizes", chunks, size)
    let patches = pointwise ? 0 : try v.product("filter_sizes", Threading.current, tile, k)
    try v.memory("filter_sizes", elements: try v.sum("filter_sizes", partials, patches), bytesEach: MemoryLayout<T>.size, shape: filterSizes)
    PathCounter.hit(pointwise ? .backpropFilterPointwise : .backpropFilterIm2col)
    if chunks > 1 { PathCounter.hit(.backpropFilterChunks) }
    // Planted bugs (the test-only twin): the pointwise product leaves out the last input channel;
    // the patches read the last row for taps in the bottom padding; the last chunk's partial is lost.
    #if CONFORM_MUTANTS
    let pointwiseChannels = Mutants.on(.backpropFilterPointwiseDropsLastChannel) && cpg > 1 ? cpg - 1 : cpg
    let clampBottom = Mutants.on(.backpropFilterBottomPaddingReadsLastRow)
    let chunksSummed = Mutants.on(.backpropFilterLastChunkLost) && chunks > 1 ? chunks - 1 : chunks
    #else
    let pointwiseChannels = cpg
    let clampBottom = false
    let chunksSummed = chunks
    #endif
    var partial = [T](repeating: 0, count: chunks * size)
    let x = input.scalars, dy = outBackprop.scalars
    partial.withUnsafeMutableBufferPointer { out in
        let sums = UnsafeSendable(out.baseAddress!)
        x.withUnsafeBufferPointer { xb in
            dy.withUnsafeBufferPointer { gb in
                let (xp, gp) = (xb.baseAddress!, gb.baseAddress!)
                Threading.forEach(chunks * g.groups) { task in
                    let (chunk, group) = (task / g.groups, task % g.groups)
                    let first = chunk * pixels / chunks, end = (chunk + 1) * pixels / chunks
                    let c = sums.value + chunk * size + group * opg
                    if pointwise {
                        BLAS.gemmTransposedA(xp + first * cin + group * cpg, lda: cin, gp + first * cout + group * opg, ldb: cout,
                                             c, ldc: cout, m: pointwiseChannels, n: opg, k: end - first)
                        return
                    }
                    let buffer = UnsafeMutablePointer<T>.allocate(capacity: tile * k)
                    defer { buffer.deallocate() }
                    var p0 = first
                    while p0 < end {
                        let count = min(tile, end - p0)
                        for r in 0..<count {
                            let q = p0 + r
                            let (b, i, j) = (q / (ho * wo), (q / wo) % ho, q % wo)
                            let image = xp + b * h * w * cin + group * cpg
                            var dst = buffer + r * k
                            for di in 0..<kh {
                                var yy = g.rows.position(output: i, tap: di)
                                if clampBottom && yy >= h { yy = h - 1 }
                                for dj in 0..<kw {
                                    let xx = g.cols.position(output: j, tap: dj)
                                    if yy >= 0 && yy < h && xx >= 0 && xx < w {
                                        dst.update(from: image + (yy * w + xx) * cin, count: cpg)
                                    } else {
                                        dst.update(repeating: 0, count: cpg)
                                    }
                                    dst += cpg
                                }
                            }
                        }
                        BLAS.gemmTransposedA(buffer, lda: k, gp + p0 * cout + group * opg, ldb: cout, c, ldc: cout, m: k, n: opg, k: count)
                        p0 += count
                    }
                }
            }
        }
    }
    return try! Tensor(shape: filterSizes, scalars: ChunkSums.total(partial, chunks: chunksSummed, size: size))
}
