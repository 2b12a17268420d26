import CGSL
import KernelsAVX2
import KernelsAVX512

/// The vector ISA the Float kernels run with: AVX-512 (x86-64-v4) where the CPU has it and the
/// current `Execution` does not ask for AVX2, else AVX2 + FMA (x86-64-v3), the floor this package
/// is compiled for. An op resolves it once (`CPU.wide`) and passes it down to every block call.
public enum CPU {
    /// Whether the host can run the AVX-512 kernels (cpuid).
    public static let hostHasAVX512: Bool = conform_cpu_has_avx512() != 0

    /// Whether the AVX-512 kernels serve the current op (the host's choice unless `Execution` says AVX2).
    public static var wide: Bool { Execution.current.wide }

    /// The instruction set in words, for report headers.
    public static var isa: String { hostHasAVX512 ? "AVX-512 (x86-64-v4)" : "AVX2+FMA (x86-64-v3)" }

    /// Output channels and pixels per register block of `convBlock`.
    static func channelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.channelBlock : KernelsAVX2.channelBlock }
    static func pixelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.pixelBlock : KernelsAVX2.pixelBlock }

    /// The weights one call may stream, so that a slice of the panel stays in L1 across the blocks of a tile.
    static let panelSliceBytes = 24 * 1024

    static func convBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, panel: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool = false
    ) {
        if wide {
            // Planted bug (the test-only twin): the AVX-512 block drops its last input channel.
            #if CONFORM_MUTANTS
            let channels = Mutants.on(.avx512DropsLastChannel) && cpg > 1 ? cpg - 1 : cpg
            #else
            let channels = cpg
            #endif
            KernelsAVX512.convBlock(sources, tableStride: tableStride, taps: taps, cpg: channels, panel: panel, out,
                                    outStride: outStride, pixels: pixels, lanes: lanes, accumulate: accumulate)
        } else {
            // Planted bug (the test-only twin): the AVX2 block drops its last tap.
            #if CONFORM_MUTANTS
            let count = Mutants.on(.avx2DropsLastTap) && taps > 1 ? taps - 1 : taps
            #else
            let count = taps
            #endif
            KernelsAVX2.convBlock(sources, tableStride: tableStride, taps: count, cpg: cpg, panel: panel, out,
                                  outStride: outStride, pixels: pixels, lanes: lanes, accumulate: accumulate)
        }
    }

    static func groupedPixelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.groupedPixelBlock : KernelsAVX2.groupedPixelBlock }
    static func groupedHalfPixelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.groupedHalfPixelBlock : KernelsAVX2.groupedHalfPixelBlock }

    static func groupedBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, slotInputs: (Int, Int, Int, Int),
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, slotOutputs: (Int, Int, Int, Int),
        slotLanes: (Int, Int, Int, Int), pixels: Int
    ) {
        if wide {
            KernelsAVX512.groupedBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, slotInputs: slotInputs, panel: panel, out,
                                       outStride: outStride, slotOutputs: slotOutputs, slotLanes: slotLanes, pixels: pixels)
        } else {
            KernelsAVX2.groupedBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, slotInputs: slotInputs, panel: panel, out,
                                     outStride: outStride, slotOutputs: slotOutputs, slotLanes: slotLanes, pixels: pixels)
        }
    }

    static func groupedHalfBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, halfInputs: UnsafePointer<Int>,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, halfOutputs: UnsafePointer<Int>, lanes: Int,
        halves: Int, pixels: Int
    ) {
        if wide {
            KernelsAVX512.groupedHalfBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, halfInputs: halfInputs, panel: panel, out,
                                           outStride: outStride, halfOutputs: halfOutputs, lanes: lanes, halves: halves, pixels: pixels)
        } else {
            KernelsAVX2.groupedHalfBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, halfInputs: halfInputs, panel: panel, out,
                                         outStride: outStride, halfOutputs: halfOutputs, lanes: lanes, halves: halves, pixels: pixels)
        }
    }

    static func grouped4Block(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, base: Int, panel: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, outStride: Int, firstOutput: Int, lanes: Int, pixels: Int
    ) {
        if wide {
            KernelsAVX512.grouped4Block(sources, tableStride: tableStride, taps: taps, base: base, panel: panel, out, outStride: outStride,
                                        firstOutput: firstOutput, lanes: lanes, pixels: pixels)
        } else {
            KernelsAVX2.grouped4Block(sources, tableStride: tableStride, taps: taps, base: base, panel: panel, out, outStride: outStride,
                                      firstOutput: firstOutput, lanes: lanes, pixels: pixels)
        }
    }

    static func pairedPixelBlock(wide: Bool) -> Int { wide ? KernelsAVX512.pairedPixelBlock : KernelsAVX2.pairedPixelBlock }

    static func pairedBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, second: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
    ) {
        if wide {
            KernelsAVX512.pairedBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, second: second, panel: panel, out,
                                      outStride: outStride, lanes: lanes, pixels: pixels)
        } else {
            KernelsAVX2.pairedBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, second: second, panel: panel, out,
                                    outStride: outStride, lanes: lanes, pixels: pixels)
        }
    }

    static let pairedWidePixelBlock = KernelsAVX512.pairedWidePixelBlock

    /// AVX-512 only (the AVX2 module has no `pairedWideBlock`: its 16 registers hold too few pixels).
    static func pairedWideBlock(
        _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, first: Int, second: Int, groups: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
    ) {
        KernelsAVX512.pairedWideBlock(sources, tableStride: tableStride, taps: taps, cpg: cpg, first: first, second: second, groups: groups, panel: panel,
                                      out, outStride: outStride, lanes: lanes, pixels: pixels)
    }

    static func depthwiseBlock(
        wide: Bool, _ sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, channels: Int, filter: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, pixels: Int
    ) {
        if wide {
            KernelsAVX512.depthwiseBlock(sources, taps: taps, channels: channels, filter: filter, out, pixels: pixels)
        } else {
            KernelsAVX2.depthwiseBlock(sources, taps: taps, channels: channels, filter: filter, out, pixels: pixels)
        }
    }

    static func depthwiseBlockInterior(
        wide: Bool, _ bases: UnsafePointer<UnsafePointer<Float>>, pixelStride: Int, taps: Int, channels: Int,
        filter: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        let stride = pixelStride
        if wide {
            KernelsAVX512.depthwiseBlockInterior(bases, pixelStride: stride, taps: taps, channels: channels, filter: filter, out)
        } else {
            KernelsAVX2.depthwiseBlockInterior(bases, pixelStride: stride, taps: taps, channels: channels, filter: filter, out)
        }
    }

    static func fmaChains(_ n: Int) -> Float { hostHasAVX512 ? KernelsAVX512.fmaChains(n) : KernelsAVX2.fmaChains(n) }
}
