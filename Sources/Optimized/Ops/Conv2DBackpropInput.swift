import Reference

/// The input gradient of grouped 2-D cross-correlation (`Conv2DBackpropInput`), as a forward conv2d.
///
/// Algorithm: the gradient `out_backprop` is written, zero-stuffed, into a buffer of
/// `[N, H + (KH−1)·dh, W + (KW−1)·dw, Cout]`, row `i` at `i·sh + (KH−1)·dh − pad_top` (column
/// alike; rows that land outside reach no input element and are dropped); the filter is turned
/// 180° with its channel axes swapped per group (`w'[a,b,o,g·Cin/G + c] = w[KH−1−a, KW−1−b, c, g·Cout/G + o]`);
/// then the optimized conv2d (its cost model choosing the algorithm, the FFT excepted) correlates
/// the two, VALID, stride 1, dilation `[dh, dw]`. With a stride the zeros cost `sh·sw` times the gradient's work.
/// Nothing to add (an empty input, gradient or channel axis) gives zeros without a kernel.
///
/// Error bound: each element is a conv2d output whose `n` nonzero terms are exactly the
/// reference's (the stuffed zeros add exact zeros), so conv2d's bound `γ_T(n)·Σ|t_i|` holds.
///
/// - Complexity: O(N·(H + (KH−1)·dh)·(W + (KW−1)·dw)·Cin·KH·KW·Cout/G).
public func conv2dBackpropInput<T: ConformFloat>(
    inputSizes: [Int], _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ attrs: Conv2DAttributes
) throws(OpError) -> Tensor<T> {
    let op = "conv2d_backprop_input"
    if T.self == Float16.self {
        return try Half.viaFloat(op: op, [filter, outBackprop]) { (t: [Tensor<Float>]) throws(OpError) in
            try conv2dBackpropInput(inputSizes: inputSizes, t[0], t[1], attrs)
        }
    }
    let g = try Reference.conv2dBackpropInputGeometry(inputSizes: inputSizes, filter: filter.shape, outBackprop: outBackprop.shape, attrs)
    let (kh, kw, cpg, cout, opg) = (g.kernelHeight, g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
    let (dh, dw) = (g.rows.dilation, g.cols.dilation)
    if inputSizes.contains(0) || outBackprop.count == 0 {
        PathCounter.hit(.backpropInputEmpty)
        var shape = inputSizes
        // Planted bug (the test-only twin): the zeros take the gradient's spatial extents.
        #if CONFORM_MUTANTS
        if Mutants.on(.backpropInputEmptyGradientExtents) { (shape[1], shape[2]) = (g.rows.output, g.cols.output) }
        #endif
        return try! Tensor(shape: shape, repeating: 0)
    }
    PathCounter.hit(.backpropInputStuffed)
    if g.rows.stride > 1 || g.cols.stride > 1 { PathCounter.hit(.backpropInputStrided) }
    let v = Validator(op: op)
    let hp = try v.sum("input_sizes", g.height, try v.product("filter", kh - 1, dh))
    let wp = try v.sum("input_sizes", g.width, try v.product("filter", kw - 1, dw))
    let stuffed = [g.batch, hp, wp, cout]
    try v.memory("out_backprop", elements: try v.product("out_backprop", g.batch, hp, wp, cout), bytesEach: 8, shape: stuffed)
    // Planted bugs (the test-only twin): the filter turned over its rows only; with a stride,
    // stuffed rows one place late.
    #if CONFORM_MUTANTS
    let flipColumns = !Mutants.on(.backpropInputColumnsUnflipped)
    let late = Mutants.on(.backpropInputStridedRowLate) && g.rows.stride > 1 ? 1 : 0
    #else
    let flipColumns = true
    let late = 0
    #endif
    let top = (kh - 1) * dh - g.rows.padBefore + late, left = (kw - 1) * dw - g.cols.padBefore
    var buffer = [T](repeating: 0, count: stuffed.reduce(1, *))
    let dy = outBackprop.scalars
    for b in 0..<g.batch {
        for i in 0..<g.rows.output {
            let y = i * g.rows.stride + top
            guard y >= 0 && y < hp else { continue }
            for j in 0..<g.cols.output {
                let x = j * g.cols.stride + left
                guard x >= 0 && x < wp else { continue }
                let from = ((b * g.rows.output + i) * g.cols.output + j) * cout, to = ((b * hp + y) * wp + x) * cout
                for o in 0..<cout { buffer[to + o] = dy[from + o] }
            }
        }
    }
    let cin = g.inputChannels
    var turned = [T](repeating: 0, count: kh * kw * opg * cin)
    let f = filter.scalars
    for a in 0..<kh {
        for bb in 0..<kw {
            let source = ((kh - 1 - a) * kw + (flipColumns ? kw - 1 - bb : bb)) * cpg
            for o in 0..<cout {
                let (group, local) = (o / opg, o % opg)
                for c in 0..<cpg { turned[((a * kw + bb) * opg + local) * cin + group * cpg + c] = f[(source + c) * cout + o] }
            }
        }
    }
    let forward = Conv2DAttributes(strides: [1, 1], padding: .valid, dilations: [dh, dw])
    let x = try! Tensor(shape: stuffed, scalars: buffer), w = try! Tensor(shape: [kh, kw, opg, cin], scalars: turned)
    let geometry = try Conv2DGeometry(op: op, input: stuffed, filters: w.shape, attrs: forward)
    try checkWorkingSet(geometry, op: op)
    // Never the FFT: its error is norm-wise, and this op's bound is element-wise.
    var plan = Conv2DPlan(geometry, elementType: T.dtype)
    if plan.algorithm == .fft { plan = Conv2DPlan(algorithm: .direct) }
    return conv2d(x, w, geometry: geometry, plan: plan)
}
