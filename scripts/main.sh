#!/usr/bin/env bash
# The main job: the full report (fixture checks, a property campaign, benchmarks, the conformance
# matrix) into ./report. When the peers' environment exists (scripts/peers.sh makes it:
# CONFORM_PEERS, default ~/.cache/conform/peers), every peer that imports there runs as a live
# candidate: judged on the fixtures, run through its own campaign, timed in the same run (the "vs
# TensorFlow" ratios come from the tensorflow peer). Without it the report says how to add them.
# Extra arguments go to `conform report` (e.g. --out DIR, --cases N, --seed S).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product conform >&2
venv="${CONFORM_PEERS:-$HOME/.cache/conform/peers}"
peers=()
if [ -x "$venv/bin/python" ]; then
  for peer in tensorflow jax torch onnxruntime; do
    if "$venv/bin/python" -c "import $peer" >/dev/null 2>&1; then
      peers+=(--candidate "$venv/bin/python candidates/${peer}_candidate.py")
    else
      echo "main: $peer does not import in $venv; run scripts/peers.sh" >&2
    fi
  done
else
  echo "main: no peers ($venv does not exist); bash scripts/peers.sh adds TensorFlow, JAX, PyTorch and ONNX Runtime" >&2
fi
exec .build/release/conform report --out report "${peers[@]}" "$@"
