#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if (($#)); then
  swift test "$@"
else
  # The cost model's test times the algorithms against each other on this host: it runs alone,
  # after the rest, so that no other suite loads the cores while it measures.
  swift test --skip CostModelTests
  swift test --skip-build --filter CostModelTests
fi
# A downstream package (Examples/DownstreamOps) gates its own hand-written ops on Conform.
swift test --package-path Examples/DownstreamOps
