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
