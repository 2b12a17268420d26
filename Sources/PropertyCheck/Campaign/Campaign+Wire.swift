import Formats
import Optimized
import Reference

/// Campaign results as JSON lines, for a supervised case run in a child process.
extension Campaign.Failure {
    public var json: JSONValue {
        .object([
            ("property", .string(property)), ("op", .string(op)), ("case", JSONValue(caseIndex)), ("fill", .string(fill.rawValue)),
            ("original_elements", JSONValue(originalElements)), ("shrunk", shrunk.json), ("message", .string(message)),
            ("steps", JSONValue(shrinkSteps)), ("isa", execution.isa.map { .string($0.rawValue) } ?? .null),
            ("threads", execution.threads.map { JSONValue($0) } ?? .null), ("thread_dependent", .bool(threadDependent)),
            ("candidate", candidate.map { .string($0) } ?? .null),
        ])
    }

    public init(json: JSONValue) throws(FixtureError) {
        func field<T>(_ key: String, _ value: T?) throws(FixtureError) -> T {
            guard let value else {
                throw FixtureError(.missingField, file: "(worker)", field: key, expected: "a value", actual: json[key]?.description ?? "nothing")
            }
            return value
        }
        let shrunkJSON = try field("shrunk", json["shrunk"])
        self.init(property: try field("property", json["property"]?.string), op: try field("op", json["op"]?.string),
                  caseIndex: try field("case", json["case"]?.int), fill: try field("fill", json["fill"]?.string.flatMap(Fill.init(rawValue:))),
                  originalElements: try field("original_elements", json["original_elements"]?.int),
                  shrunk: try GeneratedCase(json: shrunkJSON), message: try field("message", json["message"]?.string),
                  shrinkSteps: try field("steps", json["steps"]?.int),
                  execution: Execution(isa: json["isa"]?.string.flatMap(Execution.ISA.init(rawValue:)), threads: json["threads"]?.int))
        threadDependent = json["thread_dependent"]?.bool ?? false
        candidate = json["candidate"]?.string
    }
}

extension Campaign.CaseOutcome {
    public var json: JSONValue {
        switch self {
        case .pass: .object([("outcome", .string("pass"))])
        case .discard: .object([("outcome", .string("discard"))])
        case let .mistrusted(f): .object([("outcome", .string("mistrusted")), ("failure", f.json)])
        case let .fail(fs): .object([("outcome", .string("fail")), ("failures", .array(fs.map(\.json)))])
        case let .acceptsInvalid(f): .object([("outcome", .string("accepts-invalid")), ("failure", f.json)])
        case let .quirk(f): .object([("outcome", .string("quirk")), ("failure", f.json)])
        }
    }

    public init(json: JSONValue) throws(FixtureError) {
        switch json["outcome"]?.string {
        case "pass": self = .pass
        case "discard": self = .discard
        case "mistrusted":
            guard let f = json["failure"] else { throw Self.bad(json) }
            self = .mistrusted(try Campaign.Failure(json: f))
        case "quirk":
            guard let f = json["failure"] else { throw Self.bad(json) }
            self = .quirk(try Campaign.Failure(json: f))
        case "accepts-invalid":
            guard let f = json["failure"] else { throw Self.bad(json) }
            self = .acceptsInvalid(try Campaign.Failure(json: f))
        case "fail":
            guard let items = json["failures"]?.array else { throw Self.bad(json) }
            var failures = [Campaign.Failure]()
            for item in items { failures.append(try Campaign.Failure(json: item)) }
            self = .fail(failures)
        default: throw Self.bad(json)
        }
    }

    static func bad(_ json: JSONValue) -> FixtureError {
        FixtureError(.invalidInput, file: "(worker)", field: "outcome", expected: "a case outcome", actual: json.description)
    }
}
