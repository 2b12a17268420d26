import Foundation

/// The ways a candidate program or a supervised worker died or hung that a campaign has already
/// shrunk, by law: a set shared by every copy of the campaign (its cases may run on several threads).
final class DeathMemo: @unchecked Sendable {
    private var seen = Set<String>()
    private let lock = NSLock()

    /// Records `key`: true the first time.
    func insert(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return seen.insert(key).inserted
    }

    /// What makes two deaths alike: the law and how the process ended (`crashed: … (killed by
    /// signal 6 …)` up to its stderr, or `timed out`), whichever the message says first; nil when
    /// the failure is not a death.
    static func key(property: String, message: String) -> String? {
        let crash = message.range(of: "crashed: "), hang = message.range(of: "timed out: ")
        if let hang, crash.map({ hang.lowerBound < $0.lowerBound }) ?? true { return property + "|timed out" }
        guard let crash else { return nil }
        return property + "|" + message[crash.lowerBound...].prefix { $0 != ";" }
    }
}
