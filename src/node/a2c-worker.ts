/**
 * One gradient worker of the A2C pool (a2c-pool.ts). It holds a replica of the trainer's network and
 * environments, built from (experiment, config) because a TaskSpec's make() is a closure that cannot
 * cross threads; each message brings the current weights and some shard requests and gets back their
 * gradients (transferred, not copied).
 */
import type { GemmName } from '../math/gemm.js';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { installGemmFromEnv } from './blas.js';
import { A2CRollout, a2cNetwork, loadFlatParams, paramCount, type ShardRequest } from '../metarl/a2c.js';
import { metarlTaskSpec } from '../experiments/metarl/index.js';
import { a2cConfig, type TrainingConfig } from '../experiments/metarl/runner.js';
import { Rng } from '../math/rng.js';

export interface WorkerInit {
  experiment: string;
  config: TrainingConfig;
  /** The main thread's matrix kernel: a shard must be computed with the same one wherever it runs. */
  kernel: GemmName;
}

export type ToWorker = { type: 'compute'; id: number; weights: Float32Array; requests: ShardRequest[] };
export type FromWorker =
  | { type: 'ready'; params: number }
  | { type: 'result'; id: number; results: import('../metarl/a2c.js').ShardResult[]; ms: number }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('a2c-worker.js must run as a worker thread');

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

try {
  const init = workerData as WorkerInit;
  // installGemmFromEnv also pins OpenBLAS to one thread (unless STEERED_BLAS_THREADS says otherwise):
  // the parallelism is across workers, and nested BLAS threads would only fight them for the cores.
  process.env['STEERED_GEMM'] = init.kernel;
  installGemmFromEnv();
  const task = metarlTaskSpec(init.experiment, init.config as unknown as Record<string, unknown>, 'train');
  const cfg = a2cConfig(init.config);
  // The initial weights do not matter: every message overwrites them.
  const net = a2cNetwork(task, cfg, new Rng(0));
  const rollout = new A2CRollout(task, cfg, net);
  const ps = net.params();
  port.on('message', (m: ToWorker) => {
    try {
      const t0 = performance.now();
      loadFlatParams(ps, m.weights);
      const results = m.requests.map((r) => rollout.compute(r));
      const msg: FromWorker = { type: 'result', id: m.id, results, ms: performance.now() - t0 };
      port.postMessage(
        msg,
        results.map((r) => r.grads.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ type: 'error', id: m.id, message: describe(e) } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready', params: paramCount(ps) } satisfies FromWorker);
} catch (e) {
  port.postMessage({ type: 'error', id: -1, message: describe(e) } satisfies FromWorker);
}
