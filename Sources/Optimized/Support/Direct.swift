import Reference

/// Direct convolution: SIMD across output channels, four output pixels per register block.
/// Float goes to `DirectFloat` (the ISA-specific kernels); this generic loop serves Float64.
///
/// For each block of 4 pixels and 16 output channels, 4 accumulators of `SIMD16` take one FMA per
/// tap and input channel: `acc[p] += x[p][c] · w[tap][c][o..<o+16]`. Filters are repacked once into
/// 16-wide zero-padded panels; taps that land in the padding read a row of zeros, so the inner loop
/// has no branches.
@usableFromInline
enum Direct {
    static func conv2d<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        if T.self == Float.self {
            typealias S = Specialize
            DirectFloat.conv2d(S.cast(x, to: UnsafePointer<Float>.self), S.cast(f, to: UnsafePointer<Float>.self),
                               S.cast(y, to: UnsafeMutablePointer<Float>.self), g)
        } else {
            PathCounter.hit(.directFloat64)
            kernel(x, f, y, g)
        }
    }

    // Specialised even where the module is compiled file by file (debug builds, which run the campaign).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func kernel<S: ConformFloat>(
        _ x: UnsafePointer<S>, _ f: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ g: Conv2DGeometry
    ) {
        let (h, w, cin, cpg, cout, opg) = (g.height, g.width, g.inputChannels, g.channelsPerGroup, g.outputChannels,
                                           g.outputChannelsPerGroup)
        let (kh, kw, ho, wo) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let panels = FilterPanels(f, g, width: 16)
        defer { panels.deallocate() }
        let chunks = panels.chunks
        let zeros = UnsafeMutablePointer<S>.allocate(capacity: max(cpg, 1))
        zeros.initialize(repeating: 0, count: max(cpg, 1))
        defer { zeros.deallocate() }
        let blocks = (wo + 3) / 4
        // Planted bug (debug builds): a block's fourth pixel reads the third one's input.
        let fourth = Mutants.on(.float64FourthPixel) ? 2 : 3
        Threading.forEach(g.batch * ho) { task in
            let (b, i) = (task / ho, task % ho)
            let image = x + b * h * w * cin
            for block in 0..<blocks {
                let j0 = block * 4
                for group in 0..<g.groups {
                    for chunk in 0..<chunks {
                        let panel = UnsafePointer(panels.panel(group: group, chunk: chunk))
                        var a0 = SIMD16<S>(), a1 = SIMD16<S>(), a2 = SIMD16<S>(), a3 = SIMD16<S>()
                        for di in 0..<kh {
                            let yy = g.rows.position(output: i, tap: di)
                            let rowInside = yy >= 0 && yy < h
                            for dj in 0..<kw {
                                func source(_ p: Int) -> UnsafePointer<S> {
                                    let xx = g.cols.position(output: j0 + p, tap: dj)
                                    return rowInside && j0 + p < wo && xx >= 0 && xx < w
                                        ? image + (yy * w + xx) * cin + group * cpg : UnsafePointer(zeros)
                                }
                                let (s0, s1, s2, s3) = (source(0), source(1), source(2), source(fourth))
                                var wp = panel + (di * kw + dj) * cpg * 16
                                for c in 0..<cpg {
                                    let wv = UnsafeRawPointer(wp).loadUnaligned(as: SIMD16<S>.self)
                                    a0.addProduct(SIMD16(repeating: s0[c]), wv)
                                    a1.addProduct(SIMD16(repeating: s1[c]), wv)
                                    a2.addProduct(SIMD16(repeating: s2[c]), wv)
                                    a3.addProduct(SIMD16(repeating: s3[c]), wv)
                                    wp += 16
                                }
                            }
                        }
                        let lanes = min(16, opg - chunk * 16)
                        for (p, acc) in [a0, a1, a2, a3].enumerated() where j0 + p < wo {
                            let out = y + ((b * ho + i) * wo + j0 + p) * cout + group * opg + chunk * 16
                            for lane in 0..<lanes { out[lane] = acc[lane] }
                        }
                    }
                }
            }
        }
    }
}
