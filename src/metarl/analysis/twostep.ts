/**
 * Two-step task analyses: stay probabilities (Daw et al. 2011; Wang et al. 2018 Fig. 3) and the lagged
 * logistic regression of choices on past trial types (Miller, Brody & Botvinick 2016; used by Wang et
 * al. 2018 Fig. 4 to separate model-based from model-free signatures across several trials back).
 */
import type { Info } from '../../envs/core.js';
import type { StepLike } from './common.js';
import { groupByEpisode } from './common.js';
import { logisticRegression, type LogisticFit } from './logistic.js';

export interface TwoStepTrial {
  /** First-stage action (0 or 1). */
  choice: number;
  common: boolean;
  rewarded: boolean;
}

/** The four trial types in the order used throughout: by outcome, then by transition. */
export const TRIAL_TYPES = [
  'rewarded_common',
  'rewarded_rare',
  'unrewarded_common',
  'unrewarded_rare',
] as const;
export type TrialType = (typeof TRIAL_TYPES)[number];

export function trialType(t: TwoStepTrial): number {
  return (t.rewarded ? 0 : 2) + (t.common ? 0 : 1);
}

/**
 * One episode's trials from its per-step info, in order. Only the step that completes a trial
 * (info.trialEnd) carries the outcome, which makes this work for both the 1-step and the 2-step encoding
 * of envs/metarl/two-step.ts.
 */
export function twoStepTrialsFromInfos(infos: Iterable<Info>): TwoStepTrial[] {
  const out: TwoStepTrial[] = [];
  for (const info of infos) {
    if (info['trialEnd'] !== true) continue;
    const choice = info['firstAction'];
    if (typeof choice !== 'number')
      throw new TypeError('twoStepTrialsFromInfos: a trialEnd step without a numeric firstAction');
    out.push({ choice, common: info['common'] === true, rewarded: info['rewarded'] === true });
  }
  return out;
}

/** Trials per episode from a recorded step stream (e.g. StepRecorder.steps). */
export function twoStepTrialsFromSteps(
  steps: Iterable<Pick<StepLike, 'episode' | 'info'>>,
): TwoStepTrial[][] {
  return groupByEpisode(steps).map((ep) => twoStepTrialsFromInfos(ep.map((s) => s.info)));
}

export interface StayAnalysis {
  stay_rewarded_common: number;
  stay_rewarded_rare: number;
  stay_unrewarded_common: number;
  stay_unrewarded_rare: number;
  /** Trial pairs behind each probability, in TRIAL_TYPES order. */
  counts: [number, number, number, number];
  /** Binomial standard error sqrt(p(1−p)/n) of each probability, same order. */
  sem: [number, number, number, number];
  /** (RC + RR − UC − UR) / 2: how much more often the agent stays after a reward. */
  reward_effect: number;
  /** (RC − RR) − (UC − UR): the model-based signature; ≈ 0 for a pure model-free learner. */
  interaction: number;
}

/**
 * P(choice on trial t+1 = choice on trial t) split by trial t's outcome and transition. Pairs never
 * straddle episodes. Types with no pairs give NaN.
 */
export function stayProbabilities(episodes: readonly (readonly TwoStepTrial[])[]): StayAnalysis {
  const stay = [0, 0, 0, 0],
    total = [0, 0, 0, 0];
  for (const ep of episodes) {
    for (let t = 1; t < ep.length; t++) {
      const k = trialType(ep[t - 1]!);
      total[k]! += 1;
      if (ep[t]!.choice === ep[t - 1]!.choice) stay[k]! += 1;
    }
  }
  const p = stay.map((s, k) => (total[k]! > 0 ? s / total[k]! : Number.NaN));
  const sem = p.map((q, k) => Math.sqrt((q * (1 - q)) / total[k]!));
  const [RC, RR, UC, UR] = p as [number, number, number, number];
  return {
    stay_rewarded_common: RC,
    stay_rewarded_rare: RR,
    stay_unrewarded_common: UC,
    stay_unrewarded_rare: UR,
    counts: total as [number, number, number, number],
    sem: sem as [number, number, number, number],
    reward_effect: (RC + RR - UC - UR) / 2,
    interaction: RC - RR - (UC - UR),
  };
}

