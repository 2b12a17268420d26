import Foundation

/// How the optimized ops run for the current task: which vector ISA, how many threads, which
/// conv2d algorithm (and in the test-only planted twin, which planted bug). Every field left nil means "as the host and the cost
/// model choose"; the property campaign sets them per case so that every path is reached.
///
/// Task-local, and re-bound on the worker threads `Threading.forEach` starts, so a setting holds
/// for the whole op. Kernels read it once per op call (never per register block).
public struct Execution: Sendable, Equatable {
    /// A kernel set the binary carries (`SIMDKernels`).
    public enum ISA: String, CaseIterable, Sendable {
        /// AVX-512 (x86-64-v4).
        case avx512
        /// AVX2 + FMA (x86-64-v3).
        case avx2
        /// The baseline of the machine that built the package (SSE2 on x86-64): runs anywhere.
        case portable

        /// Whether this set's register blocks are the AVX-512 ones (twice the lanes, twice the pixels).
        var wide: Bool { self == .avx512 }

        /// The path-table row of the set.
        var path: KernelPath {
            switch self {
            case .avx512: .isaAVX512
            case .avx2: .isaAVX2
            case .portable: .isaPortable
            }
        }
    }

    /// The kernels to run; nil: the widest the host has. Ignored when the host cannot run it.
    public var isa: ISA?
    /// Threads for the op; nil: `Threading.count`. May exceed the core count (oversubscription).
    public var threads: Int?
    /// Forces conv2d's algorithm where it applies to the geometry; nil: the cost model's choice.
    public var algorithm: Conv2DPlan.Algorithm?
    #if CONFORM_MUTANTS
    /// The planted bug in force.
    public var mutant: Mutant?
    #endif

    public init(isa: ISA? = nil, threads: Int? = nil, algorithm: Conv2DPlan.Algorithm? = nil) {
        self.isa = isa
        self.threads = threads
        self.algorithm = algorithm
    }

    @TaskLocal public static var current = Execution()

    /// Runs `body` under `execution`.
    public static func with<R>(_ execution: Execution, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(execution) { try body() }
    }

    /// The ISAs this host can run, widest first: the variants a campaign cycles through.
    public static var hostISAs: [ISA] {
        (CPU.hostHasAVX512 ? [.avx512] : []) + (CPU.hostHasAVX2 ? [.avx2] : []) + [.portable]
    }

    /// The kernel set that serves the op: the one asked for where the host runs it, else the widest it runs.
    var kernelISA: ISA {
        if let isa, Execution.hostISAs.contains(isa) { return isa }
        return Execution.hostISAs[0]
    }

    /// `kernelISA`, except that `narrow` (a layer whose few output channels would leave half of the
    /// AVX-512 blocks empty) takes AVX2 where the host would pick AVX-512 on its own.
    func kernelISA(narrow: Bool) -> ISA {
        let isa = kernelISA
        return narrow && isa == .avx512 && self.isa == nil ? .avx2 : isa
    }

    /// Whether the AVX-512 kernels serve the current op.
    var wide: Bool { kernelISA == .avx512 }
}
