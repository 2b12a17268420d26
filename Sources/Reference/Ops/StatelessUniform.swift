/// Attributes of stateless_uniform.
public struct StatelessUniformAttributes: Equatable, Sendable {
    public var shape: [Int]
    /// `[s0, s1]`.
    public var seed: [Int64]
    /// float16, float32, float64, int32 or int64.
    public var dtype: DType
    /// Lower bound (inclusive); 0 when nil.
    public var minval: Double?
    /// Upper bound (exclusive); 1 for floats when nil, required for integers.
    public var maxval: Double?

    public init(shape: [Int], seed: [Int64], dtype: DType = .float32, minval: Double? = nil, maxval: Double? = nil) {
        self.shape = shape
        self.seed = seed
        self.dtype = dtype
        self.minval = minval
        self.maxval = maxval
    }
}

/// `tf.random.stateless_uniform`, bit-exact: Philox words mapped per dtype (docs/OPS.md).
///
///     32/16-bit dtypes: element i uses word u[i];   64-bit dtypes: words u[2i], u[2i+1]
///     floats: unit(u) · (max − min) + min           (in the dtype: multiply, then add)
///     int32:  min + u % UInt32(max − min)            (mod 2³²)
///     int64:  min + (u0 | u1 << 32) % UInt64(max − min)
///
/// - Complexity: O(count) Philox blocks.
public func statelessUniform(_ attrs: StatelessUniformAttributes) throws(OpError) -> AnyTensor {
    let spec = try validateStatelessUniform(attrs)
    let stream = Philox(seed: attrs.seed[0], attrs.seed[1])
    let (shape, count) = (attrs.shape, spec.count)
    // One element per word for 16- and 32-bit dtypes, two words per element for 64-bit ones.
    switch spec.kind {
    case let .float16(l, r):
        return .float16(Tensor(validatedShape: shape, scalars: (0..<count).map { float16Unit(stream.word(UInt64($0))) * r + l }))
    case let .float32(l, r):
        return .float32(Tensor(validatedShape: shape, scalars: (0..<count).map { float32Unit(stream.word(UInt64($0))) * r + l }))
    case let .float64(l, r):
        return .float64(Tensor(validatedShape: shape, scalars: (0..<count).map { i -> Double in
            float64Unit(stream.word(2 * UInt64(i)), stream.word(2 * UInt64(i) + 1)) * r + l
        }))
    case let .int32(l, range):
        return .int32(Tensor(validatedShape: shape, scalars: (0..<count).map { i -> Int32 in
            Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: l) &+ stream.word(UInt64(i)) % range)
        }))
    case let .int64(l, range):
        return .int64(Tensor(validatedShape: shape, scalars: (0..<count).map { i -> Int64 in
            let bits = UInt64(stream.word(2 * UInt64(i))) | UInt64(stream.word(2 * UInt64(i) + 1)) << 32
            return Int64(bitPattern: UInt64(bitPattern: l) &+ bits % range)
        }))
    }
}

/// What a validated stateless_uniform draws: the element count and the dtype's mapping parameters.
public struct UniformSpec: Sendable {
    public enum Kind: Sendable {
        /// `unit · range + lo` in the dtype.
        case float16(lo: Float16, range: Float16), float32(lo: Float, range: Float), float64(lo: Double, range: Double)
        /// `lo + u % range` with wrap-around.
        case int32(lo: Int64, range: UInt32), int64(lo: Int64, range: UInt64)
    }
    public var count: Int
    public var kind: Kind
}

/// Checks stateless_uniform's attributes and works out its mapping: `range = max − min` in the dtype.
public func validateStatelessUniform(_ attrs: StatelessUniformAttributes) throws(OpError) -> UniformSpec {
    let v = Validator(op: "stateless_uniform")
    for (i, d) in attrs.shape.enumerated() { try v.nonNegative("shape[\(i)]", d) }
    guard attrs.seed.count == 2 else { throw v.fail("seed", expected: "2 integers [s0, s1]", actual: "\(attrs.seed)") }
    let count = try v.outputCount(attrs.shape)
    switch attrs.dtype {
    case .float16, .float32, .float64:
        let lo = attrs.minval ?? 0, hi = attrs.maxval ?? 1
        switch attrs.dtype {
        case .float16: return UniformSpec(count: count, kind: .float16(lo: Float16(lo), range: Float16(hi) - Float16(lo)))
        case .float32: return UniformSpec(count: count, kind: .float32(lo: Float(lo), range: Float(hi) - Float(lo)))
        default: return UniformSpec(count: count, kind: .float64(lo: lo, range: hi - lo))
        }
    case .int32, .int64:
        guard let hi = attrs.maxval else {
            throw v.fail("maxval", expected: "an integer (required for integer dtypes)", actual: "nothing")
        }
        let lo = attrs.minval ?? 0
        guard let l = Int64(exactly: lo), let h = Int64(exactly: hi) else {
            throw v.fail("minval/maxval", expected: "integers", actual: "[\(lo), \(hi)]")
        }
        guard l < h else { throw v.fail("maxval", expected: "greater than minval \(l)", actual: "\(h)") }
        if attrs.dtype == .int32 {
            guard l >= Int64(Int32.min), h <= Int64(Int32.max) else {
                throw v.fail("minval/maxval", expected: "int32 bounds", actual: "[\(l), \(h)]")
            }
            return UniformSpec(count: count, kind: .int32(lo: l, range: UInt32(truncatingIfNeeded: h &- l)))
        }
        return UniformSpec(count: count, kind: .int64(lo: l, range: UInt64(bitPattern: h &- l)))
    case .bool:
        throw v.fail("dtype", expected: "float16, float32, float64, int32 or int64", actual: "bool")
    }
}
