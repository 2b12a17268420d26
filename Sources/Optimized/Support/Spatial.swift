import Reference

/// Direct convolution vectorised across output columns, for few channels (a single-channel image
/// with a large kernel, say), where the channel-vectorised kernels would leave SIMD lanes empty.
///
/// Each input plane is copied once, zero-padded, into a buffer whose rows are long enough for whole
/// vectors; an output row segment of 64 columns lives in four `SIMD16` accumulators while every tap
/// `(c, a, b)` adds `w[a,b,c,o] · xpad[c][i·sh + a·dh][j + b·dw ...]`: one load per FMA, no branches.
/// Needs stride 1 along the width.
enum Spatial {
    // Specialised even where the module is compiled file by file (debug builds, which run the campaign).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func conv2d<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        let (h, w, cin, cpg, cout, opg) = (g.height, g.width, g.inputChannels, g.channelsPerGroup, g.outputChannels,
                                           g.outputChannelsPerGroup)
        let (kh, kw, ho, wo) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let (dh, dw, sh) = (g.rows.dilation, g.cols.dilation, g.rows.stride)
        let hp = h + g.rows.padBefore + g.rows.padAfter
        let segments = (wo + 63) / 64
        PathCounter.hit(.spatial)
        if wo > 48 { PathCounter.hit(.spatialPast48) }
        if segments > 1 { PathCounter.hit(.spatialSegments) }
        // Planted bugs (the test-only twin): width dilation ignored; columns 48–63 and later segments one column early.
        #if CONFORM_MUTANTS
        let tapStep = Mutants.on(.spatialUndilated) ? 1 : dw
        let past48 = Mutants.on(.spatialPast48) ? 47 : 48
        let segmentEarly = Mutants.on(.spatialSegmentOffByOne) ? 1 : 0
        #else
        let tapStep = dw
        let past48 = 48
        let segmentEarly = 0
        #endif
        // Row length: every vector load of the last segment stays inside the row.
        let wp = max(w + g.cols.padBefore + g.cols.padAfter, segments * 64 + (kw - 1) * dw)
        let planeSize = hp * wp
        let planes = UnsafeMutablePointer<T>.allocate(capacity: g.batch * cin * planeSize)
        defer { planes.deallocate() }
        Threading.forEach(g.batch * cin) { task in
            let (b, c) = (task / cin, task % cin)
            let plane = planes + task * planeSize
            plane.initialize(repeating: 0, count: planeSize)
            for r in 0..<h {
                let row = plane + (r + g.rows.padBefore) * wp + g.cols.padBefore
                for col in 0..<w { row[col] = x[((b * h + r) * w + col) * cin + c] }
            }
        }
        Threading.forEach(g.batch * cout * ho) { task in
            let i = task % ho, o = (task / ho) % cout, b = task / (ho * cout)
            let group = o / opg
            for segment in 0..<segments {
                let j0 = segment * 64
                let load0 = segment > 0 ? j0 - segmentEarly : j0
                var a0 = SIMD16<T>(), a1 = SIMD16<T>(), a2 = SIMD16<T>(), a3 = SIMD16<T>()
                for c in 0..<cpg {
                    let plane = UnsafePointer(planes + (b * cin + group * cpg + c) * planeSize)
                    for a in 0..<kh {
                        let row = plane + (i * sh + a * dh) * wp + load0
                        for bb in 0..<kw {
                            let wv = SIMD16<T>(repeating: f[((a * kw + bb) * cpg + c) * cout + o])
                            let p = UnsafeRawPointer(row + bb * tapStep)
                            a0.addProduct(wv, p.loadUnaligned(as: SIMD16<T>.self))
                            a1.addProduct(wv, p.loadUnaligned(fromByteOffset: 16 * MemoryLayout<T>.stride, as: SIMD16<T>.self))
                            a2.addProduct(wv, p.loadUnaligned(fromByteOffset: 32 * MemoryLayout<T>.stride, as: SIMD16<T>.self))
                            a3.addProduct(wv, p.loadUnaligned(fromByteOffset: past48 * MemoryLayout<T>.stride, as: SIMD16<T>.self))
                        }
                    }
                }
                let out = y + ((b * ho + i) * wo) * cout + o
                for (k, acc) in [a0, a1, a2, a3].enumerated() {
                    for lane in 0..<16 where j0 + 16 * k + lane < wo { out[(j0 + 16 * k + lane) * cout] = acc[lane] }
                }
            }
        }
    }
}
