/// Every path of the optimized code: algorithm, sub-path, ISA variant, thread split. The property
/// campaign must reach each one (a path it misses is an error of the campaign), and each has a
/// planted bug (`Mutant.path`) that lives only on it. A new path in the fast code gets a row here.
public enum KernelPath: String, CaseIterable, Sendable, Comparable {
    // conv2d algorithms (conv1d, separable's pointwise stage and depthwise laws reach them too)
    case pointwiseGEMM = "conv2d/pointwise-gemm"
    case pointwiseGEMMTiles = "conv2d/pointwise-gemm/several-tiles"
    case im2col = "conv2d/im2col"
    case im2colTiles = "conv2d/im2col/several-tiles"
    case directTable = "conv2d/direct/pointer-table"
    case directTapSlices = "conv2d/direct/tap-slices"
    case directPacked = "conv2d/direct/packed-patches"
    case directRowMerged = "conv2d/direct/row-merged"
    case directRowMergedGroups = "conv2d/direct/row-merged/per-group"
    case directGroupBlocked = "conv2d/direct/group-blocked"
    case directGroupHalves = "conv2d/direct/group-blocked/half-slots"
    case directGroupPairs = "conv2d/direct/group-blocked/four-channel-pairs"
    case directGroupWidePairs = "conv2d/direct/group-blocked/sixteen-lane-pairs"
    case directFloat64 = "conv2d/direct/float64"
    case spatial = "conv2d/spatial"
    case spatialPast48 = "conv2d/spatial/past-48-columns"
    case spatialSegments = "conv2d/spatial/several-segments"
    case fft = "conv2d/fft"
    case float16ViaFloat32 = "float16/via-float32"
    /// float16 conversions of more than one 256 Ki-element chunk, spread over the op's threads.
    case float16Chunked = "float16/chunked-conversion"
    /// An output extent of 0 or an empty input: no kernel runs.
    case emptyExtent = "conv2d/empty-extent"
    // depthwise (and separable's first stage)
    case depthwiseEdge = "depthwise/edge-block"
    case depthwiseInterior = "depthwise/interior-block"
    case depthwiseMultiplier = "depthwise/multiplier-repeat"
    case depthwiseFloat64 = "depthwise/float64"
    case depthwiseFloat64Tail = "depthwise/float64/channel-tail"
    case depthwiseEmpty = "depthwise/empty-extent"
    // conv2d_at
    case atOneBlock = "conv2d_at/one-row-block"
    case atRowBlocks = "conv2d_at/several-row-blocks"
    case atReversed = "conv2d_at/convolution-reversed"
    // conv2d_backprop_input
    case backpropInputStuffed = "conv2d_backprop_input/zero-stuffed-conv2d"
    case backpropInputStrided = "conv2d_backprop_input/zero-stuffed-conv2d/strided"
    case backpropInputEmpty = "conv2d_backprop_input/empty"
    case backpropInputCol2im = "conv2d_backprop_input/gemm-col2im"
    case backpropInputCol2imChunks = "conv2d_backprop_input/gemm-col2im/pixel-chunks"
    case backpropInputCol2imImages = "conv2d_backprop_input/gemm-col2im/image-chunks"
    // conv2d_backprop_filter
    case backpropFilterIm2col = "conv2d_backprop_filter/im2col-gemm"
    case backpropFilterPointwise = "conv2d_backprop_filter/pointwise-gemm"
    case backpropFilterChunks = "conv2d_backprop_filter/pixel-chunks"
    case backpropFilterEmpty = "conv2d_backprop_filter/empty"
    // depthwise and conv1d gradients
    case depthwiseBackpropInputGather = "depthwise_conv2d_backprop_input/channel-vector-gather"
    case depthwiseBackpropInputEmpty = "depthwise_conv2d_backprop_input/empty"
    case depthwiseBackpropFilterVectors = "depthwise_conv2d_backprop_filter/channel-vectors"
    case depthwiseBackpropFilterChunks = "depthwise_conv2d_backprop_filter/pixel-chunks"
    case depthwiseBackpropFilterEmpty = "depthwise_conv2d_backprop_filter/empty"
    case conv1dBackpropInputView = "conv1d_backprop_input/height-1-view"
    case conv1dBackpropFilterView = "conv1d_backprop_filter/height-1-view"
    // Keras's transposed convolutions
    case convTranspose = "conv_transpose/as-input-gradient"
    // kernel modules and threads
    case isaAVX512 = "isa/avx512"
    case isaAVX2 = "isa/avx2"
    case isaPortable = "isa/portable"
    case threadsSerial = "threads/serial"
    case threadsParallel = "threads/parallel"
    case threadsOversubscribed = "threads/oversubscribed"
    // exact ops
    case glimpseInside = "glimpse/inside"
    case glimpseClipped = "glimpse/clipped"
    case glimpseNoise = "glimpse/noise-fill"
    case windowsContiguous = "windows/contiguous"
    case windowsSampled = "windows/sampled"
    case windowsViewOffset = "windows/view-offset"
    case windowsTargets = "windows/targets"
    case frameInside = "frame/inside"
    case framePadded = "frame/padded"
    case frameViewOffset = "frame/view-offset"
    case philoxChunks = "philox/several-chunks"
    case philoxHighBlock = "philox/block-2^32-and-beyond"
    case philoxCarry = "philox/carry-into-high-word"
    case uniformFloat = "uniform/float"
    case uniformInteger = "uniform/integer"
    case pairingTensorFlow = "pairing/tensorflow"
    case pairingCycle = "pairing/cycle"
    case countParams = "count_params/closed-form"

