import Formats
import Optimized
import Reference

extension Properties {
    /// Keras's weights for a layer, as shapes: (trainable, non-trainable). A second formulation of
    /// the counts, from the weight tensors Keras creates rather than from the count formulas.
    static func weightShapes(_ layer: KerasLayer, _ input: [Int?]) -> (trainable: [[Int]], nonTrainable: [[Int]]) {
        let last = input.last.flatMap { $0 } ?? 0
        func channels(_ first: Bool) -> Int { first ? (input.first.flatMap { $0 } ?? 0) : last }
        /// The size on Keras's axis `a` (batch included in the numbering).
        func size(_ a: Int) -> Int {
            let i = (a < 0 ? input.count + 1 + a : a) - 1
            return input.indices.contains(i) ? (input[i] ?? 0) : 0
        }
        switch layer {
        case let .dense(u, bias, lora):
            guard let r = lora else { return ([[last, u]] + (bias ? [[u]] : []), []) }
            return ([[last, r], [r, u]] + (bias ? [[u]] : []), [[last, u]])
        case let .conv(_, f, k, _, _, _, g, bias, first, lora):
            let cin = channels(first)
            guard let r = lora else { return ([k + [cin / g, f]] + (bias ? [[f]] : []), []) }
            return ([k + [cin / g, r], [r, f]] + (bias ? [[f]] : []), [k + [cin / g, f]])
        case let .convTranspose(_, f, k, _, _, _, _, bias, first):
            return ([k + [f, channels(first)]] + (bias ? [[f]] : []), [])
        case let .depthwiseConv2D(k, _, _, _, m, bias, first):
            let cin = channels(first)
            return ([k + [cin, m]] + (bias ? [[cin * m]] : []), [])
        case let .separableConv(rank, f, k, _, _, _, m, bias, first):
            let cin = channels(first)
            return ([k + [cin, m], Array(repeating: 1, count: rank) + [cin * m, f]] + (bias ? [[f]] : []), [])
        case let .recurrent(kind, u, bias, _, resetAfter):
            let gates = switch kind { case .simpleRNN: 1; case .lstm: 4; case .gru: 3 }
            let biasShape = kind == .gru && resetAfter ? [2, gates * u] : [gates * u]
            return ([[last, gates * u], [u, gates * u]] + (bias ? [biasShape] : []), [])
        case let .batchNormalization(axis, center, scale, renorm):
            let c = size(axis)
            return ((scale ? [[c]] : []) + (center ? [[c]] : []), [[c], [c]] + (renorm ? [[c], [c], [c]] : []))
        case let .layerNormalization(axes, center, scale, rms):
            let shape = axes.map(size)
            return ((scale || rms ? [shape] : []) + (center && !rms ? [shape] : []), [])
        case let .embedding(v, d, lora):
            guard let r = lora else { return ([[v, d]], []) }
            return ([[v, r], [r, d]], [[v, d]])
        case .pooling, .flatten: return ([], [])
        }
    }

