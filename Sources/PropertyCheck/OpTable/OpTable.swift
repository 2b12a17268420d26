import Formats
import Reference

/// The op table: every op of docs/OPS.md, once.
public enum OpTable {
    public static let all: [OpEntry] = [
        .conv1d, .conv2d, .depthwiseConv2d, .separableConv2d, .conv2dAt, .extractGlimpse,
        .timeseriesWindows, .frame, .countParams, .statelessUniform, .epochPairing,
    ]

    /// The entry named `name`, as fixtures name ops.
    public static func entry(named name: String) -> OpEntry? { all.first { $0.name == name } }

    /// The op names, in table order.
    public static var names: [String] { all.map(\.name) }

    /// The attributes a candidate receives: the case's, with every default filled in (docs/CANDIDATES.md).
    public static func filledAttributes(_ op: String, _ attrs: [(String, JSONValue)]) -> [(String, JSONValue)] {
        entry(named: op)?.filled(attrs) ?? attrs
    }
}
