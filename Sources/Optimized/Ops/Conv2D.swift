import Foundation
import Reference

/// The algorithm `conv2d` picks for a geometry, and why.
public struct Conv2DPlan: Equatable, Sendable {
    public enum Algorithm: String, Sendable {
        /// 1×1 kernel, stride 1, no padding: the input already is the GEMM's left operand.
        case pointwiseGEMM
        /// Output tiles unrolled (im2col) into a cache-sized buffer, then one GEMM per tile and group.
        case im2colGEMM
        /// Register-blocked SIMD kernels straight over the input (8 pixels × 32 floats or 16 doubles
        /// on AVX-512, 4 × 16 or 8 on AVX2, fed by per-pixel pointer tables); the usual choice.
        case direct
        /// Direct SIMD loops across output columns (stride 1 along the width): few channels.
        case spatial
        /// Products in the frequency domain (GSL's mixed-radix FFT, Float64): large kernels.
        case fft
    }

    public var algorithm: Algorithm
    /// Estimated seconds of the chosen algorithm, from the cost model (0 when forced).
    public var estimate: Double

    /// A plan that forces `algorithm` (tests and benchmarks compare the paths this way).
    public init(algorithm: Algorithm) {
        self.algorithm = algorithm
        self.estimate = 0
    }

    /// Chooses by a cost model whose rates are measured on this host (`HostRates`, once per
    /// process) and scaled by each algorithm's efficiency, the fraction of the measured peak its
    /// inner loop reaches (measured with `conform bench` on CPUs whose AVX-512 units differ in width;
    /// they agree within about 15%):
    ///
    /// - direct, float32: 0.9 of the wide kernels' FMA peak when a group has a full block of
    ///   output channels (32 with AVX-512, 16 with AVX2), proportionally less with fewer; an
    ///   ungrouped layer of ≤ 16 channels runs the AVX2 kernel at 0.5 of its own peak, less when a
    ///   kernel row holds under 48 floats (KW·Cin); narrow
    ///   groups share blocks at 0.55 of the wide peak times the share of their 8-lane slots they
    ///   fill, 0.45 times the share of 4-lane halves for groups of ≤ 4, 0.85 times the share of
    ///   16 lanes for groups of 9–16 on AVX-512; two narrow groups merged row by row
    ///   (`mergesGroupRows`) 0.375 of the AVX2 peak per 16 lanes they fill; float64 0.85 of half
    ///   the float32 peak of its kernel module,
    ///   proportionally less below a full block (16 doubles with AVX-512, 8 with AVX2).
    /// - OpenBLAS GEMM: 0.8 of the measured `sgemm`/`dgemm` rate once N ≥ 24 and K ≥ 32, proportionally
    ///   less when skinnier, plus the im2col copy at the measured bandwidth (none for 1×1 stride-1
    ///   unpadded).
    /// - column-vectorised: 0.4 of the wide peak (float64 0.2) from about 25 taps on, less with fewer
    ///   (its loads of output columns are paid per tap), plus 80 bytes of traffic per input element;
    ///   needs width stride 1.
    /// - FFT: 1.6 × the measured seconds per `P·log₂P` per 2-D transform of the padded plane `P`, and 40
    ///   bytes of traffic per frequency-domain multiply–add; stride 1, one group.
    public init(_ g: Conv2DGeometry, elementType: DType = .float32, rates: HostRates = .current) {
        let single = elementType != .float64
        let taps = Double(g.kernelHeight * g.kernelWidth)
        let pixels = Double(g.batch * g.rows.output * g.cols.output)
        let flops = 2 * pixels * Double(g.outputChannels) * taps * Double(g.channelsPerGroup)
        let k = g.kernelHeight * g.kernelWidth * g.channelsPerGroup, n = g.outputChannelsPerGroup
        let pointwise = Self.applies(.pointwiseGEMM, to: g)
        let bytes = Double(elementType.byteWidth)
        // 0.8: a tile's GEMM writes strided rows of the output and starts cold, unlike the measured product.
        let gemmRate = 0.8 * (single ? rates.sgemm : rates.dgemm) * min(1, Double(n) / 24) * min(1, Double(k) / 32)
        let gemm = flops / gemmRate + (pointwise ? 0 : pixels * Double(k * g.groups) * 2 * bytes / rates.bandwidth)
        let isa = Execution.current.kernelISA
        let wide = isa.wide
        let directRate: Double
        if !single {
            // Half the lanes of float32 in the same registers.
            let peak = (wide ? rates.widePeak : rates.narrowPeak) / 2
            directRate = 0.85 * peak * min(1, Double(n) / Double(Double.channelBlock(isa)))
        } else if DirectFloat.mergesGroupRows(g) {
            directRate = 0.375 * rates.narrowPeak * Double(2 * n) / 16
        } else if DirectFloat.sharesBlocks(g) {
            let slots = (n + 7) / 8
            if n <= 4 {
                directRate = 0.45 * rates.widePeak * Double(n) / 4
            } else if slots == 2 && wide {
                directRate = 0.85 * rates.widePeak * Double(n) / 16
            } else {
                directRate = 0.55 * rates.widePeak * Double(n) / Double(8 * slots)
            }
        } else if DirectFloat.runsNarrow(g) {
            // Row-merged, each kernel row is one inner loop of KW·Cin floats: short ones pay their
            // pointer loads and stores (64×64×4 k5, 20 floats: about half the rate of 60).
            let rowFloats = Double(g.kernelWidth * g.channelsPerGroup)
            directRate = 0.5 * rates.narrowPeak * Double(n) / 16 * min(1, rowFloats / 48)
        } else {
            directRate = 0.9 * (wide ? rates.widePeak : rates.narrowPeak) * min(1, Double(n) / Double(CPU.channelBlock(isa)))
        }
        let direct = flops / directRate
        let spatial = Self.applies(.spatial, to: g)
            ? flops / ((single ? 0.4 : 0.2) * min(1, (taps + 3) / 28) * rates.widePeak)
                + Double(g.batch * g.inputChannels * g.height * g.width) * 80 / rates.bandwidth
            : Double.infinity
        var fft = Double.infinity
        if Self.applies(.fft, to: g) {
            let p = Double(FFTPlan.paddedLength(g.height + g.rows.padBefore + g.rows.padAfter)
                * FFTPlan.paddedLength(g.width + g.cols.padBefore + g.cols.padAfter))
            let transforms = Double(g.batch * g.inputChannels + g.inputChannels * g.outputChannels + g.batch * g.outputChannels)
            let products = Double(g.batch * g.inputChannels * g.outputChannels)
            // 1.6: the convolution's planes outgrow the measured one's caches, and it copies each plane in and out.
            fft = 1.6 * transforms * p * log2(p) * rates.fftSecondsPerPoint + products * p * 40 / rates.bandwidth
        }
        let candidates: [(Algorithm, Double)] = [
            (pointwise ? .pointwiseGEMM : .im2colGEMM, gemm), (.direct, direct), (.spatial, spatial), (.fft, fft),
        ]
        (algorithm, estimate) = candidates.min { $0.1 < $1.1 }!
        // The campaign forces each algorithm in turn, where it applies to the geometry.
        if let forced = Execution.current.algorithm, Self.applies(forced, to: g) {
            (algorithm, estimate) = (forced, candidates.first { $0.0 == forced }?.1 ?? 0)
        }
    }

