import Formats
import Foundation
import PropertyCheck
import Reference

/// A place where TensorFlow departs from the obvious definition, shown on a minimal example
/// computed by the suite itself and backed by a fixture TensorFlow exported.
public struct Quirk: Sendable {
    public var id: String
    public var title: String
    /// What TensorFlow does.
    public var tensorflow: String
    /// What Conform's reference follows.
    public var conform: String
    /// The minimal example, line by line.
    public var example: [String]
    /// The check that backs it, and whether it held on this run.
    public var evidence: String
    public var confirmed: Bool

    /// Every quirk, computed from the reference and the fixture verdicts of this run.
    public static func all(fixtures: FixtureRun, quirkSet: URL) -> [Quirk] {
        func passed(_ id: String) -> Bool {
            let results = fixtures.results.filter { $0.id == id }
            return !results.isEmpty && results.allSatisfy(\.passed)
        }
        func rows(_ t: Tensor<Float>) -> [String] {
            let (h, w) = (t.shape[1], t.shape[2])
            return (0..<h).map { r in "[" + (0..<w).map { c in String(format: "%g", t.scalars[r * w + c]) }.joined(separator: ", ") + "]" }
        }
        var quirks = [Quirk]()

        // 1. Glimpse offsets: version 1 vs version 2 on a 5×5 image of 5r + c.
        let image = try! Tensor<Float>(shape: [1, 5, 5, 1], scalars: (0..<25).map(Float.init))
        var example = ["img[r, c] = 5r + c (5×5), size 3×3, centered = false, normalized = false"]
        var seedIDs = [String]()
        for version in [1, 2] {
            for (y, x) in [(1, 1), (2, 1)] {
                let offsets = try! Tensor<Float>(shape: [1, 2], scalars: [Float(y), Float(x)])
                let out = try! Reference.extractGlimpse(image, offsets, GlimpseAttributes(size: [3, 3], centered: false, normalized: false, version: version))
                example.append("v\(version) offsets (\(y), \(x)) → " + rows(out).joined(separator: " "))
                seedIDs.append("extract_glimpse/seed-5x5-v\(version)-offset-\(y)-\(x)")
            }
        }
        quirks.append(Quirk(
            id: "glimpse-versions", title: "extract_glimpse: version 1 and version 2 read pixel offsets differently",
            tensorflow: "v1 (tf.compat.v1, op ExtractGlimpse) treats an uncentered pixel offset as the window's centre, then truncates toward zero, so offsets (1, 1) and (2, 1) give the same window; v2 (tf.image) takes it as the top-left corner.",
            conform: "Both versions, exactly as TensorFlow computes them (attribute `version`).",
            example: example, evidence: "TensorFlow fixtures " + seedIDs.joined(separator: ", ") + (seedIDs.allSatisfy(passed) ? ": pass" : ": NOT all passing"),
            confirmed: seedIDs.allSatisfy(passed)))

        // 2. The v1 wrapper's uniform_noise=False, and 3. depthwise stride + dilation, from the quirk set.
        let set = try? FixtureSet(directory: quirkSet)
        func tensor(_ id: String, _ field: String, output: Bool) -> AnyTensor? {
            guard let set, let c = set.manifest.cases.first(where: { $0.id == id }) else { return nil }
            let file = (output ? c.outputs : c.inputs).first { $0.0 == field }?.1
            return file.flatMap { try? set.tensor($0, caseID: id, field: field) }
        }
        if case let .float32(tf)? = tensor("quirks/glimpse-v1-wrapper-uniform-noise-false", "output", output: true),
           case let .float32(input)? = tensor("quirks/glimpse-v1-wrapper-uniform-noise-false", "input", output: false),
           case let .float32(offsets)? = tensor("quirks/glimpse-v1-wrapper-uniform-noise-false", "offsets", output: false) {
            let attrs = GlimpseAttributes(size: [4, 4], centered: false, normalized: false, noise: .zero, version: 1)
            let zero = (try? Reference.extractGlimpse(input, offsets, attrs)) ?? tf
            let (lo, hi) = (input.scalars.min()!, input.scalars.max()!)
            let fill = (0..<tf.count).filter { zero.scalars[$0] == 0 && tf.scalars[$0] != zero.scalars[$0] }
            let noisy = !fill.isEmpty && fill.allSatisfy { tf.scalars[$0] >= lo && tf.scalars[$0] <= hi }
            let (top, left) = attrs.corner(offsetY: offsets.scalars[0], offsetX: offsets.scalars[1], height: input.shape[1], width: input.shape[2])
            let outside = zero.scalars.indices.filter { i in
                let (r, c) = (top + i / 4, left + i % 4)
                return !(0..<input.shape[1]).contains(r) || !(0..<input.shape[2]).contains(c)
            }.count
            quirks.append(Quirk(
                id: "glimpse-uniform-noise-false", title: "tf.compat.v1.image.extract_glimpse(uniform_noise=False) still fills with uniform noise",
                tensorflow: "The v1 wrapper never passes `noise` to the op, whose default is uniform noise; a zero fill is reachable only through the raw op with noise='zero'.",
                conform: "The fill the attribute names (`noise`: zero, uniform or gaussian, seeded).",
                example: ["image in [\(String(format: "%.3f", lo)), \(String(format: "%.3f", hi))], 4×4 window, offsets (\(offsets.scalars[0]), \(offsets.scalars[1])): top-left (\(top), \(left)), \(outside) of 16 pixels outside the image",
                          "asked: zero fill → " + rows(zero).joined(separator: " "),
                          "TensorFlow → " + rows(tf).joined(separator: " ")],
                evidence: "fixtures/quirks: \(fill.count) fill pixels differ from zero, all within the image's [min, max]" + (noisy ? "" : " — NOT confirmed"),
                confirmed: noisy))
        }
        if case let .float32(tf)? = tensor("quirks/depthwise-stride2-dilation2-9x9", "output", output: true),
           case let .float32(x)? = tensor("quirks/depthwise-stride2-dilation2-9x9", "input", output: false),
           case let .float32(f)? = tensor("quirks/depthwise-stride2-dilation2-9x9", "filter", output: false),
           let full = try? Reference.depthwiseConv2d(x, f, Conv2DAttributes(padding: .valid, dilations: [2, 2])),
           let definition = try? Reference.depthwiseConv2d(x, f, Conv2DAttributes(strides: [2, 2], padding: .valid, dilations: [2, 2])) {
            let (fh, fw) = (full.shape[1], full.shape[2]), ow = tf.shape[2]
            // Which rows and columns of the stride-1 dilated output did TensorFlow return? Search every choice.
            let oh = tf.shape[1]
            func choices(_ n: Int, _ k: Int) -> [[Int]] { k == 0 ? [[]] : choices(n, k - 1).flatMap { p in (0..<n).map { p + [$0] } } }
            var picked = [Int](repeating: -1, count: oh), pickedColumns = [Int](repeating: -1, count: ow)
            search: for rowsChoice in choices(fh, oh) {
                for colsChoice in choices(fw, ow) {
                    var all = true
                    for r in 0..<oh { for c in 0..<ow where full.scalars[rowsChoice[r] * fw + colsChoice[c]] != tf.scalars[r * ow + c] { all = false } }
                    if all { (picked, pickedColumns) = (rowsChoice, colsChoice); break search }
                }
            }
            let confirmed = picked != [0, 2, 4] && definition != tf
            quirks.append(Quirk(
                id: "depthwise-stride-dilation", title: "tf.nn.depthwise_conv2d with stride and dilation together returns the wrong rows",
                tensorflow: "With strides > 1 and dilations > 1 it only warns, and returns rows \(picked.map(String.init).joined(separator: ", ")) and columns \(pickedColumns.map(String.init).joined(separator: ", ")) of the stride-1 dilated output instead of 0, 2, 4. It runs the strided convolution on each space-to-batch phase of the input, so along an axis with dilation r and stride s its element t is the stride-1 output's t mod r + r·s·⌊t/r⌋, in a shape of its own; Conform's model of the quirk checks exactly that, and counts TensorFlow's answers as the quirk, not as failures.",
                conform: "The definition (Keras's result): the stride-1 dilated output, then every s-th row and column.",
                example: ["9×9 image of 1…81, 3×3 ones kernel, strides 2, dilations 2, VALID",
                          "definition → " + rows(definition).joined(separator: " "), "TensorFlow → " + rows(tf).joined(separator: " ")],
                evidence: "fixtures/quirks/depthwise-stride2-dilation2-9x9: the reference differs from TensorFlow" + (confirmed ? "" : " — NOT confirmed"),
                confirmed: confirmed))
        }

        // 4. Causal padding with a stride.
        let series = try! Tensor<Float>(shape: [1, 8, 1], scalars: (1...8).map(Float.init))
        let ones = try! Tensor<Float>(shape: [3, 1, 1], repeating: 1)
        let causal = try! Reference.conv1d(series, ones, Conv1DAttributes(strides: [2], padding: .causal))
        let causalIDs = fixtures.results.filter { $0.op == "conv1d" && $0.id.contains("causal-s2") }.map(\.id)
        quirks.append(Quirk(
            id: "causal-stride", title: "CAUSAL padding with a stride never reads the last steps",
            tensorflow: "Keras pads d·(k−1) zeros in front and none behind, then runs VALID: with stride s the windows end at steps 0, s, 2s, …, so the last s−1 steps end no window.",
            conform: "The same (docs/OPS.md): output length ceil(n/s).",
            example: ["x = 1…8, kernel of three ones, stride 2 → " + causal.scalars.map { String(format: "%g", $0) }.joined(separator: ", ") + " (step 8 is never read)"],
            evidence: "Keras fixtures " + (causalIDs.isEmpty ? "(none)" : causalIDs.joined(separator: ", ")) + (causalIDs.allSatisfy(passed) ? ": pass" : ": NOT all passing"),
            confirmed: !causalIDs.isEmpty && causalIDs.allSatisfy(passed)))

        // 5. The old Keras windows count with sampling_rate > 1.
        let (t, length, rate) = (10, 3, 2)
        let now = (try? WindowAttributes(sequenceLength: length, samplingRate: rate).windows(length: t, targets: nil).count) ?? -1
        let old = t - length * rate + 1
        let rateIDs = fixtures.results.filter { $0.op == "timeseries_windows" && $0.id.contains("rate") }.map(\.id)
        quirks.append(Quirk(
            id: "windows-sampling-rate", title: "timeseries_dataset_from_array: the old window count with sampling_rate > 1",
            tensorflow: "Older releases (tf.keras, and Keras 3 before the fix) counted end − start − L·r + 1 windows, r − 1 fewer than fit; Keras 3.15 counts end − start − (L−1)·r.",
            conform: "Keras 3's count (what TensorFlow 2.21 runs).",
            example: ["T = \(t), sequence_length \(length), sampling_rate \(rate): \(now) windows now, \(old) with the old count"],
            evidence: "Keras 3.15 fixtures with sampling_rate > 1 (\(rateIDs.count) cases)" + (rateIDs.allSatisfy(passed) && !rateIDs.isEmpty ? ": pass" : ": NOT all passing"),
            confirmed: !rateIDs.isEmpty && rateIDs.allSatisfy(passed)))
        return quirks
    }
}
