import Reference
/// Why a byte buffer is not a `.npy` file Conform can read.
public struct NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notNPY = "not a .npy file"
        case unsupportedVersion = "unsupported format version"
        case truncated = "truncated"
        case malformedHeader = "malformed header"
        case unsupportedDType = "unsupported dtype"
        case sizeMismatch = "shape/size mismatch"
    }

    public var kind: Kind
    /// The header key or region at fault: `magic`, `version`, `header`, `descr`, `fortran_order`, `shape`, `data`.
    public var field: String
    public var expected: String
    public var actual: String

    public init(_ kind: Kind, field: String, expected: String, actual: String) {
        self.kind = kind
        self.field = field
        self.expected = expected
        self.actual = actual
    }

    public var description: String { "\(kind.rawValue): \(field): expected \(expected), got \(actual)" }
}
