import Formats
import Reference

/// One op in the one op table that the tests, the tester, the benchmarks and the reporter walk.
///
/// An entry knows the op's fixture vocabulary (inputs, outputs, attributes) and how to turn a
/// fixture case into runnable closures for each implementation.
public struct OpEntry: Sendable {
    /// Arithmetic ops are judged within the tolerance model's bound, exact ops bit for bit.
    public enum Kind: String, Sendable { case arithmetic, exact }

    public let name: String
    public let kind: Kind
    public let inputs: [String]
    public let optionalInputs: [String]
    public let outputs: [String]
    public let optionalOutputs: [String]
    /// The attribute schema: names, what each takes, and every default.
    public let attributes: [AttributeSpec]
    /// What a tensor holds, by name, for people (`[N,W,Cin]`, `int64`).
    public let notes: [String: String]
    let decode: @Sendable (inout CaseContext) throws -> PreparedCase

    init(name: String, kind: Kind, inputs: [String], optionalInputs: [String] = [], outputs: [String],
         optionalOutputs: [String] = [], attributes: [AttributeSpec], notes: [String: String] = [:],
         prepare: @escaping @Sendable (inout CaseContext) throws -> PreparedCase) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.optionalInputs = optionalInputs
        self.outputs = outputs
        self.optionalOutputs = optionalOutputs
        self.attributes = attributes
        self.notes = notes
        self.decode = prepare
    }

    /// The attribute names.
    public var attrs: [String] { attributes.map(\.name) }

    /// The defaults of the attributes `attrs` leave out (those the schema gives one).
    public func defaults(leftOutBy attrs: [(String, JSONValue)]) -> [(String, JSONValue)] {
        attributes.compactMap { spec in
            attrs.contains { $0.0 == spec.name } ? nil : spec.defaultValue(given: attrs).map { (spec.name, $0) }
        }
    }

    /// `attrs` with every default they leave out filled in: what a candidate receives.
    public func filled(_ attrs: [(String, JSONValue)]) -> [(String, JSONValue)] { attrs + defaults(leftOutBy: attrs) }

    /// Decodes a case: checks its names, loads its inputs, parses its attributes.
    ///
    /// - Throws: `FixtureError` for anything unusable in the case.
    public func prepare(_ context: inout CaseContext) throws(FixtureError) -> PreparedCase {
        try context.checkNames(self)
        context.defaults = defaults(leftOutBy: context.fixtureCase.attrs)
        do { return try decode(&context) } catch let error as FixtureError { throw error } catch let error as OpError {
            throw FixtureError(error, file: context.file, caseID: context.caseID)
        } catch {
            throw context.error(.invalidInput, "(case)", expected: "a decodable case", actual: "\(error)")
        }
    }
}

/// What a reference run produces: outputs by name, and for arithmetic outputs the Float64
/// accumulation the tolerance model needs.
public struct ReferenceRun: Sendable {
    public var outputs: [String: AnyTensor]
    public var accumulated: [String: Accumulated]
    /// The unit roundoff of the arithmetic outputs' dtype.
    public var unitRoundoff: Double
    /// A norm-wise error term the optimized algorithm adds (FFT convolution); 0 otherwise.
    public var optimizedSlack: Double

    public init(outputs: [String: AnyTensor], accumulated: [String: Accumulated] = [:], unitRoundoff: Double = 0,
                optimizedSlack: Double = 0) {
        self.outputs = outputs
        self.accumulated = accumulated
        self.unitRoundoff = unitRoundoff
        self.optimizedSlack = optimizedSlack
    }
}

/// A decoded case, ready to run under each implementation and be judged.
public struct PreparedCase: Sendable {
    public typealias Judge = @Sendable (Implementation, _ got: [String: AnyTensor], _ expected: [String: AnyTensor],
                                        ReferenceRun) -> [OutputCheck]

    /// Runs the reference.
    public let reference: @Sendable () throws -> ReferenceRun
    /// Runs the optimized implementation, where the op has one.
    public let optimized: (@Sendable () throws -> [String: AnyTensor])?
    /// Compares outputs with the expected ones; the default judges arithmetic outputs within
    /// the bound and everything else bit for bit.
    public let judge: Judge
    /// Floating-point operations of one run, taps in the padding excluded; nil for non-arithmetic ops.
    public let flops: Double?
    /// The norm-wise error term of the algorithm the optimized op will use (FFT), as decided when
    /// the case was prepared (under the `Execution` then in force); 0 for elementwise-bounded paths.
    public let optimizedSlack: Double
    /// The conv2d geometry the optimized op plans an algorithm for (conv1d's height-1 conv2d,
    /// separable's pointwise stage); nil for ops without an algorithm choice or invalid cases.
    public let plannedGeometry: Conv2DGeometry?

    public init(reference: @escaping @Sendable () throws -> ReferenceRun,
                optimized: (@Sendable () throws -> [String: AnyTensor])?,
                judge: Judge? = nil, flops: Double? = nil, optimizedSlack: Double = 0, plannedGeometry: Conv2DGeometry? = nil) {
        self.plannedGeometry = plannedGeometry
        self.reference = reference
        self.optimized = optimized
        self.judge = judge ?? PreparedCase.defaultJudge
        self.flops = flops
        self.optimizedSlack = optimizedSlack
    }

    /// The implementations this case can run.
    public var implementations: [Implementation] { optimized == nil ? [.reference] : [.reference, .optimized] }

    public static let defaultJudge: Judge = { implementation, got, expected, run in
        expected.keys.sorted().map { name in
            guard let g = got[name], let e = expected[name] else {
                return .mismatched(name, "the implementation produced no output named \(name)")
            }
            if let acc = run.accumulated[name] {
                return .bounded(name, got: g, expected: e, accumulated: acc, unitRoundoff: run.unitRoundoff,
                                implementation: implementation, slack: run.optimizedSlack)
            }
            return .exact(name, got: g, expected: e)
        }
    }

    /// An arithmetic case with one output named `output`.
    static func arithmetic<T: ConformFloat>(
        _: T.Type, flops: Double?, slack: Double = 0, geometry: Conv2DGeometry? = nil,
        reference: @escaping @Sendable () throws -> Accumulated,
        optimized: (@Sendable () throws -> Tensor<T>)?
    ) -> PreparedCase {
        let runReference: @Sendable () throws -> ReferenceRun = {
            let acc = try reference()
            return ReferenceRun(outputs: ["output": acc.rounded(to: T.self).erased], accumulated: ["output": acc],
                                unitRoundoff: T.unitRoundoff, optimizedSlack: slack)
        }
        var runOptimized: (@Sendable () throws -> [String: AnyTensor])? = nil
        if let optimized {
            runOptimized = { @Sendable in ["output": try optimized().erased] }
        }
        return PreparedCase(reference: runReference, optimized: runOptimized, flops: flops, optimizedSlack: slack,
                            plannedGeometry: geometry)
    }
}
