/**
 * Training throughput of every shipped meta-RL checkpoint recipe, and the wall time the full recipe
 * would take on the machine running it at that speed. Prints one JSON object; progress goes to stderr.
 *
 *   npx tsc -p . && node dist/bench/shipped.js [--only <id>[,<id>…]]… [--updates N] [--warmup N]
 *
 * The recipes are read from scripts/train-shipped.sh (its `[metarl/<id>]="--seed … --set k=v …"`
 * table, the one source of truth); a change of that format is an error, not a silent skip. Each recipe
 * builds its trainer the way `steered run` does (runner.ts trainAndEvaluate): the recipe's --set values
 * validated by the experiment's schema, the training task of metarlTaskSpec, A2CTrainer seeded with
 * Rng(seed).fork('train'), `workers` resolved to shards by resolveShards and, when more than one thread
 * is used, an A2CWorkerPool of threads − 1 helpers (as bench/metarl-train.ts). Worker start-up and
 * `--warmup` updates are excluded from the timing (start-up is reported as pool_start_s); `--updates`
 * updates from update 0 are timed. Episodes have fixed length in these tasks, so the cost per update
 * does not depend on where in the schedule it is taken.
 *
 * projected_train_minutes = recipe updates / measured updates per second / 60: training only (no
 * worker start-up, checkpoint writes or frozen-weight evaluation). The machine is shared, so the output
 * carries the load average and the effective-cores control of bench/metarl-train.ts (a CPU-bound loop
 * on one thread vs two at once; ≈ 2 on an idle 2-core machine) before and after.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { installGemmFromEnv } from '../src/node/blas.js';
import { A2CWorkerPool } from '../src/node/a2c-pool.js';
import { A2CTrainer } from '../src/metarl/a2c.js';
import { findExperiment } from '../src/experiments/index.js';
import { parseSets } from '../src/experiments/config.js';
import { metarlTaskSpec } from '../src/experiments/metarl/index.js';
import { a2cConfig, breathe, resolveShards, type TrainingConfig } from '../src/experiments/metarl/runner.js';
import { Rng } from '../src/math/rng.js';
import { effectiveCores } from './machine.js';
import { readShippedRecipes, SHIPPED_SCRIPT, type ShippedRecipe } from '../tools/shipped-recipes.js';

const SCRIPT = SHIPPED_SCRIPT;
/** The speed target for the main job: metarl/bandit-independent's shipped recipe trains in ≤ 10 minutes. */
const TARGETS: Record<string, number> = { 'metarl/bandit-independent': 10 };

function fail(msg: string): never {
  process.stderr.write(`bench/shipped: ${msg}\n`);
  process.exit(2);
}

/** The recipe table of scripts/train-shipped.sh, in file order (package root: dist/bench/shipped.js → ../..). */
function readRecipes(): ShippedRecipe[] {
  try {
    return readShippedRecipes(fileURLToPath(new URL('../..', import.meta.url)));
  } catch (e) {
    fail((e as Error).message);
  }
}

