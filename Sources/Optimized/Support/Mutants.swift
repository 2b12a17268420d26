#if CONFORM_MUTANTS
/// Planted bugs, for verifying the verifier: each one is a mistake a real kernel could make,
/// switched on one at a time (task-locally, through `Execution.mutant`) so a test can require the
/// property campaign to catch it.
///
/// The first group breaks semantics every path shares; the second lives on exactly one row of the
/// path table (`path`), so that a campaign that never reaches the row cannot catch it.
///
/// Only the test-only twin `OptimizedPlanted` (these sources compiled with `CONFORM_MUTANTS`)
/// has them. In the shipped `Optimized` this file is empty, and each site where a bug is planted
/// reads, under `#else`, the value the correct code uses: no planted bug, no switch and no
/// `Mutant` exists there in any configuration.
public enum Mutant: String, CaseIterable, Sendable {
    // Semantics shared by every path.
    /// SAME padding puts the odd pixel at the start instead of the end.
    case sameOddPixelAtStart
    /// Glimpse offsets are floored instead of truncated toward zero.
    case glimpseFloor
    /// Glimpse uses the other version's formulas.
    case glimpseVersionsSwapped
    /// conv2d multiplies the stride by the dilation (pointer tables of the direct kernel).
    case dilationAppliedToStride
    /// Grouped conv2d reads every group's outputs from the first group's input channels (direct kernel).
    case groupsMixChannels
    /// CAUSAL conv1d pads k − 1 instead of d·(k − 1).
    case causalUndilated

