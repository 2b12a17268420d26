import Reference
import SIMDKernels

/// One output of a 2-D correlation or convolution: the clipped window, SIMD dot products per row.
///
/// Only the taps whose input pixel exists are visited (no padded copy, O(1) extra memory beyond
/// one partial sum per row block). Each row's dot product runs in T across 16 lanes; the row sums
/// are added in Float64. In convolution mode a kernel row is read backwards.
///
/// Error bound: `γ_T(n)·Σ|t_i|` with n the in-window taps (the row sums in Float64 only tighten it).
///
/// - Complexity: O(clipped KH·KW) time, one pass over the window.
public func conv2dAt<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: Conv2DAtAttributes
) throws(OpError) -> Tensor<T> {
    if T.self == Float16.self { return try Half.viaFloat(op: "conv2d_at", [input, kernel]) { (t: [Tensor<Float>]) throws(OpError) in try conv2dAt(t[0], t[1], attrs) } }
    let window = try Reference.conv2dAtWindow(input.shape, kernel.shape, attrs)
    typealias S = Specialize
    return try! S.tensor(T.self,
        float: { conv2dAtKernel(S.cast(input, to: Tensor<Float>.self), S.cast(kernel, to: Tensor<Float>.self), attrs, window) },
        double: { conv2dAtKernel(S.cast(input, to: Tensor<Double>.self), S.cast(kernel, to: Tensor<Double>.self), attrs, window) })
}

/// Called with a concrete type, so the dot products are specialised.
func conv2dAtKernel<T: ConformFloat>(
    _ input: Tensor<T>, _ kernel: Tensor<T>, _ attrs: Conv2DAtAttributes,
    _ window: (top: Int, left: Int, rows: Range<Int>, cols: Range<Int>)
) -> Tensor<T> {
    let (w, kw) = (input.shape[1], kernel.shape[1])
    let kh = kernel.shape[0]
    let rows = window.rows, cols = window.cols
    let blocks = min(max(1, rows.count / 64), 256)
    PathCounter.hit(blocks > 1 ? .atRowBlocks : .atOneBlock)
    if attrs.mode == .convolution { PathCounter.hit(.atReversed) }
    // Planted bugs (the test-only twin): one block leaves out the last row; several leave gaps between blocks.
    #if CONFORM_MUTANTS
    let dropLast = Mutants.on(.atDropsLastRow) && blocks == 1 && rows.count > 1 ? 1 : 0
    let gap = Mutants.on(.atRowBlockGap) && blocks > 1 ? 1 : 0
    let convolutionUnflipped = Mutants.on(.kernelNotFlipped)
    #else
    let dropLast = 0
    let gap = 0
    let convolutionUnflipped = false
    #endif
    var partial = [Double](repeating: 0, count: blocks)
    let dots = DotKernel(kernels: CPU.kernels(Execution.current.kernelISA))
    input.scalars.withUnsafeBufferPointer { x in
        kernel.scalars.withUnsafeBufferPointer { k in
            partial.withUnsafeMutableBufferPointer { sums in
                let (xp, kp, sp) = (x.baseAddress!, k.baseAddress!, UnsafeSendable(sums.baseAddress!))
                Threading.forEach(blocks) { block in
                    let lo = rows.lowerBound + rows.count * block / blocks, hi = rows.lowerBound + rows.count * (block + 1) / blocks
                    var sum = 0.0
                    let end = block < blocks - 1 ? hi - gap : hi - dropLast
                    for a in lo..<max(lo, end) {
                        let xRow = xp + (window.top + a) * w + window.left + cols.lowerBound
                        if attrs.mode == .correlation || convolutionUnflipped {
                            sum += Double(dots.dot(xRow, kp + a * kw + cols.lowerBound, count: cols.count))
                        } else {
                            // k'[a,b] = kernel[KH−1−a, KW−1−b]: row KH−1−a, read from its end backwards.
                            let last = kp + (kh - 1 - a) * kw + (kw - 1 - cols.lowerBound)
                            sum += Double(dots.dotReversed(xRow, last, count: cols.count))
                        }
                    }
                    sp.value[block] = sum
                }
            }
        }
    }
    return Tensor(scalar: T(partial.reduce(0, +)))
}

/// The row dot products of `conv2dAt`, in the op's kernel set (`conform_kernels.dot`: two 16-lane
/// accumulators, then the remainder one by one).
struct DotKernel {
    let kernels: conform_kernels

    /// `Σ a[i]·b[i]` over `count` elements.
    @inline(__always)
    func dot<S: ConformFloat>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count: Int) -> S {
        typealias C = Specialize
        if S.self == Float.self {
            return C.cast(kernels.dot(C.cast(a, to: UnsafePointer<Float>.self), C.cast(b, to: UnsafePointer<Float>.self), count), to: S.self)
        }
        return C.cast(kernels.dot_f64(C.cast(a, to: UnsafePointer<Double>.self), C.cast(b, to: UnsafePointer<Double>.self), count), to: S.self)
    }

    /// `Σ a[i]·b[−i]`: `b` points at the last element and is read backwards.
    @inline(__always)
    func dotReversed<S: ConformFloat>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count: Int) -> S {
        typealias C = Specialize
        if S.self == Float.self {
            return C.cast(kernels.dot_reversed(C.cast(a, to: UnsafePointer<Float>.self), C.cast(b, to: UnsafePointer<Float>.self), count),
                          to: S.self)
        }
        return C.cast(kernels.dot_reversed_f64(C.cast(a, to: UnsafePointer<Double>.self), C.cast(b, to: UnsafePointer<Double>.self), count),
                      to: S.self)
    }
}