    /// Whether `algorithm` can compute `g` at all: 1×1 GEMM needs a 1×1, stride-1, unpadded kernel;
    /// the column-vectorised kernel needs width stride 1; FFT needs stride 1, one group, and planes
    /// that fit in memory. Direct and im2col compute anything.
    public static func applies(_ algorithm: Algorithm, to g: Conv2DGeometry) -> Bool {
        switch algorithm {
        case .direct, .im2colGEMM: return true
        case .pointwiseGEMM:
            return g.kernelHeight == 1 && g.kernelWidth == 1 && g.rows.stride == 1 && g.cols.stride == 1
                && g.rows.padBefore + g.rows.padAfter + g.cols.padBefore + g.cols.padAfter == 0
        case .spatial: return g.cols.stride == 1
        case .fft:
            guard g.rows.stride == 1 && g.cols.stride == 1 && g.groups == 1 else { return false }
            let p = FFTPlan.paddedLength(g.height + g.rows.padBefore + g.rows.padAfter)
                * FFTPlan.paddedLength(g.width + g.cols.padBefore + g.cols.padAfter)
            // Its planes, beside what the run holds and the output it writes.
            let free = Double(MemoryBudget.bytes - MemoryBudget.held) - Double(g.outputShape.reduce(1, *)) * Double(MemoryBudget.bytesPerOutputElement(op: "conv2d"))
            return Double(g.batch * (g.inputChannels + 1)) * 16 * Double(p) < free
        }
    }

