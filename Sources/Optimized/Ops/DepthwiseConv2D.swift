import Reference

/// Depthwise 2-D cross-correlation: a direct SIMD kernel across channels (GEMM has nothing to
/// share between channels, so it never pays here).
///
/// With multiplier M > 1 the input's channels are first repeated M times (`x'[c·M+m] = x[c]`),
/// which turns the op into the M = 1 case over C·M channels with the filter read in place.
/// Four output pixels share each filter load; taps in the padding read a row of zeros.
///
/// Error bound: each output sums its `n` in-image taps in T in tap order: `γ_T(n)·Σ|t_i|`.
///
/// - Complexity: O(N·Ho·Wo·C·M·KH·KW).
public func depthwiseConv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filter: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    if T.self == Float16.self { return try Half.viaFloat(op: "depthwise_conv2d", [input, filter]) { (t: [Tensor<Float>]) throws(OpError) in try depthwiseConv2d(t[0], t[1], attrs) } }
    let g = try DepthwiseGeometry(input: input.shape, filter: filter.shape, attrs: attrs)
    typealias S = Specialize
    return try! S.tensor(T.self,
        float: { depthwiseKernels(S.cast(input, to: Tensor<Float>.self), S.cast(filter, to: Tensor<Float>.self), g) },
        double: { depthwiseKernels(S.cast(input, to: Tensor<Double>.self), S.cast(filter, to: Tensor<Double>.self), g) })
}

/// Called with a concrete type, so the kernel is specialised.
func depthwiseKernels<T: ConformFloat>(_ input: Tensor<T>, _ filter: Tensor<T>, _ g: DepthwiseGeometry) -> Tensor<T> {
    let channels = g.channels * g.multiplier
    // As conv2d: an empty output or input leaves the kernel nothing to do.
    if g.outputShape.contains(0) || input.count == 0 {
        PathCounter.hit(.depthwiseEmpty)
        var shape = g.outputShape
        #if CONFORM_MUTANTS
        if Mutants.on(.depthwiseEmptyOneRow) { shape[1] = max(shape[1], 1) }
        #endif
        return try! Tensor(shape: shape, repeating: 0)
    }
    let x: [T]
    if g.multiplier == 1 {
        x = input.scalars
    } else {
        PathCounter.hit(.depthwiseMultiplier)
        var repeated = [T]()
        repeated.reserveCapacity(input.count * g.multiplier)
        for v in input.scalars { repeated.append(contentsOf: repeatElement(v, count: g.multiplier)) }
        x = repeated
    }
    let count = g.outputShape.reduce(1, *)
    // The kernels write every output element: no zero pass.
    let out = [T](unsafeUninitializedCapacity: count) { yp, initialized in
        x.withUnsafeBufferPointer { xp in
            filter.scalars.withUnsafeBufferPointer { fp in
                DepthwiseKernel.run(xp.baseAddress!, fp.baseAddress!, yp.baseAddress!, g, channels: channels)
            }
        }
        initialized = count
    }
    #if CONFORM_MUTANTS
    if Mutants.on(.depthwiseChannelOrder) && g.multiplier > 1 {
        let (c, m) = (g.channels, g.multiplier)
        var permuted = out
        for pixel in 0..<(count / (c * m)) {
            for ch in 0..<c { for k in 0..<m { permuted[pixel * c * m + k * c + ch] = out[pixel * c * m + ch * m + k] } }
        }
        return try! Tensor(shape: g.outputShape, scalars: permuted)
    }
    #endif
    return try! Tensor(shape: g.outputShape, scalars: out)
}

enum DepthwiseKernel {
    static func run<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: DepthwiseGeometry, channels: Int
    ) {
        typealias S = Specialize
        if T.self == Float.self {
            DirectFloat.depthwise(S.cast(x, to: UnsafePointer<Float>.self), S.cast(f, to: UnsafePointer<Float>.self),
                                  S.cast(y, to: UnsafeMutablePointer<Float>.self), g, channels: channels)
        } else {
            float64(S.cast(x, to: UnsafePointer<Double>.self), S.cast(f, to: UnsafePointer<Double>.self),
                    S.cast(y, to: UnsafeMutablePointer<Double>.self), g, channels)
        }
    }

    /// Float64: blocks of 4 output pixels, a table of each pixel's source per tap (a row of zeros
    /// in the padding), `conform_kernels.depthwise_vector_f64` over whole 16-channel vectors and a
    /// scalar loop, in the same tap order, over the channels past them.
    static func float64(
        _ x: UnsafePointer<Double>, _ f: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ g: DepthwiseGeometry, _ cm: Int
    ) {
        let (h, w, kh, kw, ho, wo) = (g.height, g.width, g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let taps = kh * kw
        let zeros = UnsafeMutablePointer<Double>.allocate(capacity: cm + 16)
        zeros.initialize(repeating: 0, count: cm + 16)
        defer { zeros.deallocate() }
        let vectorEnd = cm / 16 * 16
        if vectorEnd > 0 { PathCounter.hit(.depthwiseFloat64) }
        if vectorEnd < cm { PathCounter.hit(.depthwiseFloat64Tail) }
        // Planted bugs (the test-only twin): the fourth pixel reads the third's input; the tail drops its last tap.
        #if CONFORM_MUTANTS
        let fourth = Mutants.on(.float64DepthwiseFourthPixel) ? 2 : 3
        let tailTaps = Mutants.on(.float64DepthwiseTailDropsLastTap) && taps > 1 ? taps - 1 : taps
        #else
        let fourth = 3
        let tailTaps = taps
        #endif
        let kernels = CPU.kernels(Execution.current.kernelISA)
        Threading.forEach(g.batch * ho) { task in
            let (b, i) = (task / ho, task % ho)
            let image = x + b * h * w * cm
            let table = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: 4 * max(taps, 1))
            defer { table.deallocate() }
            var j0 = 0
            while j0 < wo {
                let block = min(4, wo - j0)
                // Pixels past the block's end repeat its last one.
                for p in 0..<4 {
                    let pixel = min(p == 3 ? fourth : p, block - 1)
                    for di in 0..<kh {
                        let yy = g.rows.position(output: i, tap: di)
                        for dj in 0..<kw {
                            let xx = g.cols.position(output: j0 + pixel, tap: dj)
                            let inside = yy >= 0 && yy < h && xx >= 0 && xx < w
                            table[p * taps + di * kw + dj] = inside ? image + (yy * w + xx) * cm : UnsafePointer(zeros)
                        }
                    }
                }
                let out = y + ((b * ho + i) * wo + j0) * cm
                if vectorEnd > 0 { kernels.depthwise_vector_f64(table, taps, cm, f, out, block) }
                // Channel tail: scalar, same tap order.
                for p in 0..<block {
                    let row = table + p * taps
                    for ch in vectorEnd..<cm {
                        var acc = 0.0
                        for t in 0..<tailTaps { acc += row[t][ch] * f[t * cm + ch] }
                        out[p * cm + ch] = acc
                    }
                }
                j0 += block
            }
        }
    }
}
