import Formats
import Foundation
import PropertyCheck
import Reference

/// The performance table of `conform bench`, as text and JSON.
public struct BenchReport: Sendable {
    public var results: [BenchRunner.Result]
    /// Measured FMA peak of the cores used, GFLOP/s.
    public var peakGFLOPS: Double
    public var threads: Int

    /// The name of the live peer the "vs TensorFlow" column divides by.
    public static let tensorflow = "tensorflow"

    public init(results: [BenchRunner.Result], peakGFLOPS: Double, threads: Int) {
        self.results = results
        self.peakGFLOPS = peakGFLOPS
        self.threads = threads
    }

    /// Whether TensorFlow was timed live in this run (the `tensorflow` candidate).
    public var tensorflowTimed: Bool { results.contains { $0.implementation.name == Self.tensorflow && $0.timing != nil } }

    /// The reference's median for a case, for speedups.
    func referenceMedian(_ id: String) -> Double? {
        results.first { $0.id == id && $0.implementation == .reference }?.timing?.median
    }

    /// Speedup of a row over the reference (nil for the reference itself or when it was not timed).
    public func speedup(_ r: BenchRunner.Result) -> Double? {
        guard r.implementation != .reference, let ref = referenceMedian(r.id), let t = r.timing?.median, t > 0 else { return nil }
        return ref / t
    }

    /// TensorFlow's median on this row's case, timed live in the same run on the same machine
    /// (nil for TensorFlow's own rows, the reference's, and without a `tensorflow` candidate).
    public func peerMedian(_ r: BenchRunner.Result) -> Double? {
        guard r.implementation != .reference, r.implementation.name != Self.tensorflow else { return nil }
        return results.first { $0.id == r.id && $0.implementation.name == Self.tensorflow }?.timing?.median
    }

    /// TensorFlow's median divided by this row's: above 1 means faster than TensorFlow.
    public func versusPeer(_ r: BenchRunner.Result) -> Double? {
        guard let tf = peerMedian(r), let t = r.timing?.median, t > 0 else { return nil }
        return tf / t
    }

    public func percentOfPeak(_ r: BenchRunner.Result) -> Double? {
        r.gflops.map { 100 * $0 / peakGFLOPS }
    }


    /// The table as aligned text, with a header naming the peak and the threads.
    public func text() -> String {
        let scaled = results.contains { $0.scaling != nil }
        var rows = [["op", "case", "shape", "impl", "median", "p10", "p90", "GFLOP/s", "% peak", "vs ref", "TF median", "vs TF", "plan"]
                    + (scaled ? ["vs 1 thread"] : [])]
        for r in results {
            let f = FixtureReport.format
            var row: [String] = [
                r.op, r.id.split(separator: "/").dropFirst().joined(separator: "/"), r.shape, r.implementation.rawValue,
                r.timing.map { BenchCase.duration($0.median) } ?? (r.note ?? "-"),
                r.timing.map { BenchCase.duration($0.p10) } ?? "", r.timing.map { BenchCase.duration($0.p90) } ?? "",
                r.gflops.map(f) ?? "", percentOfPeak(r).map { f($0) + "%" } ?? "",
                speedup(r).map { f($0) + "×" } ?? "", peerMedian(r).map(BenchCase.duration) ?? "", versusPeer(r).map { f($0) + "×" } ?? "",
                r.plan ?? "",
            ]
            if scaled { row.append(r.scaling.map { f($0) + "×" } ?? "") }
            rows.append(row)
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return "FMA peak (measured, \(threads) thread\(threads == 1 ? "" : "s")): \(FixtureReport.format(peakGFLOPS)) GFLOP/s\n"
            + lines.joined(separator: "\n")
    }

    /// One JSON object per case and implementation: `id`, `op`, `impl`, `median_seconds`, `gflops`, and more.
    public func json() -> JSONValue {
        .array(results.map { r in
            func number(_ x: Double?) -> JSONValue { x.map { JSONValue($0) } ?? .null }
            return .object([
                ("id", .string(r.id)), ("op", .string(r.op)), ("impl", .string(r.implementation.rawValue)),
                ("shape", .string(r.shape)), ("median_seconds", number(r.timing?.median)),
                ("p10_seconds", number(r.timing?.p10)), ("p90_seconds", number(r.timing?.p90)),
                ("samples", r.timing.map { JSONValue($0.samples) } ?? .null), ("gflops", number(r.gflops)),
                ("percent_of_peak", number(percentOfPeak(r))), ("speedup_vs_reference", number(speedup(r))),
                ("tensorflow_median_seconds", number(peerMedian(r))), ("vs_tensorflow", number(versusPeer(r))),
                ("threads", JSONValue(threads)), ("peak_gflops", JSONValue(peakGFLOPS)),
                ("note", r.note.map { .string($0) } ?? .null), ("plan", r.plan.map { .string($0) } ?? .null),
                ("scaling_vs_one_thread", number(r.scaling)),
            ])
        })
    }

}
