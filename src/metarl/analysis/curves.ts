/**
 * Per-trial learning curves across episodes: within-episode learning shows as a curve over the trial
 * index, averaged over episodes, with the standard error of that mean.
 */
import type { StepLike } from './common.js';
import { groupByEpisode } from './common.js';

export interface CurveStats {
  mean: number[];
  /** Standard error of the mean across episodes (NaN with fewer than two values). */
  sem: number[];
  /** Episodes contributing a finite value at each trial. */
  n: number[];
}

/**
 * Mean and SEM at each trial index over episodes. Episodes may differ in length and may hold NaN for a
 * trial without a value; both simply reduce n at that index.
 */
export function meanSemCurve(episodes: readonly ArrayLike<number>[]): CurveStats {
  let T = 0;
  for (const ep of episodes) T = Math.max(T, ep.length);
  const sum = new Float64Array(T),
    sq = new Float64Array(T),
    n = new Float64Array(T);
  for (const ep of episodes) {
    for (let t = 0; t < ep.length; t++) {
      const v = ep[t]!;
      if (!Number.isFinite(v)) continue;
      sum[t]! += v;
      n[t]! += 1;
    }
  }
  const mean = Array.from(sum, (s, t) => (n[t]! > 0 ? s / n[t]! : Number.NaN));
  // Second pass around the mean: sums of squares of 0/1 data over thousands of episodes lose digits.
  for (const ep of episodes) {
    for (let t = 0; t < ep.length; t++) {
      const v = ep[t]!;
      if (Number.isFinite(v)) sq[t]! += (v - mean[t]!) ** 2;
    }
  }
  const sem = Array.from(sq, (s, t) => (n[t]! > 1 ? Math.sqrt(s / (n[t]! - 1) / n[t]!) : Number.NaN));
  return { mean, sem, n: Array.from(n) };
}

/**
 * Cumulative sum within each episode, then mean and SEM over episodes. The SEM is that of the
 * per-episode totals, not a sum of per-trial SEMs (the increments are correlated within an episode).
 * A NaN increment ends that episode's cumulative curve.
 */
export function cumulativeCurve(episodes: readonly ArrayLike<number>[]): CurveStats {
  return meanSemCurve(
    episodes.map((ep) => {
      const out = new Float64Array(ep.length).fill(Number.NaN);
      let c = 0;
      for (let t = 0; t < ep.length; t++) {
        const v = ep[t]!;
        if (!Number.isFinite(v)) break;
        out[t] = c += v;
      }
      return out;
    }),
  );
}

export interface PerTrialValues {
  /** Reward summed over the steps of each trial (two-step and Harlow take two steps per trial). */
  reward: number[][];
  /** info.regret summed over the trial's steps; NaN where the task reports none. */
  regret: number[][];
  /** 1/0 from info.optimal, NaN where absent. */
  optimal: number[][];
  /** 1/0 from info.correct (Harlow), NaN where absent. */
  correct: number[][];
}

function trialOf(info: Record<string, unknown>): number {
  const t = info['trial'];
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0)
    throw new TypeError('per-trial analysis: step info without an integer info.trial');
  return t;
}

/**
 * Per-episode, per-trial values from a recorded step stream (StepRecorder.steps): rows are episodes in
 * order of appearance, columns trials by info.trial. Flags take the value of the trial's last step that
 * reports them, which is the choice or trial-end step in every task family here.
 */
export function perTrialValues(steps: Iterable<StepLike>): PerTrialValues {
  const out: PerTrialValues = { reward: [], regret: [], optimal: [], correct: [] };
  for (const ep of groupByEpisode(steps)) {
    let T = 0;
    for (const s of ep) T = Math.max(T, trialOf(s.info) + 1);
    const reward = new Array<number>(T).fill(0);
    const regret = new Array<number>(T).fill(Number.NaN);
    const optimal = new Array<number>(T).fill(Number.NaN);
    const correct = new Array<number>(T).fill(Number.NaN);
    for (const s of ep) {
      const t = trialOf(s.info);
      reward[t]! += s.reward;
      const r = s.info['regret'];
      if (typeof r === 'number') regret[t] = (Number.isNaN(regret[t]!) ? 0 : regret[t]!) + r;
      const o = s.info['optimal'];
      if (typeof o === 'boolean') optimal[t] = o ? 1 : 0;
      const c = s.info['correct'];
      if (typeof c === 'boolean') correct[t] = c ? 1 : 0;
    }
    out.reward.push(reward);
    out.regret.push(regret);
    out.optimal.push(optimal);
    out.correct.push(correct);
  }
  return out;
}

export interface TrialCurves {
  reward: CurveStats;
  regret: CurveStats;
  cumulativeRegret: CurveStats;
  optimal: CurveStats;
  correct: CurveStats;
  episodes: number;
}

/** All per-trial curves of a recorded evaluation at once. */
export function trialCurves(steps: Iterable<StepLike>): TrialCurves {
  const v = perTrialValues(steps);
  return {
    reward: meanSemCurve(v.reward),
    regret: meanSemCurve(v.regret),
    cumulativeRegret: cumulativeCurve(v.regret),
    optimal: meanSemCurve(v.optimal),
    correct: meanSemCurve(v.correct),
    episodes: v.reward.length,
  };
}

/**
 * Harlow accuracy by trial (the `trial_accuracy` metric is its `mean`), from the one step per trial
 * that reports info.correct (the choice, or the fixation step of an aborted trial, which counts as
 * incorrect). A trial the episode never reached has no value and is left out of n.
 */
export function harlowTrialAccuracy(steps: Iterable<Pick<StepLike, 'episode' | 'info'>>): CurveStats {
  const perEpisode: number[][] = [];
  for (const ep of groupByEpisode(steps)) {
    const row: number[] = [];
    for (const s of ep) {
      const c = s.info['correct'];
      if (typeof c !== 'boolean') continue;
      const t = trialOf(s.info);
      while (row.length <= t) row.push(Number.NaN);
      row[t] = c ? 1 : 0;
    }
    perEpisode.push(row);
  }
  return meanSemCurve(perEpisode);
}
