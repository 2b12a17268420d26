import Reference

/// `tf.random.stateless_uniform` with Philox vectorised eight blocks at a time, bit-exact with the
/// reference (and TensorFlow). Words are made in cache-sized chunks and mapped to the dtype in place.
///
/// Exact: equal to the reference bit for bit.
///
/// - Complexity: O(count) Philox blocks, ⌈count/4⌉ (32-bit dtypes) or ⌈count/2⌉ (64-bit).
public func statelessUniform(_ attrs: StatelessUniformAttributes) throws(OpError) -> AnyTensor {
    let spec = try Reference.validateStatelessUniform(attrs)
    let stream = Philox(seed: attrs.seed[0], attrs.seed[1])
    let (shape, count) = (attrs.shape, spec.count)
    switch spec.kind {
    case .float16, .float32, .float64: PathCounter.hit(.uniformFloat)
    case .int32, .int64: PathCounter.hit(.uniformInteger)
    }
    // Planted bug (the test-only twin): integers masked with range − 1 instead of reduced modulo range.
    #if CONFORM_MUTANTS
    let mask = Mutants.on(.integerMaskNotModulo)
    #else
    let mask = false
    #endif
    switch spec.kind {
    case let .float16(lo, range):
        return .float16(try! Tensor(shape: shape, scalars: fill(stream, count, words: 1) { w, _ in float16Unit(w[0]) * range + lo }))
    case let .float32(lo, range):
        #if CONFORM_MUTANTS
        let truncated = Mutants.on(.float32From24Bits)
        #else
        let truncated = false
        #endif
        @inline(__always) func unit(_ u: UInt32) -> Float { truncated ? Float(u >> 8) * 0x1p-24 : float32Unit(u) }
        return .float32(try! Tensor(shape: shape, scalars: fill(stream, count, words: 1) { w, _ in unit(w[0]) * range + lo }))
    case let .float64(lo, range):
        return .float64(try! Tensor(shape: shape, scalars: fill(stream, count, words: 2) { w, _ in float64Unit(w[0], w[1]) * range + lo }))
    case let .int32(lo, range):
        return .int32(try! Tensor(shape: shape, scalars: fill(stream, count, words: 1) { w, _ in
            Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: lo) &+ (mask ? w[0] & (range &- 1) : w[0] % range))
        }))
    case let .int64(lo, range):
        return .int64(try! Tensor(shape: shape, scalars: fill(stream, count, words: 2) { w, _ in
            let u = UInt64(w[0]) | UInt64(w[1]) << 32
            return Int64(bitPattern: UInt64(bitPattern: lo) &+ (mask ? u & (range &- 1) : u % range))
        }))
    }
}

/// `count` values, value i made from words `[words·i, words·(i+1))` of the stream.
@inline(__always)
func fill<V>(_ stream: Philox, _ count: Int, words per: Int, _ make: (UnsafePointer<UInt32>, Int) -> V) -> [V] {
    [V](unsafeUninitializedCapacity: count) { buffer, initialized in
        PhiloxSIMD.words(stream, first: 0, count: count * per) { words, offset in
            let base = words.baseAddress!
            for j in stride(from: 0, to: words.count, by: per) {
                (buffer.baseAddress! + (offset + j) / per).initialize(to: make(base + j, (offset + j) / per))
            }
        }
        initialized = count
    }
}

/// Words `[first, first + count)` of a Philox stream, from the vectorised generator the RNG ops
/// use (exposed so the property tester can compare it with the scalar reference at any counter,
/// carries included).
public func philoxWords(_ stream: Philox, first: Int, count: Int) -> [UInt32] {
    [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
        PhiloxSIMD.words(stream, first: first, count: count) { words, offset in
            (buffer.baseAddress! + offset).initialize(from: words.baseAddress!, count: words.count)
        }
        initialized = count
    }
}
