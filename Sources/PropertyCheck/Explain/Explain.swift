import Foundation
import Optimized
import Reference

/// `conform explain`: common questions about an op's shapes, windows and parameter counts,
/// answered in words and numbers computed by the suite.
public enum Explain {
    /// Parses `800x10` or `8x8x768` into dimensions.
    public static func dims(_ text: String) -> [Int]? {
        let parts = text.lowercased().split(separator: "x").map { Int($0) }
        return parts.contains(nil) || parts.isEmpty ? nil : parts.map { $0! }
    }

    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(" ") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    static func bytes(_ b: Double) -> String {
        switch b {
        case ..<1e3: String(format: "%.0f B", b)
        case ..<1e6: String(format: "%.1f kB", b / 1e3)
        case ..<1e9: String(format: "%.1f MB", b / 1e6)
        default: String(format: "%.2f GB", b / 1e9)
        }
    }

    /// Conv1D / Conv2D: kernel shape, output shape per padding, what one window reads, parameters.
    public static func convolution(rank: Int, input: [Int], filters: Int, kernel: [Int], stride: Int, dilation: Int, groups: Int) throws -> [String] {
        guard input.count == rank + 1 else {
            throw OpError(op: "explain", field: "--input", expected: rank == 1 ? "WxC, e.g. 800x10" : "HxWxC, e.g. 56x56x64", actual: input.map(String.init).joined(separator: "x"))
        }
        let kernelSize = kernel.count == 1 ? Array(repeating: kernel[0], count: rank) : kernel
        let cin = input[rank]
        var out = [String]()
        let name = rank == 1 ? "Conv1D" : "Conv2D"
        let kernelShape = kernelSize + [cin / groups, filters]
        out.append("\(name)(filters=\(filters), kernel_size=\(kernelSize.count == 1 ? "\(kernelSize[0])" : "\(kernelSize)")\(groups > 1 ? ", groups=\(groups)" : "")) on input \(input) (batch excluded)")
        out.append("kernel shape: \(kernelShape)  — it spans \(groups == 1 ? "all \(cin) input channels" : "\(cin / groups) channels of its group (\(groups) groups)"), one slice per filter")
        let spatial = Array(input.prefix(rank))
        let paddings: [(String, Padding)] = rank == 1 ? [("VALID", .valid), ("SAME", .same), ("CAUSAL", .causal)] : [("VALID", .valid), ("SAME", .same)]
        for (label, padding) in paddings {
            var shape = [Int]()
            var note = ""
            for (axis, n) in spatial.enumerated() {
                do {
                    let g = try AxisGeometry.resolve(op: "explain", axis: "\(axis)", input: n, kernel: kernelSize[axis], stride: stride,
                                                     dilation: dilation, padding: padding)
                    shape.append(g.output)
                    if g.padBefore + g.padAfter > 0 { note += " pads \(g.padBefore) before, \(g.padAfter) after on axis \(axis);" }
                } catch {
                    note = " — impossible: \(error.expected), got \(error.actual)"
                    shape = []
                    break
                }
            }
            out.append("output with \(label): " + (shape.isEmpty ? note : "\(shape + [filters])" + note))
        }
        let window = kernelSize.reduce(1, *) * (cin / groups)
        let extent = kernelSize.map { ($0 - 1) * dilation + 1 }
        let span = rank == 1 ? "\(extent[0]) consecutive steps" : "a \(extent.map(String.init).joined(separator: "×")) patch"
        out.append("one output value = the sum of \(window) products: \(span)\(dilation > 1 ? " (dilation \(dilation))" : "") × \(cin / groups) channels, times one filter's \(kernelShape.dropLast().map(String.init).joined(separator: "×")) weights")
        for useBias in [true, false] {
            let layer = KerasLayer.conv(rank: rank, filters: filters, kernel: kernelSize, strides: Array(repeating: stride, count: rank),
                                        padding: "valid", dilation: Array(repeating: dilation, count: rank), groups: groups, useBias: useBias)
            let counted = try Optimized.countParams(layer, inputShape: input.map { Optional($0) })
            let formula = "\(kernelSize.map(String.init).joined(separator: "·"))·\(cin / groups)·\(filters)" + (useBias ? " + \(filters)" : "")
            out.append("parameters \(useBias ? "with bias" : "without bias"): \(formula) = \(count(counted.trainable))")
        }
        return out
    }

