#!/usr/bin/env bash
# Measures how a campaign scales over shards on this host: for 1, 2, 4 and 8 shards, a Slurm job
# array on a one-node cluster (deploy/slurm), the wall time from submission to the merged report,
# each shard's own time and start-up, and the merge's time. Prints a Markdown table.
#
#   scripts/measure-scaling.sh [conform binary] [check options…]      (as root; Slurm installed)
# Default options: the default campaign (300 cases per op, seed 2026). Nothing is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
conform=$(realpath "${1:-.build/debug/conform}")
shift || true
(($#)) || set -- --cases 300 --seed 2026
work=$(mktemp -d /tmp/conform-scaling.XXXXXX)
cleanup() { deploy/slurm/local-cluster.sh stop "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
eval "export $(deploy/slurm/local-cluster.sh start "$work/cluster")"
export CONFORM=$conform CONFORM_REPORT_ARGS="--fixtures fixtures/tensorflow/frame --bench-filter count_params --min-time 0"
now() { date +%s.%N; }
calc() { python3 -c "print(round($1, 2))"; }
# Start-up: a shard with nothing to do.
t0=$(now); "$conform" check --ops frame --cases 0 --no-regressions >/dev/null 2>&1 || true; t1=$(now)
startup=$(calc "$t1 - $t0")
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; options: $*"
echo "start-up of one shard (check with nothing to do): ${startup} s"
echo
echo "| shards | wall, submit to merged report (s) | slowest shard (s) | sum of shards (s) | merge job (s) | cases | cases/s |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in 1 2 4 8; do
  out=$work/run-$n
  t0=$(now)
  read -r _ array _ merge < <(deploy/slurm/submit.sh "$n" "$out" "$@")
  while ! scontrol -o show job "$merge" | grep -qE 'JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT)'; do sleep 0.2; done
  t1=$(now)
  wall=$(calc "$t1 - $t0")
  # Each shard's campaign seconds (from its JSON) and the merge job's run time (Slurm's, whole seconds).
  read -r slowest sum cases < <(python3 - "$out/shards" <<'PY'
import json, glob, sys
times, cases = [], 0
for f in glob.glob(sys.argv[1] + "/shard-*.json"):
    d = json.load(open(f))
    times.append(sum(op["seconds"] for op in d["ops"]))
    cases += sum(op["cases"] for op in d["ops"])
print(f"{max(times):.1f} {sum(times):.1f} {cases}")
PY
)
  mergetime=$(scontrol -o show job "$merge" | grep -o 'RunTime=[^ ]*' | cut -d= -f2)
  echo "| $n | $(printf %.1f "$wall") | $slowest | $sum | $mergetime | $cases | $(calc "$cases / $wall") |"
done
