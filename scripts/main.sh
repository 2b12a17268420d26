#!/usr/bin/env bash
# The main job: judge every committed TensorFlow fixture set (and any folders given) with a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product conform >&2
if (($#)); then exec .build/release/conform fixtures "$@"; fi
exec .build/release/conform fixtures fixtures/tensorflow
