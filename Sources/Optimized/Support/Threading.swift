import CGSL
import Dispatch
import Foundation

/// How many threads the optimized ops use, and the one place work is spread over them.
///
/// OpenBLAS is kept single-threaded: the ops split their own work (output tiles, batch items,
/// channels) over `Threading.count` threads with Dispatch, so `--threads 1` means one core.
public enum Threading {
    nonisolated(unsafe) private static var configured = ProcessInfo.processInfo.activeProcessorCount
    private static let blasOnce: Void = { openblas_set_num_threads(1) }()

    /// The number of threads the ops may use (default: all cores).
    public static var count: Int {
        get { configured }
        set { configured = max(1, newValue) }
    }

    /// The threads the current op may use: its `Execution`'s count, else `count`.
    public static var current: Int { Execution.current.threads ?? count }

    /// Runs `body(i)` for `i` in `0..<tasks`, on up to `count` threads (or the current
    /// `Execution`'s thread count, which may exceed the cores); serially when one suffices.
    @inlinable
    public static func forEach(_ tasks: Int, _ body: (Int) -> Void) {
        prepareBLAS()
        let execution = Execution.current
        let threads = min(execution.threads ?? count, tasks)
        if threads <= 1 {
            PathCounter.hit(.threadsSerial)
            // Planted bug (the test-only twin): the last task is skipped.
            #if CONFORM_MUTANTS
            let skip = Mutants.on(.serialSkipsLastTask) && tasks > 1 ? 1 : 0
            #else
            let skip = 0
            #endif
            for i in 0..<(tasks - skip) { body(i) }
            return
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        PathCounter.hit(threads > cores ? .threadsOversubscribed : .threadsParallel)
        // Workers claim tasks from a shared counter, so one that starts late (a thread woken on a
        // busy host) takes fewer: a fixed split left the other core spinning in sched_yield.
        // Planted bugs (the test-only twin): the counter starts at 1; oversubscribed workers stop one task early.
        #if CONFORM_MUTANTS
        let first = Mutants.on(.parallelFirstTaskUnclaimed) && threads <= cores ? 1 : 0
        let end = Mutants.on(.oversubscribedLastTaskUnclaimed) && threads > cores ? tasks - 1 : tasks
        #else
        let first = 0
        let end = tasks
        #endif
        let counter = UnsafeSendable(UnsafeMutablePointer<Int>.allocate(capacity: 1))
        counter.value.initialize(to: first)
        defer { counter.value.deallocate() }
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendable(body)
            // Worker threads inherit the calling task's execution settings (ISA, planted bug).
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                Execution.with(execution) {
                    while true {
                        let i = conform_claim(counter.value)
                        if i >= end { break }
                        box.value(i)
                    }
                }
            }
        }
    }

    /// Keeps freed memory in the process's heap (glibc), so repeated runs reuse warm pages.
    /// Process-wide: the benchmark command calls it; a library user decides for their process.
    public static func keepFreedMemory() { conform_keep_freed_memory() }

    /// Makes uninitialised memory loud for the rest of the process: fresh allocations hold the
    /// byte 0x5A (a float of 1.5e16), freed ones 0xA5. The verifier calls it before judging, so
    /// an output a kernel forgets to write cannot inherit a correct value from a freed buffer of
    /// the same size (which the allocator hands back first). Benchmarks never call it.
    public static func poisonUninitializedMemory() { conform_poison_allocations(0xA5) }

    /// Pins OpenBLAS to one thread (once); called before any GEMM.
    public static func prepareBLAS() { _ = blasOnce }
}

/// Carries a value into Dispatch's concurrent closure; the callers guarantee disjoint writes.
@usableFromInline
struct UnsafeSendable<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}
