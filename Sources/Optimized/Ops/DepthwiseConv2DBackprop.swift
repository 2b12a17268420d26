import Reference

/// The input gradient of depthwise 2-D cross-correlation, gathered by channel vectors.
///
/// Algorithm: each input pixel gathers, for each tap `(di, dj)`, the output pixel that read it
/// through that tap — `i = (y + pad_top − di·dh) / sh` when the division is exact and `0 ≤ i < Ho`
/// (columns alike) — and adds `f[di, dj, c, m] · g[b, i, j, c·M + m]` over the C·M contiguous
/// channels at once. Gathering writes each input element once, so the rows of the result split
/// over the threads without partial copies. An input pixel no output reads gets 0.
///
/// Error bound: each element is a sum of at most `n = KH·KW·M` products in some order,
/// `γ_T(n)·Σ|t_i|`. float16 runs through float32.
///
/// - Complexity: O(N·H·W·KH·KW·C·M) operations (taps that land between strides cost a test each).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func depthwiseConv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let op = "depthwise_conv2d_backprop_input"
    if T.self == Float16.self {
        return try Half.viaFloat(op: op, [filter, outBackprop]) { (t: [Tensor<Float>]) throws(OpError) in
            try depthwiseConv2dBackpropInput(inputSizes: inputSizes, t[0], t[1], attrs)
        }
    }
    let g = try Reference.depthwiseBackpropGeometry(op: op, input: inputSizes, filter: filter.shape,
                                                    outBackprop: outBackprop.shape, result: ("input_sizes", inputSizes), attrs)
    let (kh, kw, c, m, h, w) = (g.kernelHeight, g.kernelWidth, g.channels, g.multiplier, g.height, g.width)
    let (ho, wo, cm) = (g.rows.output, g.cols.output, g.channels * g.multiplier)
    let (sh, sw, dh, dw, top, left) = (g.rows.stride, g.cols.stride, g.rows.dilation, g.cols.dilation, g.rows.padBefore, g.cols.padBefore)
    var dx = [T](repeating: 0, count: inputSizes.reduce(1, *))
    if dx.isEmpty || outBackprop.count == 0 || filter.count == 0 {
        PathCounter.hit(.depthwiseBackpropInputEmpty)
        // Planted bug (the test-only twin): zeros of the gradient's spatial extents.
        #if CONFORM_MUTANTS
        if Mutants.on(.depthwiseBackpropInputEmptyGradientExtents) { return try! Tensor(shape: [inputSizes[0], ho, wo, c], repeating: 0) }
        #endif
        return try! Tensor(shape: inputSizes, scalars: dx)
    }
    PathCounter.hit(.depthwiseBackpropInputGather)
    // Planted bug (the test-only twin): the filter read multiplier-major, [KH, KW, M, C].
    #if CONFORM_MUTANTS
    let multiplierMajor = Mutants.on(.depthwiseBackpropInputMultiplierMajor)
    #else
    let multiplierMajor = false
    #endif
    dx.withUnsafeMutableBufferPointer { out in
        let result = UnsafeSendable(out.baseAddress!)
        filter.scalars.withUnsafeBufferPointer { fb in
            outBackprop.scalars.withUnsafeBufferPointer { gb in
                let (fp, gp) = (UnsafeSendable(fb.baseAddress!), UnsafeSendable(gb.baseAddress!))
                Threading.forEach(g.batch * h) { row in
                    let (b, y) = (row / h, row % h)
                    for x in 0..<w {
                        let acc = result.value + ((b * h + y) * w + x) * c
                        for di in 0..<kh {
                            let ty = y + top - di * dh
                            guard ty >= 0, ty % sh == 0, ty / sh < ho else { continue }
                            for dj in 0..<kw {
                                let tx = x + left - dj * dw
                                guard tx >= 0, tx % sw == 0, tx / sw < wo else { continue }
                                let grad = gp.value + ((b * ho + ty / sh) * wo + tx / sw) * cm
                                let taps = fp.value + (di * kw + dj) * cm
                                if m == 1 && !multiplierMajor {
                                    for ch in 0..<c { acc[ch] += taps[ch] * grad[ch] }
                                } else {
                                    for ch in 0..<c {
                                        var sum: T = 0
                                        for mm in 0..<m { sum += taps[multiplierMajor ? mm * c + ch : ch * m + mm] * grad[ch * m + mm] }
                                        acc[ch] += sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return try! Tensor(shape: inputSizes, scalars: dx)
}

/// The filter gradient of depthwise 2-D cross-correlation, by channel vectors.
///
/// Algorithm: for each tap and output pixel, `df[tap, c, m] += x[pixel's tap position, c] · g[pixel, c·M + m]`
/// over the C (or C·M) contiguous channels at once, the taps in the padding skipped; the output
/// pixels are split into contiguous chunks, one per thread (at least 16 pixels each), each with
/// its own partial filter, added in chunk order. Nothing to add gives zeros.
///
/// Error bound: each element is a sum of `n = N·Ho·Wo` products in some order, `γ_T(n)·Σ|t_i|`.
/// float16 runs through float32.
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW) operations; memory: a filter per chunk.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func depthwiseConv2dBackpropFilter<T: ConformFloat>(
    _ input: Tensor<T>, filterSizes: [Int], _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let op = "depthwise_conv2d_backprop_filter"
    if T.self == Float16.self {
        return try Half.viaFloat(op: op, [input, outBackprop]) { (t: [Tensor<Float>]) throws(OpError) in
            try depthwiseConv2dBackpropFilter(t[0], filterSizes: filterSizes, t[1], attrs)
        }
    }
    let g = try Reference.depthwiseBackpropGeometry(op: op, input: input.shape, filter: filterSizes,
                                                    outBackprop: outBackprop.shape, result: ("filter_sizes", filterSizes), attrs)
    let (kh, kw, c, m, h, w) = (g.kernelHeight, g.kernelWidth, g.channels, g.multiplier, g.height, g.width)
    let (ho, wo) = (g.rows.output, g.cols.output)
    let size = kh * kw * c * m, pixels = g.batch * ho * wo
    if size == 0 || pixels == 0 {
        PathCounter.hit(.depthwiseBackpropFilterEmpty)
        // Planted bug (the test-only twin): ones instead of zeros.
        #if CONFORM_MUTANTS
        if Mutants.on(.depthwiseBackpropFilterEmptyOnes) { return try! Tensor(shape: filterSizes, repeating: 1) }
        #endif
        return try! Tensor(shape: filterSizes, repeating: 0)
    }
    let chunks = max(1, min(Threading.current, pixels / 16))
    try Validator(op: op).memory("filter_sizes", elements: try Validator(op: op).product("filter_sizes", chunks, size),
                                 bytesEach: MemoryLayout<T>.size, shape: filterSizes)
    PathCounter.hit(.depthwiseBackpropFilterVectors)
    if chunks > 1 { PathCounter.hit(.depthwiseBackpropFilterChunks) }
    // Planted bugs (the test-only twin): the last column tap reads one column early; the first
    // chunk's partial is added twice.
    #if CONFORM_MUTANTS
    let early = Mutants.on(.depthwiseBackpropFilterLastColumnEarly) && kw > 1 ? 1 : 0
    #else
    let early = 0
    #endif
    let cm = c * m
    var partial = [T](repeating: 0, count: chunks * size)
    partial.withUnsafeMutableBufferPointer { out in
        let sums = UnsafeSendable(out.baseAddress!)
        input.scalars.withUnsafeBufferPointer { xb in
            outBackprop.scalars.withUnsafeBufferPointer { gb in
                let (xp, gp) = (UnsafeSendable(xb.baseAddress!), UnsafeSendable(gb.baseAddress!))
                Threading.forEach(chunks) { chunk in
                    let df = sums.value + chunk * size
                    for q in (chunk * pixels / chunks)..<((chunk + 1) * pixels / chunks) {
                        let (b, i, j) = (q / (ho * wo), (q / wo) % ho, q % wo)
                        let grad = gp.value + q * cm
                        for di in 0..<kh {
                            let y = g.rows.position(output: i, tap: di)
                            guard y >= 0 && y < h else { continue }
                            for dj in 0..<kw {
                                let x = g.cols.position(output: j, tap: dj) - (dj == kw - 1 ? early : 0)
                                guard x >= 0 && x < w else { continue }
                                let pixel = xp.value + ((b * h + y) * w + x) * c
                                let taps = df + (di * kw + dj) * cm
                                if m == 1 {
                                    for ch in 0..<c { taps[ch] += pixel[ch] * grad[ch] }
                                } else {
                                    for ch in 0..<c {
                                        let v = pixel[ch]
                                        for mm in 0..<m { taps[ch * m + mm] += v * grad[ch * m + mm] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    #if CONFORM_MUTANTS
    var result = ChunkSums.total(partial, chunks: chunks, size: size)
    if Mutants.on(.depthwiseBackpropFilterFirstChunkTwice) && chunks > 1 { for e in 0..<size { result[e] += partial[e] } }
    #else
    let result = ChunkSums.total(partial, chunks: chunks, size: size)
    #endif
    return try! Tensor(shape: filterSizes, scalars: result)
}
