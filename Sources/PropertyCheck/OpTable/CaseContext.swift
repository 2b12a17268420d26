import Formats
import Reference

/// A fixture case being decoded: typed access to its attributes and input tensors, every
/// failure a `FixtureError` naming the file, the case and the field.
public struct CaseContext {
    public let fixtureCase: FixtureCase
    /// The manifest's path, as errors name it.
    public let file: String
    let load: (String, String) throws(FixtureError) -> AnyTensor
    private var loaded: [String: AnyTensor] = [:]
    /// The defaults of the attributes the case leaves out, from its op's schema (`OpEntry.prepare` sets them).
    var defaults: [(String, JSONValue)] = []
    /// The inputs loaded so far, by name (every one the op read, once decoding is done).
    public var loadedInputs: [String: AnyTensor] { loaded }

    public var caseID: String { fixtureCase.id }

    /// A context over a case whose tensors come from `load(fileName, field)`.
    public init(fixtureCase: FixtureCase, file: String,
                load: @escaping (String, String) throws(FixtureError) -> AnyTensor) {
        self.fixtureCase = fixtureCase
        self.file = file
        self.load = load
    }

    func error(_ kind: FixtureError.Kind, _ field: String, expected: String, actual: String) -> FixtureError {
        FixtureError(kind, file: file, caseID: caseID, field: field, expected: expected, actual: actual)
    }

    /// Rejects attribute, input and output names the op does not have; requires the mandatory ones.
    func checkNames(_ entry: OpEntry) throws(FixtureError) {
        for (key, _) in fixtureCase.attrs where !entry.attrs.contains(key) {
            throw error(.unexpectedField, "attrs.\(key)", expected: "one of " + entry.attrs.joined(separator: ", "), actual: "\"\(key)\"")
        }
        let allowedInputs = entry.inputs + entry.optionalInputs
        for (name, _) in fixtureCase.inputs where !allowedInputs.contains(name) {
            throw error(.unexpectedField, "inputs.\(name)",
                        expected: allowedInputs.isEmpty ? "no inputs" : "one of " + allowedInputs.joined(separator: ", "), actual: "\"\(name)\"")
        }
        for name in entry.inputs where !fixtureCase.inputs.contains(where: { $0.0 == name }) {
            throw error(.missingField, "inputs.\(name)", expected: "a .npy file name", actual: "nothing")
        }
        let allowedOutputs = entry.outputs + entry.optionalOutputs
        for (name, _) in fixtureCase.outputs where !allowedOutputs.contains(name) {
            throw error(.unexpectedField, "outputs.\(name)", expected: "one of " + allowedOutputs.joined(separator: ", "), actual: "\"\(name)\"")
        }
        for name in entry.outputs where !fixtureCase.outputs.contains(where: { $0.0 == name }) {
            throw error(.missingField, "outputs.\(name)", expected: "a .npy file name", actual: "nothing")
        }
    }

    // MARK: tensors

    /// Whether the case names an input.
    public func has(input name: String) -> Bool { fixtureCase.inputs.contains { $0.0 == name } }

    /// Loads input `name` (once).
    public mutating func input(_ name: String) throws(FixtureError) -> AnyTensor {
        if let t = loaded[name] { return t }
        guard let file = fixtureCase.inputs.first(where: { $0.0 == name })?.1 else {
            throw error(.missingField, "inputs.\(name)", expected: "a .npy file name", actual: "nothing")
        }
        let t = try load(file, "inputs.\(name)")
        loaded[name] = t
        return t
    }

    /// Loads input `name` as a tensor of `T`.
    public mutating func input<T: ConformFloat>(_ name: String, as _: T.Type) throws(FixtureError) -> Tensor<T> {
        let t = try input(name)
        guard let typed = T.unerase(t) else {
            throw error(.wrongType, "inputs.\(name)", expected: "dtype \(T.dtype.npyDescr)", actual: t.dtype.npyDescr)
        }
        return typed
    }

    /// Loads an int64 input.
    public mutating func int64Input(_ name: String) throws(FixtureError) -> Tensor<Int64> {
        let t = try input(name)
        guard case let .int64(typed) = t else {
            throw error(.wrongType, "inputs.\(name)", expected: "dtype <i8", actual: t.dtype.npyDescr)
        }
        return typed
    }

    /// The float dtype shared by the named inputs (float16, float32 or float64).
    public mutating func floatDType(of names: [String]) throws(FixtureError) -> DType {
        let first = try input(names[0])
        guard first.dtype.isFloatingPoint else {
            throw error(.wrongType, "inputs.\(names[0])", expected: "dtype <f2, <f4 or <f8", actual: first.dtype.npyDescr)
        }
        for name in names.dropFirst() {
            let t = try input(name)
            guard t.dtype == first.dtype else {
                throw error(.wrongType, "inputs.\(name)", expected: "dtype \(first.dtype.npyDescr) like inputs.\(names[0])",
                            actual: t.dtype.npyDescr)
            }
        }
        return first.dtype
    }

