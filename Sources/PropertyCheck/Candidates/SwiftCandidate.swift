import Formats
import Reference

/// A candidate written in Swift: a name plus typed functions for the ops it offers, over Conform's
/// tensor type (float32). A downstream package registers its own implementations and gates on
/// them with `ConformTesting.check` in its own `swift test`.
///
///     let mine = SwiftCandidate(name: "my-ops")
///         .conv1d { x, f, attrs in try MyOps.conv1d(x, f, strides: attrs.strides[0], padding: attrs.padding) }
///         .frame { signal, attrs in MyOps.frame(signal, length: attrs.frameLength, step: attrs.frameStep) }
public struct SwiftCandidate: Candidate {
    public typealias Body = @Sendable (_ attrs: [(String, JSONValue)], _ inputs: [(String, AnyTensor)]) throws -> [String: AnyTensor]

    public let name: String
    private var bodies: [String: Body] = [:]
    /// The ops registered through a typed (float32) function.
    private var float32Only: Set<String> = []

    public init(name: String) { self.name = name }

    public var ops: Set<String> { Set(bodies.keys) }
    public var command: String? { nil }

    /// Any op, on tensors of any dtype: `attrs` with defaults filled in, inputs and outputs by name.
    public func op(_ name: String, _ body: @escaping Body) -> SwiftCandidate {
        var copy = self
        copy.bodies[name] = body
        copy.float32Only.remove(name)
        return copy
    }

    /// An op registered through a typed function: offered float32 cases only.
    private func float32(_ name: String, _ body: @escaping Body) -> SwiftCandidate {
        var copy = op(name, body)
        copy.float32Only.insert(name)
        return copy
    }

    /// conv2d_backprop_input on float32: `input_sizes` (the forward input's shape), `filter
    /// [KH, KW, Cin/G, Cout]`, `out_backprop [N, Ho, Wo, Cout]`; returns `[N, H, W, Cin]`.
    public func conv2dBackpropInput(
        _ body: @escaping @Sendable ([Int], Tensor<Float>, Tensor<Float>, Conv2DAttributes) throws -> Tensor<Float>
    ) -> SwiftCandidate {
        float32("conv2d_backprop_input") { attrs, inputs in
            let c = Self.context("conv2d_backprop_input", attrs)
            return ["output": .float32(try body(try c.ints("input_sizes"), try Self.float32(inputs, "filter"), try Self.float32(inputs, "out_backprop"),
                                                try OpEntry.conv2DAttributes(c)))]
        }
    }

    /// conv2d_backprop_filter on float32: `input [N, H, W, Cin]`, `filter_sizes` (the forward
    /// filter's shape), `out_backprop [N, Ho, Wo, Cout]`; returns `[KH, KW, Cin/G, Cout]`.
    public func conv2dBackpropFilter(
        _ body: @escaping @Sendable (Tensor<Float>, [Int], Tensor<Float>, Conv2DAttributes) throws -> Tensor<Float>
    ) -> SwiftCandidate {
        float32("conv2d_backprop_filter") { attrs, inputs in
            let c = Self.context("conv2d_backprop_filter", attrs)
            return ["output": .float32(try body(try Self.float32(inputs, "input"), try c.ints("filter_sizes"), try Self.float32(inputs, "out_backprop"),
                                                try OpEntry.conv2DAttributes(c)))]
        }
    }

    /// conv1d on float32: `input [N, W, Cin]`, `filters [K, Cin/G, Cout]`.
    public func conv1d(_ body: @escaping @Sendable (Tensor<Float>, Tensor<Float>, Conv1DAttributes) throws -> Tensor<Float>) -> SwiftCandidate {
        float32("conv1d") { attrs, inputs in
            let c = Self.context("conv1d", attrs)
            return ["output": .float32(try body(try Self.float32(inputs, "input"), try Self.float32(inputs, "filters"), try OpEntry.conv1DAttributes(c)))]
        }
    }

    /// conv2d on float32: `input [N, H, W, Cin]`, `filters [KH, KW, Cin/G, Cout]`.
    public func conv2d(_ body: @escaping @Sendable (Tensor<Float>, Tensor<Float>, Conv2DAttributes) throws -> Tensor<Float>) -> SwiftCandidate {
        float32("conv2d") { attrs, inputs in
            let c = Self.context("conv2d", attrs)
            return ["output": .float32(try body(try Self.float32(inputs, "input"), try Self.float32(inputs, "filters"), try OpEntry.conv2DAttributes(c)))]
        }
    }

    /// frame on float32 signals.
    public func frame(_ body: @escaping @Sendable (Tensor<Float>, FrameAttributes) throws -> Tensor<Float>) -> SwiftCandidate {
        float32("frame") { attrs, inputs in
            ["output": .float32(try body(try Self.float32(inputs, "signal"), try OpEntry.frameAttributes(Self.context("frame", attrs))))]
        }
    }

    /// Typed functions take float32; a case in another dtype is not offered to them.
    public func offers(op: String, inputs: [(String, AnyTensor)]) -> Bool {
        guard bodies[op] != nil else { return false }
        return !float32Only.contains(op) || inputs.allSatisfy { $0.1.dtype == .float32 }
    }

    public func run(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputs: [String]) throws(CandidateError)
        -> [String: AnyTensor] {
        guard let body = bodies[op] else { throw .refused("\(name) does not offer \(op)") }
        do { return try body(attrs, inputs) } catch let error as OpError { throw .refused("\(error)") } catch let error as FixtureError {
            throw .refused("\(error)")
        } catch { throw .refused("\(error)") }
    }

    static func context(_ op: String, _ attrs: [(String, JSONValue)]) -> CaseContext {
        CaseContext(fixtureCase: FixtureCase(id: "\(op)", op: op, attrs: attrs, inputs: [], outputs: []), file: "(candidate)") { _, field throws(FixtureError) in
            throw FixtureError(.missingField, file: "(candidate)", field: field, expected: "no file", actual: "a request")
        }
    }

    static func float32(_ inputs: [(String, AnyTensor)], _ name: String) throws -> Tensor<Float> {
        guard case let .float32(t)? = inputs.first(where: { $0.0 == name })?.1 else {
            throw OpError(op: "candidate", field: name, expected: "a float32 tensor", actual: "\(inputs.first { $0.0 == name }?.1.dtype.rawValue ?? "nothing")")
        }
        return t
    }
}

extension Candidate {
    /// Whether the candidate computes this case (by default: every case of the ops it offers).
    public func offers(op: String, inputs: [(String, AnyTensor)]) -> Bool { ops.contains(op) }
}