    /// SeparableConv2D: depthwise and pointwise weights, against a full convolution.
    public static func separable(input: [Int], filters: Int, kernel: [Int], multiplier: Int) throws -> [String] {
        guard input.count == 3 else { throw OpError(op: "explain", field: "--input", expected: "HxWxC, e.g. 8x8x768", actual: "\(input)") }
        let k = kernel.count == 1 ? [kernel[0], kernel[0]] : kernel
        let c = input[2]
        let (depthwise, pointwise) = (k[0] * k[1] * c * multiplier, c * multiplier * filters)
        let full = k[0] * k[1] * c * filters
        var out = ["SeparableConv2D(filters=\(filters), kernel_size=\(k), depth_multiplier=\(multiplier)) on \(input): \(c) → \(filters) channels"]
        out.append("depthwise kernel \([k[0], k[1], c, multiplier]): \(k[0])·\(k[1])·\(c)·\(multiplier) = \(count(depthwise))")
        out.append("pointwise kernel \([1, 1, c * multiplier, filters]): \(c * multiplier)·\(filters) = \(count(pointwise))")
        out.append("bias (use_bias=True): \(filters); NASNet's are bias-free")
        for useBias in [false, true] {
            let layer = KerasLayer.separableConv(rank: 2, filters: filters, kernel: k, strides: [1, 1], padding: "same", dilation: [1, 1],
                                                 depthMultiplier: multiplier, useBias: useBias)
            out.append("total \(useBias ? "with" : "without") bias: \(count(try Optimized.countParams(layer, inputShape: input.map { Optional($0) }).trainable))")
        }
        out.append("a full Conv2D with the same kernel would hold \(k[0])·\(k[1])·\(c)·\(filters) = \(count(full)) weights: \(String(format: "%.1f", Double(full) / Double(depthwise + pointwise)))× more")
        return out
    }

    /// extract_glimpse: the window for one offset in every mode and both versions, and the offsets
    /// each mode needs to put the window's top-left corner at that pixel.
    public static func glimpse(image: [Int], size: [Int], offset: (y: Float, x: Float)) throws -> [String] {
        guard image.count == 2, size.count == 2 else { throw OpError(op: "explain", field: "--image/--size", expected: "HxW", actual: "\(image), \(size)") }
        let (h, w) = (image[0], image[1])
        let input = try Tensor<Float>(shape: [1, h, w, 1], scalars: (0..<(h * w)).map(Float.init))
        let offsets = try Tensor<Float>(shape: [1, 2], scalars: [offset.y, offset.x])
        var out = ["image img[r, c] = \(w)·r + c (\(h)×\(w)), glimpse \(size[0])×\(size[1]), offsets (y, x) = (\(offset.y), \(offset.x)); outside reads 0"]
        for version in [1, 2] {
            for centered in [false, true] {
                for normalized in [false, true] {
                    let attrs = GlimpseAttributes(size: size, centered: centered, normalized: normalized, version: version)
                    let (top, left) = attrs.corner(offsetY: offset.y, offsetX: offset.x, height: h, width: w)
                    let window = try Optimized.extractGlimpse(input, offsets, attrs)
                    let rows = (0..<size[0]).map { r in "[" + (0..<size[1]).map { c in String(format: "%g", window.scalars[r * size[1] + c]) }.joined(separator: ", ") + "]" }
                    out.append("v\(version) centered=\(centered) normalized=\(normalized): top-left (\(top), \(left)) → " + rows.joined(separator: " "))
                }
            }
        }
        out.append("offsets that put the top-left corner at pixel (\(Int(offset.y)), \(Int(offset.x))) (the pixel-coordinate helper):")
        for version in [1, 2] {
            for centered in [false, true] {
                for normalized in [false, true] {
                    let attrs = GlimpseAttributes(size: size, centered: centered, normalized: normalized, version: version)
                    let (y, x) = attrs.offsets(top: Int(offset.y), left: Int(offset.x), height: h, width: w)
                    out.append("  v\(version) centered=\(centered) normalized=\(normalized): (\(y), \(x))")
                }
            }
        }
        return out
    }

    /// timeseries windows: count, shapes, and memory as a copy versus as a view.
    public static func windows(data: [Int], length: Int, stride: Int, rate: Int, batch: Int) throws -> [String] {
        guard let t = data.first else { throw OpError(op: "explain", field: "--data", expected: "TxF, e.g. 550000x28", actual: "nothing") }
        let attrs = WindowAttributes(sequenceLength: length, sequenceStride: stride, samplingRate: rate)
        let n = try attrs.windows(length: t, targets: nil).count
        let row = data.dropFirst().reduce(1, *)
        let window = [length] + data.dropFirst()
        var out = ["timeseries_dataset_from_array(data \(data), sequence_length=\(length), sequence_stride=\(stride), sampling_rate=\(rate))"]
        out.append("windows: \(count(n)) = \(t) − (\(length) − 1)·\(rate)" + (stride > 1 ? ", every \(stride)th" : "") + "; window k = data[k·\(stride) + j·\(rate)] for j < \(length)")
        out.append("each window \(window), all of them \([n] + window); batches of \(batch): \([min(batch, n)] + window), \(count((n + batch - 1) / batch)) batches")
        out.append("materialised: \(bytes(Double(n * length * row) * 4)) of float32 (each step copied \(length / max(1, stride)) times); the data itself: \(bytes(Double(t * row) * 4))")
        out.append("as a view (WindowView): the data plus one batch, \(bytes(Double(min(batch, n) * length * row) * 4)), whatever the number of windows")
        return out
    }
}
