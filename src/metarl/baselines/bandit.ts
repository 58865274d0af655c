/**
 * Classical Bernoulli-bandit baselines behind the BaselinePolicy interface (see policy.ts).
 *
 * Rewards: Thompson sampling and the greedy posterior mean treat a reward r as a fractional success
 * (clipped to [0, 1]: s += r, f += 1 − r), which is exact for Bernoulli tasks; UCB1 uses empirical means
 * and its bonus assumes rewards in [0, 1]. The Gittins and Bayes-DP policies index integer count tables
 * and therefore require rewards in {0, 1}. Ties are broken uniformly at random, so symmetric starts do
 * not bias results toward arm 0.
 */
import type { Info } from '../../envs/core.js';
import type { Rng } from '../../math/rng.js';
import {
  gittinsIndices,
  sampleBeta,
  twoArmBayesDP,
  type GittinsTable,
  type TwoArmBayesDP,
} from '../bayes.js';
import type { BaselinePolicy, EpisodeSpec } from './policy.js';

/** Index of the largest score, ties uniformly at random (scores equal within a relative 1e-12). */
export function argmaxRandomTie(scores: ArrayLike<number>, rng: Rng): number {
  let best = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > best) best = scores[i]!;
  const tol = 1e-12 * Math.max(1, Math.abs(best));
  let count = 0,
    pick = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! >= best - tol) {
      count++;
      // Reservoir sampling over the tied set: one pass, one draw per tie.
      if (count === 1 || rng.int(count) === 0) pick = i;
    }
  }
  return pick;
}

abstract class CountingPolicy implements BaselinePolicy {
  abstract readonly name: string;
  protected s = new Float64Array(0);
  protected f = new Float64Array(0);
  protected n = new Float64Array(0);
  protected t = 0;
  protected horizon = 0;
  protected scores = new Float64Array(0);

  reset(spec: EpisodeSpec): void {
    const k = spec.nActions;
    this.s = new Float64Array(k);
    this.f = new Float64Array(k);
    this.n = new Float64Array(k);
    this.scores = new Float64Array(k);
    this.t = 0;
    this.horizon = spec.trials;
  }

  abstract act(rng: Rng, observation?: Float32Array, info?: Info): number;

  update(action: number, reward: number): void {
    const r = reward < 0 ? 0 : Math.min(reward, 1);
    this.s[action]! += r;
    this.f[action]! += 1 - r;
    this.n[action]! += 1;
    this.t++;
  }
}

/** Thompson sampling with independent Beta(1,1) priors: pull the arm whose posterior draw is largest. */
export class ThompsonSampling extends CountingPolicy {
  readonly name = 'thompson';
  act(rng: Rng): number {
    for (let i = 0; i < this.s.length; i++) this.scores[i] = sampleBeta(rng, 1 + this.s[i]!, 1 + this.f[i]!);
    return argmaxRandomTie(this.scores, rng);
  }
}

/** UCB1 (Auer, Cesa-Bianchi & Fischer 2002): each arm once, then mean + sqrt(2 ln t / n_i). */
export class UCB1 extends CountingPolicy {
  readonly name = 'ucb1';
  act(rng: Rng): number {
    const k = this.s.length;
    let untried = 0;
    for (let i = 0; i < k; i++) if (this.n[i] === 0) untried++;
    if (untried > 0) {
      let j = rng.int(untried);
      for (let i = 0; i < k; i++) if (this.n[i] === 0 && j-- === 0) return i;
    }
    const lt = Math.log(this.t);
    for (let i = 0; i < k; i++) this.scores[i] = this.s[i]! / this.n[i]! + Math.sqrt((2 * lt) / this.n[i]!);
    return argmaxRandomTie(this.scores, rng);
  }
}

/** Greedy on the Beta(1,1) posterior mean (s+1)/(n+2): no deliberate exploration. */
export class GreedyPosteriorMean extends CountingPolicy {
  readonly name = 'greedy';
  act(rng: Rng): number {
    for (let i = 0; i < this.s.length; i++) this.scores[i] = (this.s[i]! + 1) / (this.n[i]! + 2);
    return argmaxRandomTie(this.scores, rng);
  }
}

