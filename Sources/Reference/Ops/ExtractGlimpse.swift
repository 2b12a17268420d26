import Foundation

/// Attributes of extract_glimpse (both TensorFlow versions).
public struct GlimpseAttributes: Equatable, Sendable {
    /// What fills the part of the window outside the image.
    public enum Noise: String, Sendable, CaseIterable {
        /// Zeros.
        case zero
        /// `min + U[0,1)·(max − min)`, min/max over the whole batch item.
        case uniform
        /// Per channel `mean_c + N(0,1)·std_c`, clamped to `[min_c, max_c]`.
        case gaussian
    }

    /// `[gh, gw]`.
    public var size: [Int]
    public var centered: Bool
    public var normalized: Bool
    public var noise: Noise
    /// 1 (`tf.compat.v1.image.extract_glimpse`, op ExtractGlimpse) or 2 (`tf.image.extract_glimpse`).
    public var version: Int
    /// Seeds the uniform and gaussian fills (TensorFlow's are not reproducible; ours are).
    public var seed: Int64

    public init(size: [Int], centered: Bool = true, normalized: Bool = true, noise: Noise = .zero,
                version: Int = 2, seed: Int64 = 0) {
        self.size = size
        self.centered = centered
        self.normalized = normalized
        self.noise = noise
        self.version = version
        self.seed = seed
    }

    /// The window's top-left pixel `(top, left)` for an offset `(y, x)` on an `H × W` image.
    ///
    /// The arithmetic is float32 in TensorFlow's order of operations:
    ///
    ///     version 1: if normalized { x *= W }; if centered { x = x/2 + W/2 }; x -= gw/2
    ///     version 2: if normalized { x *= W; if centered { x = x/2 + W/2 − gw/2 } }
    ///                else if centered { x += W/2 }
    ///     left = trunc(x)     (toward zero, not floor)
    ///
    /// and the same for y with H and gh. Offsets must be finite (the op checks).
    public func corner(offsetY: Float, offsetX: Float, height: Int, width: Int) -> (top: Int, left: Int) {
        (Self.truncate(position(offsetY, extent: height, window: size[0])),
         Self.truncate(position(offsetX, extent: width, window: size[1])))
    }

    /// One axis of `corner`, before truncation.
    public func position(_ offset: Float, extent: Int, window: Int) -> Float {
        var p = offset
        let n = Float(extent), g = Float(window)
        if version == 1 {
            if normalized { p *= n }
            if centered {
                p /= 2
                p += n / 2
            }
            p -= g / 2
        } else if normalized {
            p *= n
            if centered {
                p /= 2
                p += n / 2
                p -= g / 2
            }
        } else if centered {
            p += n / 2
        }
        return p
    }

    /// Truncation toward zero; magnitudes beyond 2⁴⁰ are clamped (such a window misses any image).
    static func truncate(_ p: Float) -> Int {
        let limit: Float = 0x1p40
        return Int(max(-limit, min(limit, p)).rounded(.towardZero))
    }

    /// The offsets `(y, x)` that put the window's top-left pixel at `(top, left)` in this mode:
    /// the "pixel coordinates from (0,0)" helper. It aims at the middle of the truncation
    /// interval, so float rounding cannot move the window across a truncation boundary.
    public func offsets(top: Int, left: Int, height: Int, width: Int) -> (y: Float, x: Float) {
        (offset(for: top, extent: height, window: size[0]), offset(for: left, extent: width, window: size[1]))
    }

    func offset(for corner: Int, extent: Int, window: Int) -> Float {
        // trunc(p) == corner for p in (corner − 1, corner + 1) ∩ [corner, ...) toward zero: aim at ±0.5.
        let target = Double(corner) + (corner < 0 ? -0.5 : 0.5)
        let n = Double(extent), g = Double(window)
        var p = target
        if version == 1 {
            p += g / 2
            if centered { p = (p - n / 2) * 2 }
            if normalized { p /= n }
        } else if normalized {
            if centered { p = ((p + g / 2) - n / 2) * 2 }
            p /= n
        } else if centered {
            p -= n / 2
        }
        return Float(p)
    }
}

