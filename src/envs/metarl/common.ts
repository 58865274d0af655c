/**
 * Shared shape of the meta-RL task families (Wang et al. 2018; Duan et al. 2016).
 *
 * Every task is an Env<Float32Array, number> with a Discrete action space. Task parameters (arm
 * probabilities, the rewarded object, …) are redrawn at every reset from the env's own Rng, so one env
 * instance is a whole task *family*; reset({seed}) fixes that stream, later resets continue it.
 *
 * Observation layout (Float32Array, length taskSize + nActions + 2):
 *
 *   [0, taskSize)                      task observation (empty for bandits; see each task)
 *   [taskSize, taskSize + nActions)    previous action, one-hot (all zero after reset)
 *   taskSize + nActions                previous reward (0 after reset)
 *   taskSize + nActions + 1            trial index t / trials: completed trials, so 0 after reset and
 *                                      1 in the final observation
 *
 * `layout` on each task gives these offsets so trainers never hard-code them. Episodes end with
 * `terminated = true` after the last trial (a fixed-length task, not a time limit). `info.trial` on every
 * step is the 0-based index of the trial that step belongs to.
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../core.js';
import { Box, Discrete } from '../spaces.js';
import { Rng } from '../../math/rng.js';

export interface ObservationLayout {
  taskOffset: number;
  taskSize: number;
  prevActionOffset: number;
  prevRewardIndex: number;
  timeIndex: number;
  size: number;
}

export function observationLayout(taskSize: number, nActions: number): ObservationLayout {
  return {
    taskOffset: 0,
    taskSize,
    prevActionOffset: taskSize,
    prevRewardIndex: taskSize + nActions,
    timeIndex: taskSize + nActions + 1,
    size: taskSize + nActions + 2,
  };
}

export interface TaskBounds {
  taskLow: number | ArrayLike<number>;
  taskHigh: number | ArrayLike<number>;
  rewardLow: number;
  rewardHigh: number;
}

export abstract class MetaRLTask implements Env<Float32Array, number> {
  readonly observationSpace: Box<'f32'>;
  readonly actionSpace: Discrete;
  readonly layout: ObservationLayout;
  readonly metadata: Record<string, unknown>;
  /** Trials per episode. */
  readonly trials: number;
  /** Env steps per trial when every step is taken (informational; Harlow aborts can shorten a trial). */
  readonly stepsPerTrial: number;

  /** The env's random stream; a fixed default until the first seeded reset (like spaces.ts). */
  protected rng = new Rng(0x6d657461);
  /** Completed trials in the current episode. */
  protected t = 0;
  protected done = true;
  private prevAction = -1;
  private prevReward = 0;

  protected constructor(
    readonly id: string,
    nActions: number,
    trials: number,
    taskSize: number,
    bounds: TaskBounds,
    stepsPerTrial = 1,
  ) {
    if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`${id}: trials must be a positive integer, got ${trials}`);
    this.trials = trials;
    this.stepsPerTrial = stepsPerTrial;
    this.actionSpace = new Discrete(nActions);
    this.layout = observationLayout(taskSize, nActions);
    const lo = new Float32Array(this.layout.size), hi = new Float32Array(this.layout.size);
    for (let i = 0; i < taskSize; i++) {
      lo[i] = typeof bounds.taskLow === 'number' ? bounds.taskLow : bounds.taskLow[i]!;
      hi[i] = typeof bounds.taskHigh === 'number' ? bounds.taskHigh : bounds.taskHigh[i]!;
    }
    hi.fill(1, this.layout.prevActionOffset, this.layout.prevRewardIndex);
    lo[this.layout.prevRewardIndex] = bounds.rewardLow;
    hi[this.layout.prevRewardIndex] = bounds.rewardHigh;
    hi[this.layout.timeIndex] = 1;
    this.observationSpace = new Box(lo, hi, [this.layout.size], 'f32');
    this.metadata = { id, trials, stepsPerTrial, layout: this.layout };
  }

  /** Draw the episode's task parameters from this.rng; `options` are the reset options. */
  protected abstract drawTask(options: Record<string, unknown>): Info;
  /** Task part of the observation for the current state, written into `out` (length taskSize). */
  protected abstract writeTaskObservation(out: Float32Array): void;
  /** One env step: reward, whether the episode is over, and info (without `trial`, added here). */
  protected abstract transition(action: number): { reward: number; info: Info; trialDone: boolean };

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      if (!Number.isInteger(opts.seed)) throw new RangeError(`${this.id}: reset seed must be an integer, got ${opts.seed}`);
      this.rng = new Rng(opts.seed);
    }
    this.t = 0;
    this.prevAction = -1;
    this.prevReward = 0;
    this.done = false;
    const info = this.drawTask(opts.options ?? {});
    return { observation: this.observe(), info: { trial: 0, ...info } };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.done) throw new Error(`${this.id}: step() called ${this.t >= this.trials ? 'after the episode ended' : 'before reset()'}; call reset() first`);
    if (!this.actionSpace.contains(action)) throw new RangeError(`${this.id}: action must be an integer in [0, ${this.actionSpace.n}), got ${String(action)}`);
    const trial = this.t;
    const { reward, info, trialDone } = this.transition(action);
    if (trialDone) this.t++;
    this.prevAction = action;
    this.prevReward = reward;
    const terminated = this.t >= this.trials;
    if (terminated) this.done = true;
    return { observation: this.observe(), reward, terminated, truncated: false, info: { trial, ...info } };
  }

  private observe(): Float32Array {
    const L = this.layout;
    const obs = new Float32Array(L.size);
    if (L.taskSize > 0) this.writeTaskObservation(obs.subarray(0, L.taskSize));
    if (this.prevAction >= 0) obs[L.prevActionOffset + this.prevAction] = 1;
    obs[L.prevRewardIndex] = this.prevReward;
    obs[L.timeIndex] = this.t / this.trials;
    return obs;
  }
}

/** Reads a probability array override from reset options (for analyses that fix the task). */
export function probsOption(options: Record<string, unknown>, key: string, n: number, who: string): Float64Array | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new TypeError(`${who}: options.${key} must be an array of ${n} probabilities`);
  const a = Float64Array.from(v as ArrayLike<number>);
  if (a.length !== n || a.some((p) => !(p >= 0 && p <= 1))) throw new RangeError(`${who}: options.${key} must hold ${n} probabilities in [0, 1]`);
  return a;
}
