// swift-tools-version:6.0
import PackageDescription

/// Whether this manifest is read for a package that depends on Conform by version. SwiftPM checks
/// such a dependency out into a `checkouts` folder and refuses any unsafe flag in its products; a
/// clone, a path dependency or an edited one builds with the flags below. None of them is needed
/// for correct code or for the vector kernels (SIMDKernels names each set's instruction set in the
/// source), only for the speed of debug builds.
let asVersionedDependency = Context.packageDirectory.split(separator: "/").contains("checkouts")

/// Debug builds (what `swift test` runs) still optimise the arithmetic: the default campaign's
/// large cases cross the kernels' thresholds, and unoptimised code is two orders of magnitude slower.
let optimizedInDebug: [SwiftSetting] = asVersionedDependency ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]
let optimizedCInDebug: [CSetting] = asVersionedDependency ? [] : [.unsafeFlags(["-O2"], .when(configuration: .debug))]

/// `CONFORM_KERNELS=portable swift build` leaves the x86 kernel sets out, as on a machine that is
/// not x86-64: what the portable build runs, shown on this host.
let portableOnly: [CSetting] = Context.environment["CONFORM_KERNELS"] == "portable" ? [.define("CONFORM_PORTABLE_ONLY")] : []

/// The planted twins are PropertyCheck and Optimized compiled again, with CONFORM_MUTANTS, for the
/// tests alone: a source that names `Optimized` (or `PropertyCheck`) gets the planted twin. No
/// product contains them.
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
        // The vector kernels: one C body compiled for AVX-512, for AVX2 + FMA and for the build
        // machine's baseline, each set's instruction set named by a function attribute.
        .target(name: "SIMDKernels", cSettings: optimizedCInDebug + portableOnly),
        .target(name: "Optimized", dependencies: ["Reference", "CGSL", "SIMDKernels"], swiftSettings: optimizedInDebug),
        .target(name: "PropertyCheck", dependencies: ["Reference", "Formats", "Optimized"], swiftSettings: optimizedInDebug),
        .target(name: "OptimizedPlanted", dependencies: ["Reference", "CGSL", "SIMDKernels"],
                swiftSettings: optimizedInDebug + [.define("CONFORM_MUTANTS")]),
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
