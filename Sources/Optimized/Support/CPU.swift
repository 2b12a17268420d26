import CGSL
import KernelsAVX2
import KernelsAVX512

/// The vector ISA the Float kernels run with: AVX-512 (x86-64-v4) where the CPU has it,
/// else AVX2 + FMA (x86-64-v3), the floor this package is compiled for.
public enum CPU {
    /// Whether the AVX-512 kernels are in use.
    public static let wide: Bool = conform_cpu_has_avx512() != 0

    /// The instruction set in words, for report headers.
    public static var isa: String { wide ? "AVX-512 (x86-64-v4)" : "AVX2+FMA (x86-64-v3)" }

    /// Output channels and pixels per register block of `convBlock`.
    static var channelBlock: Int { wide ? KernelsAVX512.channelBlock : KernelsAVX2.channelBlock }
    static var pixelBlock: Int { wide ? KernelsAVX512.pixelBlock : KernelsAVX2.pixelBlock }

    /// The weights one call may stream, so that a slice of the panel stays in L1 across the blocks of a tile.
    static let panelSliceBytes = 24 * 1024

    static func convBlock(
        _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, panel: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool = false
    ) {
        if wide {
            KernelsAVX512.convBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out,
                                    outStride: outStride, pixels: pixels, lanes: lanes, accumulate: accumulate)
        } else {
            KernelsAVX2.convBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out,
                                  outStride: outStride, pixels: pixels, lanes: lanes, accumulate: accumulate)
        }
    }

    static func depthwiseBlock(
        _ sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, channels: Int, filter: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, pixels: Int
    ) {
        if wide {
            KernelsAVX512.depthwiseBlock(sources, taps: taps, channels: channels, filter: filter, out, pixels: pixels)
        } else {
            KernelsAVX2.depthwiseBlock(sources, taps: taps, channels: channels, filter: filter, out, pixels: pixels)
        }
    }

    static func depthwiseBlockInterior(
        _ bases: UnsafePointer<UnsafePointer<Float>>, pixelStride: Int, taps: Int, channels: Int,
        filter: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        if wide {
            KernelsAVX512.depthwiseBlockInterior(bases, pixelStride: pixelStride, taps: taps, channels: channels, filter: filter, out)
        } else {
            KernelsAVX2.depthwiseBlockInterior(bases, pixelStride: pixelStride, taps: taps, channels: channels, filter: filter, out)
        }
    }

    static func fmaChains(_ n: Int) -> Float { wide ? KernelsAVX512.fmaChains(n) : KernelsAVX2.fmaChains(n) }
}
