#!/usr/bin/env bash
# Submits a Conform campaign as a Slurm job array of SHARDS tasks plus a merge job that runs once
# every task has ended, and prints both job ids.
#
#   deploy/slurm/submit.sh SHARDS OUT [conform check options…]
#   deploy/slurm/submit.sh --rerun 2,5 SHARDS OUT    # those tasks again (same options), then the merge
#
# OUT must be a folder every node can write: the options go to OUT/check.args (one per NUL-ended
# record, so a candidate's command stays one argument), the shards to OUT/shards, the report to
# OUT/report, the jobs' output to OUT/*.out. CONFORM names the binary (default: conform on PATH);
# CONFORM_REPORT_ARGS passes options (split on spaces) to the merge's `conform report`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rerun=""
if [ "${1:-}" = "--rerun" ]; then
  rerun=$2
  shift 2
fi
(($# >= 2)) || { echo "usage: $0 [--rerun IDS] SHARDS OUT [conform check options…]" >&2; exit 2; }
shards=$1 out=$(realpath -m "$2")
shift 2
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "submit: SHARDS must be a positive count, got $shards" >&2; exit 2; }
mkdir -p "$out/shards"
export CONFORM_OUT=$out
if [ -n "$rerun" ]; then
  (($# == 0)) || { echo "submit: a rerun takes the options of the first run ($out/check.args), not new ones" >&2; exit 2; }
  [ -f "$out/check.args" ] || { echo "submit: $out/check.args is missing: nothing to rerun" >&2; exit 2; }
else
  printf '%s\0' "$@" >"$out/check.args"
fi
if [ -n "$rerun" ]; then
  # Slurm's task count is now the rerun's: the shard count comes from here.
  export CONFORM_SHARDS=$shards
  array=$(sbatch --parsable --chdir="$out" --array="$rerun" "$here/campaign.sbatch")
else
  array=$(sbatch --parsable --chdir="$out" --array="0-$((shards - 1))" "$here/campaign.sbatch")
fi
export CONFORM_ARRAY_JOB=$array
merge=$(sbatch --parsable --chdir="$out" --dependency="afterany:$array" "$here/merge.sbatch")
echo "array $array merge $merge"
