/**
 * Runs an experiment's units (Experiment.unit) on worker threads: `threads` workers, each taking the
 * next unit as soon as it is free; results come back in the order of the keys, so the experiment
 * assembles the same numbers as when it computes the units one after another in-process.
 */
import { Worker } from 'node:worker_threads';
import type { FromUnitWorker, UnitWorkerInit } from './unit-worker.js';

const WORKER_URL = new URL('./unit-worker.js', import.meta.url);

export async function runUnits<T>(o: {
  init: UnitWorkerInit;
  keys: readonly string[];
  threads: number;
  onDone?: (done: number, key: string) => void;
}): Promise<T[]> {
  const n = Math.max(1, Math.min(Math.floor(o.threads), o.keys.length));
  const results = new Array<T>(o.keys.length);
  const workers = Array.from({ length: n }, () => new Worker(WORKER_URL, { workerData: o.init }));
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      if (o.keys.length === 0) return resolve();
      const feed = (w: Worker) => {
        if (next >= o.keys.length) return;
        const id = next++;
        w.postMessage({ id, key: o.keys[id]! });
      };
      for (const w of workers) {
        w.on('message', (m: FromUnitWorker) => {
          if (m.type === 'ready') return feed(w);
          if (m.type === 'error')
            return reject(new Error(`unit '${o.keys[m.id]}': ${m.message.split('\n')[0]}`));
          results[m.id] = m.result as T;
          done++;
          o.onDone?.(done, o.keys[m.id]!);
          if (done === o.keys.length) resolve();
          else feed(w);
        });
        w.on('error', (e) => reject(new Error(`unit worker crashed: ${e.message}`)));
        w.on('exit', (code) => {
          if (done < o.keys.length) reject(new Error(`unit worker exited (code ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
