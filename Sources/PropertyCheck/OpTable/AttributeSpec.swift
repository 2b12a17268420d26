import Formats

/// One attribute of an op in the fixture format: its name, what it takes, and what a case
/// without it means. The op table's schema is the one source of every default: decoding a case,
/// the attributes a candidate receives, and README's op table all read it.
public struct AttributeSpec: Sendable {
    /// What a case without the attribute means.
    public enum Absent: Sendable {
        /// The case must give it.
        case required
        /// This value.
        case value(JSONValue)
        /// A value that depends on the case's other attributes (nil: required there), and how the
        /// op table says so.
        case dependent(note: String, @Sendable ([(String, JSONValue)]) -> JSONValue?)
    }

    public let name: String
    /// What it takes, for people (`VALID/SAME/[[t,b],[l,r]]`); empty when the name says it.
    public let note: String
    public let absent: Absent

    public init(_ name: String, _ note: String = "", absent: Absent = .required) {
        self.name = name
        self.note = note
        self.absent = absent
    }

    /// An attribute whose absence means `value`.
    public static func optional(_ name: String, _ value: JSONValue, _ note: String = "") -> AttributeSpec {
        AttributeSpec(name, note, absent: .value(value))
    }

    /// The value a case with attributes `attrs` and without this one means; nil: none (required).
    public func defaultValue(given attrs: [(String, JSONValue)]) -> JSONValue? {
        switch absent {
        case .required: nil
        case let .value(value): value
        case let .dependent(_, rule): rule(attrs)
        }
    }

    /// How README's op table writes it: `` `name` `` then its note and default in parentheses.
    var tableText: String {
        var parts = [String]()
        switch absent {
        case .required: break
        case let .value(value): parts.append(value.tableText)
        case let .dependent(note, _): parts.append(note)
        }
        if !note.isEmpty { parts.append(note) }
        return "`\(name)`" + (parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")")
    }
}

extension JSONValue {
    /// A default as README's op table writes it: strings bare, lists without spaces.
    var tableText: String {
        if let s = string { return s }
        return description.replacingOccurrences(of: " ", with: "")
    }
}
