import Formats
import Reference

extension Properties {
    static func attr(_ c: GeneratedCase, _ key: String) -> JSONValue? { c.attrs.first { $0.0 == key }?.1 }

    static let sequenceLaws: [Property] = [
        // Centered and normalized, both versions compute the same window.
        Property("extract_glimpse", "v1-equals-v2-when-centered-normalized", .valid([.random])) { c, _ in
            law {
                guard attr(c, "centered")?.bool == true, attr(c, "normalized")?.bool == true else { return .discard }
                // Conform draws its noise from the case's seed, the same for both versions; another
                // implementation's noise fill is its own random draw, so there only zero fill binds.
                if attr(c, "noise")?.string != "zero", UnderTest.implementation.candidate != nil { return .discard }
                let v1 = try Run.underTest(c.setting("version", JSONValue(1)))["output"]
                let v2 = try Run.underTest(c.setting("version", JSONValue(2)))["output"]
                return Run.difference(v1, v2).map { .fail("v1 vs v2: \($0)") } ?? .pass
            }
        },
        // Every output pixel inside the image is the input pixel at (top + i, left + j).
        Property("extract_glimpse", "in-image-pixels-are-input-pixels", .valid([.random])) { c, _ in
            law {
                guard case let .float32(x)? = c.input("input"), case let .float32(offsets)? = c.input("offsets"),
                      let size = attr(c, "size")?.array?.compactMap(\.int), size.count == 2,
                      case let .float32(out)? = try Run.underTest(c)["output"] else { return .discard }
                let attrs = GlimpseAttributes(size: size, centered: attr(c, "centered")?.bool ?? true,
                                              normalized: attr(c, "normalized")?.bool ?? true, version: attr(c, "version")?.int ?? 2)
                let (h, w, ch) = (x.shape[1], x.shape[2], x.shape[3])
                for b in 0..<x.shape[0] {
                    let (top, left) = attrs.corner(offsetY: offsets.scalars[2 * b], offsetX: offsets.scalars[2 * b + 1], height: h, width: w)
                    for i in 0..<size[0] {
                        for j in 0..<size[1] where (0..<h).contains(top + i) && (0..<w).contains(left + j) {
                            for k in 0..<ch {
                                let got = out.scalars[((b * size[0] + i) * size[1] + j) * ch + k]
                                let want = x.scalars[((b * h + top + i) * w + left + j) * ch + k]
                                if got.bitPattern != want.bitPattern { return .fail("item \(b) pixel (\(i), \(j)) channel \(k): \(got) vs input \(want)") }
                            }
                        }
                    }
                }
                return .pass
            }
        },
        // The pixel-coordinate helper's offsets land the window exactly where asked, in this mode.
        Property("extract_glimpse", "pixel-helper-round-trips", .valid([.random])) { c, _ in
            guard let x = c.input("input"), let size = attr(c, "size")?.array?.compactMap(\.int), size.count == 2 else { return .discard }
            let attrs = GlimpseAttributes(size: size, centered: attr(c, "centered")?.bool ?? true,
                                          normalized: attr(c, "normalized")?.bool ?? true, version: attr(c, "version")?.int ?? 2)
            let (h, w) = (x.shape[1], x.shape[2])
            for top in [-size[0] - 1, -1, 0, h / 2, h - 1, h + 2] {
                for left in [-size[1] - 1, -1, 0, w / 2, w - 1, w + 2] {
                    let (y, xo) = attrs.offsets(top: top, left: left, height: h, width: w)
                    let corner = attrs.corner(offsetY: y, offsetX: xo, height: h, width: w)
                    if corner != (top, left) { return .fail("asked (\(top), \(left)), offsets (\(y), \(xo)) give \(corner)") }
                }
            }
            return .pass
        },
        // With sampling_rate 1 over the whole series, windows are frames along axis 0.
        Property("timeseries_windows", "equals-frame-when-rate-1", .valid([.random])) { c, _ in
            law {
                guard attr(c, "sampling_rate")?.int == 1, attr(c, "start_index")?.isNull ?? true, attr(c, "end_index")?.isNull ?? true,
                      let data = c.input("data"), let length = attr(c, "sequence_length")?.int,
                      let stride = attr(c, "sequence_stride")?.int else { return .discard }
                let windows = try Run.underTest(GeneratedCase(op: c.op, attrs: c.attrs, inputs: [("data", data)]))["windows"]
                let frames = try Run.underTest(GeneratedCase(op: "frame", attrs: [("frame_length", JSONValue(length)), ("frame_step", JSONValue(stride)),
                                                                                  ("axis", JSONValue(0))], inputs: [("signal", data)]))["output"]
                return Run.difference(windows, frames).map { .fail("windows vs frame: \($0)") } ?? .pass
            }
        },
        // Window k, step j is data row start + k·stride + j·rate; its target is targets[start + k·stride].
        Property("timeseries_windows", "windows-are-data-rows", .valid([.random, .exact])) { c, _ in
            law {
                guard let data = c.input("data"), let length = attr(c, "sequence_length")?.int else { return .discard }
                let out = try Run.underTest(c)
                guard let windows = out["windows"] else { return .fail("no windows") }
                let (stride, rate) = (attr(c, "sequence_stride")?.int ?? 1, attr(c, "sampling_rate")?.int ?? 1)
                let start = attr(c, "start_index")?.int ?? 0
                let row = data.count / max(data.shape[0], 1)
                let count = windows.shape.first ?? 0
                guard windows.shape == [count, length] + data.shape.dropFirst() else {
                    return .fail("windows shape \(windows.shape), where [n, \(length)] + \(Array(data.shape.dropFirst())) is due")
                }
                for k in 0..<count {
                    for j in 0..<length {
                        for e in 0..<row where windows.bits(at: (k * length + j) * row + e) != data.bits(at: (start + k * stride + j * rate) * row + e) {
                            return .fail("window \(k) step \(j) element \(e) is not data row \(start + k * stride + j * rate)")
                        }
                    }
                    // A target is a whole row of the targets (they may have axes of their own).
                    if let targets = out["targets"], let given = c.input("targets") {
                        let trow = given.count / max(given.shape.first ?? 1, 1)
                        guard targets.shape == [count] + given.shape.dropFirst() else {
                            return .fail("targets shape \(targets.shape), where \([count] + Array(given.shape.dropFirst())) is due")
                        }
                        for e in 0..<trow where targets.bits(at: k * trow + e) != given.bits(at: (start + k * stride) * trow + e) {
                            return .fail("target \(k) element \(e) is not targets[\(start + k * stride)] element \(e)")
                        }
                    }
                }
                return .pass
            }
        },
        // Frame i, position j is signal[i·step + j] along the axis, or pad_value past the end.
        Property("frame", "frames-are-slices", .valid([.random])) { c, _ in
            law {
                guard let signal = c.input("signal"), let length = attr(c, "frame_length")?.int, let step = attr(c, "frame_step")?.int,
                      let out = try Run.underTest(c)["output"] else { return .discard }
                let rank = signal.shape.count
                let axis = (attr(c, "axis")?.int ?? -1) < 0 ? (attr(c, "axis")?.int ?? -1) + rank : attr(c, "axis")!.int!
                guard (0..<rank).contains(axis), step > 0 else { return .discard }
                let (n, inner) = (signal.shape[axis], signal.shape[(axis + 1)...].reduce(1, *))
                // The candidate's output is checked whole before a value of it is read.
                let frames = FrameAttributes(frameLength: length, frameStep: step, padEnd: attr(c, "pad_end")?.bool ?? false).frameCount(n)
                let due = Array(signal.shape[..<axis]) + [frames, length] + Array(signal.shape[(axis + 1)...])
                guard out.shape == due else { return .fail("output shape \(out.shape), where \(due) is due") }
                let outer = signal.shape[..<axis].reduce(1, *)
                let pad = attr(c, "pad_value")?.double ?? 0
                for o in 0..<outer {
                    for i in 0..<frames {
                        for j in 0..<length {
                            for e in 0..<inner {
                                let got = out.double(at: ((o * frames + i) * length + j) * inner + e)
                                let p = i * step + j
                                let want = p < n ? signal.double(at: (o * n + p) * inner + e) : pad
                                if got != want { return .fail("frame \(i) position \(j): \(got) vs \(want)") }
                            }
                        }
                    }
                }
                return .pass
            }
        },
    ]
}
