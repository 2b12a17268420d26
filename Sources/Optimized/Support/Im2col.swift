import Reference

/// Convolution as matrix products: unroll output tiles into patches, multiply by the filters.
@usableFromInline
enum Im2col {
    /// Bytes of unrolled patches per tile: a tile's left operand stays in L2 while GEMM streams it.
    static let tileBytes = 384 * 1024

    /// 1×1, stride 1, unpadded: `[N·H·W, Cin]` times `[Cin, Cout]`, per group, straight from the
    /// input, in tiles of at most 1024 pixels, and at least one tile a thread (OpenBLAS runs on one:
    /// a single 784-pixel product left the second core idle in separable 28×28×256).
    static func pointwise<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        let pixels = g.batch * g.height * g.width
        let tile = Self.tile(pixels: pixels, limit: 1024, tasksBesides: g.groups)
        let tiles = (pixels + tile - 1) / tile
        let (cin, cpg, cout, opg) = (g.inputChannels, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        PathCounter.hit(.pointwiseGEMM)
        if tiles > 1 { PathCounter.hit(.pointwiseGEMMTiles) }
        // Planted bugs (the test-only twin): the last channel left out; later tiles read one pixel early.
        #if CONFORM_MUTANTS
        let k = Mutants.on(.pointwiseDropsLastChannel) && cpg > 1 ? cpg - 1 : cpg
        let early = Mutants.on(.pointwiseTileOffByOne) ? 1 : 0
        #else
        let k = cpg
        let early = 0
        #endif
        Threading.forEach(tiles * g.groups) { task in
            let (t, group) = (task / g.groups, task % g.groups)
            let p0 = t * tile, rows = min(tile, pixels - p0)
            let first = t > 0 ? p0 - early : p0
            BLAS.gemm(x + first * cin + group * cpg, lda: cin, f + group * opg, ldb: cout,
                      y + p0 * cout + group * opg, ldc: cout, m: rows, n: opg, k: k)
        }
    }

    /// Pixels per GEMM tile: at most `limit`, and small enough that the threads get a task each
    /// when the other task dimensions (`tasksBesides`: images, groups) are fewer than the threads;
    /// never below 16 rows, where a product costs more in calls than it computes.
    static func tile(pixels: Int, limit: Int, tasksBesides: Int) -> Int {
        let threads = Threading.current
        guard threads > tasksBesides else { return min(pixels, limit) }
        let perThread = (pixels * tasksBesides + threads - 1) / threads
        return max(1, min(pixels, limit, max(16, perThread)))
    }

    /// im2col + GEMM over tiles of output pixels, in parallel over (image, tile, group).
    static func conv2d<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        let k = g.kernelHeight * g.kernelWidth * g.channelsPerGroup
        let pixels = g.rows.output * g.cols.output
        let tile = Self.tile(pixels: pixels, limit: max(16, tileBytes / (k * MemoryLayout<T>.size)), tasksBesides: g.batch * g.groups)
        let tiles = (pixels + tile - 1) / tile
        let (cin, cpg, cout, opg) = (g.inputChannels, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        let (h, w, kh, kw, wo) = (g.height, g.width, g.kernelHeight, g.kernelWidth, g.cols.output)
        PathCounter.hit(.im2col)
        if tiles > 1 { PathCounter.hit(.im2colTiles) }
        // Planted bugs (the test-only twin): the last tap left out of the product; later tiles unroll the pixel before.
        #if CONFORM_MUTANTS
        let gemmK = Mutants.on(.im2colDropsLastTap) && kh * kw > 1 ? k - cpg : k
        let early = Mutants.on(.im2colTileOffByOne) ? 1 : 0
        #else
        let gemmK = k
        let early = 0
        #endif
        Threading.forEach(g.batch * tiles * g.groups) { task in
            let group = task % g.groups, t = (task / g.groups) % tiles, b = task / (g.groups * tiles)
            let p0 = t * tile, count = min(tile, pixels - p0)
            let patches = UnsafeMutablePointer<T>.allocate(capacity: count * k)
            defer { patches.deallocate() }
            let image = x + b * h * w * cin + group * cpg
            for r in 0..<count {
                let q = t > 0 ? p0 + r - early : p0 + r
                let (i, j) = (q / wo, q % wo)
                var dst = patches + r * k
                for di in 0..<kh {
                    let yy = g.rows.position(output: i, tap: di)
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
            BLAS.gemm(patches, lda: k, f + group * opg, ldb: cout,
                      y + (b * pixels + p0) * cout + group * opg, ldc: cout, m: count, n: opg, k: gemmK)
        }
    }
}
