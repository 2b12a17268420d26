import Formats
import Foundation
import Reference

/// How long one supervised request may run: a limit that follows what the case costs and how fast
/// its op has been seen to run, so that a hung worker or program costs seconds, not minutes.
///
/// A case's cost is counted in work units (`units(op:attrs:inputs:)`: its floating-point
/// operations plus its input elements). For an op already seen, the prediction is the slowest
/// finished request of that op scaled up linearly to the new cost (never down: a small case still
/// pays the process's fixed costs); for an op not seen yet, one second plus `priorRate` units per
/// second, a rate slower than a debug build's reference. The limit is `slack` times the
/// prediction, at least `floor` and at most `ceiling` (the user's `--case-timeout`).
///
/// Only finished requests teach it: a request that timed out or crashed says nothing of speed.
public final class CaseTimeLimit: @unchecked Sendable {
    /// The most any request may take (`--case-timeout`, `--candidate-timeout`).
    public let ceiling: Double
    /// The least: what starting a process and a first call may take on a loaded machine.
    public let floor: Double
    /// How many times the prediction a request may take.
    public let slack: Double
    /// Units per second assumed for an op not seen yet.
    public static let priorRate = 1e6

    private let lock = NSLock()
    /// Per op, the finished requests' (units, seconds) that bound the others: a pair that another
    /// pair dominates (more units in less time is not kept when slower pairs predict more).
    private var seen: [String: [(units: Double, seconds: Double)]] = [:]

    public init(ceiling: Double, floor: Double = 10, slack: Double = 10) {
        self.ceiling = ceiling
        self.floor = min(floor, ceiling)
        self.slack = slack
    }

    /// The seconds a request of `op` costing `units` may take.
    public func limit(op: String, units: Double) -> Double {
        let units = max(units, 1)
        lock.lock()
        let pairs = seen[op] ?? []
        lock.unlock()
        let predicted = pairs.isEmpty
            ? 1 + units / Self.priorRate
            : pairs.map { $0.seconds * max(1, units / $0.units) }.max()!
        return min(ceiling, max(floor, slack * predicted))
    }

    /// Records a finished request.
    public func record(op: String, units: Double, seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        let units = max(units, 1)
        lock.lock()
        defer { lock.unlock() }
        var pairs = seen[op] ?? []
        // A pair predicts at least as much as another when it is as slow and costs no more; keep the frontier.
        guard !pairs.contains(where: { $0.seconds >= seconds && $0.units <= units }) else { return }
        pairs.removeAll { seconds >= $0.seconds && units <= $0.units }
        pairs.append((units, seconds))
        seen[op] = pairs
    }

    /// A limit as messages print it: seconds to a tenth, without a trailing `.0`.
    public static func format(_ limit: Double) -> String { FixtureCase.format((limit * 10).rounded() / 10) }

    /// The work units of a case: the op's floating-point operations where it has them, plus its
    /// input elements (what every op at least reads). Decoding runs no code under test; an input the
    /// op rejects counts its elements only.
    public static func units(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)]) -> Double {
        let elements = inputs.reduce(0.0) { $0 + Double($1.1.count) }
        let flops = (try? GeneratedCase(op: op, attrs: attrs, inputs: inputs).prepare().flops) ?? nil
        return elements + (flops ?? 0)
    }
}
