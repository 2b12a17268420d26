import Reference
/// A typed error for an unusable fixture: the file, the case, the field, expected vs actual.
public struct FixtureError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case io = "unreadable file"
        case output = "unwritable output"
        case malformedJSON = "malformed JSON"
        case unsupportedFormat = "unsupported format"
        case missingField = "missing field"
        case unexpectedField = "unexpected field"
        case wrongType = "wrong type"
        case duplicateID = "duplicate case id"
        case unknownOp = "unknown op"
        case pathEscapes = "path leaves the fixture folder"
        case badNPY = "bad .npy file"
        case invalidInput = "input inconsistent with its op"
        /// Files to merge that are not the shards of one campaign.
        case shardsDisagree = "shards that do not make one campaign"
    }

    public var kind: Kind
    /// The manifest or `.npy` file at fault.
    public var file: String
    /// The case, when the error belongs to one.
    public var caseID: String?
    /// A path into the case (`attrs.strides`, `inputs.filters`) or the `.npy` header key.
    public var field: String
    public var expected: String
    public var actual: String
    /// For `.badNPY`, what the `.npy` reader found.
    public var npyKind: NPYError.Kind?

    public init(_ kind: Kind, file: String, caseID: String? = nil, field: String, expected: String, actual: String,
                npyKind: NPYError.Kind? = nil) {
        self.kind = kind
        self.file = file
        self.caseID = caseID
        self.field = field
        self.expected = expected
        self.actual = actual
        self.npyKind = npyKind
    }

    /// Wraps an op's validation error for a fixture case.
    public init(_ error: OpError, file: String, caseID: String) {
        self.init(.invalidInput, file: file, caseID: caseID, field: error.field,
                  expected: error.expected, actual: error.actual + " (\(error.op))")
    }

    /// Wraps a `.npy` reader error for the file a case names.
    public init(_ error: NPYError, file: String, caseID: String?, field: String) {
        self.init(.badNPY, file: file, caseID: caseID, field: "\(field) (\(error.field))",
                  expected: error.expected, actual: error.actual, npyKind: error.kind)
    }

    public var description: String {
        let what = npyKind.map { "\(kind.rawValue) (\($0.rawValue))" } ?? kind.rawValue
        let place = caseID.map { "\(file): case '\($0)'" } ?? file
        return "\(place): \(what): \(field): expected \(expected), got \(actual)"
    }
}
