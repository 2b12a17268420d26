import Formats
import Foundation
import Reference

/// A case made by a generator: an op, its attributes as a fixture manifest writes them, and its
/// input tensors in memory. The same vocabulary as fixtures, so a generated case runs through the
/// op table, prints as a one-line repro, and saves as a regression fixture.
public struct GeneratedCase: Sendable, Equatable {
    public var op: String
    public var attrs: [(String, JSONValue)]
    public var inputs: [(String, AnyTensor)]

    public init(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)]) {
        self.op = op
        self.attrs = attrs
        self.inputs = inputs
    }

    public static func == (a: GeneratedCase, b: GeneratedCase) -> Bool {
        a.op == b.op && JSONValue.object(a.attrs) == JSONValue.object(b.attrs)
            && a.inputs.elementsEqual(b.inputs) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Input `name`.
    public func input(_ name: String) -> AnyTensor? { inputs.first { $0.0 == name }?.1 }

    /// A copy with input `name` replaced.
    public func replacing(_ name: String, with tensor: AnyTensor) -> GeneratedCase {
        var c = self
        if let i = c.inputs.firstIndex(where: { $0.0 == name }) { c.inputs[i].1 = tensor } else { c.inputs.append((name, tensor)) }
        return c
    }

    /// A copy with attribute `key` set.
    public func setting(_ key: String, _ value: JSONValue) -> GeneratedCase {
        var c = self
        if let i = c.attrs.firstIndex(where: { $0.0 == key }) { c.attrs[i].1 = value } else { c.attrs.append((key, value)) }
        return c
    }

    /// Total input elements: what "a handful of elements" counts.
    public var elementCount: Int { inputs.reduce(0) { $0 + $1.1.count } }

    /// The case as a fixture case whose tensors are named `<prefix>-<input>.npy`.
    public func fixtureCase(id: String, prefix: String, outputs: [String]) -> FixtureCase {
        FixtureCase(id: id, op: op, attrs: attrs, inputs: inputs.map { ($0.0, "\(prefix)-\($0.0).npy") },
                    outputs: outputs.map { ($0, "\(prefix)-expected-\($0).npy") })
    }

    /// Decodes through the op table, as `conform fixtures` would.
    public func prepare() throws(FixtureError) -> PreparedCase {
        guard let entry = OpTable.entry(named: op) else {
            throw FixtureError(.unknownOp, file: "(generated)", caseID: op, field: "op",
                               expected: "one of " + OpTable.names.joined(separator: ", "), actual: "\"\(op)\"")
        }
        let fixture = FixtureCase(id: "generated/\(op)", op: op, attrs: attrs, inputs: inputs.map { ($0.0, $0.0) },
                                  outputs: (entry.outputs + (inputs.contains { $0.0 == "targets" } ? entry.optionalOutputs : [])).map { ($0, $0) })
        let tensors = Dictionary(inputs, uniquingKeysWith: { a, _ in a })
        var context = CaseContext(fixtureCase: fixture, file: "(generated)") { name, field throws(FixtureError) in
            guard let t = tensors[name] else {
                throw FixtureError(.missingField, file: "(generated)", field: field, expected: "a tensor", actual: "nothing")
            }
            return t
        }
        return try entry.prepare(&context)
    }

    // MARK: one-line JSON

    /// The case as compact JSON: attributes, and every input with dtype, shape and values.
    public var json: JSONValue {
        .object([
            ("op", .string(op)), ("attrs", .object(attrs)),
            ("inputs", .object(inputs.map { name, t in
                (name, .object([("dtype", .string(t.dtype.rawValue)), ("shape", .array(t.shape.map { JSONValue($0) })),
                                ("values", .array((0..<t.count).map { Self.number(t, $0) }))]))
            })),
        ])
    }

    static func number(_ t: AnyTensor, _ i: Int) -> JSONValue {
        switch t {
        case let .bool(b): return .bool(b.scalars[i])
        case .int32, .int64: return .number(t.text(at: i))
        default:
            let d = t.double(at: i)
            return d.isFinite ? .number(t.text(at: i)) : .string(t.text(at: i))
        }
    }

    /// Rebuilds a case from its JSON form (what `conform replay` reads).
    public init(json: JSONValue) throws(FixtureError) {
        func bad(_ field: String, _ expected: String, _ actual: String) -> FixtureError {
            FixtureError(.wrongType, file: "(repro)", field: field, expected: expected, actual: actual)
        }
        guard let op = json["op"]?.string else { throw bad("op", "a string", json["op"]?.description ?? "nothing") }
        guard let attrs = json["attrs"]?.object else { throw bad("attrs", "an object", json["attrs"]?.description ?? "nothing") }
        var inputs = [(String, AnyTensor)]()
        for (name, value) in json["inputs"]?.object ?? [] {
            guard let dtypeName = value["dtype"]?.string, let dtype = DType(rawValue: dtypeName) else {
                throw bad("inputs.\(name).dtype", "float16, float32, float64, int32, int64 or bool", value["dtype"]?.description ?? "nothing")
            }
            guard let shapeItems = value["shape"]?.array, let values = value["values"]?.array else {
                throw bad("inputs.\(name)", "shape and values", value.description)
            }
            var shape = [Int](), count = 1
            for (i, item) in shapeItems.enumerated() {
                guard let d = item.int, d >= 0 else { throw bad("inputs.\(name).shape[\(i)]", "a non-negative integer", item.description) }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= 1 << 28 else {
                    throw bad("inputs.\(name).shape", "at most 2^28 elements", "\(shapeItems.map(\.description))")
                }
                (shape, count) = (shape + [d], product)
            }
            guard values.count == count else {
                throw bad("inputs.\(name).values", "\(count) values for shape \(shape)", "\(values.count) values")
            }
            func doubles() throws(FixtureError) -> [Double] {
                var out = [Double]()
                for v in values {
                    guard let d = v.double ?? v.string.flatMap(Double.init) else { throw bad("inputs.\(name).values", "numbers", v.description) }
                    out.append(d)
                }
                return out
            }
            do {
                switch dtype {
                case .float16: inputs.append((name, .float16(try Tensor(shape: shape, scalars: try doubles().map { Float16($0) }))))
                case .float32: inputs.append((name, .float32(try Tensor(shape: shape, scalars: try doubles().map { Float($0) }))))
                case .float64: inputs.append((name, .float64(try Tensor(shape: shape, scalars: try doubles()))))
                case .int32:
                    var ints = [Int32]()
                    for v in values {
                        guard let n = v.int, let i = Int32(exactly: n) else { throw bad("inputs.\(name).values", "32-bit integers", v.description) }
                        ints.append(i)
                    }
                    inputs.append((name, .int32(try Tensor(shape: shape, scalars: ints))))
                case .int64:
                    var ints = [Int64]()
                    for v in values {
                        guard case let .number(t) = v, let i = Int64(t) else { throw bad("inputs.\(name).values", "64-bit integers", v.description) }
                        ints.append(i)
                    }
                    inputs.append((name, .int64(try Tensor(shape: shape, scalars: ints))))
                case .bool:
                    var flags = [Bool]()
                    for v in values {
                        guard let b = v.bool else { throw bad("inputs.\(name).values", "true or false", v.description) }
                        flags.append(b)
                    }
                    inputs.append((name, .bool(try Tensor(shape: shape, scalars: flags))))
                }
            } catch let error as TensorError {
                throw bad("inputs.\(name)", "values matching the shape", "\(error)")
            } catch let error as FixtureError { throw error } catch { throw bad("inputs.\(name)", "a tensor", "\(error)") }
        }
        self.init(op: op, attrs: attrs, inputs: inputs)
    }
}
