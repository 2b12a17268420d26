import Formats
import Reference

extension Departure {
    /// ONNX Runtime's `Conv` with `auto_pad = SAME_UPPER` when a stride exceeds the dilated kernel:
    /// the total padding SAME asks for, `(out-1)·s + (k-1)·d + 1 - n`, is negative there, and ONNX
    /// Runtime takes half of it (rounded toward zero) as the padding before, so it crops the input's
    /// start instead of padding nothing: every output reads the pixel `⌊-total/2⌋` after the one the
    /// definition reads (docs/FINDINGS.md, found by a live campaign).
    static let onnxSameCropConv1d = Departure(id: "onnxruntime-same-stride-past-kernel", op: "conv1d", framework: "ONNX Runtime") { inputs, attrs, recorded, _ in
        onnxSameCrop(inputs, attrs, filterKey: "filters", axes: 1, recorded) { x, f, strides, pads, dilations in
            try Reference.conv1d(x, f, Conv1DAttributes(strides: strides, padding: .explicit(pads), dilations: dilations))
        }
    }

    static let onnxSameCropConv2d = Departure(id: "onnxruntime-same-stride-past-kernel", op: "conv2d", framework: "ONNX Runtime") { inputs, attrs, recorded, _ in
        onnxSameCrop(inputs, attrs, filterKey: "filters", axes: 2, recorded) { x, f, strides, pads, dilations in
            try Reference.conv2d(x, f, Conv2DAttributes(strides: strides, padding: .explicit(pads), dilations: dilations))
        }
    }

    static let onnxSameCropDepthwise = Departure(id: "onnxruntime-same-stride-past-kernel", op: "depthwise_conv2d", framework: "ONNX Runtime") { inputs, attrs, recorded, _ in
        onnxSameCrop(inputs, attrs, filterKey: "filter", axes: 2, recorded) { x, f, strides, pads, dilations in
            try Reference.depthwiseConv2d(x, f, Conv2DAttributes(strides: strides, padding: .explicit(pads), dilations: dilations))
        }
    }

    static let onnxSameCropSeparable = Departure(id: "onnxruntime-same-stride-past-kernel", op: "separable_conv2d", framework: "ONNX Runtime") { inputs, attrs, recorded, _ in
        guard let p = inputs["pointwise_filter"], let pointwise = try? Tensor(shape: p.shape, scalars: p.doubles) else {
            return "a pointwise filter expected"
        }
        return onnxSameCrop(inputs, attrs, filterKey: "depthwise_filter", axes: 2, recorded) { x, f, strides, pads, dilations in
            try Reference.separableConv2d(x, f, pointwise, Conv2DAttributes(strides: strides, padding: .explicit(pads), dilations: dilations))
        }
    }

    /// nil when `recorded` is ONNX Runtime's SAME_UPPER answer and that answer is not the
    /// definition's (some axis's total padding is -2 or less); else why not.
    ///
    /// Per spatial axis: `total ≥ 0` pads `(total/2, total - total/2)` as the definition does;
    /// `total < 0` crops `-total/2` (toward zero) from the start and pads nothing, which leaves
    /// exactly `⌈n/s⌉` outputs under VALID.
    static func onnxSameCrop(_ inputs: [String: AnyTensor], _ attrs: [(String, JSONValue)], filterKey: String, axes: Int, _ recorded: AnyTensor,
                             compute: (Tensor<Double>, Tensor<Double>, [Int], [PadPair], [Int]) throws -> Tensor<Double>) -> String? {
        guard attrs.first(where: { $0.0 == "padding" })?.1.string == "SAME" else { return "the departure needs SAME padding" }
        guard let input = inputs["input"], let filter = inputs[filterKey], input.shape.count == axes + 2, filter.shape.count >= axes,
              let x = try? Tensor(shape: input.shape, scalars: input.doubles), let f = try? Tensor(shape: filter.shape, scalars: filter.doubles) else {
            return "an input and a \(filterKey) of rank \(axes + 2) expected"
        }
        // An empty input has no pixel to read past: nothing this departure could explain.
        guard x.count > 0, f.count > 0 else { return "an empty input or filter" }
        func ints(_ key: String) -> [Int] { attrs.first { $0.0 == key }?.1.array?.compactMap(\.int) ?? Array(repeating: 1, count: axes) }
        let (strides, dilations) = (ints("strides"), ints("dilations"))
        guard strides.count == axes, dilations.count == axes, strides.allSatisfy({ $0 > 0 }) else { return "strides and dilations per axis expected" }
        var starts = Array(repeating: 0, count: axes + 2), pads = [PadPair]()
        for axis in 0..<axes {
            let n = x.shape[axis + 1], span = (f.shape[axis] - 1) * dilations[axis] + 1
            let out = (n + strides[axis] - 1) / strides[axis]
            let total = (out - 1) * strides[axis] + span - n
            if total >= 0 {
                pads.append(PadPair(total / 2, total - total / 2))
            } else {
                starts[axis + 1] = -total / 2
                pads.append(PadPair(0, 0))
            }
        }
        guard starts.contains(where: { $0 > 0 }) else { return "no axis where the stride exceeds the dilated kernel by 2 or more" }
        guard zip(x.shape, starts).allSatisfy({ $0 > $1 }) else { return "a crop past the input" }
        guard let predicted = try? compute(cropped(x, from: starts), f, strides, pads, dilations) else {
            return "ONNX Runtime's answer cannot be computed"
        }
        return agreement(recorded, predicted, "ONNX Runtime's cropped SAME pixel")
    }

    /// `x` without its first `starts[a]` elements along each axis `a`.
    static func cropped(_ x: Tensor<Double>, from starts: [Int]) -> Tensor<Double> {
        let shape = zip(x.shape, starts).map { max(0, $0 - $1) }
        var strides = Array(repeating: 1, count: x.shape.count)
        for a in stride(from: x.shape.count - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * x.shape[a + 1] }
        let count = shape.reduce(1, *)
        var scalars = [Double](), index = Array(repeating: 0, count: shape.count)
        scalars.reserveCapacity(count)
        for _ in 0..<count {
            scalars.append(x.scalars[zip(zip(index, starts), strides).reduce(0) { $0 + ($1.0.0 + $1.0.1) * $1.1 }])
            var a = shape.count - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < shape[a] { break }
                index[a] = 0
                a -= 1
            }
        }
        return (try? Tensor(shape: shape, scalars: scalars)) ?? x
    }
}
