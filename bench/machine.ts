/**
 * How much of the machine a benchmark actually got. The machine is shared, so throughput figures are
 * only readable beside this control: the cores a plain CPU-bound loop gets when it runs on one thread
 * and on two at once (≈ 2 on an idle 2-core machine, ≈ 1 when another process holds a core).
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const BURN = `let x = 0; for (let i = 0; i < N; i++) x = (x + Math.sqrt(i)) % 1e9;`;
const burn = new Function('N', BURN) as (n: number) => void;

export async function effectiveCores(n = 6e7): Promise<number> {
  let t0 = performance.now();
  burn(n);
  const one = performance.now() - t0;
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads'); parentPort.on('message', (N) => { ${BURN} parentPort.postMessage(0); });`,
    { eval: true },
  );
  try {
    t0 = performance.now();
    const done = new Promise((r) => w.once('message', r));
    w.postMessage(n);
    burn(n);
    await done;
    return (2 * one) / (performance.now() - t0);
  } finally {
    await w.terminate();
  }
}

/**
 * Single-core speed on the kind of work the models do: nanoseconds per element of y ← 0.5·x + y over two
 * Float32Arrays of 55 000 entries (in cache), best of five rounds. On a shared machine it moves from day to
 * day; a wall time is comparable with another only beside it.
 */
export function axpyNs(rounds = 5, reps = 400): number {
  const n = 55_000;
  const x = new Float32Array(n).fill(1.5),
    y = new Float32Array(n);
  const f = (a: Float32Array, b: Float32Array) => {
    for (let i = 0; i < n; i++) b[i] = a[i]! * 0.5 + b[i]!;
  };
  for (let i = 0; i < 100; i++) f(x, y);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f(x, y);
    best = Math.min(best, ((performance.now() - t0) / reps / n) * 1e6);
  }
  return best;
}
