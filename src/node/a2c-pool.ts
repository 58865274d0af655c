/**
 * Worker-thread pool that computes A2C gradient shards (the GradientBackend of metarl/a2c.ts) — the
 * Node edge of data-parallel synchronous A2C; the main thread computes its own share of the shards
 * meanwhile (A2CTrainer.stepParallel). Each update the main thread sends every worker the flat
 * weights (a fresh transferred copy: ~60 KB at hidden 48, far below the cost of one shard) and its
 * shard requests; workers return gradients as transferred buffers. Shards go to workers round-robin
 * and come back in request order, so the combination order, hence the numbers, depend only on the
 * shard count.
 */
import type { GemmName } from '../math/gemm.js';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { GradientBackend, ShardRequest, ShardResult } from '../metarl/a2c.js';
import type { ParallelBackend, UnitsOptions } from '../experiments/experiment.js';
import type { TrainingConfig } from '../experiments/metarl/runner.js';
import type { FromWorker, ToWorker, WorkerInit } from './a2c-worker.js';
import { blasThreadPolicy, loadBlas } from './blas.js';
import { runUnits } from './unit-pool.js';

// dist/src/node/a2c-pool.js → the package root, where data/ ships.
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const WORKER_URL = new URL('./a2c-worker.js', import.meta.url);

interface Pending {
  resolve: (r: { results: ShardResult[]; ms: number }) => void;
  reject: (e: Error) => void;
}

export interface PoolStats {
  /** computeShards calls. */
  calls: number;
  /** Wall time inside computeShards (send → all results back). */
  wallMs: number;
  /** Sum over calls of the slowest worker's compute time (excluding messaging). */
  busiestMs: number;
}

export class A2CWorkerPool implements GradientBackend {
  private readonly pending: Map<number, Pending>[];
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;
  readonly stats: PoolStats = { calls: 0, wallMs: 0, busiestMs: 0 };

  private constructor(
    private readonly threads: Worker[],
    private readonly kernel: GemmName,
  ) {
    this.pending = threads.map(() => new Map());
    threads.forEach((w, i) => {
      w.on('message', (m: FromWorker) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(new Error(`A2C worker ${i} crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`A2C worker ${i} exited (code ${code})`));
      });
    });
  }

  get workers(): number {
    return this.threads.length;
  }

  /** Start `workers` threads and wait until each has built its replica (or throw the first failure). */
  static async start(opts: {
    experiment: string;
    config: TrainingConfig;
    workers: number;
    kernel: GemmName;
  }): Promise<A2CWorkerPool> {
    const n = Math.max(1, Math.floor(opts.workers));
    const init: WorkerInit = { experiment: opts.experiment, config: opts.config, kernel: opts.kernel };
    const threads: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_URL, { workerData: init });
      threads.push(w);
      ready.push(
        new Promise<void>((res, rej) => {
          const onMsg = (m: FromWorker) => {
            if (m.type === 'ready') {
              cleanup();
              res();
            } else if (m.type === 'error') {
              cleanup();
              rej(new Error(`A2C worker ${i} failed to start: ${m.message}`));
            }
          };
          const onErr = (e: Error) => {
            cleanup();
            rej(new Error(`A2C worker ${i} failed to start: ${e.message}`));
          };
          const onExit = (code: number) => {
            cleanup();
            rej(new Error(`A2C worker ${i} exited during start-up (code ${code})`));
          };
          const cleanup = () => {
            w.off('message', onMsg);
            w.off('error', onErr);
            w.off('exit', onExit);
          };
          w.on('message', onMsg);
          w.on('error', onErr);
          w.on('exit', onExit);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(threads.map((w) => w.terminate()));
      throw e;
    }
    // While workers hold the other cores, the main thread's BLAS runs single-threaded like theirs:
    // nested threads would fight the workers, and a shard must give the same bits on any thread.
    if (opts.kernel === 'blas') loadBlas()?.setThreads(1);
    return new A2CWorkerPool(threads, opts.kernel);
  }

  async computeShards(weights: Float32Array, requests: readonly ShardRequest[]): Promise<ShardResult[]> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('A2C worker pool is closed');
    const W = this.threads.length;
    const t0 = performance.now();
    const jobs: Promise<{ results: ShardResult[]; ms: number }>[] = [];
    for (let i = 0; i < W && i < requests.length; i++) {
      const mine: ShardRequest[] = [];
      for (let s = i; s < requests.length; s += W) mine.push(requests[s]!);
      const id = this.nextId++;
      const wts = i === W - 1 || i === requests.length - 1 ? weights : weights.slice();
      jobs.push(new Promise((resolve, reject) => this.pending[i]!.set(id, { resolve, reject })));
      const msg: ToWorker = { type: 'compute', id, weights: wts, requests: mine };
      this.threads[i]!.postMessage(msg, [wts.buffer as ArrayBuffer]);
    }
    const got = await Promise.all(jobs);
    const out: ShardResult[] = new Array(requests.length);
    got.forEach((g, i) => g.results.forEach((r, k) => (out[i + k * W] = r)));
    this.stats.calls++;
    this.stats.wallMs += performance.now() - t0;
    this.stats.busiestMs += Math.max(...got.map((g) => g.ms));
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(new Error('A2C worker pool closed'));
    await Promise.all(this.threads.map((w) => w.terminate()));
    if (this.kernel === 'blas') loadBlas()?.setThreads(blasThreadPolicy().cap);
  }

  private onMessage(i: number, m: FromWorker): void {
    if (m.type === 'ready') return;
    const p = this.pending[i]!.get(m.id);
    if (!p) return;
    this.pending[i]!.delete(m.id);
    if (m.type === 'result') p.resolve({ results: m.results, ms: m.ms });
    else p.reject(new Error(`A2C worker ${i}: ${m.message}`));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.rejectAll(e);
  }

  private rejectAll(e: Error): void {
    for (const m of this.pending) {
      for (const p of m.values()) p.reject(e);
      m.clear();
    }
  }
}

/**
 * What the CLI injects as RunContext.parallel: the machine's thread count, and pools started on demand
 * with the kernel the main thread uses.
 */
export function a2cParallelBackend(kernel: GemmName, threads = availableParallelism()): ParallelBackend {
  return {
    workers: Math.max(1, threads),
    units: <T>(o: UnitsOptions) =>
      runUnits<T>({
        init: { experiment: o.experiment, config: o.config, seed: o.seed, kernel, dataRoot: PACKAGE_ROOT },
        keys: o.keys,
        threads: o.threads,
        ...(o.onDone ? { onDone: o.onDone } : {}),
      }),
    gradientWorkers: (o) =>
      A2CWorkerPool.start({
        experiment: o.experiment,
        config: o.config as TrainingConfig,
        workers: o.workers,
        kernel,
      }),
  };
}
