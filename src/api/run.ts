/**
 * Run an experiment from code, without the command line: the same config validation, the same seeded
 * run, the metrics returned instead of printed. Core code (no file system): logs and figures are kept
 * in memory, data files come through `readText`, threads through an optional `parallel` backend. The
 * Node entry point (src/node/index.ts) supplies both from the package.
 */
import { withCriteriaMet } from '../experiments/criteria.js';
import type { Metrics, ParallelBackend, RunContext } from '../experiments/experiment.js';
import { findExperiment } from '../experiments/index.js';
import { validateConfig } from '../experiments/config.js';
import { Rng } from '../math/rng.js';

export interface RunOptions {
  /** Root seed of the run (default 0). The same seed gives the same metrics. */
  seed?: number;
  /** Config values (the experiment's `--set` keys); unknown keys or bad values throw a ConfigError. */
  set?: Record<string, unknown>;
  /** Reads a data file named by a config value (worlds, steering files). Required by brain experiments. */
  readText?: (path: string) => string;
  /** Threads for the experiments that can use them (meta-RL training); in-process when absent. */
  parallel?: ParallelBackend;
  /** Called for progress on long work. */
  onProgress?: (done: number, total: number, label?: string) => void;
  /** Called for notes the experiment addresses to the user (stderr in the command line). */
  onNote?: (msg: string) => void;
}

export interface RunResult {
  experiment: string;
  seed: number;
  /** The resolved config, defaults filled in. */
  config: Record<string, unknown>;
  /** The metrics of the `--json` line. */
  metrics: Metrics;
  /** Scalar rows the run logged (metrics.jsonl in the command line). */
  log: { step: number; metrics: Record<string, number> }[];
  /** Figures by name (SVG text). */
  figures: Record<string, string>;
}

export async function runExperiment(id: string, opts: RunOptions = {}): Promise<RunResult> {
  const exp = findExperiment(id);
  const seed = opts.seed ?? 0;
  const config = validateConfig(exp.config, opts.set ?? {}, exp.id) as Record<string, unknown>;
  const readText =
    opts.readText ??
    ((p: string) => {
      throw new Error(
        `data file '${p}' requested but no readText was given (the Node entry point supplies one)`,
      );
    });
  exp.validate?.(config as never, { readText });
  const log: RunResult['log'] = [];
  const figures: Record<string, string> = {};
  const ctx: RunContext<Record<string, unknown>> = {
    experiment: exp.id,
    config,
    seed,
    rng: new Rng(seed),
    resume: null,
    log: (step, m) => log.push({ step, metrics: { ...m } }),
    checkpoint: () => {},
    figure: (name, svg) => {
      figures[name] = svg;
    },
    progress: (done, total, label) => opts.onProgress?.(done, total, label),
    note: (msg) => opts.onNote?.(msg),
    readText,
    ...(opts.parallel ? { parallel: opts.parallel } : {}),
  };
  const metrics = withCriteriaMet(exp.criteria, await exp.run(ctx as RunContext<never>));
  return { experiment: exp.id, seed, config, metrics, log, figures };
}
