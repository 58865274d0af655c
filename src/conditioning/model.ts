/**
 * What a conditioning model is to the runner: a fresh subject per group (`reset`), then each
 * presentation lived in turn (`present`), which returns the conditioned response read while the cues
 * were on and before the outcome, and learns from the whole trial. Responses of the linear baselines
 * are in units of the US (0 = no expectation, 1 = a full US of magnitude 1); the brain's are its
 * assessor's own units. The runner maps them to the figure's measure.
 */
import type { TrialSpec } from './paradigm.js';

export interface ConditioningModel {
  readonly name: string;
  /** Start a new subject (all learned state back to its initial value). */
  reset(): void;
  /** Live the trial: return the conditioned response to its cues (read before the outcome), and learn. */
  present(trial: TrialSpec): number;
}

/**
 * Stimulus features shared by the linear baselines: one per cue letter, then one per context (the
 * context is a stimulus present on every trial, as in the standard treatment of renewal). Built with no
 * contexts, it codes the cues alone (the textbook single-stimulus analyses).
 */
export class StimulusCoder {
  readonly size: number;
  private readonly cueCount: number;
  private readonly index = new Map<string, number>();
  constructor(cues: readonly string[], contexts: readonly string[]) {
    cues.forEach((c, i) => this.index.set(`cue:${c}`, i));
    contexts.forEach((c, i) => this.index.set(`ctx:${c}`, cues.length + i));
    this.size = cues.length + contexts.length;
    this.cueCount = cues.length;
  }
  cue(c: string): number {
    const i = this.index.get(`cue:${c}`);
    if (i === undefined) throw new Error(`cue '${c}' is not in the paradigm`);
    return i;
  }
  context(c: string): number {
    const i = this.index.get(`ctx:${c}`);
    if (i === undefined) throw new Error(`context '${c}' is not in the paradigm`);
    return i;
  }
  /** Fill `x` with the trial's features (cues and context 1, others 0). */
  encode(trial: TrialSpec, x: Float64Array, withContext = true): void {
    x.fill(0);
    for (const c of trial.cues) x[this.cue(c)] = 1;
    if (withContext && this.size > this.cueCount) x[this.context(trial.context)] = 1;
  }
}

/**
 * A trial-level model whose response is a weighted sum of the trial's stimuli (Rescorla–Wagner, the
 * Kalman filter's mean): it reads the response before the outcome, then learns from the whole trial.
 */
export abstract class LinearCueModel implements ConditioningModel {
  abstract readonly name: string;
  protected readonly w: Float64Array;
  protected readonly x: Float64Array;
  constructor(protected readonly coder: StimulusCoder) {
    this.w = new Float64Array(coder.size);
    this.x = new Float64Array(coder.size);
  }
  abstract reset(): void;
  /** Learn from the trial (its stimuli and outcome). */
  abstract learn(trial: TrialSpec): void;
  /** w · x for the stimuli last encoded. */
  protected value(): number {
    let v = 0;
    for (let i = 0; i < this.w.length; i++) v += this.w[i]! * this.x[i]!;
    return v;
  }
  present(trial: TrialSpec): number {
    const v = this.respond(trial);
    this.learn(trial);
    return v;
  }
  /** The response to the trial's cues, without learning. */
  respond(trial: TrialSpec): number {
    this.coder.encode(trial, this.x);
    return this.value();
  }
}
