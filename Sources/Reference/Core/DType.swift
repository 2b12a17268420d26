/// The element types a fixture tensor may hold, named as NumPy's `descr` strings name them.
public enum DType: String, Sendable, CaseIterable, Equatable {
    case float16, float32, float64, int32, int64, bool

    /// The NumPy `descr` of this type in little-endian byte order (`<f4`, `|b1`, ...).
    public var npyDescr: String {
        switch self {
        case .float16: "<f2"
        case .float32: "<f4"
        case .float64: "<f8"
        case .int32: "<i4"
        case .int64: "<i8"
        case .bool: "|b1"
        }
    }

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float16: 2
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .bool: 1
        }
    }

    /// Parses a NumPy `descr`; `=` and `|` count as little-endian on this (little-endian) host.
    public init?(npyDescr: String) {
        switch npyDescr {
        case "<f2", "=f2": self = .float16
        case "<f4", "=f4": self = .float32
        case "<f8", "=f8": self = .float64
        case "<i4", "=i4": self = .int32
        case "<i8", "=i8": self = .int64
        case "|b1", "<b1", "=b1", "?": self = .bool
        default: return nil
        }
    }

    public var isFloatingPoint: Bool { self == .float16 || self == .float32 || self == .float64 }
}
