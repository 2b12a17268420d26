import Foundation
import Reference

/// TensorFlow's timings for the "vs TensorFlow" column, and the machine they were measured on.
///
/// A ratio of two medians means something only when both were measured on the same machine: the
/// report prints one only when the peer's machine (CPU model, family and model number, cores,
/// vector features) is the machine being measured; otherwise it shows the peer's times labelled
/// with their machine, and no ratio.
public struct PeerTimings: Sendable {
    /// Where the timings were measured (`fixtures/bench_tensorflow.py` records it).
    public struct Machine: Sendable, Equatable, CustomStringConvertible {
        public var cpu: String
        public var family: String
        public var model: String
        public var cores: Int
        public var features: [String]
        public var tensorflow: String

        public var description: String {
            "\(cpu) (family \(family), model \(model), \(cores) cores), TensorFlow \(tensorflow)"
        }
    }

    /// Median seconds per case id.
    public var medians: [String: Double]
    /// nil for a file that does not say (an older file): never comparable.
    public var machine: Machine?

    public init(medians: [String: Double] = [:], machine: Machine? = nil) {
        self.medians = medians
        self.machine = machine
    }

    /// Whether the timings come from `host`.
    public func measured(on host: MachineInfo) -> Bool {
        guard let machine else { return false }
        return machine.cpu == host.cpuModel && machine.family == host.cpuFamily && machine.model == host.cpuModelNumber
            && machine.cores == host.cores && Set(machine.features) == Set(host.features)
    }

    /// Reads a peer file: `{"format": "conform-peer-timings/1", "machine": {...}, "timings": [...]}`,
    /// or a bare array of `{id, median_seconds}` (machine unknown).
    public static func read(_ bytes: [UInt8], file: String) throws(FixtureError) -> PeerTimings {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw FixtureError(.malformedJSON, file: file, field: "(\(error.line):\(error.column))", expected: error.expected, actual: error.actual)
        }
        var peer = PeerTimings()
        let items: [JSONValue]
        if let array = root.array {
            items = array
        } else if root["format"]?.string == "conform-peer-timings/1", let array = root["timings"]?.array {
            items = array
            guard let m = root["machine"], let cpu = m["cpu"]?.string, let family = m["cpu_family"]?.string, let model = m["model"]?.string,
                  let cores = m["cores"]?.int, let features = m["features"]?.array?.compactMap(\.string), let tensorflow = m["tensorflow"]?.string else {
                throw FixtureError(.missingField, file: file, field: "machine",
                                   expected: "cpu, cpu_family, model, cores, features and tensorflow", actual: root["machine"]?.description ?? "nothing")
            }
            peer.machine = Machine(cpu: cpu, family: family, model: model, cores: cores, features: features, tensorflow: tensorflow)
        } else {
            throw FixtureError(.unsupportedFormat, file: file, field: "format",
                               expected: "\"conform-peer-timings/1\" (fixtures/bench_tensorflow.py)", actual: root["format"]?.description ?? root.kindName)
        }
        for (i, item) in items.enumerated() {
            guard let id = item["id"]?.string, let t = item["median_seconds"]?.double, t.isFinite, t > 0 else {
                throw FixtureError(.wrongType, file: file, field: "timings[\(i)]", expected: "an object with id and a positive median_seconds",
                                   actual: item.description)
            }
            peer.medians[id] = t
        }
        return peer
    }
}
