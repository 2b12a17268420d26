#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if (($#)); then
  swift test "$@"
  exit
fi
# A downstream package (Examples/DownstreamOps) gates its own hand-written ops on Conform. It
# builds Conform again as its dependency: that build runs beside this package's build and tests,
# which leave a core idle much of the time, and is waited for before the timing test below.
log=$(mktemp)
swift build --build-tests --package-path Examples/DownstreamOps >"$log" 2>&1 &
downstream=$!
trap 'kill $downstream 2>/dev/null || true; rm -f "$log"' EXIT
swift test --skip CostModelTests
if ! wait $downstream; then
  cat "$log" >&2
  echo "test: the downstream package did not build" >&2
  exit 1
fi
# The cost model's test times the algorithms against each other on this host: it runs alone,
# after the rest, so that no other suite or build loads the cores while it measures.
swift test --skip-build --filter CostModelTests
swift test --skip-build --package-path Examples/DownstreamOps
