#!/usr/bin/env bash
# Installs the system packages Conform builds against (GSL, OpenBLAS, pkg-config) when missing.
# Debian/Ubuntu; needs root or sudo only if something is missing.
set -euo pipefail
# chromium renders the report page in the tests (a headless screenshot); GNU time measures the
# peak memory of hostile runs in the tests; xmllint validates the JUnit files against their schema;
# Slurm and munge run the job-array recipe on a one-node cluster in the tests (deploy/slurm).
packages=(libgsl-dev libopenblas-dev pkg-config chromium time libxml2-utils slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH (Swift 6.0 or later is needed: https://swift.org/install)" >&2
  exit 1
fi
