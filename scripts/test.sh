#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if (($#)); then
  swift test "$@"
  exit
fi
swift build --build-tests
swift test --skip-build --skip CostModelTests
# The cost model's test times the algorithms against each other on this host: it runs alone,
# after the rest, so that no other suite loads the cores while it measures.
swift test --skip-build --filter CostModelTests
# A downstream package (Examples/DownstreamOps) gates its own hand-written ops on Conform. Built
# in this package's build folder, it reuses the Conform targets just built instead of compiling
# them again; it runs last, because its build takes the folder's build description over.
swift build --build-tests --package-path Examples/DownstreamOps --scratch-path .build
swift test --skip-build --package-path Examples/DownstreamOps --scratch-path .build
# A package that depends on Conform by URL and version (a tagged clone of this checkout) must
# resolve and load: SwiftPM refuses unsafe flags in a versioned dependency's products.
bash scripts/versioned-dependency.sh