    // One path each.
    /// 1×1 GEMM drops the last input channel of every group.
    case pointwiseDropsLastChannel
    /// 1×1 GEMM: tiles after the first read their input one pixel early.
    case pointwiseTileOffByOne
    /// im2col's GEMM leaves out the last tap.
    case im2colDropsLastTap
    /// im2col: tiles after the first unroll the patches of the pixel before.
    case im2colTileOffByOne
    /// Pointer tables treat the last input column as padding.
    case tableLastColumnAsPadding
    /// Tap slices after the first overwrite the outputs instead of adding to them.
    case tapSlicesOverwrite
    /// Packed patches store each pixel's channels in reverse order.
    case packedChannelsReversed
    /// Row-merged kernels step one padded row per kernel row, ignoring the height dilation.
    case rowMergedUndilated
    /// Row-merged per group: every group's padded copy holds the first group's channels.
    case groupRowsFromFirstGroup
    /// Group-blocked direct kernel: a block's second slot reads its first group's input channels.
    case groupBlockedSlotReadsFirstGroup
    /// Half-slot group blocks: each slot's high half reads its low half's group.
    case groupHalvesHighReadsLow
    /// Four-channel group pairs: each group's last output channel is left unwritten.
    case groupPairsDropLastLane
    /// Sixteen-lane group pairs (AVX-512): the second group reads the first group's channels.
    case widePairsSecondReadsFirst
    /// The float64 direct kernel's fourth pixel of a block reads the third one's input.
    case float64FourthPixel
    /// The column-vectorised kernel ignores the width dilation.
    case spatialUndilated
    /// The column-vectorised kernel loads columns 48–63 one column early.
    case spatialPast48
    /// The column-vectorised kernel's segments after the first load one column early.
    case spatialSegmentOffByOne
    /// An empty conv2d output keeps the input's spatial extents (as TensorFlow's oneDNN path does).
    case emptyOutputKeepsInputExtent
    /// An empty depthwise output gets one row.
    case depthwiseEmptyOneRow
    /// FFT places the input after `padAfter` columns instead of `padBefore`.
    case fftPadSidesSwapped
    /// Depthwise edge blocks (any block touching padding or the row end) drop their last tap.
    case depthwiseEdgeDropsLastTap
    /// Depthwise interior blocks drop their last tap.
    case depthwiseInteriorDropsLastTap
    /// Depthwise orders its output channels m·C + c instead of c·M + m (multiplier > 1).
    case depthwiseChannelOrder
    /// The float64 depthwise kernel's fourth pixel of a block reads the third one's input.
    case float64DepthwiseFourthPixel
    /// The float64 depthwise channel tail drops its last tap.
    case float64DepthwiseTailDropsLastTap
    /// conv2d_at with one row block leaves out the window's last row.
    case atDropsLastRow
    /// conv2d_at with several row blocks leaves out each block's last row but the final one's.
    case atRowBlockGap
    /// conv2d_at's convolution mode forgets to flip the kernel.
    case kernelNotFlipped
    /// Backprop input turns the filter over its rows but not its columns.
    case backpropInputColumnsUnflipped
    /// Backprop input with a row stride stuffs each gradient row one row late.
    case backpropInputStridedRowLate
    /// Backprop input with nothing to add returns zeros of the gradient's spatial extents.
    case backpropInputEmptyGradientExtents
    /// Backprop input's col2im scatters the first tap of each row one column right.
    case backpropInputCol2imFirstTapShifted
    /// Backprop input's col2im chunks after the first start one output pixel late.
    case backpropInputCol2imChunkLate
    /// Backprop input's col2im split by images leaves the last image's gradient out.
    case backpropInputCol2imLastImageSkipped
    /// Backprop filter's pointwise product leaves out the last input channel of each group.
    case backpropFilterPointwiseDropsLastChannel
    /// Backprop filter's patches read the input's last row for taps in the bottom padding.
    case backpropFilterBottomPaddingReadsLastRow
    /// Backprop filter split into pixel chunks loses the last chunk's partial result.
    case backpropFilterLastChunkLost
    /// Backprop filter with nothing to add returns zeros with the filter's channel axes swapped.
    case backpropFilterEmptyChannelsSwapped
    /// Depthwise backprop input reads the filter multiplier-major ([KH, KW, M, C]).
    case depthwiseBackpropInputMultiplierMajor
    /// Depthwise backprop input with nothing to add returns the gradient's spatial extents.
    case depthwiseBackpropInputEmptyGradientExtents
    /// Depthwise backprop filter's last column tap reads one column early.
    case depthwiseBackpropFilterLastColumnEarly
    /// Depthwise backprop filter split into chunks adds the first chunk's partial twice.
    case depthwiseBackpropFilterFirstChunkTwice
    /// Depthwise backprop filter with nothing to add returns ones.
    case depthwiseBackpropFilterEmptyOnes
    /// conv1d backprop input puts CAUSAL's padding after the signal.
    case conv1dBackpropInputCausalAfter
    /// conv1d backprop filter swaps explicit (and CAUSAL) padding's sides on its height-1 view.
    case conv1dBackpropFilterPadsSwapped
    /// A transposed convolution under SAME puts the odd row before the output instead of after.
    case convTransposeSameOddRowFirst
    /// The AVX-512 block drops its last input channel.
    case avx512DropsLastChannel
    /// The AVX2 block drops its last tap.
    case avx2DropsLastTap
    /// The portable kernel set's register block leaves its last pixel unwritten.
    case portableDropsLastPixel
    /// Run serially, the op skips its last task.
    case serialSkipsLastTask
    /// Split over threads (no more than the cores), the shared task counter starts at 1: task 0 never runs.
    case parallelFirstTaskUnclaimed
    /// With more threads than cores, the workers stop claiming one task early: the last never runs.
    case oversubscribedLastTaskUnclaimed
    /// A glimpse window inside the image loses its last row.
    case glimpseInsideDropsLastRow
    /// A glimpse window that leaves the image copies one column too few per row.
    case glimpseClippedShortRow
    /// Glimpse noise is drawn from the first batch item's value range for every item.
    case glimpseNoiseFromFirstItem
    /// Every item's glimpse noise comes from item 0's random stream (each value still in its own item's range).
    case glimpseNoiseStreamOfFirstItem
    /// With sampling_rate 1, the last window repeats the one before it.
    case windowsLastRepeats
    /// Windows lose their last window when sampling_rate > 1.
    case windowsCountOffByOne
    /// A window batch not starting at 0 numbers its windows from 0.
    case windowsViewFromZero
    /// Window targets ignore the start index and stride (targets[k] instead of targets[start(k)]).
    case targetsIgnoreStart
    /// A frame inside the signal ends in one pad value.
    case frameInsideLastPadded
    /// frame with pad_end floors the frame count instead of taking the ceiling.
    case framePadEndFloor
    /// A padded frame copies its full length from the signal: the last one reads past the end (a trap).
    case framePaddedReadsPastEnd
    /// A frame batch not starting at 0 numbers its frames from 0.
    case frameViewFromZero
    /// Philox chunks after the first start one block early.
    case philoxChunkRestart
    /// The block counter is truncated to 32 bits.
    case philoxBlock32
    /// The vectorised Philox counter does not carry into its high 64 bits.
    case philoxNoCarry
    /// float32 uniforms are made from 24 bits (u >> 8) instead of 23 mantissa bits.
    case float32From24Bits
    /// Integer uniforms mask with range − 1 instead of taking the remainder.
    case integerMaskNotModulo
    /// Epoch pairing seeds epoch e with e instead of first_epoch + e.
    case pairingWrongEpoch
    /// Cycle mode picks the permutation's next position.
    case cycleShifted
    /// Cycle mode never returns for a row with one candidate (a hang).
    case cycleHangsOnSingleCandidate
    /// BatchNormalization's moving statistics counted as trainable.
    case batchNormAllTrainable
    /// float16 inputs widened from their bit patterns instead of their values.
    case float16WidenedFromBits
    /// A float16 conversion of several chunks stops one element short of each chunk's end.
    case float16ChunkShort

