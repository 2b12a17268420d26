import Reference

// MARK: frame

/// A frame case's geometry as the boundary classes read it, from the generator's parameters.
struct FrameCase {
    let length, frameLength, step, frames, rank, other: Int
    let padEnd: Bool
    /// Axes after the framed one.
    let trailing: Int

    init(_ p: [String: Int]) {
        (length, frameLength, step, rank, other) = (p.v("length"), p.v("frameLength"), p.v("frameStep"), p.v("rank"), p.v("other"))
        padEnd = p.v("padEnd") == 1
        trailing = rank - 1 - p.v("axisChoice") % max(rank, 1)
        frames = FrameAttributes(frameLength: frameLength, frameStep: step, padEnd: padEnd, padValue: 0, axis: 0).frameCount(length)
    }

    /// With pad_end: the samples padded past the signal's end.
    var padded: Int { padEnd && frames > 0 ? (frames - 1) * step + frameLength - length : 0 }
}

// MARK: timeseries windows

/// A windows case's geometry, from the generator's parameters.
struct WindowsCase {
    let steps, length, stride, rate, windows: Int
    /// The rows between start and end the windows may cover, and the target rows (nil without targets).
    let available: Int, targetRows: Int?
    let start: Int?, end: Int?

    init?(_ p: [String: Int]) {
        let t = p.v("steps")
        (steps, length, stride, rate) = (t, p.v("sequenceLength"), p.v("sequenceStride"), p.v("samplingRate"))
        start = p.v("startIndex") == 0 ? nil : p.v("startIndex") - 1
        end = p.v("endIndexFromEnd") == 0 ? nil : t - p.v("endIndexFromEnd")
        targetRows = OpGenerator.windowTargetRows(p)
        available = (end ?? t) - (start ?? 0)
        let attrs = WindowAttributes(sequenceLength: length, sequenceStride: stride, samplingRate: rate, startIndex: start, endIndex: end)
        guard let w = try? attrs.windows(length: t, targets: targetRows) else { return nil }
        windows = w.count
    }

    /// Samples one window spans.
    var span: Int { (length - 1) * rate + 1 }
}

// MARK: extract_glimpse

extension BoundaryClass {
    /// frame's classes, from `frames = max(0, 1 + (n − L)/step)` (or `ceil(n/step)` with pad_end):
    /// an empty signal or other axis, no whole frame, one frame, a frame as long as the signal or
    /// one longer, steps that leave gaps or tile exactly, pad_end with nothing or more than a step
    /// to pad, a framed axis with axes after it, a one-dimensional signal.
    static func frameClasses() -> [BoundaryClass] {
        func cls(_ name: String, _ holds: @escaping @Sendable (FrameCase) -> Bool) -> BoundaryClass {
            BoundaryClass(op: "frame", name: name) { p in holds(FrameCase(p)) }
        }
        return [
            cls("empty signal axis") { $0.length == 0 },
            cls("another axis of extent 0") { $0.rank > 1 && $0.other == 0 },
            cls("no whole frame") { !$0.padEnd && $0.length > 0 && $0.frameLength > $0.length },
            cls("one frame") { $0.frames == 1 },
            cls("frame_length = length") { $0.frameLength == $0.length },
            cls("frame_length = length + 1") { $0.frameLength == $0.length + 1 },
            cls("step > frame_length") { $0.step > $0.frameLength && $0.frames >= 2 },
            cls("step = frame_length") { $0.step == $0.frameLength && $0.frames >= 2 },
            cls("pad_end, nothing to pad") { $0.padEnd && $0.frames > 0 && $0.padded == 0 },
            cls("pad_end, padding past a step") { $0.padded > $0.step },
            cls("axes after the framed one") { $0.trailing > 0 && $0.frames > 0 },
            cls("one-dimensional signal") { $0.rank == 1 },
        ]
    }

    /// timeseries_windows's classes, from `count = end − start − (L−1)·r` (capped by the
    /// targets): no window, one window, one-sample windows, a stride past the window's span,
    /// a sampling rate above 1, targets that cap the count or carry axes of their own, data of
    /// rank 1 or 3, explicit start and end.
    static func windowClasses() -> [BoundaryClass] {
        func cls(_ name: String, _ holds: @escaping @Sendable (WindowsCase, [String: Int]) -> Bool) -> BoundaryClass {
            BoundaryClass(op: "timeseries_windows", name: name) { p in WindowsCase(p).map { holds($0, p) } ?? false }
        }
        return [
            cls("no window") { v, _ in v.windows == 0 },
            cls("one window") { v, _ in v.windows == 1 },
            cls("sequence_length 1") { v, _ in v.length == 1 && v.windows > 0 },
            cls("stride past the span") { v, _ in v.stride > v.span && v.windows >= 2 },
            cls("sampling rate above 1") { v, _ in v.rate > 1 && v.windows > 0 },
            cls("targets cap the count") { v, _ in (v.targetRows ?? .max) < v.available - v.span + 1 },
            cls("targets with axes of their own") { v, p in OpGenerator.windowTargetTrailing(p) > 0 && v.windows > 0 },
            cls("one-dimensional data") { v, p in p.v("features") == 0 && p.v("extraAxis") == 0 && v.windows > 0 },
            cls("data of rank 3") { v, p in p.v("features") > 0 && p.v("extraAxis") > 0 && v.windows > 0 },
            cls("start and end given") { v, _ in v.start != nil && v.end != nil },
        ]
    }

    /// extract_glimpse's classes, per axis: a glimpse of extent 0, as large as the image or
    /// larger, a one-pixel image; one channel, several images.
    static func glimpseClasses() -> [BoundaryClass] {
        let op = "extract_glimpse"
        var classes = [BoundaryClass]()
        for (axis, image, glimpse) in [("rows", "height", "glimpseHeight"), ("cols", "width", "glimpseWidth")] {
            classes += [
                BoundaryClass(op: op, name: "\(axis): glimpse extent 0") { $0.v(glimpse) == 0 },
                BoundaryClass(op: op, name: "\(axis): glimpse = image") { $0.v(glimpse) == $0.v(image) },
                BoundaryClass(op: op, name: "\(axis): glimpse past the image") { $0.v(glimpse) > $0.v(image) },
                BoundaryClass(op: op, name: "\(axis): one-pixel image") { $0.v(image) == 1 && $0.v(glimpse) > 0 },
            ]
        }
        return classes + [
            BoundaryClass(op: op, name: "one channel") { $0.v("channels") == 1 },
            BoundaryClass(op: op, name: "several images") { $0.v("batch") >= 2 },
        ]
    }
}
