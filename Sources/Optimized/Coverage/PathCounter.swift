import Synchronization

/// Counts how often each `KernelPath` served an op call, process-wide.
///
/// An op records each path it takes once per call (never per block or per element), so the
/// counters stay compiled in: one uncontended lock per recorded path. A caller that runs one case
/// at a time attributes paths to the case by the difference of two snapshots.
public enum PathCounter {
    private static let counts = Mutex([Int](repeating: 0, count: KernelPath.allCases.count))
    private static let index: [KernelPath: Int] = Dictionary(uniqueKeysWithValues: KernelPath.allCases.enumerated().map { ($1, $0) })

    /// Records that `path` served the current op call.
    @inlinable
    public static func hit(_ path: KernelPath) { record(path) }

    @usableFromInline
    static func record(_ path: KernelPath) {
        let i = index[path]!
        counts.withLock { $0[i] += 1 }
    }

    /// The counts so far, by path.
    public static func snapshot() -> [KernelPath: Int] {
        let values = counts.withLock { $0 }
        return Dictionary(uniqueKeysWithValues: KernelPath.allCases.enumerated().map { ($1, values[$0]) })
    }

    /// The paths taken while `body` ran (this thread's ops only when nothing else runs ops meanwhile).
    public static func paths<R>(during body: () throws -> R) rethrows -> (result: R, paths: Set<KernelPath>) {
        let before = snapshot()
        let result = try body()
        let after = snapshot()
        return (result, Set(after.compactMap { path, n in n > (before[path] ?? 0) ? path : nil }))
    }
}
