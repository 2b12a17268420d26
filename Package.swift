// swift-tools-version:6.0
import PackageDescription

/// Kernels are compiled for x86-64-v3 (AVX2 + FMA) at least: Swift's default SSE2 baseline splits
/// SIMD16<Float> into xmm registers and turns FMAs into libm calls. KernelsAVX512 is the same source
/// compiled for x86-64-v4; Optimized calls it only on CPUs that have AVX-512.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]
let wideKernelFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v4"]), .define("WIDE")]
/// Debug builds (what `swift test` runs, planted bugs included) still optimise the arithmetic:
/// the default campaign's large cases cross the kernels' thresholds, and unoptimised SIMD code is
/// two orders of magnitude slower.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The planted twins are PropertyCheck and Optimized compiled again, with CONFORM_MUTANTS, for the
/// tests alone: a source that names `Optimized` (or `PropertyCheck`) gets the planted twin.
let plantedAliases: [SwiftSetting] = [
    .unsafeFlags(["-module-alias", "Optimized=OptimizedPlanted", "-module-alias", "PropertyCheck=PropertyCheckPlanted"]),
]

let package = Package(
    name: "Conform",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Reference", targets: ["Reference"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "Optimized", targets: ["Optimized"]),
        .library(name: "PropertyCheck", targets: ["PropertyCheck"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "ConformTesting", targets: ["ConformTesting"]),
        .executable(name: "conform", targets: ["conform"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .target(name: "Reference", swiftSettings: optimizedInDebug),
        // File formats: .npy, JSON, fixture manifests.
        .target(name: "Formats", dependencies: ["Reference"], swiftSettings: optimizedInDebug),
        .target(name: "KernelsAVX2", swiftSettings: kernelFlags + optimizedInDebug),
        .target(name: "KernelsAVX512", swiftSettings: wideKernelFlags + optimizedInDebug),
        .target(name: "Optimized", dependencies: ["Reference", "CGSL", "KernelsAVX2", "KernelsAVX512"],
                swiftSettings: kernelFlags + optimizedInDebug),
        .target(name: "PropertyCheck", dependencies: ["Reference", "Formats", "Optimized"], swiftSettings: optimizedInDebug),
        .target(name: "OptimizedPlanted", dependencies: ["Reference", "CGSL", "KernelsAVX2", "KernelsAVX512"],
                swiftSettings: kernelFlags + optimizedInDebug + [.define("CONFORM_MUTANTS")]),
        .target(name: "PropertyCheckPlanted", dependencies: ["Reference", "Formats", "OptimizedPlanted"],
                swiftSettings: optimizedInDebug + plantedAliases + [.define("CONFORM_MUTANTS")]),
        .target(name: "Report", dependencies: ["PropertyCheck", "Formats", "Reference", "Optimized"]),
        // The Swift Testing helper downstream packages gate their own implementations with.
        .target(name: "ConformTesting", dependencies: ["PropertyCheck", "Reference"]),
        .executableTarget(
            name: "conform",
            dependencies: [
                "Report", "PropertyCheck", "Formats", "Reference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A candidate program with switchable planted faults (and the planted twin's supervised
        // worker), for the end-to-end tests of candidates and of supervision.
        .executableTarget(name: "conform-test-candidate", dependencies: ["PropertyCheckPlanted", "Formats", "Reference", "OptimizedPlanted"],
                          path: "Sources/ConformTestCandidate", swiftSettings: plantedAliases),
        // Tests by kind. Each compiles Tests/Support (paths, processes) through its own link to it.
        // Fast, in process, seconds: swift test --filter UnitTests
        .testTarget(name: "UnitTests", dependencies: ["Reference", "Formats", "Optimized", "PropertyCheck"]),
        // The command line, campaigns, candidates, supervision, hostile input, the report: minutes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Reference", "Formats", "Optimized", "PropertyCheck", "Report", "conform", "conform-test-candidate"]),
        // The campaign's strength, against the planted twins (their sources name them Optimized and PropertyCheck).
        .testTarget(
            name: "PlantedBugTests",
            dependencies: ["Reference", "Formats", "OptimizedPlanted", "PropertyCheckPlanted", "conform", "conform-test-candidate"],
            swiftSettings: plantedAliases),
    ]
)
