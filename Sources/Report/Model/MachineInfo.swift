import Foundation
import Optimized

/// What the report's header says about the machine and the software.
public struct MachineInfo: Sendable {
    public var cpuModel: String
    /// `cpu family` and `model` of /proc/cpuinfo (25 is Zen 3/4, 26 Zen 5 on AMD).
    public var cpuFamily: String = "?"
    public var cpuModelNumber: String = "?"
    public var features: [String]
    public var cores: Int
    public var isa: String
    /// Measured, one core, in the kernels' vector ISA.
    public var fmaPeakGFLOPS: Double
    public var bandwidthGBps: Double
    public var swift: String
    public var gsl: String
    public var openBLAS: String
    public var tensorflow: String
    public var date: String

    /// Reads /proc/cpuinfo and measures the FMA peak and the copy bandwidth (unless `measure` is false).
    public static func current(tensorflow: String, measure: Bool = true) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }?.split(separator: ":", maxSplits: 1).last
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let interesting = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16", "avx512_vnni"]
        #if compiler(>=6.3)
        let swift = "6.3 or later"
        #elseif compiler(>=6.2)
        let swift = "6.2"
        #else
        let swift = "6.0–6.1"
        #endif
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return MachineInfo(cpuModel: field("model name") ?? "unknown", cpuFamily: field("cpu family") ?? "?",
                           cpuModelNumber: field("model\t") ?? field("model ") ?? "?", features: interesting.filter(flags.contains),
                           cores: ProcessInfo.processInfo.activeProcessorCount, isa: CPU.isa,
                           fmaPeakGFLOPS: measure ? Peak.measureFMA() : 0, bandwidthGBps: measure ? Peak.measureBandwidth() : 0, swift: swift,
                           gsl: Peak.gslVersion, openBLAS: Peak.openBLASConfig, tensorflow: tensorflow,
                           date: formatter.string(from: Date()))
    }
}