/// Extracts a `[gh, gw]` window per batch item at its offset, filling what falls outside the image.
///
///     (top, left) = attrs.corner(offsets[b])      -- version 1 or 2 formulas, truncation toward zero
///     out[b,i,j,c] = input[b, top+i, left+j, c]   if inside the image, else the fill
///
/// - Complexity: O(B·gh·gw·C) plus O(B·H·W·C) for the uniform/gaussian fill statistics.
public func extractGlimpse(
    _ input: Tensor<Float>, _ offsets: Tensor<Float>, _ attrs: GlimpseAttributes
) throws(OpError) -> Tensor<Float> {
    try validateGlimpse(input.shape, offsets, attrs)
    let (batch, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (gh, gw) = (attrs.size[0], attrs.size[1])
    let outShape = [batch, gh, gw, c]
    let itemIn = h * w * c, itemOut = gh * gw * c
    var out = [Float](repeating: 0, count: batch * itemOut)
    for b in 0..<batch {
        let item = Array(input.scalars[b * itemIn ..< (b + 1) * itemIn])
        let fill = glimpseFill(item: item, channels: c, count: itemOut, noise: attrs.noise,
                               seed: attrs.seed, batchIndex: b)
        let (top, left) = attrs.corner(offsetY: offsets.scalars[2 * b], offsetX: offsets.scalars[2 * b + 1],
                                       height: h, width: w)
        for i in 0..<gh {
            for j in 0..<gw {
                for ch in 0..<c {
                    let (y, x) = (top + i, left + j)
                    let o = (i * gw + j) * c + ch
                    let inside = y >= 0 && y < h && x >= 0 && x < w
                    out[b * itemOut + o] = inside ? item[(y * w + x) * c + ch] : fill[o]
                }
            }
        }
    }
    return Tensor(validatedShape: outShape, scalars: out)
}

/// Checks extract_glimpse's operands and attributes.
public func validateGlimpse(_ input: [Int], _ offsets: Tensor<Float>, _ attrs: GlimpseAttributes) throws(OpError) {
    let v = Validator(op: "extract_glimpse")
    try v.rank("input", input, 4, layout: "[B, H, W, C]")
    try v.rank("offsets", offsets.shape, 2, layout: "[B, 2]")
    let (batch, h, w, c) = (input[0], input[1], input[2], input[3])
    guard offsets.shape == [batch, 2] else {
        throw v.fail("offsets", expected: "shape [\(batch), 2]", actual: "shape \(offsets.shape)")
    }
    try v.positive("input.shape[1...2]", [h, w])
    try v.count("size", attrs.size, 2)
    for (i, s) in attrs.size.enumerated() { try v.nonNegative("size[\(i)]", s) }
    guard attrs.version == 1 || attrs.version == 2 else {
        throw v.fail("version", expected: "1 or 2", actual: "\(attrs.version)")
    }
    if let bad = offsets.scalars.firstIndex(where: { !$0.isFinite }) {
        throw v.fail("offsets[\(bad / 2)][\(bad % 2)]", expected: "a finite number", actual: "\(offsets.scalars[bad])")
    }
    _ = try v.outputCount([batch, attrs.size[0], attrs.size[1], c])
}

/// The fill of one glimpse: `count` values laid out `[gh, gw, C]`, drawn as TensorFlow's kernel
/// describes them but from a seeded Philox stream (`seed`, batch index) so the result repeats.
public func glimpseFill(
    item: [Float], channels c: Int, count: Int, noise: GlimpseAttributes.Noise, seed: Int64, batchIndex: Int
) -> [Float] {
    switch noise {
    case .zero:
        return [Float](repeating: 0, count: count)
    case .uniform:
        guard let lo = item.min(), let hi = item.max() else { return [Float](repeating: 0, count: count) }
        let range = hi - lo
        let u = philoxUniformFloats(count: count, seed: (seed, Int64(batchIndex)))
        return u.map { lo + $0 * range }
    case .gaussian:
        let pixels = c > 0 ? item.count / c : 0
        var mean = [Float](repeating: 0, count: c), sigma = mean
        var lo = [Float](repeating: .infinity, count: c), hi = [Float](repeating: -.infinity, count: c)
        for ch in 0..<c {
            var sum = 0.0
            for p in 0..<pixels {
                let x = item[p * c + ch]
                sum += Double(x)
                lo[ch] = min(lo[ch], x)
                hi[ch] = max(hi[ch], x)
            }
            let m = sum / Double(max(pixels, 1))
            var sq = 0.0
            for p in 0..<pixels { sq += (Double(item[p * c + ch]) - m) * (Double(item[p * c + ch]) - m) }
            mean[ch] = Float(m)
            sigma[ch] = Float((sq / Double(max(pixels, 1))).squareRoot())
        }
        let u = philoxUniformFloats(count: 2 * count, seed: (seed, Int64(batchIndex)))
        var fill = [Float](repeating: 0, count: count)
        for o in 0..<count {
            // Box–Muller on (0,1] × [0,1).
            let r = (-2 * Foundation.log(Double(1 - u[2 * o]))).squareRoot()
            let z = Float(r * Foundation.cos(2 * Double.pi * Double(u[2 * o + 1])))
            let ch = o % c
            fill[o] = max(lo[ch], min(hi[ch], mean[ch] + z * sigma[ch]))
        }
        return fill
    }
}
