#!/usr/bin/env bash
# Builds Conform without its x86 kernel sets (CONFORM_KERNELS=portable: the C sources compile only
# the portable set, and the CPU probes report no AVX2 and no AVX-512, as on a machine that is not
# x86-64), in its own build folder, then runs the default campaign on the portable kernels alone.
#   scripts/portable-check.sh            debug build (the campaign's cases are optimised either way)
#   scripts/portable-check.sh -c release
set -euo pipefail
cd "$(dirname "$0")/.."
config=debug
[[ "${1:-}" == "-c" ]] && config="${2:-release}"
export CONFORM_KERNELS=portable
swift build -c "$config" --product conform --scratch-path .build-portable
bin="$(swift build -c "$config" --scratch-path .build-portable --show-bin-path)/conform"
"$bin" check