    /// The algorithms that can compute `g`, in declaration order.
    public static func applicable(to g: Conv2DGeometry) -> [Algorithm] {
        [.pointwiseGEMM, .im2colGEMM, .direct, .spatial, .fft].filter { applies($0, to: g) }
    }
}

extension Conv2DPlan {
    /// The FFT path's norm-wise error term beyond rounding the exact result once:
    /// `(8·log₂P + 2·Cin)·u₆₄·‖x‖₂·‖w‖₂`, P the padded plane; 0 for the other algorithms, whose
    /// error the elementwise bound γ(n)·Σ|tᵢ| covers.
    public func normwiseSlack<T: ConformFloat>(_ g: Conv2DGeometry, input: Tensor<T>, filters: Tensor<T>) -> Double {
        guard algorithm == .fft else { return 0 }
        let p = Double(FFTPlan.paddedLength(g.height + g.rows.padBefore + g.rows.padAfter)
            * FFTPlan.paddedLength(g.width + g.cols.padBefore + g.cols.padAfter))
        func norm(_ t: Tensor<T>) -> Double { t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        return (8 * log2(p) + 2 * Double(g.inputChannels)) * 0x1p-53 * norm(input) * norm(filters)
    }
}

/// Grouped 2-D cross-correlation, NHWC × HWIO, with the algorithm `Conv2DPlan` picks.
///
/// - direct (`DirectFloat`; float64 its pointer-table path): register blocks of output pixels × output
///   channels, every tap a branch-free FMA sweep; taps in the padding read a row of zeros.
///   Few input channels gather patches (or whole kernel rows of a padded copy) first.
/// - im2col + GEMM: output pixels are cut into tiles whose unrolled patches fit in L2; each tile
///   and group is one `sgemm`/`dgemm` against the filters read in place (HWIO flattened is the
///   `[KH·KW·Cin/G, Cout]` right operand; a group is a column offset with `ldb = Cout`).
/// - spatial: SIMD across output columns, for one or a few channels (large single-channel kernels).
/// - FFT: `FFTConvolution`, stride 1, Float64 transforms, for kernels large enough to pay.
/// The switch is `Conv2DPlan`'s cost model.
///
/// Error bound: GEMM and direct sum each output's `n` products in some order in T, so
/// `|got − exact| ≤ γ_T(n)·Σ|t_i|` elementwise (the tolerance model). The FFT path is norm-wise:
/// `|got − exact| ≤ u_T·|exact| + (8·log₂P + 2·Cin)·u₆₄·‖x‖₂·‖w‖₂` per element (`Conv2DPlan.normwiseSlack`).
///
/// - Complexity: O(N·Ho·Wo·Cout·KH·KW·Cin/G) for GEMM and direct; O((N·Cin + Cin·Cout + N·Cout)·P·log P) for FFT.
public func conv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    if T.self == Float16.self { return try Half.viaFloat(op: "conv2d", [input, filters]) { (t: [Tensor<Float>]) throws(OpError) in try conv2d(t[0], t[1], attrs) } }
    var g = try Conv2DGeometry(input: input.shape, filters: filters.shape, attrs: attrs)
    try checkWorkingSet(g)
    #if CONFORM_MUTANTS
    if Mutants.on(.sameOddPixelAtStart) && attrs.padding == .same {
        (g.rows.padBefore, g.rows.padAfter) = (g.rows.padAfter, g.rows.padBefore)
        (g.cols.padBefore, g.cols.padAfter) = (g.cols.padAfter, g.cols.padBefore)
    }
    #endif
    return conv2d(input, filters, geometry: g, plan: Conv2DPlan(g, elementType: T.dtype))
}

