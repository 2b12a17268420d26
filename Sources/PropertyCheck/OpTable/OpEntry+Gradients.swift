import Formats
import Optimized
import Reference

extension OpEntry {
    public static let conv2dBackpropInput = OpEntry(
        name: "conv2d_backprop_input", kind: .arithmetic, inputs: ["filter", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("input_sizes", "`[N,H,W,Cin]`")] + conv2dAttributes,
        notes: ["filter": "[KH,KW,Cin/G,Cout]", "out_backprop": "[N,Ho,Wo,Cout]", "output": "[N,H,W,Cin]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        let sizes = try c.ints("input_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (f, dy) = (try c.input("filter", as: T.self), try c.input("out_backprop", as: T.self))
            let flops = (try? Reference.conv2dBackpropInputGeometry(inputSizes: sizes, filter: f.shape, outBackprop: dy.shape, attrs))?.flops
            return .arithmetic(T.self, flops: flops,
                               reference: { try Reference.conv2dBackpropInputAccumulated(inputSizes: sizes, f, dy, attrs) },
                               optimized: { try Optimized.conv2dBackpropInput(inputSizes: sizes, f, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["filter", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let conv2dBackpropFilter = OpEntry(
        name: "conv2d_backprop_filter", kind: .arithmetic, inputs: ["input", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("filter_sizes", "`[KH,KW,Cin/G,Cout]`")] + conv2dAttributes,
        notes: ["input": "[N,H,W,Cin]", "out_backprop": "[N,Ho,Wo,Cout]", "output": "[KH,KW,Cin/G,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        let sizes = try c.ints("filter_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, dy) = (try c.input("input", as: T.self), try c.input("out_backprop", as: T.self))
            let flops = (try? Reference.conv2dBackpropFilterGeometry(input: x.shape, filterSizes: sizes, outBackprop: dy.shape, attrs))?.flops
            return .arithmetic(T.self, flops: flops,
                               reference: { try Reference.conv2dBackpropFilterAccumulated(x, filterSizes: sizes, dy, attrs) },
                               optimized: { try Optimized.conv2dBackpropFilter(x, filterSizes: sizes, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }
}
