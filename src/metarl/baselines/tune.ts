/**
 * Per-setting discount tuning for the Gittins-index policy. The Gittins index is optimal for an
 * infinite discounted horizon; on a fixed horizon of T pulls the best discount is found empirically,
 * as Duan et al. 2016 did for their Gittins baseline: evaluate a grid of γ on the task and keep the one
 * with the lowest mean regret (highest reward when the task reports no regret).
 */
import { GittinsPolicy } from './bandit.js';
import { evaluateBaseline, type EvaluationResult, type MetaRLEnv } from './policy.js';

export interface TuneOptions {
  /** Discounts to try (default 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995). */
  gammas?: readonly number[];
  episodes: number;
  seed: number;
}

export interface TuneResult {
  gamma: number;
  result: EvaluationResult;
  /** Every candidate, in grid order. */
  grid: { gamma: number; regret_mean: number; regret_sem: number; reward_mean: number }[];
}

export const DEFAULT_GITTINS_GRID: readonly number[] = [0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995];

/**
 * Every candidate sees the same seed, hence the same task draws (common random numbers), so the
 * comparison between discounts is much sharper than the per-candidate SEM suggests. Tune on a seed
 * other than the one used to report, to avoid selecting on noise.
 */
export function tuneGittinsDiscount(taskFactory: () => MetaRLEnv, opts: TuneOptions): TuneResult {
  const gammas = opts.gammas ?? DEFAULT_GITTINS_GRID;
  if (gammas.length === 0) throw new RangeError('tuneGittinsDiscount: empty discount grid');
  let best: { gamma: number; result: EvaluationResult; score: number } | undefined;
  const grid: TuneResult['grid'] = [];
  for (const g of gammas) {
    const result = evaluateBaseline(taskFactory, () => new GittinsPolicy(g), {
      episodes: opts.episodes,
      seed: opts.seed,
    });
    const score = Number.isNaN(result.regret_mean) ? -result.reward_mean : result.regret_mean;
    grid.push({
      gamma: g,
      regret_mean: result.regret_mean,
      regret_sem: result.regret_sem,
      reward_mean: result.reward_mean,
    });
    if (!best || score < best.score) best = { gamma: g, result, score };
  }
  return { gamma: best!.gamma, result: best!.result, grid };
}