    static let kerasAndRandomLaws: [Property] = [
        Property("count_params", "sum-of-weight-shapes", .valid([.random])) { c, _ in
            law {
                let fixture = FixtureCase(id: "law", op: c.op, attrs: c.attrs, inputs: [], outputs: [])
                let context = CaseContext(fixtureCase: fixture, file: "(generated)") { _, field throws(FixtureError) in
                    throw FixtureError(.missingField, file: "(generated)", field: field, expected: "no inputs", actual: "a request")
                }
                let layer = try OpEntry.kerasLayer(context)
                let shape = (attr(c, "input_shape")?.array ?? []).map(\.int)
                let (trainable, frozen) = weightShapes(layer, shape)
                let out = try Run.underTest(c)
                let sum = { (shapes: [[Int]]) in Double(shapes.reduce(0) { $0 + $1.reduce(1, *) }) }
                guard out["trainable"]?.double(at: 0) == sum(trainable), out["non_trainable"]?.double(at: 0) == sum(frozen) else {
                    return .fail("counts \(out["trainable"].map { $0.text(at: 0) } ?? "-") + \(out["non_trainable"].map { $0.text(at: 0) } ?? "-"), weights \(trainable) + \(frozen)")
                }
                return .pass
            }
        },
        Property("stateless_uniform", "values-in-range", .valid([.random])) { c, _ in
            law {
                guard let out = try Run.underTest(c)["output"] else { return .fail("no output") }
                let integer = !out.dtype.isFloatingPoint
                let lo = attr(c, "minval")?.double ?? 0, hi = attr(c, "maxval")?.double ?? 1
                for i in 0..<out.count {
                    let v = out.double(at: i)
                    // Floats: unit·(max − min) + min may round up to max; integers stay below it.
                    if !(v >= lo && (integer ? v < hi : v <= hi)) { return .fail("element \(i) = \(v) outside [\(lo), \(hi))") }
                }
                return .pass
            }
        },
        Property("stateless_uniform", "prefix-stable", .valid([.random])) { c, _ in
            law {
                guard let shape = attr(c, "shape")?.array?.compactMap(\.int) else { return .discard }
                let n = shape.reduce(1, *)
                let short = try Run.underTest(c.setting("shape", J.ints([n])))["output"]
                let long = try Run.underTest(c.setting("shape", J.ints([n + 5])))["output"]
                guard let short, let long else { return .fail("no output") }
                for i in 0..<n where short.bits(at: i) != long.bits(at: i) {
                    return .fail("element \(i) differs between shapes [\(n)] and [\(n + 5)]")
                }
                return .pass
            }
        },
        // The vectorised generator equals the scalar one at counters about to carry across words.
        Property("stateless_uniform", "philox-simd-matches-scalar", .valid([.random])) { c, _ in
            guard UnderTest.isOptimized else { return .discard }
            guard let seed = attr(c, "seed")?.array, seed.count == 2, case let .number(a) = seed[0], let s0 = Int64(a) else { return .discard }
            let base = Philox(seed: s0, 1)
            let low = UInt32(truncatingIfNeeded: s0) % 64
            for counter in [(UInt32.max - low, UInt32.max, base.counter.2, base.counter.3),
                            (UInt32.max - low, UInt32.max, UInt32.max, UInt32.max), (UInt32.max - low, 7, 0, 0)] {
                let stream = Philox(key: base.key, counter: counter)
                let simd = Optimized.philoxWords(stream, first: 0, count: 4 * 70)
                for i in simd.indices where simd[i] != stream.word(UInt64(i)) {
                    return .fail("word \(i) at counter \(counter): \(simd[i]) vs \(stream.word(UInt64(i)))")
                }
            }
            return .pass
        },
        Property("epoch_pairing", "picks-admissible-candidates", .valid([.random])) { c, _ in
            law {
                guard case let .int64(splits)? = c.input("row_splits"), case let .int64(candidates)? = c.input("candidates"),
                      let pairs = try Run.underTest(c)["pairs"] else { return .discard }
                let rows = splits.count - 1
                for e in 0..<(rows == 0 ? 0 : pairs.count / rows) {
                    for r in 0..<rows {
                        let row = candidates.scalars[Int(splits.scalars[r])..<Int(splits.scalars[r + 1])]
                        let pick = Int64(pairs.double(at: e * rows + r))
                        if !row.contains(pick) { return .fail("epoch \(e) row \(r) picked \(pick), not among \(Array(row))") }
                    }
                }
                return .pass
            }
        },
        // Over a whole cycle of len epochs, cycle mode picks each of a row's candidates once.
        Property("epoch_pairing", "cycle-covers-every-candidate", .valid([.random])) { c, _ in
            law {
                guard case let .int64(splits)? = c.input("row_splits"), case let .int64(candidates)? = c.input("candidates") else { return .discard }
                let rows = splits.count - 1
                let lengths = (0..<rows).map { Int(splits.scalars[$0 + 1] - splits.scalars[$0]) }
                let longest = lengths.max() ?? 1
                let cycle = c.setting("mode", .string("cycle")).setting("first_epoch", JSONValue(0)).setting("epochs", JSONValue(2 * longest))
                guard let pairs = try Run.underTest(cycle)["pairs"] else { return .fail("no pairs") }
                for r in 0..<rows {
                    let len = lengths[r]
                    let row = candidates.scalars[Int(splits.scalars[r])..<Int(splits.scalars[r + 1])].sorted()
                    for k in 0..<(2 * longest / len) {
                        let picks = (k * len..<(k + 1) * len).map { Int64(pairs.double(at: $0 * rows + r)) }.sorted()
                        if picks != row { return .fail("row \(r) cycle \(k) picked \(picks), candidates \(row)") }
                    }
                }
                return .pass
            }
        },
    ]
}
