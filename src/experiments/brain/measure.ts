/**
 * A brain experiment as a function: `measure(config, seed, io)` lives the experiment's lifetimes and
 * returns its numbers typed (rounded as its `--json` keys are), with no run of its own — nothing is
 * checkpointed, drawn or shown as progress. Other experiments (alignment/report) and library users read
 * the numbers from the fields instead of re-keying a metrics record. A run with the same seed and config
 * gives the same numbers: both take their randomness from `new Rng(seed)` in the same order.
 */
import type { z } from 'zod';
import { Rng } from '../../math/rng.js';
import type { Experiment, RunContext } from '../experiment.js';

/** What a measurement reads from outside: data files, and where a note to the user goes (dropped when absent). */
export interface MeasureIO {
  readText(path: string): string;
  note?(msg: string): void;
}

/** The part of a run that a lifetime protocol uses. */
export type LifetimeHost<C> = Pick<
  RunContext<C>,
  'config' | 'rng' | 'resume' | 'checkpoint' | 'progress' | 'log' | 'readText' | 'note'
>;

/** A brain experiment with a typed measurement beside its run. */
export interface MeasuredExperiment<S extends z.ZodObject, M> extends Experiment<S> {
  /** Parse `config` (partial: defaults fill the rest), live the lifetimes seeded by `seed`, return the numbers. */
  measure(config: z.input<S>, seed: number, io: MeasureIO): Promise<M>;
}

export function defineMeasured<S extends z.ZodObject, M>(
  e: MeasuredExperiment<S, M>,
): MeasuredExperiment<S, M> {
  return e;
}

/** A fresh lifetime host seeded as a run with `seed` is; checkpoints and progress go nowhere. */
export function measureHost<C>(config: C, seed: number, io: MeasureIO): LifetimeHost<C> {
  return {
    config,
    rng: new Rng(seed),
    resume: null,
    checkpoint() {},
    progress() {},
    log() {},
    readText: (p) => io.readText(p),
    note: (msg) => io.note?.(msg),
  };
}
