/**
 * Temporal-difference learning with a complete serial compound (Sutton & Barto 1990; Moore, Desmond &
 * Berthier 1989; Ludvig, Sutton & Kehoe 2012). Each trial is a short episode of `steps` time steps: the
 * context alone for `itiSteps`, then the cues for `cueSteps`, the US arriving as the cues end. Every cue
 * has one feature per time step since its onset; the context is one constant feature. V(t) = w·x(t),
 * δ = r + γV(t+1) − V(t), eligibility traces with decay γλ. The response is the mean of V over the cue
 * steps. The serial compound is what makes second-order conditioning possible in principle (a cue that
 * predicts a valued cue gains value through γV(t+1)); like Rescorla–Wagner it has no latent inhibition
 * and no spontaneous recovery.
 */
import type { ConditioningModel } from './model.js';
import type { TrialSpec } from './paradigm.js';

export interface TdConfig {
  alpha: number;
  gamma: number;
  lambda: number;
  itiSteps: number;
  cueSteps: number;
}

export const TD_DEFAULTS: TdConfig = { alpha: 0.1, gamma: 0.95, lambda: 0.9, itiSteps: 4, cueSteps: 4 };

export class TdSerialCompound implements ConditioningModel {
  readonly name = 'td';
  private readonly nFeat: number;
  private readonly w: Float64Array;
  private readonly e: Float64Array;
  private readonly x: Float64Array;
  private readonly xNext: Float64Array;
  private readonly cueIndex = new Map<string, number>();
  private readonly ctxIndex = new Map<string, number>();
  constructor(
    cues: readonly string[],
    contexts: readonly string[],
    private readonly cfg: TdConfig = TD_DEFAULTS,
  ) {
    cues.forEach((c, i) => this.cueIndex.set(c, i * cfg.cueSteps));
    contexts.forEach((c, i) => this.ctxIndex.set(c, cues.length * cfg.cueSteps + i));
    this.nFeat = cues.length * cfg.cueSteps + contexts.length;
    this.w = new Float64Array(this.nFeat);
    this.e = new Float64Array(this.nFeat);
    this.x = new Float64Array(this.nFeat);
    this.xNext = new Float64Array(this.nFeat);
  }
  reset(): void {
    this.w.fill(0);
  }
  /** Features at step t of the trial (t = steps means the trial has ended: all zero). */
  private encode(trial: TrialSpec, t: number, x: Float64Array): void {
    x.fill(0);
    const total = this.cfg.itiSteps + this.cfg.cueSteps;
    if (t >= total) return;
    x[this.ctxIndex.get(trial.context)!] = 1;
    const d = t - this.cfg.itiSteps;
    if (d >= 0) for (const c of trial.cues) x[this.cueIndex.get(c)! + d] = 1;
  }
  private dot(x: Float64Array): number {
    let v = 0;
    for (let i = 0; i < this.nFeat; i++) v += this.w[i]! * x[i]!;
    return v;
  }
  present(trial: TrialSpec): number {
    const v = this.respond(trial);
    this.learn(trial);
    return v;
  }
  /** The response to the trial's cues, without learning. */
  respond(trial: TrialSpec): number {
    let s = 0;
    for (let d = 0; d < this.cfg.cueSteps; d++) {
      this.encode(trial, this.cfg.itiSteps + d, this.x);
      s += this.dot(this.x);
    }
    return s / this.cfg.cueSteps;
  }
  learn(trial: TrialSpec): void {
    const { cfg, x, xNext, e, w } = this;
    const total = cfg.itiSteps + cfg.cueSteps;
    e.fill(0);
    this.encode(trial, 0, x);
    for (let t = 0; t < total; t++) {
      this.encode(trial, t + 1, xNext);
      // The US arrives on the transition out of the last cue step.
      const r = t === total - 1 ? trial.us : 0;
      const delta = r + cfg.gamma * this.dot(xNext) - this.dot(x);
      for (let i = 0; i < this.nFeat; i++) {
        e[i] = cfg.gamma * cfg.lambda * e[i]! + x[i]!;
        w[i]! += cfg.alpha * delta * e[i]!;
      }
      x.set(xNext);
    }
  }
}
