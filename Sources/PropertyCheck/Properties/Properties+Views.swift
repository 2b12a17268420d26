import Optimized
import Reference

extension Properties {
    /// The batch ranges a view law reads: starting at 0, 1, the middle and the last item, and
    /// ending at the next item and at the end.
    static func viewRanges(_ count: Int) -> [Range<Int>] {
        let starts = Set([0, 1, count / 2, count - 1].filter { $0 >= 0 && $0 < count })
        return starts.sorted().flatMap { a in Set([a + 1, count]).sorted().map { a..<$0 } }
    }

    /// The lazy views (`WindowView`, `FrameView`) batch any range of items exactly as the reference
    /// computes those items: the benchmark and library users slice them; the op itself reads from 0.
    static let viewLaws: [Property] = [
        Property("timeseries_windows", "view-batches-at-any-range", .valid([.random, .exact])) { c, _ in
            law {
                guard UnderTest.isOptimized else { return .discard }
                guard let data = c.input("data"), let length = attr(c, "sequence_length")?.int else { return .discard }
                let attrs = WindowAttributes(
                    sequenceLength: length, sequenceStride: attr(c, "sequence_stride")?.int ?? 1,
                    samplingRate: attr(c, "sampling_rate")?.int ?? 1, startIndex: attr(c, "start_index")?.int,
                    endIndex: attr(c, "end_index")?.int)
                // Copies are dtype-blind: the law runs on the values as Float64.
                let d = try Tensor(shape: data.shape, scalars: data.doubles)
                let t = try c.input("targets").map { try Tensor(shape: $0.shape, scalars: $0.doubles) }
                let expected = try Reference.timeseriesWindows(d, targets: t, attrs)
                let view = try WindowView(d, targetCount: t?.shape[0], attrs)
                let size = view.windowShape.reduce(1, *)
                guard view.count == expected.windows.shape[0] else {
                    return .fail("the view has \(view.count) windows, the reference \(expected.windows.shape[0])")
                }
                for range in viewRanges(view.count) {
                    let batch = view.batch(range)
                    if batch.scalars != Array(expected.windows.scalars[(range.lowerBound * size)..<(range.upperBound * size)]) {
                        return .fail("windows \(range.lowerBound)..<\(range.upperBound) of the view differ from the reference's")
                    }
                    if let t, let targets = expected.targets {
                        let row = t.shape.dropFirst().reduce(1, *)
                        if view.targets(t, range).scalars != Array(targets.scalars[(range.lowerBound * row)..<(range.upperBound * row)]) {
                            return .fail("targets \(range.lowerBound)..<\(range.upperBound) of the view differ from the reference's")
                        }
                    }
                }
                return .pass
            }
        },
        Property("frame", "view-batches-at-any-range", .valid([.random])) { c, _ in
            law {
                guard UnderTest.isOptimized else { return .discard }
                guard let signal = c.input("signal"), let length = attr(c, "frame_length")?.int, let step = attr(c, "frame_step")?.int else {
                    return .discard
                }
                let attrs = FrameAttributes(frameLength: length, frameStep: step, padEnd: attr(c, "pad_end")?.bool ?? false,
                                            padValue: attr(c, "pad_value")?.double ?? 0, axis: attr(c, "axis")?.int ?? -1)
                let s = try Tensor(shape: signal.shape, scalars: signal.doubles)
                let expected = try Reference.frame(s, attrs, padValue: attrs.padValue)
                let view = try FrameView(s, attrs, padValue: attrs.padValue)
                guard view.frames == expected.shape[view.axis] else {
                    return .fail("the view has \(view.frames) frames, the reference \(expected.shape[view.axis])")
                }
                let outer = s.shape[..<view.axis].reduce(1, *), frameSize = length * s.shape[(view.axis + 1)...].reduce(1, *)
                for range in viewRanges(view.frames) {
                    let batch = view.batch(range)
                    for o in 0..<outer {
                        for (n, i) in range.enumerated() {
                            let got = batch.scalars[((o * range.count + n) * frameSize)..<((o * range.count + n + 1) * frameSize)]
                            let want = expected.scalars[((o * view.frames + i) * frameSize)..<((o * view.frames + i + 1) * frameSize)]
                            if !got.elementsEqual(want) {
                                return .fail("frame \(i) (outer \(o)) of the view's batch \(range.lowerBound)..<\(range.upperBound) differs from the reference's")
                            }
                        }
                    }
                }
                return .pass
            }
        },
        // The vectorised Philox equals the scalar one from any word on: block counters past 2³²
        // (a start offset), several 1024-block chunks, and low words about to carry.
        Property("stateless_uniform", "philox-simd-at-any-word", .valid([.random])) { c, _ in
            guard UnderTest.isOptimized else { return .discard }
            guard let seed = attr(c, "seed")?.array, seed.count == 2, case let .number(a) = seed[0], let s0 = Int64(a),
                  case let .number(b) = seed[1], let s1 = Int64(b) else { return .discard }
            let stream = Philox(seed: s0, s1)
            let mix = UInt64(bitPattern: s0 &* 31 &+ s1)
            let firsts = [0, (1 << 34) - 4 * Int(mix % 40) - 1, (1 << 34) + Int(mix % 4096), Int(mix % (1 << 40))]
            let count = mix % 3 == 0 ? 4096 + 37 : 70
            for first in firsts {
                let simd = Optimized.philoxWords(stream, first: first, count: count)
                for i in simd.indices where simd[i] != stream.word(UInt64(first + i)) {
                    return .fail("word \(first + i): \(simd[i]) vs scalar \(stream.word(UInt64(first + i)))")
                }
            }
            return .pass
        },
    ]
}
