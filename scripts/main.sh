#!/usr/bin/env bash
# The main job: the full report (fixture checks, a property campaign, benchmarks) into ./report,
# with TensorFlow's timings from docs/tensorflow-timings.json for the "vs TensorFlow" column.
# Extra arguments go to `conform report` (e.g. --out DIR, --cases N, --peer FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product conform >&2
exec .build/release/conform report --out report --peer docs/tensorflow-timings.json "$@"
