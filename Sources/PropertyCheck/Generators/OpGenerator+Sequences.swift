import Formats
import Foundation
import Reference

extension OpGenerator {
    public static let extractGlimpse = OpGenerator(
        op: "extract_glimpse",
        params: [Param("batch", 1...3), Param("height", from: 1, scale: 0.6, cap: 20), Param("width", from: 1, scale: 0.6, cap: 20),
                 Param("channels", 1...4), Param("glimpseHeight", from: 0, scale: 0.5, cap: 12), Param("glimpseWidth", from: 0, scale: 0.5, cap: 12),
                 Param("version", 1...2), Param("centered", 0...1), Param("normalized", 0...1), Param("noise", 0...2)],
        build: { p, fill, rng in
            let (b, h, w) = (p.v("batch"), p.v("height"), p.v("width"))
            let centered = p.v("centered") == 1, normalized = p.v("normalized") == 1
            // Per item: inside, on the border, outside, negative, or fractional, in the mode's units.
            var offsets = [Float]()
            for _ in 0..<b {
                for extent in [h, w] {
                    let unit = Double(rng.next() % 1_000_000) / 1_000_000
                    var pixel: Double = switch rng.next() % 5 {
                    case 0: unit * Double(extent)
                    case 1: Double(extent) - 1 + unit
                    case 2: Double(extent) * (1.2 + unit)
                    case 3: -Double(extent) * unit - 0.5
                    default: Double(Int(rng.next() % 9) - 4) / 2
                    }
                    if centered { pixel -= Double(extent) / 2 }
                    if normalized { pixel /= Double(extent) / (centered ? 2 : 1) }
                    offsets.append(Float(pixel))
                }
            }
            let noise = GlimpseAttributes.Noise.allCases[p.v("noise")].rawValue
            return GeneratedCase(op: "extract_glimpse",
                                 attrs: [("size", J.ints([p.v("glimpseHeight"), p.v("glimpseWidth")])), ("centered", .bool(centered)),
                                         ("normalized", .bool(normalized)), ("noise", .string(noise)), ("version", JSONValue(p.v("version"))),
                                         ("seed", JSONValue(Int(rng.next() % 1000)))],
                                 inputs: [("input", .float32(fill.tensor([b, h, w, p.v("channels")], &rng))),
                                          ("offsets", .float32(try! Tensor(shape: [b, 2], scalars: offsets)))])
        },
        invalid: { p, rng in
            let kinds: [([Int], [Int], [Float])] = [([1, 4, 4, 1], [2, -1], [0, 0]), ([2, 4, 4, 1], [2, 2], [0, 0]), ([1, 4, 4, 1], [2, 2], [.nan, 0])]
            let (x, size, offsets) = kinds[Int(rng.next() % UInt64(kinds.count))]
            return GeneratedCase(op: "extract_glimpse", attrs: [("size", J.ints(size))],
                                 inputs: [("input", .float32(Fill.exact.tensor(x, &rng))), ("offsets", .float32(try! Tensor(shape: [1, 2], scalars: offsets)))])
        })

