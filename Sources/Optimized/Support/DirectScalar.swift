import Reference

/// An element type the pointer-table direct path computes in: its register block's width and
/// its `convBlock` in each kernel set.
protocol DirectScalar: ConformFloat {
    /// Output channels per register block of `convBlock`.
    static func channelBlock(_ isa: Execution.ISA) -> Int

    /// One register block of `CPU.pixelBlock` pixels × `channelBlock` output channels (see
    /// `conform_kernels.conv_block` in SIMDKernels for the table, panel and output layouts).
    static func convBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Self>>, tableStride: Int, taps: Int, cpg: Int,
        panel: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    )
}

extension Float: DirectScalar {
    static func channelBlock(_ isa: Execution.ISA) -> Int { CPU.channelBlock(isa) }

    static func convBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Float>>, tableStride: Int, taps: Int, cpg: Int,
        panel: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    ) {
        CPU.convBlock(isa, sources, tableStride: tableStride, taps: taps, cpg: cpg, panel: panel, out, outStride: outStride,
                      pixels: pixels, lanes: lanes, accumulate: accumulate)
    }
}

extension Double: DirectScalar {
    static func channelBlock(_ isa: Execution.ISA) -> Int { CPU.table(isa).pointee.double_channel_block }

    static func convBlock(
        _ isa: Execution.ISA, _ sources: UnsafePointer<UnsafePointer<Double>>, tableStride: Int, taps: Int, cpg: Int,
        panel: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, outStride: Int, pixels: Int, lanes: Int, accumulate: Bool
    ) {
        CPU.table(isa).pointee.conv_block_f64(sources, tableStride, taps, cpg, panel, out, outStride, pixels, lanes, accumulate ? 1 : 0)
    }
}
