#!/usr/bin/env bash
# Re-trains the shipped meta-RL checkpoints with the exact commands and seeds the README lists, and
# copies each run's final checkpoint to checkpoints/<experiment>.ckpt. A target <experiment>@<variant>
# is a further setting of the same experiment (e.g. metarl/bandit-k@5x100: 5 arms, 100 pulls); it goes to
# checkpoints/<experiment>-<variant>.ckpt, which `steered eval` selects by config (shippedVariants). Usage:
#   scripts/train-shipped.sh [target ...]      (default: all listed below)
# Runs go to runs/shipped/; the metrics of each run are printed as they finish.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent

declare -A CMD=(
  [metarl/bandit-independent]="--seed 1 --set trainSignal=reward --set updates=30000 --set numEnvs=32 --set lr=0.003 --set gammaEnd=1 --set clipNorm=1 --set episodes=10000 --set workers=2"
  [metarl/bandit-dependent]="--seed 1 --set updates=8000 --set numEnvs=32 --set lr=0.003 --set clipNorm=1 --set gammaEnd=0.99 --set episodes=10000 --set workers=2"
  [metarl/bandit-k]="--seed 1 --set arms=5 --set trials=10 --set hidden=48 --set updates=30000 --set numEnvs=32 --set lr=0.003 --set gammaEnd=1 --set gaeLambda=1 --set clipNorm=10 --set entropyStart=0.05 --set episodes=10000 --set workers=2"
  [metarl/bandit-k@5x100]="--seed 1 --set arms=5 --set trials=100 --set updates=60000 --set hidden=96 --set numEnvs=32 --set lr=0.003 --set gammaEnd=1 --set clipNorm=1 --set entropyStart=0.1 --set gaeLambda=0.95 --set episodes=10000 --set workers=1"
  [metarl/bandit-k@10x100]="--seed 1 --set arms=10 --set trials=100 --set updates=100000 --set hidden=96 --set numEnvs=32 --set lr=0.003 --set gammaEnd=1 --set clipNorm=1 --set entropyStart=0.1 --set gaeLambda=0.95 --set episodes=10000 --set workers=1"
  [metarl/two-step]="--seed 1 --set updates=8000 --set numEnvs=32 --set lr=0.003 --set episodes=2000 --set workers=2"
  [metarl/volatile]="--seed 1 --set updates=5000 --set numEnvs=32 --set lr=0.003 --set clipNorm=1 --set episodes=2000 --set workers=2"
  [metarl/informative-arm]="--seed 1 --set updates=100000 --set numEnvs=32 --set lr=0.001 --set gamma=1 --set entropyStart=0.5 --set rewardCode=21 --set episodes=10000 --set workers=1"
  [metarl/harlow]="--seed 1 --set updates=30000 --set numEnvs=32 --set lr=0.002 --set feedback=none --set episodes=2000 --set workers=1"
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(metarl/bandit-independent metarl/bandit-dependent metarl/bandit-k metarl/bandit-k@5x100 metarl/bandit-k@10x100 metarl/two-step metarl/volatile metarl/informative-arm metarl/harlow)
for target in "${targets[@]}"; do
  args=${CMD[$target]:-}
  [ -n "$args" ] || { echo "no shipped recipe for $target" >&2; exit 2; }
  id=${target%%@*}
  dest=$id
  [ "$target" = "$id" ] || dest="$id-${target#*@}"
  out="runs/shipped/${dest//\//__}-$(date -u +%Y%m%d-%H%M%S)"
  # shellcheck disable=SC2086
  node bin/steered.js run "$id" $args --set checkpointEvery=1000 --set logEvery=100 --out "$out" --json | tail -n 1
  final=$(node -e "const p=require('path');const l=JSON.parse(require('fs').readFileSync(p.join(process.argv[1],'checkpoints','latest'),'utf8'));console.log(p.join(process.argv[1],'checkpoints',l.file))" "$out")
  mkdir -p "checkpoints/$(dirname "$id")"
  cp "$final" "checkpoints/$dest.ckpt"
  cp "$out/metrics.json" "checkpoints/$dest.metrics.json"
  echo "shipped $target → checkpoints/$dest.ckpt ← $final" >&2
done
