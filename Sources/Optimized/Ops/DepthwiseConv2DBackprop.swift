import Reference

/// The input gradient of depthwise 2-D cross-correlation, as a grouped conv2d input gradient.
///
/// Algorithm: depthwise_conv2d is conv2d with C groups of one input channel and M outputs each,
/// whose HWIO filter `[KH, KW, 1, C·M]` is the depthwise filter `[KH, KW, C, M]` read in the same
/// order (output channel `c·M + m`); so the gradient is `conv2dBackpropInput` on that view, no copy
/// (its zero-stuffed conv2d then runs the grouped direct kernels). Error bound: conv2dBackpropInput's.
public func depthwiseConv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let g = try Reference.depthwiseBackpropGeometry(op: "depthwise_conv2d_backprop_input", input: inputSizes, filter: filter.shape,
                                                    outBackprop: outBackprop.shape, result: ("input_sizes", inputSizes), attrs)
    let (kh, kw, c, m) = (g.kernelHeight, g.kernelWidth, g.channels, g.multiplier)
    PathCounter.hit(.depthwiseBackpropInputGrouped)
    var scalars = filter.scalars
    // Planted bug (the test-only twin): the filter read multiplier-major, [KH, KW, M, C].
    #if CONFORM_MUTANTS
    if Mutants.on(.depthwiseBackpropInputMultiplierMajor) {
        for t in 0..<(kh * kw) { for ch in 0..<c { for mm in 0..<m { scalars[(t * c + ch) * m + mm] = filter.scalars[(t * m + mm) * c + ch] } } }
    }
    #endif
    let grouped = try! Tensor(shape: [kh, kw, 1, c * m], scalars: scalars)
    return try conv2dBackpropInput(inputSizes: inputSizes, grouped, outBackprop, attrs)
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
    let doubled = Mutants.on(.depthwiseBackpropFilterFirstChunkTwice) && chunks > 1
    #else
    let early = 0
    let doubled = false
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
    var result = [T](partial[0..<size])
    for chunk in 1..<chunks {
        for e in 0..<size { result[e] += partial[chunk * size + e] }
    }
    if doubled { for e in 0..<size { result[e] += partial[e] } }
    return try! Tensor(shape: filterSizes, scalars: result)
}
