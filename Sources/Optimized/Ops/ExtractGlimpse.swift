import Reference

/// extract_glimpse by row copies: the in-image rectangle of each window is copied one contiguous
/// run of `width·C` floats per row, everything else is the fill (zeros, or the reference's seeded
/// noise, drawn only when the window leaves the image).
///
/// Exact: the output equals the reference's bit for bit.
///
/// - Complexity: O(B·gh·gw·C) copies.
public func extractGlimpse(
    _ input: Tensor<Float>, _ offsets: Tensor<Float>, _ attrs: GlimpseAttributes
) throws(OpError) -> Tensor<Float> {
    try Reference.validateGlimpse(input.shape, offsets, attrs)
    let (batch, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (gh, gw) = (attrs.size[0], attrs.size[1])
    let itemIn = h * w * c, itemOut = gh * gw * c
    var attrs = attrs
    #if CONFORM_MUTANTS
    if Mutants.on(.glimpseVersionsSwapped) { attrs.version = 3 - attrs.version }
    #endif
    var out = [Float](repeating: 0, count: batch * itemOut)
    input.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            for b in 0..<batch {
                var (top, left) = attrs.corner(offsetY: offsets.scalars[2 * b], offsetX: offsets.scalars[2 * b + 1], height: h, width: w)
                #if CONFORM_MUTANTS
                if Mutants.on(.glimpseFloor) {
                    top = Int(attrs.position(offsets.scalars[2 * b], extent: h, window: gh).rounded(.down))
                    left = Int(attrs.position(offsets.scalars[2 * b + 1], extent: w, window: gw).rounded(.down))
                }
                #endif
                // The in-image rectangle; empty (not inverted) when the window misses the image.
                let rowEnd = min(h, top + gh), colEnd = min(w, left + gw)
                let rows = min(max(0, top), max(rowEnd, 0))..<max(rowEnd, 0)
                let cols = min(max(0, left), max(colEnd, 0))..<max(colEnd, 0)
                let dst = y.baseAddress! + b * itemOut
                let inside = rows.count == gh && cols.count == gw
                PathCounter.hit(inside ? .glimpseInside : .glimpseClipped)
                if !inside && attrs.noise != .zero {
                    PathCounter.hit(.glimpseNoise)
                    // Planted bug (the test-only twin): every item's noise drawn from item 0's values.
                    #if CONFORM_MUTANTS
                    let source = Mutants.on(.glimpseNoiseFromFirstItem) ? 0 : b
                    let stream = Mutants.on(.glimpseNoiseStreamOfFirstItem) ? 0 : b
                    #else
                    let (source, stream) = (b, b)
                    #endif
                    let fill = glimpseFill(item: Array(x[source * itemIn ..< (source + 1) * itemIn]), channels: c, count: itemOut,
                                           noise: attrs.noise, seed: attrs.seed, batchIndex: stream)
                    fill.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: itemOut) }
                }
                guard !rows.isEmpty, !cols.isEmpty else { continue }
                // Planted bugs (the test-only twin): an inside window loses its last row; a clipped one a column per row.
                #if CONFORM_MUTANTS
                let copiedRows = inside && Mutants.on(.glimpseInsideDropsLastRow) ? rows.dropLast() : rows[...]
                let copiedColumns = !inside && Mutants.on(.glimpseClippedShortRow) ? cols.count - 1 : cols.count
                #else
                let copiedRows = rows[...]
                let copiedColumns = cols.count
                #endif
                for r in copiedRows {
                    let from = x.baseAddress! + b * itemIn + (r * w + cols.lowerBound) * c
                    (dst + ((r - top) * gw + cols.lowerBound - left) * c).update(from: from, count: copiedColumns * c)
                }
            }
        }
    }
    return try! Tensor(shape: [batch, gh, gw, c], scalars: out)
}
