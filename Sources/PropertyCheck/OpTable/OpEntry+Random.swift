import Optimized
import Reference

extension OpEntry {
    public static let statelessUniform = OpEntry(
        name: "stateless_uniform", kind: .exact, inputs: [], outputs: ["output"],
        attributes: [
            AttributeSpec("shape"), AttributeSpec("seed", "[s0,s1]"), .optional("dtype", "float32"), .optional("minval", 0),
            AttributeSpec("maxval", absent: .dependent(note: "1; required for ints") { attrs in
                (attrs.first { $0.0 == "dtype" }?.1.string ?? "float32").hasPrefix("float") ? 1 : nil
            }),
        ]
    ) { (c: inout CaseContext) in
        let dtypes: [DType] = [.float16, .float32, .float64, .int32, .int64]
        let dtype = DType(rawValue: try c.string("dtype", oneOf: dtypes.map(\.rawValue)))!
        guard let seedValue = c.attr("seed") else {
            throw c.error(.missingField, "attrs.seed", expected: "[s0, s1]", actual: "nothing")
        }
        guard let seedItems = seedValue.array, seedItems.count == 2,
              case let .number(t0) = seedItems[0], case let .number(t1) = seedItems[1], let s0 = Int64(t0), let s1 = Int64(t1) else {
            throw c.error(.wrongType, "attrs.seed", expected: "two 64-bit integers [s0, s1]", actual: seedValue.description)
        }
        let attrs = StatelessUniformAttributes(shape: try c.ints("shape"), seed: [s0, s1], dtype: dtype,
                                               minval: try c.double("minval"), maxval: try c.double("maxval"))
        return PreparedCase(reference: { ReferenceRun(outputs: ["output": try Reference.statelessUniform(attrs)]) },
                            optimized: { ["output": try Optimized.statelessUniform(attrs)] })
    }

    public static let epochPairing = OpEntry(
        name: "epoch_pairing", kind: .exact, inputs: ["row_splits", "candidates"], outputs: ["pairs"],
        attributes: [AttributeSpec("seed"), AttributeSpec("epochs"), .optional("first_epoch", 0),
                     .optional("mode", "tensorflow", "or cycle, Conform's own")],
        notes: ["row_splits": "[n+1]", "candidates": "[nnz] (int64)", "pairs": "[epochs,n] (int64)"]
    ) { (c: inout CaseContext) in
        let mode = try c.string("mode", oneOf: EpochPairingAttributes.Mode.allCases.map(\.rawValue))
        let attrs = EpochPairingAttributes(seed: try c.int64("seed"), epochs: try c.int("epochs"),
                                           firstEpoch: try c.int("first_epoch"),
                                           mode: EpochPairingAttributes.Mode(rawValue: mode)!)
        let (splits, candidates) = (try c.int64Input("row_splits"), try c.int64Input("candidates"))
        return PreparedCase(reference: { ReferenceRun(outputs: ["pairs": .int64(try Reference.epochPairing(splits, candidates, attrs))]) },
                            optimized: { ["pairs": .int64(try Optimized.epochPairing(splits, candidates, attrs))] })
    }
}
