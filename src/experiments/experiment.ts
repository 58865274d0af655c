/**
 * What an experiment is: a named, parameterised piece of science with a documented config (the
 * `--set` keys, a zod schema with defaults), documented metric keys (the `--json` contract), and a run
 * function. Experiments are core code: they touch no file system; everything stateful (checkpoints,
 * metric logs, figures, progress) comes in through the RunContext that the edge (cli/runs) supplies.
 */
import type { Criterion } from './criteria.js';
import type { z } from 'zod';
import type { Rng } from '../math/rng.js';
import type { TensorRecord } from '../nn/serialize.js';
import type { GradientBackend } from '../metarl/a2c.js';

export type Metrics = Record<string, number | number[] | string | boolean | null>;

/** A checkpoint as experiments see it: JSON-able meta plus named tensors. */
export interface Snapshot {
  meta: Record<string, unknown>;
  tensors: Record<string, TensorRecord>;
}

export interface RunContext<C> {
  readonly experiment: string;
  readonly config: C;
  readonly seed: number;
  /** Root of all randomness for this run (seeded by `seed`). Restore its state from a snapshot on resume. */
  readonly rng: Rng;
  /** The checkpoint to continue from (`--resume`), or null for a fresh run. */
  readonly resume: Snapshot | null;
  /** Append one row of scalar metrics at a step (JSONL + TensorBoard at the edge). */
  log(step: number, metrics: Record<string, number>): void;
  /** Persist a snapshot atomically. Call at a point from which the run can continue exactly. */
  checkpoint(step: number, snap: Snapshot): void;
  /** Save a figure (SVG text) under the run's figures/. */
  figure(name: string, svg: string): void;
  /** Report progress for long work (a bar on stderr when it is a terminal). */
  progress(done: number, total: number, label?: string): void;
  /** Free-form note to the user (stderr). */
  note(msg: string): void;
  /**
   * Read a data file (a world, a steering configuration) named by a config value. The edge resolves
   * it (Node: the current directory first, then the package root where data/ ships; a browser: its own
   * table); a missing file is a one-line error naming it.
   */
  readText(path: string): string;
  /** Backend for running work on both cores; absent in a browser (run in-process instead). */
  readonly parallel?: ParallelBackend;
}

/**
 * Edge-provided threads (worker_threads in Node; absent in a browser). Core code must work without it:
 * it decides how work is split (which fixes the numbers) and only asks the edge where to run it.
 */
export interface ParallelBackend {
  /** Threads worth running at once on the host (e.g. os.availableParallelism()). */
  readonly workers: number;
  /**
   * Start `workers` helper threads, each holding a replica of the experiment's A2C trainer built from
   * (experiment, config), that compute gradient shards alongside the calling thread. The caller must
   * close() it.
   */
  gradientWorkers(opts: { experiment: string; config: unknown; workers: number }): Promise<GradientBackend>;
  /**
   * Compute the experiment's units (Experiment.unit) for `keys` on up to `threads` helper threads;
   * results in the order of the keys. `onDone` is called as each unit ends.
   */
  units?<T>(opts: UnitsOptions): Promise<T[]>;
}

/** What ParallelBackend.units computes: the units `keys` of (experiment, config, seed). */
export interface UnitsOptions {
  experiment: string;
  config: unknown;
  seed: number;
  keys: readonly string[];
  threads: number;
  onDone?: (done: number, key: string) => void;
}

export interface EvalContext<C> extends Omit<RunContext<C>, 'resume' | 'checkpoint'> {
  /** The checkpoint being evaluated with frozen weights. */
  readonly checkpoint: Snapshot;
}

/** A shipped checkpoint for the configs whose keys equal `when` (see Experiment.shippedVariants). */
export interface ShippedVariant {
  when: Readonly<Record<string, unknown>>;
  /** Repository-relative path. */
  path: string;
}

export interface Experiment<S extends z.ZodObject = z.ZodObject> {
  /** Stable id, e.g. "metarl/bandit-independent". Renaming is a breaking change. */
  readonly id: string;
  readonly title: string;
  /** One paragraph: what it shows and how it is measured. */
  readonly description: string;
  /** The `--set` keys with defaults; must be a strict object (unknown keys are errors). */
  readonly config: S;
  /** Metric keys of the `--json` line, each with a one-line meaning. */
  readonly metrics: Record<string, string>;
  /** The phenomenon's expected outcome, stated before the run (for the docs and `list`). */
  readonly expected?: string;
  /**
   * Per-run success criteria (a declarative table, criteria.ts): a run ends with `criteria_met`, and
   * the docs page lists them. Absent where the result is measured rather than predicted.
   */
  readonly criteria?: readonly Criterion[];
  /**
   * How to read the results: markdown paragraphs the docs page shows after the metrics (what each row
   * or number means and how it is measured), where a one-line metric description is not enough.
   */
  readonly notes?: string;
  /**
   * The result as one markdown table, built from metrics and the config alone: a run prints it from its
   * own metrics, and the docs page from the means over the measured seeds.
   */
  readonly table?: (metrics: Metrics, config: z.infer<S>) => string;
  /** The metric keys that carry the result, in the order the docs tables show them (default: all). */
  readonly headline?: readonly string[];
  /**
   * A few human-readable lines saying what the result means (the result against its references); the
   * command line prints them on stderr after a run, before the `--json` line on stdout.
   */
  readonly summary?: (metrics: Metrics) => string[];
  /** Repository-relative path of the checkpoint `steered eval` uses without --checkpoint. */
  readonly shippedCheckpoint?: string;
  /**
   * Further shipped checkpoints for other settings of the task (e.g. another number of arms), each with
   * the config values it was trained for. `steered eval` without --checkpoint takes the first variant
   * whose `when` keys all equal the evaluation's values (a --set value, else the value stored in
   * shippedCheckpoint's config), and shippedCheckpoint when none matches.
   */
  readonly shippedVariants?: readonly ShippedVariant[];
  /**
   * Check what the config points at (e.g. data files) before anything is stored; throw a one-line
   * error (DataFileError, ConfigError) for bad input. Optional.
   */
  validate?(config: z.infer<S>, io: { readText(path: string): string }): void;
  run(ctx: RunContext<z.infer<S>>): Promise<Metrics>;
  /**
   * One independent unit of a run's work, named by `key` (e.g. one agent in one world for one seed): a
   * function of (config, seed, key) alone, so the edge may compute units on other threads
   * (ParallelBackend.units) and the run assemble them in key order with the same numbers. Optional.
   */
  unit?(
    config: z.infer<S>,
    seed: number,
    key: string,
    io: { readText(path: string): string },
  ): Promise<unknown>;
  /** Frozen-weight evaluation of a checkpoint; absent when the experiment has nothing to evaluate. */
  evaluate?(ctx: EvalContext<z.infer<S>>): Promise<Metrics>;
}

export function defineExperiment<S extends z.ZodObject>(e: Experiment<S>): Experiment<S> {
  return e;
}
