import Dispatch
import Foundation
import PropertyCheck

/// Times benchmark cases: medians and percentiles over repeated runs after a warm-up.
public struct BenchRunner: Sendable {
    /// Robust statistics of one case under one implementation.
    public struct Timing: Sendable, Equatable {
        public var median: Double, p10: Double, p90: Double
        public var samples: Int

        /// Nearest-rank percentiles of the samples.
        public init(_ seconds: [Double]) {
            let s = seconds.sorted()
            func rank(_ q: Double) -> Double { s[min(s.count - 1, max(0, Int((q * Double(s.count)).rounded(.up)) - 1))] }
            median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
            (p10, p90, samples) = (rank(0.1), rank(0.9), s.count)
        }
    }

    /// One row of the performance table.
    public struct Result: Sendable {
        public var id: String, op: String, shape: String
        public var implementation: Implementation
        public var timing: Timing?
        /// Why there is no timing (the reference would take minutes, or the case failed).
        public var note: String?
        public var flops: Double?
        public var bytes: Double?
        /// The cost model's choice and estimate, for the optimized row of a convolution.
        public var plan: String?
        /// This run's speedup over the same case on one thread (`conform bench --scaling`).
        public var scaling: Double?

        public var gflops: Double? {
            guard let flops, let t = timing?.median, t > 0 else { return nil }
            return flops / t / 1e9
        }
    }

    /// The optimized implementation is sampled until both limits are met (or `maximumSamples` runs).
    public var minimumSamples = 7
    public var minimumSeconds = 0.5
    /// Enough for half a second of the fastest ops: a lower cap timed a sub-millisecond layer for
    /// a small fraction of the 0.5 s the limits promise, so one burst of other work on the host
    /// could move its median.
    public var maximumSamples = 10_000
    /// The reference is sampled at most this long, and skipped when its first run would exceed `referenceCap`.
    public var referenceSeconds = 2.0
    public var referenceCap = 60.0
    /// Whether the reference is timed at all.
    public var timeReference = true
    /// Candidates timed beside the optimized ops, on the cases of the ops they offer (a program
    /// times itself in-process, around the computation only: `kind: time`).
    public var candidates: [Implementation] = []

    public init() {}

    /// Runs every case, reporting `(index, total, id)` before each.
    public func run(_ cases: [BenchCase], progress: (Int, Int, String) -> Void = { _, _, _ in }) -> [Result] {
        var results = [Result]()
        for (index, c) in cases.enumerated() {
            progress(index, cases.count, c.id)
            func row(_ impl: Implementation, _ timing: Timing?, _ note: String?) -> Result {
                Result(id: c.id, op: c.op, shape: c.shape, implementation: impl, timing: timing, note: note, flops: c.flops, bytes: c.bytes)
            }
            let prepared: BenchCase.Prepared
            do { prepared = try c.prepare() } catch {
                results += Implementation.allCases.map { row($0, nil, "could not prepare: \(error)") }
                continue
            }
            // The reference first, sampled sparingly: it is the specification, not the subject.
            if !timeReference {
                results.append(row(.reference, nil, "not timed (--skip-reference)"))
            } else if let reference = prepared.reference {
                if let flops = c.flops, flops / 0.2e9 > referenceCap {
                    results.append(row(.reference, nil, "skipped: about \(Int(flops / 0.2e9)) s per run"))
                } else {
                    results.append(sample(reference, warmUp: false, minimumSamples: 1, minimumSeconds: 0,
                                          maximumSeconds: referenceSeconds, row: { row(.reference, $0, $1) }))
                }
            } else {
                results.append(row(.reference, nil, prepared.referenceNote ?? "not timed"))
            }
            var optimized = sample(prepared.optimized, warmUp: true, minimumSamples: minimumSamples,
                                   minimumSeconds: minimumSeconds, maximumSeconds: 10, row: { row(.optimized, $0, $1) })
            optimized.plan = c.plan?()
            results.append(optimized)
            for implementation in candidates {
                guard let candidate = implementation.candidate, candidate.ops.contains(c.op) else { continue }
                guard let form = c.fixtureForm, let g = try? form(), candidate.offers(op: c.op, inputs: g.inputs) else {
                    results.append(row(implementation, nil, "not offered"))
                    continue
                }
                let attrs = OpTable.filledAttributes(g.op, g.attrs)
                let outputs = OpTable.entry(named: g.op)?.outputs ?? ["output"]
                if let program = candidate as? ProgramCandidate {
                    do {
                        let seconds = try program.time(op: g.op, attrs: attrs, inputs: g.inputs, outputs: outputs, repeat: max(minimumSamples, 7))
                        results.append(row(implementation, Timing(seconds), nil))
                    } catch {
                        results.append(row(implementation, nil, "failed: \(error)"))
                    }
                } else {
                    results.append(sample({ _ = try candidate.run(op: g.op, attrs: attrs, inputs: g.inputs, outputs: outputs) }, warmUp: true,
                                          minimumSamples: minimumSamples, minimumSeconds: minimumSeconds, maximumSeconds: 10,
                                          row: { row(implementation, $0, $1) }))
                }
            }
        }
        return results
    }

    func sample(_ body: @Sendable () throws -> Void, warmUp: Bool, minimumSamples: Int, minimumSeconds: Double,
                maximumSeconds: Double, row: (Timing?, String?) -> Result) -> Result {
        var seconds = [Double]()
        do {
            if warmUp { try body() }
            let start = DispatchTime.now().uptimeNanoseconds
            while true {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try body()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let enough = seconds.count >= minimumSamples && total >= minimumSeconds
                if enough || seconds.count >= maximumSamples || total >= maximumSeconds || (seconds.count >= 3 && total >= maximumSeconds / 3) {
                    break
                }
            }
        } catch {
            return row(nil, "failed: \(error)")
        }
        return row(Timing(seconds), seconds.count < minimumSamples ? "\(seconds.count) run\(seconds.count == 1 ? "" : "s")" : nil)
    }
}
