import Foundation

/// The ways a candidate program died or hung that a campaign has already shrunk, by law: a set
/// shared by every copy of the campaign (its cases may run on several threads).
final class DeathMemo: @unchecked Sendable {
    private var seen = Set<String>()
    private let lock = NSLock()

    /// Records `key`: true the first time.
    func insert(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return seen.insert(key).inserted
    }

    /// What makes two deaths alike: the law and how the program ended (`crashed: … (killed by
    /// signal 6 …)` up to its stderr, or `timed out`); nil when the failure is not a death.
    static func key(property: String, message: String) -> String? {
        if message.range(of: "timed out: ") != nil { return property + "|timed out" }
        guard let crash = message.range(of: "crashed: ") else { return nil }
        let ending = message[crash.lowerBound...].prefix { $0 != ";" }
        return property + "|" + ending
    }
}
