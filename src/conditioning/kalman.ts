/**
 * The Kalman filter model of conditioning (Sutton 1992; Dayan & Kakade 2001; Kruschke 2008; Gershman
 * 2015): the associative weights are a Gaussian belief that drifts between trials (variance τ² per
 * trial) and is updated by the prediction error with a gain that depends on the belief's covariance.
 * The covariance is what lets it produce backward blocking and recovery from overshadowing, which
 * Rescorla–Wagner cannot.
 *
 * The posterior covariance is Σ' = Σ − k·(Σx)ᵀ with k = Σx / (xᵀΣx + σ_r²); CCNLab's released
 * baseline multiplies Σ elementwise by a scalar there instead, which is not the Kalman update.
 */
import { LinearCueModel, type StimulusCoder } from './model.js';
import type { TrialSpec } from './paradigm.js';

export interface KalmanConfig {
  /** Diffusion variance τ² added to every weight's variance per trial. */
  tau2: number;
  /** Outcome noise variance σ_r². */
  sigmaR2: number;
  /** Prior variance σ_w² of every weight. */
  sigmaW2: number;
}

export const KALMAN_DEFAULTS: KalmanConfig = { tau2: 0.01, sigmaR2: 1, sigmaW2: 1 };

export class KalmanFilter extends LinearCueModel {
  readonly name = 'kalman';
  private readonly n: number;
  private readonly S: Float64Array;
  private readonly Sx: Float64Array;
  constructor(
    coder: StimulusCoder,
    private readonly cfg: KalmanConfig = KALMAN_DEFAULTS,
  ) {
    super(coder);
    this.n = coder.size;
    this.S = new Float64Array(this.n * this.n);
    this.Sx = new Float64Array(this.n);
    this.reset();
  }
  reset(): void {
    this.w.fill(0);
    this.S.fill(0);
    for (let i = 0; i < this.n; i++) this.S[i * this.n + i] = this.cfg.sigmaW2;
  }
  learn(trial: TrialSpec): void {
    const { n, S, x, Sx, w } = this;
    this.coder.encode(trial, x);
    for (let i = 0; i < n; i++) S[i * n + i]! += this.cfg.tau2;
    let xSx = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += S[i * n + j]! * x[j]!;
      Sx[i] = s;
      xSx += x[i]! * s;
    }
    const R = xSx + this.cfg.sigmaR2;
    const delta = trial.us - this.value();
    for (let i = 0; i < n; i++) w[i]! += (Sx[i]! / R) * delta;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j]! -= (Sx[i]! * Sx[j]!) / R;
  }
}
