// swift-tools-version:6.0
// A downstream package that checks its own hand-written ops against Conform in its own `swift test`.
import PackageDescription

let package = Package(
    name: "DownstreamOps",
    dependencies: [
        // Conform by path (this example lives inside it); elsewhere, by its URL and a version.
        .package(name: "Conform", path: "../.."),
    ],
    targets: [
        .target(name: "MyOps", dependencies: [.product(name: "Reference", package: "Conform")]),
        .testTarget(name: "MyOpsTests", dependencies: ["MyOps", .product(name: "ConformTesting", package: "Conform")]),
    ]
)
