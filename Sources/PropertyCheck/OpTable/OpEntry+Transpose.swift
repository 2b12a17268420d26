import Formats
import Optimized
import Reference

extension OpEntry {
    /// Keras's transposed convolutions' attributes for `rank` spatial axes.
    static func transposeAttributes(rank: Int) -> [AttributeSpec] {
        [.optional("strides", .array(Array(repeating: JSONValue(1), count: rank))), AttributeSpec("padding", "VALID/SAME"),
         .optional("output_padding", .null, "null: inferred"), .optional("dilations", .array(Array(repeating: JSONValue(1), count: rank)))]
    }

    static func convTransposeAttributes(_ c: CaseContext) throws(FixtureError) -> ConvTransposeAttributes {
        let outputPadding: [Int]?
        if let v = c.attr("output_padding"), !v.isNull { outputPadding = try c.ints("output_padding") } else { outputPadding = nil }
        return ConvTransposeAttributes(strides: try c.ints("strides"), padding: try c.padding(allowCausal: false),
                                       outputPadding: outputPadding, dilations: try c.ints("dilations"))
    }

    public static let conv2dTranspose = OpEntry(
        name: "conv2d_transpose", kind: .arithmetic, inputs: ["input", "kernel"], outputs: ["output"],
        attributes: transposeAttributes(rank: 2),
        notes: ["input": "[N,H,W,Cin]", "kernel": "[KH,KW,Cout,Cin]", "output": "[N,Ho,Wo,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try convTransposeAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, k) = (try c.input("input", as: T.self), try c.input("kernel", as: T.self))
            let flops = (try? Reference.conv2dTransposeGeometry(input: x.shape, kernel: k.shape, attrs)).flatMap { sizes, forward in
                try? Conv2DGeometry(input: sizes, filters: k.shape, attrs: forward).flops
            }
            return .arithmetic(T.self, flops: flops, reference: { try Reference.conv2dTransposeAccumulated(x, k, attrs) },
                               optimized: { try Optimized.conv2dTranspose(x, k, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "kernel"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let conv1dTranspose = OpEntry(
        name: "conv1d_transpose", kind: .arithmetic, inputs: ["input", "kernel"], outputs: ["output"],
        attributes: transposeAttributes(rank: 1),
        notes: ["input": "[N,W,Cin]", "kernel": "[K,Cout,Cin]", "output": "[N,Wo,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try convTransposeAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, k) = (try c.input("input", as: T.self), try c.input("kernel", as: T.self))
            let flops = (try? Reference.conv1dTransposeAsConv2d(x, k, attrs)).flatMap { x2, k2, a2 in
                (try? Reference.conv2dTransposeGeometry(input: x2.shape, kernel: k2.shape, a2)).flatMap { sizes, forward in
                    try? Conv2DGeometry(input: sizes, filters: k2.shape, attrs: forward).flops
                }
            }
            return .arithmetic(T.self, flops: flops, reference: { try Reference.conv1dTransposeAccumulated(x, k, attrs) },
                               optimized: { try Optimized.conv1dTranspose(x, k, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "kernel"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }
}
