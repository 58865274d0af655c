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
 *   [taskSize + nActions + 2, size)    optional population code of the previous reward (MetaRLObsOptions.
 *                                      rewardCode units; none by default, so the layout above is unchanged)
 *
 * Population code of the previous reward (`rewardCode` = K ≥ 2 units, default 0 = off): K Gaussian tuning
 * curves whose centres c_k are evenly spaced over the task's declared reward range [rewardLow, rewardHigh]
 * (spacing s = (rewardHigh − rewardLow)/(K − 1)), unit k reporting exp(−½((r − c_k)/s)²) for the previous
 * reward r, and all zero after reset (no previous reward, like the action one-hot). It is a fixed function of
 * the previous reward alone — it adds no information, and the raw reward stays at prevRewardIndex — but it
 * lets a network read fine differences between reward values without very large input weights. (Measured on
 * the informative-arm bandit, whose informative arm pays 0.1…1.0 in steps of 0.1: with its first pull forced
 * to that arm, A2C-LSTM reached 15.2 of 20.55 after 20000 updates from the raw reward and 18.6 / 20.5 with
 * 21 / 51 code units.)
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
  /** Population code of the previous reward: [rewardCodeOffset, rewardCodeOffset + rewardCodeSize). */
  rewardCodeOffset: number;
  rewardCodeSize: number;
  size: number;
}

export function observationLayout(taskSize: number, nActions: number, rewardCode = 0): ObservationLayout {
  return {
    taskOffset: 0,
    taskSize,
    prevActionOffset: taskSize,
    prevRewardIndex: taskSize + nActions,
    timeIndex: taskSize + nActions + 1,
    rewardCodeOffset: taskSize + nActions + 2,
    rewardCodeSize: rewardCode,
    size: taskSize + nActions + 2 + rewardCode,
  };
}

/** Options of the meta-RL observation shared by every task family that passes them on. */
export interface MetaRLObsOptions {
  /**
   * Units of the population code of the previous reward appended to the observation (see the header):
   * 0 (default) for none, else an integer ≥ 2.
   */
  rewardCode?: number;
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
  /** Centres of the reward population code and its tuning width (the centre spacing). */
  private readonly codeCentres: Float64Array;
  private readonly codeWidth: number;

  protected constructor(
    readonly id: string,
    nActions: number,
    trials: number,
    taskSize: number,
    bounds: TaskBounds,
    stepsPerTrial = 1,
    obs: MetaRLObsOptions = {},
  ) {
    if (!Number.isInteger(trials) || trials < 1)
      throw new RangeError(`${id}: trials must be a positive integer, got ${trials}`);
    const K = obs.rewardCode ?? 0;
    if (!Number.isInteger(K) || K < 0 || K === 1)
      throw new RangeError(`${id}: rewardCode must be 0 (off) or an integer ≥ 2, got ${K}`);
    if (K > 0 && !(bounds.rewardHigh > bounds.rewardLow))
      throw new RangeError(`${id}: rewardCode needs a reward range with rewardHigh > rewardLow`);
    this.trials = trials;
    this.stepsPerTrial = stepsPerTrial;
    this.actionSpace = new Discrete(nActions);
    this.layout = observationLayout(taskSize, nActions, K);
    this.codeWidth = K > 0 ? (bounds.rewardHigh - bounds.rewardLow) / (K - 1) : 1;
    this.codeCentres = Float64Array.from({ length: K }, (_, k) => bounds.rewardLow + k * this.codeWidth);
    const lo = new Float32Array(this.layout.size),
      hi = new Float32Array(this.layout.size);
    for (let i = 0; i < taskSize; i++) {
      lo[i] = typeof bounds.taskLow === 'number' ? bounds.taskLow : bounds.taskLow[i]!;
      hi[i] = typeof bounds.taskHigh === 'number' ? bounds.taskHigh : bounds.taskHigh[i]!;
    }
    hi.fill(1, this.layout.prevActionOffset, this.layout.prevRewardIndex);
    lo[this.layout.prevRewardIndex] = bounds.rewardLow;
    hi[this.layout.prevRewardIndex] = bounds.rewardHigh;
    hi[this.layout.timeIndex] = 1;
    hi.fill(1, this.layout.rewardCodeOffset, this.layout.size);
    this.observationSpace = new Box(lo, hi, [this.layout.size], 'f32');
    this.metadata = { id, trials, stepsPerTrial, layout: this.layout };
    if (K > 0) this.metadata['rewardCode'] = K;
  }

  /** Draw the episode's task parameters from this.rng; `options` are the reset options. */
  protected abstract drawTask(options: Record<string, unknown>): Info;
  /** Task part of the observation for the current state, written into `out` (length taskSize). */
  protected abstract writeTaskObservation(out: Float32Array): void;
  /** One env step: reward, whether the episode is over, and info (without `trial`, added here). */
  protected abstract transition(action: number): { reward: number; info: Info; trialDone: boolean };

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      if (!Number.isInteger(opts.seed))
        throw new RangeError(`${this.id}: reset seed must be an integer, got ${opts.seed}`);
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
    if (this.done)
      throw new Error(
        `${this.id}: step() called ${this.t >= this.trials ? 'after the episode ended' : 'before reset()'}; call reset() first`,
      );
    if (!this.actionSpace.contains(action))
      throw new RangeError(
        `${this.id}: action must be an integer in [0, ${this.actionSpace.n}), got ${String(action)}`,
      );
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
    if (this.prevAction >= 0) {
      const r = this.prevReward,
        w = this.codeWidth;
      for (let k = 0; k < L.rewardCodeSize; k++)
        obs[L.rewardCodeOffset + k] = Math.exp(-0.5 * ((r - this.codeCentres[k]!) / w) ** 2);
    }
    return obs;
  }
}

/** Reads a probability array override from reset options (for analyses that fix the task). */
export function probsOption(
  options: Record<string, unknown>,
  key: string,
  n: number,
  who: string,
): Float64Array | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v))
    throw new TypeError(`${who}: options.${key} must be an array of ${n} probabilities`);
  const a = Float64Array.from(v as ArrayLike<number>);
  if (a.length !== n || a.some((p) => !(p >= 0 && p <= 1)))
    throw new RangeError(`${who}: options.${key} must hold ${n} probabilities in [0, 1]`);
  return a;
}