function positiveInt(name: string, raw: string | undefined, dflt: number, min: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${name} expects an integer ≥ ${min}, got '${raw}'`);
  return n;
}

let args: { only?: string[]; updates?: string; warmup?: string } = {};
try {
  args = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      updates: { type: 'string' },
      warmup: { type: 'string' },
    },
  }).values;
} catch (e) {
  fail((e as Error).message);
}
const UPDATES = positiveInt('updates', args.updates, 60, 1);
const WARMUP = positiveInt('warmup', args.warmup, 3, 0);
const all = readRecipes();
const only = (args.only ?? [])
  .flatMap((s) => s.split(','))
  .map((s) => s.trim())
  .filter(Boolean);
for (const t of only)
  if (!all.some((r) => r.target === t))
    fail(`--only ${t}: no such recipe in ${SCRIPT} (have ${all.map((r) => r.target).join(', ')})`);
const recipes = only.length ? all.filter((r) => only.includes(r.target)) : all;

const kernel = installGemmFromEnv();
const CPUS = availableParallelism();

const r2 = (x: number) => +x.toFixed(2);
const r3 = (x: number) => +x.toFixed(3);

async function measure(r: ShippedRecipe) {
  let cfg: TrainingConfig;
  try {
    cfg = parseSets(findExperiment(r.id).config, r.sets, r.id) as TrainingConfig;
  } catch (e) {
    fail(`${r.target}: ${(e as Error).message}`);
  }
  const task = metarlTaskSpec(r.id, cfg as unknown as Record<string, unknown>, 'train');
  // As trainAndEvaluate: shards from `workers` (0 = one per core), this thread + threads − 1 helpers.
  const shards = resolveShards(cfg, CPUS);
  const threads = Math.min(shards, CPUS);
  process.stderr.write(
    `${r.target}: workers=${cfg.workers} → ${shards} shard(s) on ${threads} thread(s), numEnvs ${cfg.numEnvs}, hidden ${cfg.hidden}, ${task.maxSteps} steps/episode; ${WARMUP} warm-up + ${UPDATES} timed updates…\n`,
  );
  const load1 = loadavg()[0]!;
  const trainer = new A2CTrainer(task, a2cConfig(cfg), new Rng(r.seed).fork('train'), { shards });
  let t0 = performance.now();
  const pool =
    threads > 1
      ? await A2CWorkerPool.start({ experiment: r.id, config: cfg, workers: threads - 1, kernel })
      : null;
  const poolStartS = (performance.now() - t0) / 1000;
  try {
    const step = async () => {
      const s = pool ? await trainer.stepParallel(pool) : trainer.step();
      await breathe(); // the run loop's event-loop turn (at most every 50 ms)
      return s;
    };
    for (let i = 0; i < WARMUP; i++) await step();
    let rows = 0;
    t0 = performance.now();
    for (let i = 0; i < UPDATES; i++) rows += (await step()).envSteps;
    const seconds = (performance.now() - t0) / 1000;
    const ups = UPDATES / seconds;
    const projected = cfg.updates / ups / 60;
    const target = TARGETS[r.id];
    const out = {
      id: r.target,
      seed: r.seed,
      sets: r.sets.join(' '),
      workers: cfg.workers,
      shards,
      threads,
      numEnvs: cfg.numEnvs,
      hidden: cfg.hidden,
      steps_per_episode: task.maxSteps,
      pool_start_s: r3(poolStartS),
      loadavg_1m_start: r2(load1),
      updates_timed: UPDATES,
      seconds: r3(seconds),
      updates_per_s: r2(ups),
      ms_per_update: r2(1000 / ups),
      env_steps_per_s: Math.round((UPDATES * cfg.numEnvs * task.maxSteps) / seconds),
      // Unmasked rows actually played (equal to the above when no episode ends before maxSteps).
      env_steps_per_s_played: Math.round(rows / seconds),
      recipe_updates: cfg.updates,
      projected_train_minutes: r2(projected),
      ...(target !== undefined ? { target_minutes: target, meets_target: projected <= target } : {}),
    };
    process.stderr.write(
      `${r.target}: ${out.updates_per_s} updates/s, ${out.env_steps_per_s} env steps/s → ${cfg.updates} updates ≈ ${out.projected_train_minutes} min` +
        (target !== undefined ? ` (target ≤ ${target} min: ${out.meets_target ? 'met' : 'NOT met'})` : '') +
        '\n',
    );
    return out;
  } finally {
    await pool?.close();
  }
}

const loadBefore = loadavg();
const coresBefore = await effectiveCores();
const results = [];
for (const r of recipes) results.push(await measure(r));
const loadAfter = loadavg();
const coresAfter = await effectiveCores();

process.stdout.write(
  `${JSON.stringify({
    bench: 'shipped',
    script: SCRIPT,
    kernel,
    cpus: CPUS,
    updates_timed: UPDATES,
    warmup_updates: WARMUP,
    loadavg_before: loadBefore.map(r2),
    loadavg_after: loadAfter.map(r2),
    effective_cores_before: r2(coresBefore),
    effective_cores_after: r2(coresAfter),
    results,
    total_projected_train_minutes: r2(results.reduce((a, x) => a + x.projected_train_minutes, 0)),
  })}\n`,
);
