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
        if T.self == Float.self {
            typealias S = Specialize
            DirectFloat.depthwise(S.cast(x, to: UnsafePointer<Float>.self), S.cast(f, to: UnsafePointer<Float>.self),
                                  S.cast(y, to: UnsafeMutablePointer<Float>.self), g, channels: channels)
        } else {
            kernel(x, f, y, g, channels)
        }
    }

    // Specialised even where the module is compiled file by file (debug builds, which run the campaign).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func kernel<S: BinaryFloatingPoint & SIMDScalar>(
        _ x: UnsafePointer<S>, _ f: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ g: DepthwiseGeometry, _ cm: Int
    ) {
        let (h, w, kh, kw, ho, wo) = (g.height, g.width, g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let zeros = UnsafeMutablePointer<S>.allocate(capacity: cm + 16)
        zeros.initialize(repeating: 0, count: cm + 16)
        defer { zeros.deallocate() }
        let vectorEnd = cm / 16 * 16
        if vectorEnd > 0 { PathCounter.hit(.depthwiseFloat64) }
        if vectorEnd < cm { PathCounter.hit(.depthwiseFloat64Tail) }
        // Planted bugs (the test-only twin): the fourth pixel reads the third's input; the tail drops its last tap.
        #if CONFORM_MUTANTS
        let fourth = Mutants.on(.float64DepthwiseFourthPixel) ? 2 : 3
        let tailTaps = Mutants.on(.float64DepthwiseTailDropsLastTap) && kh * kw > 1 ? kh * kw - 1 : kh * kw
        #else
        let fourth = 3
        let tailTaps = kh * kw
        #endif
        Threading.forEach(g.batch * ho) { task in
            let (b, i) = (task / ho, task % ho)
            let image = x + b * h * w * cm
            var j0 = 0
            while j0 < wo {
                let block = min(4, wo - j0)
                func source(_ p: Int, _ yy: Int, _ dj: Int) -> UnsafePointer<S> {
                    let xx = g.cols.position(output: j0 + min(p, block - 1), tap: dj)
                    return yy >= 0 && yy < h && xx >= 0 && xx < w ? image + (yy * w + xx) * cm : UnsafePointer(zeros)
                }
                let out = y + ((b * ho + i) * wo + j0) * cm
                var c = 0
                while c < vectorEnd {
                    var a0 = SIMD16<S>(), a1 = SIMD16<S>(), a2 = SIMD16<S>(), a3 = SIMD16<S>()
                    for di in 0..<kh {
                        let yy = g.rows.position(output: i, tap: di)
                        for dj in 0..<kw {
                            let wv = UnsafeRawPointer(f + (di * kw + dj) * cm + c).loadUnaligned(as: SIMD16<S>.self)
                            a0.addProduct(UnsafeRawPointer(source(0, yy, dj) + c).loadUnaligned(as: SIMD16<S>.self), wv)
                            a1.addProduct(UnsafeRawPointer(source(1, yy, dj) + c).loadUnaligned(as: SIMD16<S>.self), wv)
                            a2.addProduct(UnsafeRawPointer(source(2, yy, dj) + c).loadUnaligned(as: SIMD16<S>.self), wv)
                            a3.addProduct(UnsafeRawPointer(source(fourth, yy, dj) + c).loadUnaligned(as: SIMD16<S>.self), wv)
                        }
                    }
                    for (p, acc) in [a0, a1, a2, a3].enumerated() where p < block {
                        UnsafeMutableRawPointer(out + p * cm + c).storeBytes(of: acc, as: SIMD16<S>.self)
                    }
                    c += 16
                }
                // Channel tail: scalar, same tap order.
                for p in 0..<block {
                    for ch in vectorEnd..<cm {
                        var acc: S = 0
                        for di in 0..<kh {
                            let yy = g.rows.position(output: i, tap: di)
                            for dj in 0..<kw where di * kw + dj < tailTaps { acc += source(p, yy, dj)[ch] * f[(di * kw + dj) * cm + ch] }
                        }
                        out[p * cm + ch] = acc
                    }
                }
                j0 += block
            }
        }
    }
}
