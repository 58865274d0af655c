#!/usr/bin/env bash
# The Slurm backend on a real scheduler: a throwaway one-node cluster (Debian's slurm-wlm and munge,
# run as root) in a temp directory, then
#   1. the same small sweep with the local backend (the reference),
#   2. `steered sweep … --backend slurm --pack 2` submitted to it with sbatch,
#   3. one array task cancelled mid-way (scancel), `sweep status`, and the same command again, which
#      submits only what is missing,
#   4. `sweep collect --json` on both, compared byte for byte.
# Prints PASS (exit 0) or what differed (exit 1). Needs: apt-get install -y slurm-wlm; a built dist/.
#
#   bash scripts/slurm-one-node.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
command -v slurmctld >/dev/null || { echo "slurm-one-node: slurm-wlm is not installed (apt-get install -y slurm-wlm)" >&2; exit 2; }
[ -f dist/src/cli/main.js ] || { echo "slurm-one-node: build first (npx tsc -p .)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "slurm-one-node: run as root (the daemons run as root here)" >&2; exit 2; }

T=$(mktemp -d /tmp/steered-slurm-XXXXXX)
HOST=$(hostname -s)
CPUS=$(nproc)
mkdir -p "$T/state" "$T/spool" "$T/log" "$T/munge"
cat > "$T/slurm.conf" <<EOF
ClusterName=steered
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$((20000 + RANDOM % 20000))
SlurmdPort=$((40000 + RANDOM % 20000))
AuthType=auth/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf

# munge: its own key and socket, so an installed munged is left alone.
dd if=/dev/urandom of="$T/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$T/munge/munge.key"
SOCK=$T/munge/munge.socket
munged --force --key-file="$T/munge/munge.key" --socket="$SOCK" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed"
export MUNGE_SOCKET=$SOCK
cleanup() {
  scancel --quiet --user=root 2>/dev/null || true
  [ -f "$T/slurmd.pid" ] && kill "$(cat "$T/slurmd.pid")" 2>/dev/null || true
  [ -f "$T/slurmctld.pid" ] && kill "$(cat "$T/slurmctld.pid")" 2>/dev/null || true
  [ -f "$T/munge/munged.pid" ] && kill "$(cat "$T/munge/munged.pid")" 2>/dev/null || true
  sleep 1
  rm -rf "$T"
}
trap cleanup EXIT
# Slurm's auth/munge plugin finds munged's socket through AuthInfo.
sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$SOCK|" "$T/slurm.conf"
slurmctld -f "$T/slurm.conf"
slurmd -f "$T/slurm.conf"
for _ in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -q -E '^(idle|mixed)' && break
  sleep 1
done
echo "slurm-one-node: $(sinfo -h -o '%P %D %T %c')"

steered() { node "$ROOT/bin/steered.js" "$@"; }
SMALL=(sweep metarl/bandit-independent --seeds 0-5 --set updates=200 --set episodes=50 --set hidden=16)
steered "${SMALL[@]}" --out "$T/ref" --jobs 1 --json > "$T/ref.json"
steered sweep collect "$T/ref" --json | tail -1 > "$T/ref.collect"

steered "${SMALL[@]}" --out "$T/s" --backend slurm --pack 2 --sbatch=--time=00:20:00 | tee "$T/submit1.txt"
# Cancel the first array job's last task as soon as it runs (a node lost mid-task).
job=$(squeue -h -o '%F' | head -1)
for _ in $(seq 120); do
  squeue -h -j "$job" -t R -o '%i' | grep -q '_2' && break
  sleep 0.5
done
scancel "${job}_2" 2>/dev/null || true
while [ -n "$(squeue -h)" ]; do sleep 1; done
echo "slurm-one-node: after the first submission:"
steered sweep status "$T/s" | sed 's/^/  /'

steered "${SMALL[@]}" --out "$T/s" --backend slurm --pack 2 --sbatch=--time=00:20:00 | tee "$T/submit2.txt"
while [ -n "$(squeue -h)" ]; do sleep 1; done
echo "slurm-one-node: after the second submission:"
steered sweep status "$T/s" | sed 's/^/  /'
steered sweep collect "$T/s" --json | tail -1 > "$T/s.collect"

if cmp -s "$T/ref.collect" "$T/s.collect"; then
  echo "slurm-one-node: PASS — the Slurm sweep's summary equals the local sweep's: $(cut -c1-160 "$T/s.collect")…"
else
  echo "slurm-one-node: FAIL — summaries differ"
  diff <(tr ',' '\n' < "$T/ref.collect") <(tr ',' '\n' < "$T/s.collect") | head -20
  for f in "$T"/s/slurm/*.out; do echo "== $f"; tail -5 "$f"; done
  exit 1
fi