/// Refuses a geometry whose working memory, beside the output and the padded copy the geometry
/// counted, passes the budget: the filter repacked into panels (output channels padded to 32
/// lanes) and, per thread, a direct tile's tap pointers and packed patches (at most 144 pixels;
/// patches only below 16 channels a group) and an im2col tile (at least 16 pixels' patches), 8
/// bytes an element. A kernel of a million taps needs gigabytes here, not in its files.
func checkWorkingSet(_ g: Conv2DGeometry, op: String = "conv2d") throws(OpError) {
    let v = Validator(op: op)
    let taps = try v.product("filters", g.kernelHeight, g.kernelWidth)
    let k = try v.product("filters", taps, g.channelsPerGroup)
    let lanes = try v.product("filters", g.groups, (g.outputChannelsPerGroup + 31) / 32 * 32)
    let panels = try v.product("filters", lanes, k, 8)
    let direct = try v.sum("filters", try v.product("filters", 144, taps, 8), g.channelsPerGroup < 16 ? try v.product("filters", 144, k, 8) : 0)
    let im2col = max(try v.product("filters", 16, k, 8), 786_432)
    let tiles = try v.product("filters", Threading.current, try v.sum("filters", direct, im2col))
    try v.memory("filters", outputElements: g.outputShape.reduce(1) { $0 * max($1, 0) }, besides: try v.sum("filters", panels, tiles),
                 shape: [g.kernelHeight, g.kernelWidth, g.channelsPerGroup, g.outputChannels])
}

/// `conv2d` with the algorithm forced, for tests and benchmarks that compare the paths.
public func conv2d<T: ConformFloat>(
    _ input: Tensor<T>, _ filters: Tensor<T>, geometry g: Conv2DGeometry, plan: Conv2DPlan
) -> Tensor<T> {
    if T.self == Float16.self {
        return try! Half.viaFloat([input, filters]) { (t: [Tensor<Float>]) throws(OpError) in conv2d(t[0], t[1], geometry: g, plan: plan) }
    }
    typealias S = Specialize
    return try! S.tensor(T.self,
        float: { conv2dKernels(S.cast(input, to: Tensor<Float>.self), S.cast(filters, to: Tensor<Float>.self), g, plan) },
        double: { conv2dKernels(S.cast(input, to: Tensor<Double>.self), S.cast(filters, to: Tensor<Double>.self), g, plan) })
}

/// Called with a concrete type, so every kernel below is specialised.
func conv2dKernels<T: ConformFloat>(_ input: Tensor<T>, _ filters: Tensor<T>, _ g: Conv2DGeometry, _ plan: Conv2DPlan) -> Tensor<T> {
    let count = g.outputShape.reduce(1, *)
    // An output extent of 0 (TensorFlow's size rule allows it), or an empty input whose outputs all
    // sum padding: nothing for a kernel to do, and no buffer to point it at.
    if count == 0 || input.count == 0 {
        PathCounter.hit(.emptyExtent)
        var shape = g.outputShape
        #if CONFORM_MUTANTS
        if Mutants.on(.emptyOutputKeepsInputExtent) { (shape[1], shape[2]) = (max(shape[1], g.height), max(shape[2], g.width)) }
        #endif
        return try! Tensor(shape: shape, repeating: 0)
    }
    // Every algorithm writes every output element, so the buffer starts uninitialised (no zero pass).
    let out = [T](unsafeUninitializedCapacity: count) { y, initialized in
        input.scalars.withUnsafeBufferPointer { x in
            filters.scalars.withUnsafeBufferPointer { f in
                switch plan.algorithm {
                case .pointwiseGEMM: Im2col.pointwise(x.baseAddress!, f.baseAddress!, y.baseAddress!, g)
                case .im2colGEMM: Im2col.conv2d(x.baseAddress!, f.baseAddress!, y.baseAddress!, g)
                case .direct: Direct.conv2d(x.baseAddress!, f.baseAddress!, y.baseAddress!, g)
                case .spatial: Spatial.conv2d(x.baseAddress!, f.baseAddress!, y.baseAddress!, g)
                case .fft: FFTConvolution.conv2d(x.baseAddress!, f.baseAddress!, y.baseAddress!, g)
                }
            }
        }
        initialized = count
    }
    return try! Tensor(shape: g.outputShape, scalars: out)
}
