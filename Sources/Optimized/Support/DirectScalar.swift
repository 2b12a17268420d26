import KernelsAVX2
import KernelsAVX512
import Reference

/// An element type the pointer-table direct path computes in: its register block's width and
/// its `convBlock` for each kernel module.
protocol DirectScalar: ConformFloat {
    /// Output channels per register block of `convBlock`.
    static func channelBlock(wide: Bool) -> Int

    /// One register block of `CPU.pixelBlock` pixels × `channelBlock` output channels (see
    /// `KernelsAVX2.convBlock` for the table, panel and output layouts).
    static func convBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Self>>, tableStride: Int, taps: Int, cpg: Int, panel: UnsafePointer<Self>,
        _ out: UnsafeMutablePointer<Self>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    )
}

extension Float: DirectScalar {
    static func channelBlock(wide: Bool) -> Int { CPU.channelBlock(wide: wide) }

    static func convBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, panel: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    ) {
        CPU.convBlock(wide: wide, sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out, outStride: outStride,
                      pixels: pixels, lanes: lanes, accumulate: accumulate)
    }
}

extension Double: DirectScalar {
    static func channelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.doubleChannelBlock : KernelsAVX2.doubleChannelBlock }

    static func convBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Double>>, tableStride: Int, taps: Int, cpg: Int, panel: UnsafePointer<Double>,
        _ out: UnsafeMutablePointer<Double>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    ) {
        if wide {
            KernelsAVX512.convBlockDouble(sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out, outStride: outStride,
                                          pixels: pixels, lanes: lanes, accumulate: accumulate)
        } else {
            KernelsAVX2.convBlockDouble(sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out, outStride: outStride,
                                        pixels: pixels, lanes: lanes, accumulate: accumulate)
        }
    }
}
