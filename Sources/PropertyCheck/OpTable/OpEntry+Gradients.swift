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
            // The forward geometry: the variants law runs each algorithm it admits (im2col: GEMM + col2im;
            // the others: the zero-stuffed conv2d by that algorithm).
            let geometry = try? Reference.conv2dBackpropInputGeometry(inputSizes: sizes, filter: f.shape, outBackprop: dy.shape, attrs)
            return .arithmetic(T.self, flops: geometry?.flops, geometry: geometry,
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

    public static let depthwiseConv2dBackpropInput = OpEntry(
        name: "depthwise_conv2d_backprop_input", kind: .arithmetic, inputs: ["filter", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("input_sizes", "`[N,H,W,C]`")] + conv2dAttributes,
        notes: ["filter": "[KH,KW,C,M]", "out_backprop": "[N,Ho,Wo,C·M]", "output": "[N,H,W,C]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        let sizes = try c.ints("input_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (f, dy) = (try c.input("filter", as: T.self), try c.input("out_backprop", as: T.self))
            let flops = (try? Reference.depthwiseBackpropGeometry(op: "depthwise_conv2d_backprop_input", input: sizes, filter: f.shape,
                                                                  outBackprop: dy.shape, result: ("input_sizes", sizes), attrs))?.flops
            return .arithmetic(T.self, flops: flops,
                               reference: { try Reference.depthwiseConv2dBackpropInputAccumulated(inputSizes: sizes, f, dy, attrs) },
                               optimized: { try Optimized.depthwiseConv2dBackpropInput(inputSizes: sizes, f, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["filter", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let depthwiseConv2dBackpropFilter = OpEntry(
        name: "depthwise_conv2d_backprop_filter", kind: .arithmetic, inputs: ["input", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("filter_sizes", "`[KH,KW,C,M]`")] + conv2dAttributes,
        notes: ["input": "[N,H,W,C]", "out_backprop": "[N,Ho,Wo,C·M]", "output": "[KH,KW,C,M]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        let sizes = try c.ints("filter_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, dy) = (try c.input("input", as: T.self), try c.input("out_backprop", as: T.self))
            let flops = (try? Reference.depthwiseBackpropGeometry(op: "depthwise_conv2d_backprop_filter", input: x.shape, filter: sizes,
                                                                  outBackprop: dy.shape, result: ("filter_sizes", sizes), attrs))?.flops
            return .arithmetic(T.self, flops: flops,
                               reference: { try Reference.depthwiseConv2dBackpropFilterAccumulated(x, filterSizes: sizes, dy, attrs) },
                               optimized: { try Optimized.depthwiseConv2dBackpropFilter(x, filterSizes: sizes, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    static let conv1dAttributeSpecs: [AttributeSpec] = [.optional("strides", [1]), AttributeSpec("padding", "VALID/SAME/CAUSAL/`[[b,a]]`"),
                                                         .optional("dilations", [1])]

    public static let conv1dBackpropInput = OpEntry(
        name: "conv1d_backprop_input", kind: .arithmetic, inputs: ["filter", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("input_sizes", "`[N,W,Cin]`")] + conv1dAttributeSpecs,
        notes: ["filter": "[K,Cin/G,Cout]", "out_backprop": "[N,Wo,Cout]", "output": "[N,W,Cin]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv1DAttributes(c)
        let sizes = try c.ints("input_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (f, dy) = (try c.input("filter", as: T.self), try c.input("out_backprop", as: T.self))
            let geometry = (try? Reference.conv1dBackpropInputAsConv2d(inputSizes: sizes, f, dy, attrs)).flatMap { s, f2, g2, a2 in
                try? Reference.conv2dBackpropInputGeometry(inputSizes: s, filter: f2.shape, outBackprop: g2.shape, a2)
            }
            return .arithmetic(T.self, flops: geometry?.flops, geometry: geometry,
                               reference: { try Reference.conv1dBackpropInputAccumulated(inputSizes: sizes, f, dy, attrs) },
                               optimized: { try Optimized.conv1dBackpropInput(inputSizes: sizes, f, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["filter", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let conv1dBackpropFilter = OpEntry(
        name: "conv1d_backprop_filter", kind: .arithmetic, inputs: ["input", "out_backprop"], outputs: ["output"],
        attributes: [AttributeSpec("filter_sizes", "`[K,Cin/G,Cout]`")] + conv1dAttributeSpecs,
        notes: ["input": "[N,W,Cin]", "out_backprop": "[N,Wo,Cout]", "output": "[K,Cin/G,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv1DAttributes(c)
        let sizes = try c.ints("filter_sizes")
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, dy) = (try c.input("input", as: T.self), try c.input("out_backprop", as: T.self))
            let flops = (try? Reference.conv1dBackpropFilterAsConv2d(x, filterSizes: sizes, dy, attrs)).flatMap { x2, s, g2, a2 in
                try? Reference.conv2dBackpropFilterGeometry(input: x2.shape, filterSizes: s, outBackprop: g2.shape, a2).flops
            }
            return .arithmetic(T.self, flops: flops,
                               reference: { try Reference.conv1dBackpropFilterAccumulated(x, filterSizes: sizes, dy, attrs) },
                               optimized: { try Optimized.conv1dBackpropFilter(x, filterSizes: sizes, dy, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "out_backprop"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }
}
