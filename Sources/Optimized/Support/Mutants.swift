/// Planted bugs, for verifying the verifier: each one is a mistake a real kernel could make,
/// switched on one at a time (task-locally) so a test can require the property campaign to catch it.
///
/// Compiled in only where `CONFORM_MUTANTS` is defined (debug builds, which `swift test` uses);
/// release builds see `Mutants.active` as a constant nil and the branches fold away.
public enum Mutant: String, CaseIterable, Sendable {
    /// SAME padding puts the odd pixel at the start instead of the end.
    case sameOddPixelAtStart
    /// conv2d_at's convolution mode forgets to flip the kernel.
    case kernelNotFlipped
    /// Glimpse offsets are floored instead of truncated toward zero.
    case glimpseFloor
    /// Glimpse uses the other version's formulas.
    case glimpseVersionsSwapped
    /// conv2d multiplies the stride by the dilation.
    case dilationAppliedToStride
    /// Grouped conv2d reads every group's outputs from the first group's input channels.
    case groupsMixChannels
    /// Depthwise orders its output channels m·C + c instead of c·M + m.
    case depthwiseChannelOrder
    /// Windows lose their last window when sampling_rate > 1.
    case windowsCountOffByOne
    /// The vectorised Philox counter does not carry into its high 64 bits.
    case philoxNoCarry
    /// float32 uniforms are made from 24 bits (u >> 8) instead of 23 mantissa bits.
    case float32From24Bits
    /// Epoch pairing seeds epoch e with e instead of first_epoch + e.
    case pairingWrongEpoch
    /// BatchNormalization's moving statistics counted as trainable.
    case batchNormAllTrainable
    /// frame with pad_end floors the frame count instead of taking the ceiling.
    case framePadEndFloor
    /// CAUSAL conv1d pads k − 1 instead of d·(k − 1).
    case causalUndilated
}

public enum Mutants {
    #if CONFORM_MUTANTS
    /// The planted bug in force for the current task (and the worker threads it starts).
    @TaskLocal public static var active: Mutant?
    /// Whether this build can plant bugs.
    public static let available = true
    #else
    public static var active: Mutant? { nil }
    public static let available = false
    #endif

    @inline(__always) static func on(_ mutant: Mutant) -> Bool { active == mutant }

    /// Runs `body` with `mutant` planted (a debug build; elsewhere it runs unmutated).
    public static func with<R>(_ mutant: Mutant?, _ body: () throws -> R) rethrows -> R {
        #if CONFORM_MUTANTS
        return try $active.withValue(mutant) { try body() }
        #else
        return try body()
        #endif
    }
}
