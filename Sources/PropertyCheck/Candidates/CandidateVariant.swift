import Formats
import Reference

/// One named axis of a candidate's execution paths, as its hello declares it: memory layout, an
/// engine flag, jit or eager, threads. A `request` axis is switched by the program per request (the
/// request names the value); a `process` axis by the environment a copy of the program starts
/// with, so Conform keeps one pool of copies per value.
public struct VariantAxis: Sendable, Equatable {
    public enum Scope: String, Sendable { case request, process }
    public var name: String
    public var scope: Scope
    /// The values, in the hello's order.
    public var values: [String]
    /// For a process axis: the environment each value starts the program with.
    public var environment: [String: [String: String]]

    public init(name: String, scope: Scope, values: [String], environment: [String: [String: String]] = [:]) {
        self.name = name
        self.scope = scope
        self.values = values
        self.environment = environment
    }

    /// Parses a hello's `variants` object; the error names the field at fault.
    public static func parse(_ json: JSONValue, command: String) throws(FixtureError) -> [VariantAxis] {
        guard let fields = json.object else {
            throw FixtureError(.wrongType, file: command, field: "hello.variants",
                               expected: "an object: axis name → {\"scope\": \"request\" or \"process\", \"values\": ...}", actual: json.description)
        }
        var axes = [VariantAxis]()
        for (name, spec) in fields {
            let field = "hello.variants.\(name)"
            guard !name.isEmpty, let scopeName = spec["scope"]?.string, let scope = Scope(rawValue: scopeName) else {
                throw FixtureError(.wrongType, file: command, field: field + ".scope", expected: "\"request\" or \"process\"",
                                   actual: spec["scope"]?.description ?? "nothing")
            }
            switch scope {
            case .request:
                guard let list = spec["values"]?.array, !list.isEmpty, list.allSatisfy({ $0.string?.isEmpty == false }) else {
                    throw FixtureError(.wrongType, file: command, field: field + ".values", expected: "a non-empty list of value names",
                                       actual: spec["values"]?.description ?? "nothing")
                }
                axes.append(VariantAxis(name: name, scope: .request, values: list.compactMap(\.string)))
            case .process:
                guard let values = spec["values"]?.object, !values.isEmpty else {
                    throw FixtureError(.wrongType, file: command, field: field + ".values",
                                       expected: "an object: value name → the environment variables it sets", actual: spec["values"]?.description ?? "nothing")
                }
                var environment = [String: [String: String]]()
                for (value, variables) in values {
                    guard !value.isEmpty, let pairs = variables.object, pairs.allSatisfy({ !$0.0.isEmpty && !$0.0.contains("=") && $0.1.string != nil }) else {
                        throw FixtureError(.wrongType, file: command, field: field + ".values.\(value)",
                                           expected: "an object of environment variables (name → string)", actual: variables.description)
                    }
                    environment[value] = Dictionary(pairs.map { ($0.0, $0.1.string!) }, uniquingKeysWith: { _, b in b })
                }
                axes.append(VariantAxis(name: name, scope: .process, values: values.map(\.0), environment: environment))
            }
        }
        return axes
    }
}

/// A choice of one value per axis: the execution path a case runs a candidate on.
public struct CandidateVariant: Sendable, Hashable, CustomStringConvertible {
    /// `(axis, value)`, in the axes' order.
    public var choices: [String: String]

    public init(_ choices: [String: String]) { self.choices = choices }

    /// `onednn=off, layout=nhwc`: what a finding names.
    public var description: String { choices.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }

    /// The variant the current case runs (nil: the program's defaults).
    @TaskLocal public static var current: CandidateVariant?

    /// Case `k`'s variant: one value per axis, drawn from the case's own stream.
    public static func draw(_ axes: [VariantAxis], seed: UInt64, caseIndex k: Int) -> CandidateVariant? {
        guard !axes.isEmpty else { return nil }
        var rng = SplitMix64(seed: seed ^ 0x7A41_A47E ^ (UInt64(k) &* 0xBF58_476D_1CE4_E5B9))
        _ = rng.next()
        return CandidateVariant(Dictionary(uniqueKeysWithValues: axes.map { ($0.name, $0.values[Int(rng.next() % UInt64($0.values.count))]) }))
    }

    /// Another variant of the same program: the next value along the first axis with more than one.
    public func other(_ axes: [VariantAxis]) -> CandidateVariant? {
        guard let axis = axes.first(where: { $0.values.count > 1 }), let value = choices[axis.name],
              let i = axis.values.firstIndex(of: value) else { return nil }
        var next = self
        next.choices[axis.name] = axis.values[(i + 1) % axis.values.count]
        return next
    }

    /// The JSON a repro carries.
    public var json: JSONValue { .object(choices.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

    /// Reads a repro's `variant` field.
    public init(json: JSONValue) throws(FixtureError) {
        guard let fields = json.object, fields.allSatisfy({ $0.1.string != nil }) else {
            throw FixtureError(.invalidInput, file: "(repro)", field: "variant", expected: "an object: axis → value", actual: json.description)
        }
        choices = Dictionary(fields.map { ($0.0, $0.1.string!) }, uniquingKeysWith: { _, b in b })
    }
}
