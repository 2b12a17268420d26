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
        let ints = { (values: [Int]) in JSONValue.array(values.map { JSONValue($0) }) }
        let conv2d: [(String, JSONValue)] = [("strides", ints([1, 1])), ("dilations", ints([1, 1]))]
        var defaults: [(String, JSONValue)]
        switch op {
        case "conv1d": defaults = [("strides", ints([1])), ("dilations", ints([1]))]
        case "conv2d", "depthwise_conv2d", "separable_conv2d": defaults = conv2d
        case "conv2d_at": defaults = [("mode", .string("correlation")), ("anchor", .string("corner"))]
        case "extract_glimpse":
            defaults = [("centered", .bool(true)), ("normalized", .bool(true)), ("noise", .string("zero")), ("version", JSONValue(2)),
                        ("seed", JSONValue(0))]
        case "timeseries_windows": defaults = [("sequence_stride", JSONValue(1)), ("sampling_rate", JSONValue(1)), ("start_index", .null),
                                               ("end_index", .null)]
        case "frame": defaults = [("pad_end", .bool(false)), ("pad_value", JSONValue(0)), ("axis", JSONValue(-1))]
        case "count_params": defaults = [("config", .object([])), ("input_shape", .null)]
        case "stateless_uniform":
            let dtype = attrs.first { $0.0 == "dtype" }?.1.string ?? "float32"
            defaults = [("dtype", .string("float32")), ("minval", JSONValue(0))] + (dtype.hasPrefix("float") ? [("maxval", JSONValue(1))] : [])
        case "epoch_pairing": defaults = [("first_epoch", JSONValue(0)), ("mode", .string("tensorflow"))]
        default: defaults = []
        }
        return attrs + defaults.filter { key, _ in !attrs.contains { $0.0 == key } }
    }
}
