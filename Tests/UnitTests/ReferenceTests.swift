import Formats
import Foundation
import PropertyCheck
import Reference
import Testing

/// Properties of the reference ops that fixtures cannot hold: sizes too big to commit,
/// published known answers, and round trips.
@Suite("Reference")
struct ReferenceTests {
    @Test("Philox4x32-10 known answers (Salmon et al., Random123 KAT)")
    func philoxKnownAnswers() {
        let zero = Philox.block(counter: (0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
        let ones = Philox.block(counter: (.max, .max, .max, .max), key: (.max, .max))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD])
    }

    @Test("the 128-bit counter carries across words")
    func philoxCarry() {
        let c = Philox.advance((.max, .max, 5, 0), by: 1)
        #expect(c.0 == 0 && c.1 == 0 && c.2 == 6 && c.3 == 0)
        let d = Philox.advance((.max - 1, 0, 0, 0), by: 3)
        #expect(d.0 == 1 && d.1 == 1)
    }

    @Test("the seed's 550 000 × 28 series with sequence_length 50: count and shapes without materialising")
    func seedWindows() throws {
        let (t, length) = (550_000, 50)
        let attrs = WindowAttributes(sequenceLength: length)
        let starts = try attrs.starts(length: t, targets: nil)
        #expect(Array(starts).count == t - (length - 1))
        #expect(Array(starts).first == 0 && Array(starts).last == t - length)
        // One window of the real size, materialised from a slice that holds it.
        let data = try Tensor<Float>(shape: [length + 1, 28], scalars: (0..<((length + 1) * 28)).map(Float.init))
        let one = try Reference.timeseriesWindows(data, targets: Tensor<Int32>?.none, WindowAttributes(sequenceLength: length))
        #expect(one.windows.shape == [2, length, 28])
        #expect(one.windows.scalars[length * 28] == data.scalars[28])
    }

    @Test("conv2d_at on a 10 000 × 10 000 input with a 10 000 × 10 000 kernel clips its window")
    func hugeConv2dAt() throws {
        let n = 10_000
        let input = try Tensor<Float>(shape: [n, n], repeating: 1)
        let kernel = try Tensor<Float>(shape: [n, n], repeating: 1)
        for (row, col, anchor) in [(n / 2, n / 2, Conv2DAtAttributes.Anchor.center), (n - 1, 0, .corner), (3, n - 7, .center)] {
            let acc = try Reference.conv2dAtAccumulated(input, kernel, Conv2DAtAttributes(row: row, col: col, anchor: anchor))
            // With ones everywhere the value counts the taps that land inside the input.
            let top = anchor == .center ? row - (n - 1) / 2 : row, left = anchor == .center ? col - (n - 1) / 2 : col
            let rows = min(n, top + n) - max(0, top), cols = min(n, left + n) - max(0, left)
            #expect(acc.value == [Double(rows * cols)])
            #expect(acc.terms == [rows * cols])
        }
    }

    @Test("the glimpse pixel helper inverts the window formulas in every mode and version")
    func glimpseHelper() {
        var rng = SplitMix64(seed: 2026_1129)
        for version in [1, 2] {
            for centered in [false, true] {
                for normalized in [false, true] {
                    for _ in 0..<200 {
                        let (h, w) = (Int(1 + rng.next() % 300), Int(1 + rng.next() % 300))
                        let attrs = GlimpseAttributes(size: [Int(1 + rng.next() % 20), Int(1 + rng.next() % 20)],
                                                      centered: centered, normalized: normalized, version: version)
                        let top = Int(rng.next() % UInt64(2 * h + 40)) - h - 20
                        let left = Int(rng.next() % UInt64(2 * w + 40)) - w - 20
                        let (y, x) = attrs.offsets(top: top, left: left, height: h, width: w)
                        let corner = attrs.corner(offsetY: y, offsetX: x, height: h, width: w)
                        #expect(corner == (top, left), "v\(version) centered \(centered) normalized \(normalized) \(h)×\(w) \(attrs.size): (\(top), \(left)) → (\(y), \(x)) → \(corner)")
                    }
                }
            }
        }
    }

    @Test("offsets truncate toward zero, not floor: −0.5 → 0, −1.5 → −1")
    func truncation() {
        let attrs = GlimpseAttributes(size: [1, 1], centered: false, normalized: false, version: 2)
        #expect(attrs.corner(offsetY: -0.5, offsetX: -1.5, height: 5, width: 5) == (0, -1))
    }

    @Test("the cycling pairing mode visits every candidate once per cycle")
    func pairingCycles() throws {
        let lengths = [1, 2, 3, 7, 16, 17, 40]
        let splits = lengths.reduce(into: [Int64(0)]) { $0.append($0.last! + Int64($1)) }
        let candidates = (0..<Int(splits.last!)).map(Int64.init)
        let epochs = 2 * lengths.max()!
        let pairs = try Reference.epochPairing(Tensor(shape: [splits.count], scalars: splits),
                                               Tensor(shape: [candidates.count], scalars: candidates),
                                               EpochPairingAttributes(seed: 99, epochs: epochs, mode: .cycle))
        for (r, len) in lengths.enumerated() {
            for cycle in 0..<(epochs / len) {
                let seen = (cycle * len..<(cycle + 1) * len).map { pairs.scalars[$0 * lengths.count + r] }
                #expect(Set(seen) == Set(candidates[Int(splits[r])..<Int(splits[r + 1])]), "row \(r) cycle \(cycle)")
            }
        }
    }

    @Test(".npy files of every dtype and all three format versions round-trip")
    func npyVersions() throws {
        let tensors: [AnyTensor] = try [
            .float16(Tensor(shape: [2, 3], scalars: [1, -2, 0.5, .infinity, -0, 65504])),
            .float32(Tensor(shape: [], scalars: [3.25])), .float64(Tensor(shape: [0, 4], scalars: [])),
            .int32(Tensor(shape: [3], scalars: [.min, 0, .max])), .int64(Tensor(shape: [1, 1, 2], scalars: [.min, .max])),
            .bool(Tensor(shape: [4], scalars: [true, false, false, true])),
        ]
        for t in tensors {
            let v1 = NPY.encode(t)
            #expect(try NPY.decode(v1) == t)
            // Rewrite as 2.0 and 3.0: a 4-byte header length.
            let headerLength = Int(v1[8]) | Int(v1[9]) << 8
            for major: UInt8 in [2, 3] {
                var v = Array(v1[0..<6]) + [major, 0] + [v1[8], v1[9], 0, 0]
                v += v1[10..<(10 + headerLength)] + v1[(10 + headerLength)...]
                #expect(try NPY.decode(v) == t)
            }
        }
    }
}
