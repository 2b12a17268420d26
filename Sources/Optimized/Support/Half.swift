import Reference
import SIMDKernels

/// float16 arithmetic ops: the inputs widened to float32 (exactly), the float32 kernels run, and
/// each output rounded once to float16.
///
/// Error bound: the float32 sum of `n` products of float16 values (exact in float32) is within
/// `γ₃₂(n)·S` of the exact value, and the one rounding adds `u₁₆·|value|`; together at most
/// `γ₁₆(n)·S` (since `S ≥ |value|`), the bound the tolerance model gives float16 outputs.
enum Half {
    /// Runs `body` on float32 copies of `inputs` and rounds its result to T (T is Float16).
    static func viaFloat<T: ConformFloat>(
        op: String? = nil, _ inputs: [Tensor<T>], _ body: ([Tensor<Float>]) throws(OpError) -> Tensor<Float>
    ) throws(OpError) -> Tensor<T> {
        // The widened copies are memory of the run: refused past the budget before they are made
        // (named by `op`), and counted as held while the op runs on them.
        let elements = inputs.reduce(0) { $0 + $1.count }
        if let op { try Validator(op: op).memory("float16 inputs widened to float32", elements: elements, bytesEach: 4, shape: inputs.first?.shape ?? []) }
        let result = MemoryBudget.$held.withValue(MemoryBudget.held + 4 * elements) { () -> Result<Tensor<T>, OpError> in
            do throws(OpError) { return .success(try widened(inputs, body)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func widened<T: ConformFloat>(
        _ inputs: [Tensor<T>], _ body: ([Tensor<Float>]) throws(OpError) -> Tensor<Float>
    ) throws(OpError) -> Tensor<T> {
        PathCounter.hit(.float16ViaFloat32)
        // Planted bug (the test-only twin): the inputs widened from their bit patterns instead of their values.
        #if CONFORM_MUTANTS
        let bits = Mutants.on(.float16WidenedFromBits)
        #else
        let bits = false
        #endif
        // T is Float16: the conversions run in the op's kernel set (`conform_kernels.widen_f16` and
        // `narrow_f16`: vcvtph2ps / vcvtps2ph with F16C), and on the op's threads (they are a tenth
        // of a 3×3 layer's time on one).
        let kernels = CPU.kernels(Execution.current.kernelISA)
        let wide = inputs.map { t in
            let half = Specialize.cast(t, to: Tensor<Float16>.self)
            let scalars = [Float](unsafeUninitializedCapacity: half.scalars.count) { out, initialized in
                half.scalars.withUnsafeBufferPointer { source in
                    let (from, to) = (UnsafeSendable(source.baseAddress!), UnsafeSendable(out.baseAddress!))
                    chunks(source.count) { range in
                        if bits {
                            for i in range { to.value[i] = Float(from.value[i].bitPattern) }
                        } else {
                            kernels.widen_f16(UnsafeRawPointer(from.value + range.lowerBound).assumingMemoryBound(to: UInt16.self),
                                              to.value + range.lowerBound, range.count)
                        }
                    }
                }
                initialized = half.scalars.count
            }
            return Tensor<Float>(unchecked: half.shape, scalars)
        }
        let out = try body(wide)
        let rounded = [Float16](unsafeUninitializedCapacity: out.scalars.count) { target, initialized in
            out.scalars.withUnsafeBufferPointer { source in
                let (from, to) = (UnsafeSendable(source.baseAddress!), UnsafeSendable(target.baseAddress!))
                chunks(source.count) { range in
                    kernels.narrow_f16(from.value + range.lowerBound,
                                       UnsafeMutableRawPointer(to.value + range.lowerBound).assumingMemoryBound(to: UInt16.self),
                                       range.count)
                }
            }
            initialized = out.scalars.count
        }
        return Specialize.cast(Tensor<Float16>(unchecked: out.shape, rounded), to: Tensor<T>.self)
    }

    /// Runs `body` over `0..<count` in ranges of 256 Ki elements spread over the op's threads (one
    /// range, on this thread, when that is all there is).
    static func chunks(_ count: Int, _ body: (Range<Int>) -> Void) {
        let size = chunkSize, n = (count + size - 1) / size
        guard n > 1 else { body(0..<count); return }
        PathCounter.hit(.float16Chunked)
        // Planted bug (the test-only twin): each chunk stops one element short.
        #if CONFORM_MUTANTS
        let short = Mutants.on(.float16ChunkShort) ? 1 : 0
        #else
        let short = 0
        #endif
        Threading.forEach(n) { c in body((c * size)..<(min(count, (c + 1) * size) - short)) }
    }

    /// Elements per conversion chunk.
    static let chunkSize = 1 << 18
}

extension Tensor {
    /// A tensor from a shape and scalars already known to match.
    init(unchecked shape: [Int], _ scalars: [Scalar]) {
        self = try! Tensor(shape: shape, scalars: scalars)
    }
}
