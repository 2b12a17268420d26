#!/usr/bin/env bash
# Depends on Conform as a user's package does: by URL and version. Clones this checkout's HEAD into
# a scratch folder, tags it 0.1.0, and writes a package beside it with
#   .package(url: "file://…/conform", from: "0.1.0")
# whose test target is Examples/DownstreamOps's. Then it resolves and loads the package graph,
# which is where SwiftPM refuses a versioned dependency whose products carry unsafe flags.
#   scripts/versioned-dependency.sh            resolve and load the graph (seconds)
#   scripts/versioned-dependency.sh --build    also build it in release and run its tests (minutes)
#   CONFORM_KERNELS=portable scripts/versioned-dependency.sh --build
#                                               the same without the x86 kernel sets
# Everything happens under one scratch folder, removed on exit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build=0
[[ "${1:-}" == "--build" ]] && build=1
scratch="$(mktemp -d "${TMPDIR:-/tmp}/conform-versioned.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

git clone --quiet "$repo" "$scratch/conform"
git -C "$scratch/conform" -c user.name=conform -c user.email=conform@localhost tag -a 0.1.0 -m "0.1.0" HEAD

mkdir -p "$scratch/downstream/Sources/MyOps" "$scratch/downstream/Tests/MyOpsTests"
cp "$repo/Examples/DownstreamOps/Sources/MyOps/"*.swift "$scratch/downstream/Sources/MyOps/"
cp "$repo/Examples/DownstreamOps/Tests/MyOpsTests/"*.swift "$scratch/downstream/Tests/MyOpsTests/"
cat > "$scratch/downstream/Package.swift" <<MANIFEST
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DownstreamOps",
    dependencies: [
        .package(url: "file://$scratch/conform", from: "0.1.0"),
    ],
    targets: [
        .target(name: "MyOps", dependencies: [.product(name: "Reference", package: "conform")]),
        .testTarget(name: "MyOpsTests", dependencies: [
            "MyOps", .product(name: "ConformTesting", package: "conform"),
            .product(name: "PropertyCheck", package: "conform"),
        ]),
    ]
)
MANIFEST

cd "$scratch/downstream"
swift package resolve
# Loading the graph is where a versioned dependency's unsafe flags are refused.
swift package show-dependencies --format flatlist
echo "versioned dependency: resolved conform $(git -C .build/checkouts/conform describe --tags) and loaded the package graph"
if ((build)); then
  start=$(date +%s)
  swift build -c release --build-tests
  echo "versioned dependency: release build in $(( $(date +%s) - start )) s"
  swift test -c release --skip-build
fi
