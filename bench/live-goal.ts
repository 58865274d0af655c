/**
 * How often a goal injected by hand in the live lab is reached: brain/goal-injection's world and
 * learner settings as `steered serve` builds them, LEARN ticks of life, then the overseer's `goal`
 * command for the flower (as a click does), then up to REACH ticks. Per seed: the first tick on the
 * flower after the injection (−1: never) and the ticks spent on it. Pure-TS kernel unless
 * STEERED_GEMM says otherwise.
 *
 *   npx tsc -p . && node dist/bench/live-goal.js [--seeds 0-9] [--learn 3000] [--reach 600]
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LiveLifetime } from '../src/live/lifetime.js';
import { findExperiment } from '../src/experiments/index.js';
import type { LearnerOverride } from '../src/experiments/brain/common.js';

const { values: o } = parseArgs({
  options: {
    seeds: { type: 'string', default: '0-9' },
    learn: { type: 'string', default: '3000' },
    reach: { type: 'string', default: '600' },
  },
});
const [lo, hi] = o.seeds.split('-').map(Number) as [number, number];
const LEARN = Number(o.learn),
  REACH = Number(o.reach);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
if (process.env.STEERED_GEMM === 'blas') (await import('../src/node/blas.js')).installGemmFromEnv();

const cfg = findExperiment('brain/goal-injection').config.parse({}) as Record<string, unknown>;
const learner: LearnerOverride = { ...((cfg.learner as LearnerOverride | undefined) ?? {}) };
learner.planner = {
  horizon: cfg.horizon as number,
  candidates: cfg.candidates as number,
  ...learner.planner,
};
const file = (p: string) => ({ file: p, text: readFileSync(join(ROOT, p), 'utf8') });
const rows: { seed: number; reached: number; ticks_on: number }[] = [];
for (let seed = lo; seed <= (hi ?? lo); seed++) {
  const L = new LiveLifetime({
    world: file(cfg.world as string),
    steering: file(cfg.steering as string),
    learner: learner as never,
    seed,
  });
  for (let i = 0; i < LEARN; i++) L.advance();
  L.submit({ type: 'goal', object: 'flower', weight: 3, remove: false }, 'bench');
  L.applyPending();
  const f = L.agent.world.find('flower').find((x) => x.present)!;
  let reached = -1,
    on = 0;
  for (let i = 0; i < REACH; i++) {
    L.advance();
    const a = L.agent.world.agent;
    if (a.x === f.x && a.y === f.y) {
      on++;
      if (reached < 0) reached = i + 1;
    }
  }
  rows.push({ seed, reached, ticks_on: on });
  process.stderr.write(
    `seed ${seed}: ${reached < 0 ? 'never reached' : `reached after ${reached} ticks`}, ${on} of ${REACH} ticks on it\n`,
  );
}
const n = rows.filter((r) => r.reached >= 0).length;
process.stdout.write(
  `${JSON.stringify({ learn: LEARN, reach: REACH, reached: n, of: rows.length, rows })}\n`,
);
