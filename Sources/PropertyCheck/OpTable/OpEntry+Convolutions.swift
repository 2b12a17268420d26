import Formats
import Optimized
import Reference

extension OpEntry {
    static let conv2dAttributes: [AttributeSpec] = [
        .optional("strides", [1, 1]), AttributeSpec("padding", "VALID/SAME/`[[t,b],[l,r]]`"), .optional("dilations", [1, 1]),
    ]

    static func conv2DAttributes(_ c: CaseContext) throws(FixtureError) -> Conv2DAttributes {
        Conv2DAttributes(strides: try c.ints("strides"), padding: try c.padding(allowCausal: false), dilations: try c.ints("dilations"))
    }

    static func conv1DAttributes(_ c: CaseContext) throws(FixtureError) -> Conv1DAttributes {
        Conv1DAttributes(strides: try c.ints("strides"), padding: try c.padding(allowCausal: true), dilations: try c.ints("dilations"))
    }

    public static let conv1d = OpEntry(
        name: "conv1d", kind: .arithmetic, inputs: ["input", "filters"], outputs: ["output"],
        attributes: [.optional("strides", [1]), AttributeSpec("padding", "VALID/SAME/CAUSAL/`[[b,a]]`"), .optional("dilations", [1])],
        notes: ["input": "[N,W,Cin]", "filters": "[K,Cin/G,Cout]", "output": "[N,Wo,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv1DAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, f) = (try c.input("input", as: T.self), try c.input("filters", as: T.self))
            let converted = try? Reference.conv1dAsConv2d(x, f, attrs)
            let geometry = converted.flatMap { x2, f2, a2 in try? Conv2DGeometry(input: x2.shape, filters: f2.shape, attrs: a2) }
            let slack = geometry.map { g in Conv2DPlan(g, elementType: T.dtype).normwiseSlack(g, input: x, filters: f) } ?? 0
            return .arithmetic(T.self, flops: geometry?.flops, slack: slack, geometry: geometry,
                               reference: { try Reference.conv1dAccumulated(x, f, attrs) },
                               optimized: { try Optimized.conv1d(x, f, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "filters"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let conv2d = OpEntry(
        name: "conv2d", kind: .arithmetic, inputs: ["input", "filters"], outputs: ["output"], attributes: conv2dAttributes,
        notes: ["input": "[N,H,W,Cin]", "filters": "[KH,KW,Cin/G,Cout]", "output": "[N,Ho,Wo,Cout]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, f) = (try c.input("input", as: T.self), try c.input("filters", as: T.self))
            let geometry = try? Conv2DGeometry(input: x.shape, filters: f.shape, attrs: attrs)
            let slack = geometry.map { g in Conv2DPlan(g, elementType: T.dtype).normwiseSlack(g, input: x, filters: f) } ?? 0
            return .arithmetic(T.self, flops: geometry?.flops, slack: slack, geometry: geometry,
                               reference: { try Reference.conv2dAccumulated(x, f, attrs) },
                               optimized: { try Optimized.conv2d(x, f, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "filters"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let depthwiseConv2d = OpEntry(
        name: "depthwise_conv2d", kind: .arithmetic, inputs: ["input", "filter"], outputs: ["output"], attributes: conv2dAttributes,
        notes: ["input": "[N,H,W,C]", "filter": "[KH,KW,C,M]", "output": "[N,Ho,Wo,C·M]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, f) = (try c.input("input", as: T.self), try c.input("filter", as: T.self))
            let flops = (try? DepthwiseGeometry(input: x.shape, filter: f.shape, attrs: attrs))?.flops
            return .arithmetic(T.self, flops: flops, reference: { try Reference.depthwiseConv2dAccumulated(x, f, attrs) },
                               optimized: { try Optimized.depthwiseConv2d(x, f, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "filter"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let separableConv2d = OpEntry(
        name: "separable_conv2d", kind: .arithmetic, inputs: ["input", "depthwise_filter", "pointwise_filter"],
        outputs: ["output"], attributes: conv2dAttributes, notes: ["input": "[N,H,W,C]", "depthwise_filter": "[KH,KW,C,M]", "pointwise_filter": "[1,1,C·M,F]", "output": "[N,Ho,Wo,F]"]
    ) { (c: inout CaseContext) in
        let attrs = try conv2DAttributes(c)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let x = try c.input("input", as: T.self)
            let (d, p) = (try c.input("depthwise_filter", as: T.self), try c.input("pointwise_filter", as: T.self))
            let depthwise = try? DepthwiseGeometry(input: x.shape, filter: d.shape, attrs: attrs)
            let flops = depthwise.map { g in g.flops + 2 * Double(g.outputShape.reduce(1, *)) * Double(p.shape.last ?? 0) }
            let pointwise = depthwise.flatMap { g in try? Conv2DGeometry(input: g.outputShape, filters: p.shape, attrs: Conv2DAttributes()) }
            return .arithmetic(T.self, flops: flops, geometry: pointwise, reference: { try Reference.separableConv2dAccumulated(x, d, p, attrs) },
                               optimized: { try Optimized.separableConv2d(x, d, p, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "depthwise_filter", "pointwise_filter"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }

    public static let conv2dAt = OpEntry(
        name: "conv2d_at", kind: .arithmetic, inputs: ["input", "kernel"], outputs: ["output"],
        attributes: [AttributeSpec("row"), AttributeSpec("col"), .optional("mode", "correlation", "or convolution"),
                     .optional("anchor", "corner", "or center")],
        notes: ["input": "[H,W]", "kernel": "[KH,KW]", "output": "[]"]
    ) { (c: inout CaseContext) in
        let mode = try c.string("mode", oneOf: Conv2DAtAttributes.Mode.allCases.map(\.rawValue))
        let anchor = try c.string("anchor", oneOf: Conv2DAtAttributes.Anchor.allCases.map(\.rawValue))
        let attrs = Conv2DAtAttributes(row: try c.int("row"), col: try c.int("col"),
                                       mode: Conv2DAtAttributes.Mode(rawValue: mode)!, anchor: Conv2DAtAttributes.Anchor(rawValue: anchor)!)
        func make<T: ConformFloat>(_: T.Type) throws(FixtureError) -> PreparedCase {
            let (x, k) = (try c.input("input", as: T.self), try c.input("kernel", as: T.self))
            let flops = (try? Reference.conv2dAtWindow(x.shape, k.shape, attrs)).map { 2 * Double($0.rows.count * $0.cols.count) }
            return .arithmetic(T.self, flops: flops, reference: { try Reference.conv2dAtAccumulated(x, k, attrs) },
                               optimized: { try Optimized.conv2dAt(x, k, attrs) })
        }
        let dtype = try c.floatDType(of: ["input", "kernel"])
        return try dtype == .float16 ? make(Float16.self) : dtype == .float32 ? make(Float.self) : make(Double.self)
    }
}