/**
 * Greedy posterior mean for the dependent two-armed bandit (p2 = 1 − p1). A success on arm 1 or a
 * failure on arm 2 is evidence for p1 > 1/2 and vice versa, so for any prior on p1 symmetric about 1/2
 * (uniform, or the two-point 'easy'/'medium'/'hard' priors) the posterior favours arm 1 exactly when
 * s1 + f2 > f1 + s2. Every pull is equally informative whichever arm is pulled, so exploiting the
 * posterior mean is Bayes-optimal here.
 */
export class DependentGreedy implements BaselinePolicy {
  readonly name = 'dependent-greedy';
  private evidence = 0; // (s1 + f2) − (f1 + s2)

  reset(spec: EpisodeSpec): void {
    if (spec.nActions !== 2) throw new RangeError(`DependentGreedy needs 2 arms, got ${spec.nActions}`);
    this.evidence = 0;
  }

  act(rng: Rng): number {
    if (this.evidence > 0) return 0;
    if (this.evidence < 0) return 1;
    return rng.int(2);
  }

  update(action: number, reward: number): void {
    const r = reward < 0 ? 0 : Math.min(reward, 1);
    const d = 2 * r - 1; // success → +1, failure → −1
    this.evidence += action === 0 ? d : -d;
  }
}

function requireBinary(reward: number, who: string): number {
  if (reward !== 0 && reward !== 1)
    throw new RangeError(`${who} needs Bernoulli rewards in {0, 1}, got ${reward}`);
  return reward;
}

const gittinsCache = new Map<string, GittinsTable>();

/** Cached Gittins table (the calibration sweep is the expensive part; policies share it). */
export function gittinsTable(gamma: number, maxPulls: number): GittinsTable {
  const key = `${gamma}:${maxPulls}`;
  let t = gittinsCache.get(key);
  if (!t) {
    t = gittinsIndices(gamma, maxPulls);
    gittinsCache.set(key, t);
  }
  return t;
}

/**
 * Gittins-index policy: pull the arm with the largest Beta(1,1) Gittins index at discount γ. The index is
 * optimal for the infinite discounted problem; on a finite horizon γ is a tuning knob (Duan et al. 2016
 * tuned it per setting — see tuneGittinsDiscount).
 */
export class GittinsPolicy extends CountingPolicy {
  readonly name: string;
  private table: GittinsTable | undefined;

  constructor(readonly gamma: number) {
    super();
    this.name = `gittins(${gamma})`;
  }

  override reset(spec: EpisodeSpec): void {
    super.reset(spec);
    if (!this.table || this.table.maxPulls < spec.trials) this.table = gittinsTable(this.gamma, spec.trials);
  }

  act(rng: Rng): number {
    const tab = this.table!;
    for (let i = 0; i < this.s.length; i++) this.scores[i] = tab.index(this.s[i]!, this.f[i]!);
    return argmaxRandomTie(this.scores, rng);
  }

  override update(action: number, reward: number): void {
    super.update(action, requireBinary(reward, 'GittinsPolicy'));
  }
}

/**
 * The exact Bayes-optimal policy of the finite-horizon two-armed Bernoulli bandit with independent U(0,1)
 * priors, read off the DP table of bayes.ts (horizon = the episode's trial count).
 */
export class BayesOptimalTwoArm extends CountingPolicy {
  readonly name = 'bayes-optimal';
  private dp: TwoArmBayesDP | undefined;

  override reset(spec: EpisodeSpec): void {
    if (spec.nActions !== 2) throw new RangeError(`BayesOptimalTwoArm needs 2 arms, got ${spec.nActions}`);
    super.reset(spec);
    if (!this.dp || this.dp.horizon !== spec.trials) this.dp = twoArmBayesDP(spec.trials);
  }

  act(rng: Rng): number {
    const [s1, s2] = [this.s[0]!, this.s[1]!],
      [f1, f2] = [this.f[0]!, this.f[1]!];
    if (this.t >= this.horizon) return rng.int(2); // past the horizon nothing is at stake
    this.scores[0] = this.dp!.qValue(0, s1, f1, s2, f2);
    this.scores[1] = this.dp!.qValue(1, s1, f1, s2, f2);
    return argmaxRandomTie(this.scores, rng);
  }

  override update(action: number, reward: number): void {
    super.update(action, requireBinary(reward, 'BayesOptimalTwoArm'));
  }
}