    // MARK: attributes

    /// The raw value of attribute `key`: the case's, else its op's schema default (the one source
    /// of defaults: the readers below take none of their own); nil when neither.
    public func attr(_ key: String) -> JSONValue? {
        fixtureCase.attrs.first { $0.0 == key }?.1 ?? defaults.first { $0.0 == key }?.1
    }

    public func int(_ key: String) throws(FixtureError) -> Int {
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: "an integer", actual: "nothing")
        }
        guard let n = v.int else { throw error(.wrongType, "attrs.\(key)", expected: "an integer", actual: v.description) }
        return n
    }

    /// An integer that may be null (absent or null gives nil).
    public func optionalInt(_ key: String) throws(FixtureError) -> Int? {
        guard let v = attr(key), !v.isNull else { return nil }
        guard let n = v.int else { throw error(.wrongType, "attrs.\(key)", expected: "an integer or null", actual: v.description) }
        return n
    }

    public func int64(_ key: String) throws(FixtureError) -> Int64 {
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: "an integer", actual: "nothing")
        }
        guard case let .number(text) = v, let n = Int64(text) ?? v.int.map(Int64.init) else {
            throw error(.wrongType, "attrs.\(key)", expected: "a 64-bit integer", actual: v.description)
        }
        return n
    }

    /// A number that may be null (absent or null gives nil).
    public func double(_ key: String) throws(FixtureError) -> Double? {
        guard let v = attr(key), !v.isNull else { return nil }
        guard let d = v.double else { throw error(.wrongType, "attrs.\(key)", expected: "a number", actual: v.description) }
        return d
    }

    public func bool(_ key: String) throws(FixtureError) -> Bool {
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: "true or false", actual: "nothing")
        }
        guard let b = v.bool else { throw error(.wrongType, "attrs.\(key)", expected: "true or false", actual: v.description) }
        return b
    }

    public func string(_ key: String, oneOf choices: [String]) throws(FixtureError) -> String {
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: "one of " + choices.joined(separator: ", "), actual: "nothing")
        }
        guard let s = v.string, choices.contains(s) else {
            throw error(v.string == nil ? .wrongType : .invalidInput, "attrs.\(key)",
                        expected: "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "), actual: v.description)
        }
        return s
    }

    /// A list of integers; a bare integer is accepted as a one-element list when `scalarOK`.
    public func ints(_ key: String, scalarOK: Bool = false) throws(FixtureError) -> [Int] {
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: "a list of integers", actual: "nothing")
        }
        if scalarOK, let n = v.int { return [n] }
        guard let items = v.array else { throw error(.wrongType, "attrs.\(key)", expected: "a list of integers", actual: v.description) }
        var out = [Int]()
        for (i, item) in items.enumerated() {
            guard let n = item.int else { throw error(.wrongType, "attrs.\(key)[\(i)]", expected: "an integer", actual: item.description) }
            out.append(n)
        }
        return out
    }

    /// A convolution padding: `"VALID"`, `"SAME"`, `"CAUSAL"` (when allowed) or `[[b, a], ...]`.
    public func padding(_ key: String = "padding", allowCausal: Bool) throws(FixtureError) -> Padding {
        let names = allowCausal ? ["VALID", "SAME", "CAUSAL"] : ["VALID", "SAME"]
        guard let v = attr(key) else {
            throw error(.missingField, "attrs.\(key)", expected: names.joined(separator: ", ") + " or [[before, after], ...]", actual: "nothing")
        }
        if let s = v.string {
            switch s {
            case "VALID": return .valid
            case "SAME": return .same
            case "CAUSAL" where allowCausal: return .causal
            default:
                throw error(.invalidInput, "attrs.\(key)", expected: names.map { "\"\($0)\"" }.joined(separator: ", ") + " or explicit pairs", actual: v.description)
            }
        }
        guard let rows = v.array else {
            throw error(.wrongType, "attrs.\(key)", expected: "a string or a list of [before, after] pairs", actual: v.description)
        }
        var pairs = [PadPair]()
        for (i, row) in rows.enumerated() {
            guard let pair = row.array, pair.count == 2, let b = pair[0].int, let a = pair[1].int else {
                throw error(.wrongType, "attrs.\(key)[\(i)]", expected: "a [before, after] pair of integers", actual: row.description)
            }
            pairs.append(PadPair(b, a))
        }
        return .explicit(pairs)
    }
}
