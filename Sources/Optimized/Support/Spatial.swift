import Reference

/// Direct convolution vectorised across output columns, for few channels (a single-channel image
/// with a large kernel, say), where the channel-vectorised kernels would leave SIMD lanes empty.
///
/// Each input plane is copied once, zero-padded, into a buffer whose rows are long enough for whole
/// vectors; an output row segment of 64 columns lives in four 16-lane accumulators
/// (`conform_kernels.spatial_segment`) while every tap `(c, a, b)` adds
/// `w[a,b,c,o] · xpad[c][i·sh + a·dh][j + b·dw ...]`: one load per FMA, no branches.
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
        let isa = Execution.current.kernelISA
        Threading.forEach(g.batch * cout * ho) { task in
            let i = task % ho, o = (task / ho) % cout, b = task / (ho * cout)
            let group = o / opg
            withUnsafeTemporaryAllocation(of: T.self, capacity: 64) { acc in
                for segment in 0..<segments {
                    let j0 = segment * 64
                    let load0 = segment > 0 ? j0 - segmentEarly : j0
                    let rows = UnsafePointer(planes + (b * cin + group * cpg) * planeSize + i * sh * wp + load0)
                    Self.segment(isa, rows, planeSize: planeSize, channels: cpg, kh: kh, rowPitch: dh * wp, kw: kw, tapStep: tapStep,
                                 weights: f + o, weightStride: cout, lastOffset: past48, acc.baseAddress!)
                    let out = y + ((b * ho + i) * wo) * cout + o
                    for k in 0..<min(64, wo - j0) { out[(j0 + k) * cout] = acc[k] }
                }
            }
        }
    }

    /// 64 outputs of one row segment: `conform_kernels.spatial_segment` in the element type.
    private static func segment<T: ConformFloat>(
        _ isa: Execution.ISA, _ rows: UnsafePointer<T>, planeSize: Int, channels: Int, kh: Int, rowPitch: Int, kw: Int, tapStep: Int,
        weights: UnsafePointer<T>, weightStride: Int, lastOffset: Int, _ acc: UnsafeMutablePointer<T>
    ) {
        typealias S = Specialize
        if T.self == Float.self {
            CPU.kernels(isa).spatial_segment(S.cast(rows, to: UnsafePointer<Float>.self), planeSize, channels, kh, rowPitch, kw, tapStep,
                                             S.cast(weights, to: UnsafePointer<Float>.self), weightStride, lastOffset,
                                             S.cast(acc, to: UnsafeMutablePointer<Float>.self))
        } else {
            precondition(T.self == Double.self, "the column-vectorised kernel runs float32 and float64")
            CPU.kernels(isa).spatial_segment_f64(S.cast(rows, to: UnsafePointer<Double>.self), planeSize, channels, kh, rowPitch, kw,
                                                 tapStep, S.cast(weights, to: UnsafePointer<Double>.self), weightStride, lastOffset,
                                                 S.cast(acc, to: UnsafeMutablePointer<Double>.self))
        }
    }
}
