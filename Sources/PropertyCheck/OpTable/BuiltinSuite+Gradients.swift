import Formats
import Optimized
import Reference

extension BuiltinSuite {
    /// The gradient ops' benchmark cases (their descriptors list them).
    static let gradientCases: [BenchCase] = [
        backpropInput("conv2d_backprop_input/resnet-56x56x64-k3", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same)),
        backpropInput("conv2d_backprop_input/strided-112x112x64-k3-s2", [1, 112, 112, 64], [3, 3, 64, 128],
                      Conv2DAttributes(strides: [2, 2], padding: .same)),
        backpropFilter("conv2d_backprop_filter/resnet-56x56x64-k3", [1, 56, 56, 64], [3, 3, 64, 64], Conv2DAttributes(padding: .same)),
        backpropFilter("conv2d_backprop_filter/strided-112x112x64-k3-s2", [1, 112, 112, 64], [3, 3, 64, 128],
                       Conv2DAttributes(strides: [2, 2], padding: .same)),
    ]

    /// An input-gradient case: the gradient of conv2d of an input of `x`'s shape with `f`, under `attrs`.
    static func backpropInput(_ id: String, _ x: [Int], _ f: [Int], _ attrs: Conv2DAttributes) -> BenchCase {
        let op = "conv2d_backprop_input"
        let shape = "∂x " + describe(x, f, attrs.padding, strides: attrs.strides, dilations: attrs.dilations, .float32)
        let g: Conv2DGeometry
        do { g = try Conv2DGeometry(op: op, input: x, filters: f, attrs: attrs) } catch { return refused(id, op: op, shape: shape, error) }
        let dyShape = g.outputShape
        let elements = x.reduce(1, *) + f.reduce(1, *) + dyShape.reduce(1, *)
        return BenchCase(id: id, op: op, shape: shape, flops: g.flops, bytes: 4 * Double(elements), fixtureForm: {
            GeneratedCase(op: op, attrs: [("input_sizes", ints(x)), ("strides", ints(attrs.strides)), ("padding", padding(attrs.padding)),
                                          ("dilations", ints(attrs.dilations))],
                          inputs: [("filter", .float32(floats(f, seed: 2))), ("out_backprop", .float32(floats(dyShape, seed: 3)))])
        }) {
            let (w, dy) = (floats(f, seed: 2), floats(dyShape, seed: 3))
            return .init(reference: { _ = try Reference.conv2dBackpropInput(inputSizes: x, w, dy, attrs) },
                         optimized: { _ = try Optimized.conv2dBackpropInput(inputSizes: x, w, dy, attrs) })
        }
    }

    /// A filter-gradient case: the gradient of conv2d of `x` with a filter of `f`'s shape, under `attrs`.
    static func backpropFilter(_ id: String, _ x: [Int], _ f: [Int], _ attrs: Conv2DAttributes) -> BenchCase {
        let op = "conv2d_backprop_filter"
        let shape = "∂w " + describe(x, f, attrs.padding, strides: attrs.strides, dilations: attrs.dilations, .float32)
        let g: Conv2DGeometry
        do { g = try Conv2DGeometry(op: op, input: x, filters: f, attrs: attrs) } catch { return refused(id, op: op, shape: shape, error) }
        let dyShape = g.outputShape
        let elements = x.reduce(1, *) + f.reduce(1, *) + dyShape.reduce(1, *)
        return BenchCase(id: id, op: op, shape: shape, flops: g.flops, bytes: 4 * Double(elements), fixtureForm: {
            GeneratedCase(op: op, attrs: [("filter_sizes", ints(f)), ("strides", ints(attrs.strides)), ("padding", padding(attrs.padding)),
                                          ("dilations", ints(attrs.dilations))],
                          inputs: [("input", .float32(floats(x, seed: 1))), ("out_backprop", .float32(floats(dyShape, seed: 3)))])
        }) {
            let (input, dy) = (floats(x, seed: 1), floats(dyShape, seed: 3))
            return .init(reference: { _ = try Reference.conv2dBackpropFilter(input, filterSizes: f, dy, attrs) },
                         optimized: { _ = try Optimized.conv2dBackpropFilter(input, filterSizes: f, dy, attrs) })
        }
    }
}
