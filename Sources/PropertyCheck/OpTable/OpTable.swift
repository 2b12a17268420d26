import Formats
import Reference

/// The op table: every op of docs/OPS.md, once, as its descriptor.
public enum OpTable {
    public static let descriptors: [OpDescriptor] = [
        .conv1d, .conv2d, .depthwiseConv2d, .separableConv2d, .conv2dAt, .conv2dBackpropInput, .conv2dBackpropFilter,
        .depthwiseConv2dBackpropInput, .depthwiseConv2dBackpropFilter, .conv1dBackpropInput, .conv1dBackpropFilter,
        .conv2dTranspose, .conv1dTranspose, .extractGlimpse,
        .timeseriesWindows, .frame, .countParams, .statelessUniform, .epochPairing,
    ]

    /// Every op's entry, in table order.
    public static let all: [OpEntry] = descriptors.map(\.entry)

    /// The descriptor of the op named `name`, as fixtures name ops.
    public static func descriptor(named name: String) -> OpDescriptor? { descriptors.first { $0.name == name } }

    /// The op `conform explain` means by `name` (its fixture name or an alias), with its explanation.
    public static func explanation(named name: String) -> (op: String, spec: ExplainSpec)? {
        for d in descriptors {
            if let spec = d.explain, d.name == name || spec.aliases.contains(name) { return (d.name, spec) }
        }
        return nil
    }

    /// The ops `conform explain` knows, in table order.
    public static var explained: [(op: String, spec: ExplainSpec)] { descriptors.compactMap { d in d.explain.map { (d.name, $0) } } }

    /// The entry named `name`, as fixtures name ops.
    public static func entry(named name: String) -> OpEntry? { descriptor(named: name)?.entry }

    /// The op names, in table order.
    public static var names: [String] { all.map(\.name) }

    /// The attributes a candidate receives: the case's, with every default filled in (docs/CANDIDATES.md).
    public static func filledAttributes(_ op: String, _ attrs: [(String, JSONValue)]) -> [(String, JSONValue)] {
        entry(named: op)?.filled(attrs) ?? attrs
    }
}
