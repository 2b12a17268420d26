import SIMDKernels

/// The vector kernel sets (`SIMDKernels`, C compiled three times) and which one serves an op.
///
/// AVX-512 (x86-64-v4) where the CPU has it, else AVX2 + FMA (x86-64-v3), else the portable set
/// compiled for the baseline of the machine that built the package; `Execution.isa` may ask for a
/// narrower one. An op resolves its set once (`Execution.current.kernelISA`) and passes it to
/// every block call below, which fetch the set's function table.
public enum CPU {
    /// Whether the host can run the AVX-512 kernels (cpuid and the OS's register saving).
    public static let hostHasAVX512: Bool = conform_cpu_has_avx512() != 0
    /// Whether the host can run the AVX2 + FMA kernels.
    public static let hostHasAVX2: Bool = conform_cpu_has_avx2() != 0

    /// The widest kernel set the host runs, in words, for report headers.
    public static var isa: String {
        hostHasAVX512 ? "AVX-512 (x86-64-v4)" : hostHasAVX2 ? "AVX2+FMA (x86-64-v3)" : "portable (no AVX2 on this CPU)"
    }

    // The sets' tables are constant C statics: shared, never written.
    nonisolated(unsafe) private static let avx512 = conform_kernels_avx512()
    nonisolated(unsafe) private static let avx2 = conform_kernels_avx2()
    nonisolated(unsafe) private static let portable = conform_kernels_portable()

    /// The function table of `isa` (which the host must run: `Execution.kernelISA` sees to that).
    /// A pointer, so a block call loads one entry instead of copying the table.
    @inline(__always)
    static func table(_ isa: Execution.ISA) -> UnsafePointer<conform_kernels> {
        switch isa {
        case .avx512: avx512
        case .avx2: avx2
        case .portable: portable
        }
    }

    /// The function table of `isa`, by value (for an op that resolves it once).
    static func kernels(_ isa: Execution.ISA) -> conform_kernels { table(isa).pointee }

    /// Output channels and pixels per register block of `convBlock`.
    static func channelBlock(_ isa: Execution.ISA) -> Int { table(isa).pointee.channel_block }
    static func pixelBlock(_ isa: Execution.ISA) -> Int { table(isa).pointee.pixel_block }

    /// The weights one call may stream, so that a slice of the panel stays in L1 across the blocks of a tile.
    static let panelSliceBytes = 24 * 1024

    static func convBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int,
        accumulate: Bool = false
    ) {
        // Planted bugs (the test-only twin): the AVX-512 block drops its last input channel, the
        // AVX2 block its last tap, the portable block its last pixel.
        #if CONFORM_MUTANTS
        let channels = isa == .avx512 && Mutants.on(.avx512DropsLastChannel) && cpg > 1 ? cpg - 1 : cpg
        let count = isa == .avx2 && Mutants.on(.avx2DropsLastTap) && taps > 1 ? taps - 1 : taps
        let written = isa == .portable && Mutants.on(.portableDropsLastPixel) && pixels > 1 ? pixels - 1 : pixels
        #else
        let (channels, count, written) = (cpg, taps, pixels)
        #endif
        table(isa).pointee.conv_block(sources, tableStride, count, channels, panel, out, outStride, written, lanes, accumulate ? 1 : 0)
    }

    static func groupedPixelBlock(_ isa: Execution.ISA) -> Int { table(isa).pointee.grouped_pixel_block }
    static func groupedHalfPixelBlock(_ isa: Execution.ISA) -> Int { table(isa).pointee.grouped_half_pixel_block }

    static func groupedBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int,
        slotInputs: (Int, Int, Int, Int), panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int,
        slotOutputs: (Int, Int, Int, Int), slotLanes: (Int, Int, Int, Int), pixels: Int
    ) {
        // The three quadruples go by pointer to stack copies (no allocation per block).
        var slots = (slotInputs, slotOutputs, slotLanes)
        withUnsafePointer(to: &slots) { p in
            p.withMemoryRebound(to: Int.self, capacity: 12) { q in
                table(isa).pointee.grouped_block(sources, tableStride, taps, cpg, q, panel, out, outStride, q + 4, q + 8, pixels)
            }
        }
    }

    static func groupedHalfBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int,
        halfInputs: UnsafePointer<Int>, panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int,
        halfOutputs: UnsafePointer<Int>, lanes: Int, halves: Int, pixels: Int
    ) {
        table(isa).pointee.grouped_half_block(sources, tableStride, taps, cpg, halfInputs, panel, out, outStride, halfOutputs, lanes,
                                        halves, pixels)
    }

    static func grouped4Block(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, base: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, firstOutput: Int, lanes: Int, pixels: Int
    ) {
        table(isa).pointee.grouped4_block(sources, tableStride, taps, base, panel, out, outStride, firstOutput, lanes, pixels)
    }

    static func pairedPixelBlock(_ isa: Execution.ISA) -> Int { kernels(isa).paired_pixel_block }

    static func pairedBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, second: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
    ) {
        table(isa).pointee.paired_block(sources, tableStride, taps, cpg, second, panel, out, outStride, lanes, pixels)
    }

    static var pairedWidePixelBlock: Int { kernels(.avx512).paired_wide_pixel_block }

    /// AVX-512 only: the narrower sets' 16 registers hold too few pixels for it.
    static func pairedWideBlock(
        _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int, first: Int, second: Int, groups: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, lanes: Int, pixels: Int
    ) {
        table(.avx512).pointee.paired_wide_block(sources, tableStride, taps, cpg, first, second, groups, panel, out, outStride, lanes, pixels)
    }

    static func depthwiseBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, channels: Int, filter: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, pixels: Int
    ) {
        table(isa).pointee.depthwise_block(sources, taps, channels, filter, out, pixels)
    }

    static func depthwiseBlockInterior(
        _ isa: Execution.ISA, _ bases: UnsafePointer<UnsafePointer<Float>>, pixelStride: Int, taps: Int, channels: Int,
        filter: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        table(isa).pointee.depthwise_block_interior(bases, pixelStride, taps, channels, filter, out)
    }

    /// FMA chains in the widest set the host runs, and in a given one.
    static func fmaChains(_ n: Int) -> Float { fmaChains(Execution().kernelISA, n) }
    static func fmaChains(_ isa: Execution.ISA, _ n: Int) -> Float { kernels(isa).fma_chains(n) }
}
