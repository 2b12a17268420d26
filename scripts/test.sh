#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test "$@"
# A downstream package (Examples/DownstreamOps) gates its own hand-written ops on Conform.
swift test --package-path Examples/DownstreamOps