export interface LaggedRegressionOptions {
  /** Lags 1..lags (default 5). */
  lags?: number;
  /** Ridge passed to logisticRegression. */
  l2?: number;
}

export interface LaggedRegression {
  lags: number[];
  /** Coefficient per trial type at each lag (index 0 = lag 1): positive = repeat that trial's choice. */
  coef: Record<TrialType, number[]>;
  se: Record<TrialType, number[]>;
  /** Intercept: bias toward first-stage action 1. */
  bias: number;
  /** Choices regressed (every trial but the first of each episode). */
  n: number;
  fit: LogisticFit;
}

/**
 * Logistic regression of each first-stage choice (1 vs 0) on the previous `lags` trials, after Miller et
 * al. 2016: regressor (type k, lag l) is +1 if trial t−l was of type k and chose action 1, −1 if it was
 * of type k and chose action 0, else 0. Coding the past choice's sign this way makes a positive
 * coefficient mean "repeat the choice made on such a trial", independent of side, while the intercept
 * absorbs any side bias. Lags reaching before the episode start are zero rather than dropping the trial,
 * so early trials still inform the short lags.
 *
 * A model-free learner gives positive rewarded and negative (or smaller) unrewarded weights regardless
 * of transition; a model-based learner flips the sign for rare transitions (rewarded-rare < 0,
 * unrewarded-rare > 0).
 */
export function twoStepLaggedRegression(
  episodes: readonly (readonly TwoStepTrial[])[],
  opts: LaggedRegressionOptions = {},
): LaggedRegression {
  const L = opts.lags ?? 5;
  if (!Number.isInteger(L) || L < 1)
    throw new RangeError(`twoStepLaggedRegression: lags must be a positive integer, got ${L}`);
  const cols = 1 + 4 * L;
  let n = 0;
  for (const ep of episodes) n += Math.max(0, ep.length - 1);
  if (n === 0) throw new RangeError('twoStepLaggedRegression: no trial pairs');
  const X = new Float64Array(n * cols);
  const y = new Uint8Array(n);
  let row = 0;
  for (const ep of episodes) {
    for (let t = 1; t < ep.length; t++, row++) {
      const base = row * cols;
      X[base] = 1;
      for (let l = 1; l <= L && t - l >= 0; l++) {
        const past = ep[t - l]!;
        X[base + 1 + (l - 1) * 4 + trialType(past)] = past.choice === 1 ? 1 : -1;
      }
      y[row] = ep[t]!.choice === 1 ? 1 : 0;
    }
  }
  const fit = logisticRegression(X, y, opts.l2 === undefined ? {} : { l2: opts.l2 });
  const coef = {} as Record<TrialType, number[]>,
    se = {} as Record<TrialType, number[]>;
  TRIAL_TYPES.forEach((name, k) => {
    coef[name] = [];
    se[name] = [];
    for (let l = 0; l < L; l++) {
      coef[name].push(fit.coef[1 + l * 4 + k]!);
      se[name].push(fit.se[1 + l * 4 + k]!);
    }
  });
  return { lags: Array.from({ length: L }, (_, i) => i + 1), coef, se, bias: fit.coef[0]!, n, fit };
}

/**
 * Reward main effect and reward × transition interaction per lag from the regression weights, in the
 * same combinations as StayAnalysis (interaction = (RC − RR) − (UC − UR)).
 */
export function laggedEffects(reg: LaggedRegression): {
  reward: number[];
  transition: number[];
  interaction: number[];
} {
  const c = reg.coef;
  return {
    reward: reg.lags.map(
      (_, i) =>
        (c.rewarded_common[i]! + c.rewarded_rare[i]! - c.unrewarded_common[i]! - c.unrewarded_rare[i]!) / 2,
    ),
    transition: reg.lags.map(
      (_, i) =>
        (c.rewarded_common[i]! - c.rewarded_rare[i]! + c.unrewarded_common[i]! - c.unrewarded_rare[i]!) / 2,
    ),
    interaction: reg.lags.map(
      (_, i) =>
        c.rewarded_common[i]! - c.rewarded_rare[i]! - (c.unrewarded_common[i]! - c.unrewarded_rare[i]!),
    ),
  };
}
