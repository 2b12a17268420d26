/// Philox4x32-10 (Salmon et al. 2011), the counter-based generator behind TensorFlow's stateless RNG.
///
/// A round on counter `c` and key `k`:
///
///     p0 = 0xD2511F53 · c0,  p1 = 0xCD9E8D57 · c2          (64-bit products)
///     c  = (hi(p1) ^ c1 ^ k0, lo(p1), hi(p0) ^ c3 ^ k1, lo(p0))
///     k  = (k0 + 0x9E3779B9, k1 + 0xBB67AE85)               (between rounds)
///
/// Ten rounds make one block of four 32-bit words.
public struct Philox: Equatable, Sendable {
    public var key: (UInt32, UInt32)
    public var counter: (UInt32, UInt32, UInt32, UInt32)

    public init(key: (UInt32, UInt32), counter: (UInt32, UInt32, UInt32, UInt32)) {
        self.key = key
        self.counter = counter
    }

    public static func == (a: Philox, b: Philox) -> Bool {
        a.key == b.key && a.counter == b.counter
    }

    /// The ten-round block function on an explicit counter and key.
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter, k = key
        for round in 0..<10 {
            let p0 = UInt64(0xD251_1F53) * UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) * UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
            if round < 9 {
                k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
            }
        }
        return c
    }

    /// The counter advanced by `n` blocks: a 128-bit little-endian add starting at word 0.
    public static func advance(_ c: (UInt32, UInt32, UInt32, UInt32), by n: UInt64)
        -> (UInt32, UInt32, UInt32, UInt32)
    {
        let low = UInt64(c.0) | UInt64(c.1) << 32
        let (sum, carry) = low.addingReportingOverflow(n)
        var high = UInt64(c.2) | UInt64(c.3) << 32
        if carry { high &+= 1 }
        return (UInt32(truncatingIfNeeded: sum), UInt32(truncatingIfNeeded: sum >> 32),
                UInt32(truncatingIfNeeded: high), UInt32(truncatingIfNeeded: high >> 32))
    }

    /// Block `b` of this stream: `Philox(counter + b)`.
    public func block(_ b: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        Philox.block(counter: Philox.advance(counter, by: b), key: key)
    }

    /// Word `i` of the stream: word `i % 4` of block `i / 4`.
    public func word(_ i: UInt64) -> UInt32 {
        let w = block(i / 4)
        switch i % 4 {
        case 0: return w.0
        case 1: return w.1
        case 2: return w.2
        default: return w.3
        }
    }

    /// The stream `tf.random.stateless_*` draws for `seed = [s0, s1]`.
    ///
    /// Each seed is sign-extended to 64 bits; one Philox block with key
    /// `(0x3EC8F720, 0x02461E29)` on counter `(lo s0, hi s0, lo s1, hi s1)` gives `m0..m3`;
    /// the stream's key is `(m0, m1)` and its counter `(0, 0, m2, m3)`.
    public init(seed s0: Int64, _ s1: Int64) {
        let a = UInt64(bitPattern: s0), b = UInt64(bitPattern: s1)
        let m = Philox.block(
            counter: (UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: a >> 32),
                      UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32)),
            key: (0x3EC8_F720, 0x0246_1E29))
        self.init(key: (m.0, m.1), counter: (0, 0, m.2, m.3))
    }
}

/// `count` float32 values in [0, 1) from the stateless stream of `seed`: element i uses word i.
func philoxUniformFloats(count: Int, seed: (Int64, Int64)) -> [Float] {
    let stream = Philox(seed: seed.0, seed.1)
    return (0..<count).map { float32Unit(stream.word(UInt64($0))) }
}

/// `bitcast(0x3F800000 | (u & 0x7FFFFF)) − 1`: 23 random mantissa bits in [1, 2), shifted to [0, 1).
@inlinable public func float32Unit(_ u: UInt32) -> Float {
    Float(bitPattern: 0x3F80_0000 | (u & 0x7F_FFFF)) - 1
}

/// `bitcast(0x3C00 | (u & 0x3FF)) − 1` in float16: 10 mantissa bits.
@inlinable public func float16Unit(_ u: UInt32) -> Float16 {
    Float16(bitPattern: 0x3C00 | UInt16(truncatingIfNeeded: u & 0x3FF)) - 1
}

/// 52 mantissa bits `(u0 & 0xFFFFF) << 32 | u1` in [1, 2), shifted to [0, 1).
@inlinable public func float64Unit(_ u0: UInt32, _ u1: UInt32) -> Double {
    let mantissa = UInt64(u0 & 0xF_FFFF) << 32 | UInt64(u1)
    return Double(bitPattern: 0x3FF0_0000_0000_0000 | mantissa) - 1
}