    public static let timeseriesWindows = OpGenerator(
        op: "timeseries_windows",
        params: [Param("steps", from: 2, scale: 2, cap: 80), Param("features", 0...4), Param("extraAxis", 0...2),
                 Param("sequenceLength", from: 1, scale: 0.5, cap: 12), Param("sequenceStride", 1...5), Param("samplingRate", 1...4),
                 Param("startIndex", 0...6), Param("endIndexFromEnd", 0...6), Param("targets", 0...3), Param("integers", 0...1)],
        build: { p, fill, rng in
            let t = p.v("steps")
            guard p.v("sequenceStride") < t, p.v("samplingRate") < t else { return nil }
            // 0 means null; otherwise start = value − 1, end = T − value (valid for Keras).
            let start: Int? = p.v("startIndex") == 0 ? nil : p.v("startIndex") - 1
            let end: Int? = p.v("endIndexFromEnd") == 0 ? nil : t - p.v("endIndexFromEnd")
            let attrs = WindowAttributes(sequenceLength: p.v("sequenceLength"), sequenceStride: p.v("sequenceStride"),
                                         samplingRate: p.v("samplingRate"), startIndex: start, endIndex: end)
            guard (try? attrs.windows(length: t, targets: windowTargetRows(p))) != nil else { return nil }
            let shape = [t] + (p.v("features") > 0 ? [p.v("features")] : []) + (p.v("extraAxis") > 0 ? [p.v("extraAxis")] : [])
            let data: AnyTensor = p.v("integers") == 1
                ? .int64(try! Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Int64(rng.next() % 1000) - 500 }))
                : .float32(fill.tensor(shape, &rng))
            var inputs: [(String, AnyTensor)] = [("data", data)]
            if let rows = windowTargetRows(p) {
                // Row k holds k (and k·10 + j along its own axis): a target taken from the wrong row shows.
                let trail = windowTargetTrailing(p)
                let scalars = (0..<rows).flatMap { k in trail == 0 ? [Int32(k)] : (0..<trail).map { Int32(k * 10 + $0) } }
                inputs.append(("targets", .int32(try! Tensor(shape: [rows] + (trail == 0 ? [] : [trail]), scalars: scalars))))
            }
            return GeneratedCase(op: "timeseries_windows",
                                 attrs: [("sequence_length", JSONValue(attrs.sequenceLength)), ("sequence_stride", JSONValue(attrs.sequenceStride)),
                                         ("sampling_rate", JSONValue(attrs.samplingRate)), ("start_index", start.map { JSONValue($0) } ?? .null),
                                         ("end_index", end.map { JSONValue($0) } ?? .null)],
                                 inputs: inputs)
        },
        invalid: { p, rng in
            let t = 3 + Int(rng.next() % 10)
            let kinds: [(String, Int)] = [("end_index", t), ("start_index", t + 1), ("sampling_rate", t), ("sequence_stride", 0), ("sequence_length", 0)]
            let (key, value) = kinds[Int(rng.next() % UInt64(kinds.count))]
            var attrs: [(String, JSONValue)] = [("sequence_length", JSONValue(2))]
            attrs.removeAll { $0.0 == key }
            attrs.append((key, JSONValue(value)))
            return GeneratedCase(op: "timeseries_windows", attrs: attrs, inputs: [("data", .float32(Fill.exact.tensor([t, 2], &rng)))])
        })

    /// The target rows of a windows case (`targets`: 0 none, 1 one per step, 2 one per step with
    /// an axis of 2 of their own, 3 fewer than the steps, which caps the window count).
    static func windowTargetRows(_ p: [String: Int]) -> Int? {
        switch p.v("targets") {
        case 0: nil
        case 3: max(1, p.v("steps") - p.v("sequenceLength") - p.v("sequenceStride"))
        default: p.v("steps")
        }
    }

    /// The extent of the targets' own axis (0: targets are one-dimensional).
    static func windowTargetTrailing(_ p: [String: Int]) -> Int { p.v("targets") == 2 ? 2 : 0 }

    public static let frame = OpGenerator(
        op: "frame",
        params: [Param("rank", 1...3), Param("length", from: 1, scale: 2, cap: 60), Param("other", 1...4), Param("axisChoice", 0...5),
                 Param("frameLength", from: 1, scale: 0.6, cap: 20), Param("frameStep", 1...7), Param("padEnd", 0...1),
                 Param("padValue", 0...5), Param("dtype", 0...3)],
        build: { p, fill, rng in
            let rank = p.v("rank")
            let framed = p.v("axisChoice") % rank
            var shape = [Int](repeating: p.v("other"), count: rank)
            shape[framed] = p.v("length")
            // Positive and negative spellings of the same axis.
            let axis = p.v("axisChoice") >= 3 ? framed - rank : framed
            let count = shape.reduce(1, *)
            let signal: AnyTensor = switch p.v("dtype") {
            case 0: .float32(fill.tensor(shape, &rng))
            case 1: .float64(fill.tensor(shape, &rng))
            case 2: .int32(try! Tensor(shape: shape, scalars: (0..<count).map { _ in Int32(rng.next() % 200) - 100 }))
            default: .int64(try! Tensor(shape: shape, scalars: (0..<count).map { _ in Int64(rng.next() % 200) - 100 }))
            }
            return GeneratedCase(op: "frame",
                                 attrs: [("frame_length", JSONValue(p.v("frameLength"))), ("frame_step", JSONValue(p.v("frameStep"))),
                                         ("pad_end", .bool(p.v("padEnd") == 1)), ("pad_value", JSONValue(p.v("padValue") - 2)), ("axis", JSONValue(axis))],
                                 inputs: [("signal", signal)])
        },
        invalid: { p, rng in
            let kinds: [(String, JSONValue)] = [("frame_length", JSONValue(0)), ("frame_step", JSONValue(-2)), ("axis", JSONValue(3))]
            let (key, value) = kinds[Int(rng.next() % UInt64(kinds.count))]
            var attrs: [(String, JSONValue)] = [("frame_length", JSONValue(2)), ("frame_step", JSONValue(1))]
            attrs.removeAll { $0.0 == key }
            attrs.append((key, value))
            return GeneratedCase(op: "frame", attrs: attrs, inputs: [("signal", .float32(Fill.exact.tensor([2, 5], &rng)))])
        })
}
