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

/// `tf.random.stateless_uniform`, bit-exact: Philox words mapped per dtype (OPS.md).
///
///     32/16-bit dtypes: element i uses word u[i];   64-bit dtypes: words u[2i], u[2i+1]
///     floats: unit(u) · (max − min) + min           (in the dtype: multiply, then add)
///     int32:  min + u % UInt32(max − min)            (mod 2³²)
///     int64:  min + (u0 | u1 << 32) % UInt64(max − min)
///
/// - Complexity: O(count) Philox blocks.
public func statelessUniform(_ attrs: StatelessUniformAttributes) throws(OpError) -> AnyTensor {
    let v = Validator(op: "stateless_uniform")
    for (i, d) in attrs.shape.enumerated() { try v.nonNegative("shape[\(i)]", d) }
    guard attrs.seed.count == 2 else { throw v.fail("seed", expected: "2 integers [s0, s1]", actual: "\(attrs.seed)") }
    let count: Int
    do { count = try Tensor<Float>.elementCount(of: attrs.shape) } catch {
        throw v.fail("shape", expected: "a shape whose element count fits in memory", actual: "\(attrs.shape)")
    }
    _ = try v.outputCount(attrs.shape)
    let stream = Philox(seed: attrs.seed[0], attrs.seed[1])
    let shape = attrs.shape

    switch attrs.dtype {
    case .float16, .float32, .float64:
        let lo = attrs.minval ?? 0, hi = attrs.maxval ?? 1
        switch attrs.dtype {
        case .float16:
            let (l, r) = (Float16(lo), Float16(hi) - Float16(lo))
            let values = (0..<count).map { float16Unit(stream.word(UInt64($0))) * r + l }
            return .float16(Tensor(validatedShape: shape, scalars: values))
        case .float32:
            let (l, r) = (Float(lo), Float(hi) - Float(lo))
            let values = (0..<count).map { float32Unit(stream.word(UInt64($0))) * r + l }
            return .float32(Tensor(validatedShape: shape, scalars: values))
        default:
            let (l, r) = (lo, hi - lo)
            let values = (0..<count).map { i -> Double in
                float64Unit(stream.word(2 * UInt64(i)), stream.word(2 * UInt64(i) + 1)) * r + l
            }
            return .float64(Tensor(validatedShape: shape, scalars: values))
        }
    case .int32, .int64:
        guard let hi = attrs.maxval else {
            throw v.fail("maxval", expected: "an integer (required for integer dtypes)", actual: "nothing")
        }
        let lo = attrs.minval ?? 0
        let (l, h) = (Int64(exactly: lo), Int64(exactly: hi))
        guard let l, let h else {
            throw v.fail("minval/maxval", expected: "integers", actual: "[\(lo), \(hi)]")
        }
        guard l < h else { throw v.fail("maxval", expected: "greater than minval \(l)", actual: "\(h)") }
        if attrs.dtype == .int32 {
            guard l >= Int64(Int32.min), h <= Int64(Int32.max) else {
                throw v.fail("minval/maxval", expected: "int32 bounds", actual: "[\(l), \(h)]")
            }
            let range = UInt32(truncatingIfNeeded: h &- l)
            let values = (0..<count).map { i -> Int32 in
                Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: l) &+ stream.word(UInt64(i)) % range)
            }
            return .int32(Tensor(validatedShape: shape, scalars: values))
        }
        let range = UInt64(bitPattern: h &- l)
        let values = (0..<count).map { i -> Int64 in
            let bits = UInt64(stream.word(2 * UInt64(i))) | UInt64(stream.word(2 * UInt64(i) + 1)) << 32
            return Int64(bitPattern: UInt64(bitPattern: l) &+ bits % range)
        }
        return .int64(Tensor(validatedShape: shape, scalars: values))
    case .bool:
        throw v.fail("dtype", expected: "float16, float32, float64, int32 or int64", actual: "bool")
    }
}
