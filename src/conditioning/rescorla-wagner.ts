/**
 * Rescorla & Wagner (1972): one associative strength per stimulus, all stimuli present on a trial share
 * one prediction error, ΔV_i = α·(λ − ΣV)·x_i. Trial-level, with the context as a stimulus. It
 * produces acquisition, extinction, overshadowing, blocking, conditioned inhibition and
 * overexpectation; it cannot produce spontaneous recovery, latent inhibition, second-order conditioning
 * or sensory preconditioning (nothing changes without a prediction error, and neutral pairings leave
 * every strength at zero).
 */
import { LinearCueModel, type StimulusCoder } from './model.js';
import type { TrialSpec } from './paradigm.js';

export interface RescorlaWagnerConfig {
  /** Learning rate α·β. */
  alpha: number;
}

export const RW_DEFAULTS: RescorlaWagnerConfig = { alpha: 0.3 };

export class RescorlaWagner extends LinearCueModel {
  readonly name = 'rw';
  constructor(
    coder: StimulusCoder,
    private readonly cfg: RescorlaWagnerConfig = RW_DEFAULTS,
  ) {
    super(coder);
  }
  reset(): void {
    this.w.fill(0);
  }
  learn(trial: TrialSpec): void {
    this.coder.encode(trial, this.x);
    const delta = trial.us - this.value();
    for (let i = 0; i < this.w.length; i++) this.w[i]! += this.cfg.alpha * delta * this.x[i]!;
  }
}