    /// The one row of the path table this bug lives on; nil for the semantic bugs every path shares.
    public var path: KernelPath? {
        switch self {
        case .sameOddPixelAtStart, .glimpseFloor, .glimpseVersionsSwapped, .dilationAppliedToStride, .groupsMixChannels,
             .causalUndilated: nil
        case .pointwiseDropsLastChannel: .pointwiseGEMM
        case .pointwiseTileOffByOne: .pointwiseGEMMTiles
        case .im2colDropsLastTap: .im2col
        case .im2colTileOffByOne: .im2colTiles
        case .tableLastColumnAsPadding: .directTable
        case .tapSlicesOverwrite: .directTapSlices
        case .packedChannelsReversed: .directPacked
        case .rowMergedUndilated: .directRowMerged
        case .groupRowsFromFirstGroup: .directRowMergedGroups
        case .groupBlockedSlotReadsFirstGroup: .directGroupBlocked
        case .groupHalvesHighReadsLow: .directGroupHalves
        case .groupPairsDropLastLane: .directGroupPairs
        case .widePairsSecondReadsFirst: .directGroupWidePairs
        case .float64FourthPixel: .directFloat64
        case .spatialUndilated: .spatial
        case .spatialPast48: .spatialPast48
        case .spatialSegmentOffByOne: .spatialSegments
        case .fftPadSidesSwapped: .fft
        case .emptyOutputKeepsInputExtent: .emptyExtent
        case .depthwiseEmptyOneRow: .depthwiseEmpty
        case .depthwiseEdgeDropsLastTap: .depthwiseEdge
        case .depthwiseInteriorDropsLastTap: .depthwiseInterior
        case .depthwiseChannelOrder: .depthwiseMultiplier
        case .float64DepthwiseFourthPixel: .depthwiseFloat64
        case .float64DepthwiseTailDropsLastTap: .depthwiseFloat64Tail
        case .atDropsLastRow: .atOneBlock
        case .atRowBlockGap: .atRowBlocks
        case .kernelNotFlipped: .atReversed
        case .backpropInputColumnsUnflipped: .backpropInputStuffed
        case .backpropInputStridedRowLate: .backpropInputStrided
        case .backpropInputEmptyGradientExtents: .backpropInputEmpty
        case .backpropInputCol2imFirstTapShifted: .backpropInputCol2im
        case .backpropInputCol2imChunkLate: .backpropInputCol2imChunks
        case .backpropInputCol2imLastImageSkipped: .backpropInputCol2imImages
        case .backpropFilterPointwiseDropsLastChannel: .backpropFilterPointwise
        case .backpropFilterBottomPaddingReadsLastRow: .backpropFilterIm2col
        case .backpropFilterLastChunkLost: .backpropFilterChunks
        case .backpropFilterEmptyChannelsSwapped: .backpropFilterEmpty
        case .depthwiseBackpropInputMultiplierMajor: .depthwiseBackpropInputGather
        case .depthwiseBackpropInputEmptyGradientExtents: .depthwiseBackpropInputEmpty
        case .depthwiseBackpropFilterLastColumnEarly: .depthwiseBackpropFilterVectors
        case .depthwiseBackpropFilterFirstChunkTwice: .depthwiseBackpropFilterChunks
        case .depthwiseBackpropFilterEmptyOnes: .depthwiseBackpropFilterEmpty
        case .conv1dBackpropInputCausalAfter: .conv1dBackpropInputView
        case .conv1dBackpropFilterPadsSwapped: .conv1dBackpropFilterView
        case .convTransposeSameOddRowFirst: .convTranspose
        case .avx512DropsLastChannel: .isaAVX512
        case .avx2DropsLastTap: .isaAVX2
        case .portableDropsLastPixel: .isaPortable
        case .serialSkipsLastTask: .threadsSerial
        case .parallelFirstTaskUnclaimed: .threadsParallel
        case .oversubscribedLastTaskUnclaimed: .threadsOversubscribed
        case .glimpseInsideDropsLastRow: .glimpseInside
        case .glimpseClippedShortRow: .glimpseClipped
        case .glimpseNoiseFromFirstItem: .glimpseNoise
        case .glimpseNoiseStreamOfFirstItem: .glimpseNoise
        case .windowsLastRepeats: .windowsContiguous
        case .windowsCountOffByOne: .windowsSampled
        case .windowsViewFromZero: .windowsViewOffset
        case .targetsIgnoreStart: .windowsTargets
        case .frameInsideLastPadded: .frameInside
        case .framePadEndFloor, .framePaddedReadsPastEnd: .framePadded
        case .frameViewFromZero: .frameViewOffset
        case .philoxChunkRestart: .philoxChunks
        case .philoxBlock32: .philoxHighBlock
        case .philoxNoCarry: .philoxCarry
        case .float32From24Bits: .uniformFloat
        case .integerMaskNotModulo: .uniformInteger
        case .pairingWrongEpoch: .pairingTensorFlow
        case .cycleShifted, .cycleHangsOnSingleCandidate: .pairingCycle
        case .batchNormAllTrainable: .countParams
        case .float16WidenedFromBits: .float16ViaFloat32
        case .float16ChunkShort: .float16Chunked
        }
    }
}

extension Mutant {
    /// Whether the bug kills or hangs the process that runs it: only a supervised campaign (cases
    /// in a child process) survives it, so in-process tests leave these to the CLI.
    public var killsTheProcess: Bool { self == .framePaddedReadsPastEnd || self == .cycleHangsOnSingleCandidate }
}

public enum Mutants {
    @inline(__always) @usableFromInline static func on(_ mutant: Mutant) -> Bool { Execution.current.mutant == mutant }

    /// Runs `body` with `mutant` planted.
    public static func with<R>(_ mutant: Mutant?, _ body: () throws -> R) rethrows -> R {
        var execution = Execution.current
        execution.mutant = mutant
        return try Execution.with(execution, body)
    }
}
#endif
