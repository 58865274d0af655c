/**
 * Training throughput of data-parallel A2C: metarl/bandit-independent (numEnvs 32, the experiment's
 * defaults otherwise) with workers=1 (in-process) and workers=2 (this thread + one worker thread), alternating
 * rounds so that load from other processes hits both alike. Prints one JSON object.
 *
 *   npx tsc -p . && node dist/bench/metarl-train.js [--updates N] [--rounds R] [--numEnvs B]
 *
 * Start-up (worker threads building their replicas) and a few warm-up updates are excluded; the
 * figures are steady-state training speed. The machine is shared, so the output also carries the load
 * average and a control: how many cores a plain CPU-bound loop gets when run on one thread vs on two
 * at once (effective_cores ≈ 2 on an idle machine). The speed-up can only be read against it.
 */
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { installGemmFromEnv } from '../src/node/blas.js';
import { A2CWorkerPool } from '../src/node/a2c-pool.js';
import { A2CTrainer } from '../src/metarl/a2c.js';
import { findExperiment } from '../src/experiments/index.js';
import { parseSets } from '../src/experiments/config.js';
import { metarlTaskSpec } from '../src/experiments/metarl/index.js';
import { a2cConfig, type TrainingConfig } from '../src/experiments/metarl/runner.js';
import { Rng } from '../src/math/rng.js';
import { effectiveCores } from './machine.js';

const { values: o } = parseArgs({
  options: {
    updates: { type: 'string' },
    rounds: { type: 'string' },
    numEnvs: { type: 'string' },
    warmup: { type: 'string' },
  },
});
const UPDATES = Number(o.updates ?? 40),
  ROUNDS = Number(o.rounds ?? 3),
  WARMUP = Number(o.warmup ?? 3);
const ID = 'metarl/bandit-independent';
const kernel = installGemmFromEnv();
const cfg = parseSets(findExperiment(ID).config, [`numEnvs=${o.numEnvs ?? 32}`], ID) as TrainingConfig;
const task = metarlTaskSpec(ID, cfg as unknown as Record<string, unknown>, 'train');

interface Sample {
  wallS: number;
  steps: number;
  workerMs: number;
}

async function measure(workers: number): Promise<Sample> {
  const trainer = new A2CTrainer(task, a2cConfig(cfg), new Rng(0).fork('train'), { shards: workers });
  const pool =
    workers > 1
      ? await A2CWorkerPool.start({ experiment: ID, config: cfg, workers: workers - 1, kernel })
      : null;
  try {
    const step = () => (pool ? trainer.stepParallel(pool) : Promise.resolve(trainer.step()));
    for (let i = 0; i < WARMUP; i++) await step();
    const s0 = pool ? { ...pool.stats } : null;
    let steps = 0;
    const t0 = performance.now();
    for (let i = 0; i < UPDATES; i++) steps += (await step()).envSteps;
    const wallS = (performance.now() - t0) / 1000;
    const workerMs = pool && s0 ? (pool.stats.busiestMs - s0.busiestMs) / UPDATES : 0;
    return { wallS, steps, workerMs };
  } finally {
    await pool?.close();
  }
}

const loadBefore = loadavg();
const coresBefore = await effectiveCores();
const samples = new Map<number, Sample[]>([
  [1, []],
  [2, []],
]);
for (let r = 0; r < ROUNDS; r++)
  for (const w of r % 2 ? [2, 1] : [1, 2]) samples.get(w)!.push(await measure(w));
const loadAfter = loadavg();
const coresAfter = await effectiveCores();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const results = [...samples].map(([workers, ss]) => {
  const wall = median(ss.map((s) => s.wallS));
  const steps = ss[0]!.steps;
  return {
    workers,
    wall_s: +wall.toFixed(3),
    env_steps_per_s: Math.round(steps / wall),
    updates_per_s: +(UPDATES / wall).toFixed(2),
    ms_per_update: +((1000 * wall) / UPDATES).toFixed(2),
    // The worker thread's own compute per update (its shard): ms_per_update minus this is what the
    // update waits on beyond the worker (the main thread's shard running longer, messages, combining).
    worker_compute_ms_per_update: +median(ss.map((s) => s.workerMs)).toFixed(2),
    rounds_wall_s: ss.map((s) => +s.wallS.toFixed(3)),
  };
});
process.stdout.write(
  `${JSON.stringify({
    experiment: ID,
    numEnvs: cfg.numEnvs,
    hidden: cfg.hidden,
    trials: 100,
    kernel,
    cpus: availableParallelism(),
    updates_timed: UPDATES,
    warmup_updates: WARMUP,
    rounds: ROUNDS,
    loadavg_before: loadBefore.map((x) => +x.toFixed(2)),
    loadavg_after: loadAfter.map((x) => +x.toFixed(2)),
    effective_cores_before: +coresBefore.toFixed(2),
    effective_cores_after: +coresAfter.toFixed(2),
    results,
    speedup_2_over_1: +(results[0]!.wall_s / results[1]!.wall_s).toFixed(3),
  })}\n`,
);
