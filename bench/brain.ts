/**
 * Brain ticks per second: one agent living in the spider rooms (data/worlds/spiders.world, default
 * steering and learner config), all learning on, without planning, with the default planner (32
 * imagined plans × 6 steps per tick) and with the new-food planner (64 × 10). Every gemm kernel.
 * Prints a table on stderr and, as the last stdout line, one JSON object (ticks/s):
 *   {"ts": {"no_planning", "planning_32x6", "planning_64x10"}, "wasm": {…}, "blas": {…}, "meta": {…}}
 *
 *   npx tsc -p . && node dist/bench/brain.js [--ticks N] [--rounds R]
 *
 * Each figure is the best of `rounds` timings of `ticks` ticks after a 500-tick warm-up (JIT, buffers,
 * a world model that has started training); the machine is shared, so the load average is reported.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setGemmKernel, tsGemm } from '../src/math/gemm.js';
import { loadBlas } from '../src/node/blas.js';
import { wasmGemm } from '../src/math/gemm-wasm.js';
import { buildAgent } from '../src/brain/build.js';
import { learnerConfig } from '../src/brain/learning/config.js';
import { enter, live } from '../src/experiments/brain/protocol.js';

const { values: o } = parseArgs({ options: { ticks: { type: 'string' }, rounds: { type: 'string' } } });
const TICKS = Number(o.ticks ?? 2000),
  ROUNDS = Number(o.rounds ?? 3);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = {
  world: { text: readFileSync(join(ROOT, 'data/worlds/spiders.world'), 'utf8'), file: 'spiders.world' },
  steering: { text: readFileSync(join(ROOT, 'data/steering/default.steer'), 'utf8'), file: 'default.steer' },
};

function ticksPerSecond(planner: { candidates: number; horizon: number } | null, ticks: number): number {
  const agent = buildAgent(src, learnerConfig(planner ? { planner } : {}), 0);
  const rooms = ['spider', 'ball', 'neutral', 'safe'];
  const run = (n: number) => {
    for (let done = 0, i = 0; done < n; i++) {
      enter(agent, rooms[i % rooms.length]!);
      const k = Math.min(100, n - done);
      live(agent, k, { planning: planner !== null });
      done += k;
    }
  };
  run(500);
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    run(ticks);
    best = Math.max(best, ticks / ((performance.now() - t0) / 1000));
  }
  return Math.round(best);
}

const out: Record<string, unknown> = {};
const kernels: [string, () => boolean][] = [
  [
    'ts',
    () => {
      setGemmKernel(tsGemm);
      return true;
    },
  ],
  [
    'wasm',
    () => {
      const w = wasmGemm();
      if (!w) return false;
      setGemmKernel(w);
      return true;
    },
  ],
  [
    'blas',
    () => {
      const b = loadBlas();
      if (!b) return false;
      setGemmKernel(b.kernel);
      return true;
    },
  ],
];
for (const [name, install] of kernels) {
  if (!install()) {
    out[name] = null;
    continue;
  }
  const r = {
    no_planning: ticksPerSecond(null, TICKS),
    planning_32x6: ticksPerSecond({ candidates: 32, horizon: 6 }, Math.max(100, TICKS / 10)),
    planning_64x10: ticksPerSecond({ candidates: 64, horizon: 10 }, Math.max(100, TICKS / 20)),
  };
  out[name] = r;
  process.stderr.write(`${name.padEnd(5)} ${JSON.stringify(r)}\n`);
}
out.meta = { ticks: TICKS, rounds: ROUNDS, loadavg: loadavg().map((x) => Number(x.toFixed(2))) };
process.stdout.write(`${JSON.stringify(out)}\n`);
