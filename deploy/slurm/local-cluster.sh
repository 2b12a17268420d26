#!/usr/bin/env bash
# A single-node Slurm cluster in one folder, for trying the recipes and for the end-to-end test:
# munged, slurmctld and slurmd started as root without systemd, every file (configuration, keys,
# state, logs, sockets, pid files) under DIR.
#
#   deploy/slurm/local-cluster.sh start DIR   # prints the line to export: SLURM_CONF=DIR/slurm.conf
#   deploy/slurm/local-cluster.sh stop DIR    # stops what start started, by the pids it recorded
#
# Needs Debian's slurmctld, slurmd, slurm-client and munge packages. No accounting storage, no
# cgroups: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, JobAcctGatherType=none. The
# node line is `slurmd -C`'s. Ports: CONFORM_SLURM_PORT (default 6817) and the next one.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
(($# == 2)) || usage
action=$1
dir=$(realpath -m "$2")

pids=(munged slurmctld slurmd)

# Runs a daemon with none of this script's descriptors: standard ones on /dev/null, every other
# inherited one closed (a caller that reads this script's output to the end would otherwise wait
# for the daemons, which keep a copy of its pipe).
daemon() {
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2 && fd < 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec "$@" </dev/null >/dev/null 2>&1
  )
}

stop() {
  # Jobs first: cancelled through the cluster, so that no job's processes outlive its daemons.
  if [ -s "$dir/slurmctld.pid" ] && [ -f "$dir/slurm.conf" ]; then
    local jobs
    jobs=$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086 # a list of job ids
      SLURM_CONF="$dir/slurm.conf" scancel --quiet $jobs 2>/dev/null || true
      for _ in $(seq 100); do
        [ -z "$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  # Then only the processes this script started, by the pid each wrote; each is asked, then told.
  local name pid
  for name in slurmd slurmctld munged; do
    [ -s "$dir/$name.pid" ] || continue
    pid=$(cat "$dir/$name.pid")
    # A recycled pid is not ours: the command line must be the daemon's.
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$name"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$name.pid"
  done
}

start() {
  for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "local-cluster: $tool is missing (apt-get install slurmctld slurmd slurm-client munge)" >&2; exit 3; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "local-cluster: run as root (the daemons run as root here)" >&2; exit 3; }
  mkdir -p "$dir"/{state,spool,log,munge}
  chmod 0700 "$dir" "$dir/munge"
  local port=${CONFORM_SLURM_PORT:-6817}
  local host
  host=$(hostname -s)
  # munge: a key of this cluster's own, a socket in the folder.
  [ -s "$dir/munge/munge.key" ] || { head -c 1024 /dev/urandom >"$dir/munge/munge.key"; chmod 0400 "$dir/munge/munge.key"; }
  daemon munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  local node
  node=$(slurmd -C | head -1)
  cat >"$dir/slurm.conf" <<CONF
ClusterName=conform
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=3600
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  daemon slurmctld -f "$SLURM_CONF"
  daemon slurmd -f "$SLURM_CONF"
  # Up when the node takes jobs.
  for _ in $(seq 100); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 0.2
  done
  echo "local-cluster: the node did not come up in 20 s; logs in $dir/log" >&2
  tail -5 "$dir"/log/*.log >&2 || true
  stop
  exit 1
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
