/**
 * One worker of the unit pool (unit-pool.ts): it computes an experiment's independent units of work
 * (Experiment.unit) by key. Each unit is a function of (config, seed, key) alone, so where it runs does
 * not change its result; results go back by structured clone.
 */
import type { GemmName } from '../math/gemm.js';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { findExperiment } from '../experiments/index.js';
import { installGemmFromEnv } from './blas.js';

export interface UnitWorkerInit {
  experiment: string;
  config: unknown;
  seed: number;
  kernel: GemmName;
  /** Where bundled data files are found after the current directory (the package root). */
  dataRoot: string;
}

export type ToUnitWorker = { id: number; key: string };
export type FromUnitWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('unit-worker.js must run as a worker thread');
const init = workerData as UnitWorkerInit;
// The same matrix kernel as the main thread; OpenBLAS on one thread (the parallelism is across workers).
process.env['STEERED_GEMM'] = init.kernel;
installGemmFromEnv();
const exp = findExperiment(init.experiment);
const readText = (p: string): string => {
  const found = [resolve(p), resolve(init.dataRoot, p)].find((c) => existsSync(c));
  if (!found) throw new Error(`data file '${p}' not found`);
  return readFileSync(found, 'utf8');
};
port.on('message', (m: ToUnitWorker) => {
  void (async () => {
    try {
      if (!exp.unit) throw new Error(`${exp.id} has no units`);
      const result = await exp.unit(init.config as never, init.seed, m.key, { readText });
      port.postMessage({ type: 'result', id: m.id, result } satisfies FromUnitWorker);
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      port.postMessage({ type: 'error', id: m.id, message } satisfies FromUnitWorker);
    }
  })();
});
port.postMessage({ type: 'ready' } satisfies FromUnitWorker);