    public static func < (a: KernelPath, b: KernelPath) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The ops whose campaign can reach this path (the check for unreached paths considers only
    /// paths of the ops a campaign runs).
    public var ops: [String] {
        let convs = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"]
        switch self {
        case .pointwiseGEMM, .pointwiseGEMMTiles, .im2col, .im2colTiles, .directTable, .directTapSlices, .directPacked,
             .directRowMerged, .directRowMergedGroups, .directGroupBlocked, .directGroupHalves, .directGroupPairs, .directGroupWidePairs, .directFloat64, .spatial, .spatialPast48, .spatialSegments, .fft, .emptyExtent:
            return convs
        case .float16ViaFloat32: return convs + ["conv2d_at"]
        // Only conv2d's size class of large float16 tensors reaches it.
        case .float16Chunked: return ["conv2d"]
        case .depthwiseEdge, .depthwiseInterior, .depthwiseMultiplier, .depthwiseFloat64, .depthwiseFloat64Tail, .depthwiseEmpty:
            return ["depthwise_conv2d", "separable_conv2d"]
        case .atOneBlock, .atRowBlocks, .atReversed: return ["conv2d_at"]
        case .backpropInputStuffed, .backpropInputStrided, .backpropInputEmpty, .backpropInputCol2im, .backpropInputCol2imChunks,
             .backpropInputCol2imImages:
            return ["conv2d_backprop_input"]
        case .backpropFilterIm2col, .backpropFilterPointwise, .backpropFilterChunks, .backpropFilterEmpty: return ["conv2d_backprop_filter"]
        case .depthwiseBackpropInputGather, .depthwiseBackpropInputEmpty: return ["depthwise_conv2d_backprop_input"]
        case .depthwiseBackpropFilterVectors, .depthwiseBackpropFilterChunks, .depthwiseBackpropFilterEmpty: return ["depthwise_conv2d_backprop_filter"]
        case .conv1dBackpropInputView: return ["conv1d_backprop_input"]
        case .conv1dBackpropFilterView: return ["conv1d_backprop_filter"]
        case .convTranspose: return ["conv2d_transpose", "conv1d_transpose"]
        case .isaAVX512, .isaAVX2, .isaPortable: return convs
        case .threadsSerial, .threadsParallel, .threadsOversubscribed: return convs + ["conv2d_at", "epoch_pairing"]
        case .glimpseInside, .glimpseClipped, .glimpseNoise: return ["extract_glimpse"]
        case .windowsContiguous, .windowsSampled, .windowsViewOffset, .windowsTargets: return ["timeseries_windows"]
        case .frameInside, .framePadded, .frameViewOffset: return ["frame"]
        case .philoxChunks, .philoxHighBlock, .philoxCarry, .uniformFloat, .uniformInteger: return ["stateless_uniform"]
        case .pairingTensorFlow, .pairingCycle: return ["epoch_pairing"]
        case .countParams: return ["count_params"]
        }
    }

    /// Whether this host can run the path at all (the AVX-512 kernels and the paths only they have need an AVX-512 CPU, the AVX2 ones an AVX2 CPU).
    public var availableOnHost: Bool {
        switch self {
        case .isaAVX512, .directGroupWidePairs: CPU.hostHasAVX512
        case .isaAVX2: CPU.hostHasAVX2
        default: true
        }
    }
}
