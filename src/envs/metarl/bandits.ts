/**
 * Bandit task families for meta-RL. Bandits have no task observation (taskSize 0), so the observation
 * is [previous action one-hot (k), previous reward, t/trials] — see common.ts.
 *
 * Step info (all bandits): trial, probs (this trial's arm means), bestArm, optimal (chosen arm has the
 * highest mean), regret (max mean − chosen mean: the expected-regret increment, so summed over an
 * episode it is the pseudo-regret the papers report). Reset info: probs, bestArm.
 *
 * Reset options: `probs` (array) fixes the arm means for that episode instead of drawing them
 * (analyses, tests). The volatile bandit also takes `startVolatile` (boolean) and the informative-arm
 * bandit `target` (0..9).
 */
import type { Info } from '../core.js';
import { MetaRLTask, probsOption, type MetaRLObsOptions } from './common.js';

function argmax(a: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i;
  return b;
}

abstract class BernoulliBandit extends MetaRLTask {
  protected probs: Float64Array;

  protected constructor(id: string, arms: number, trials: number) {
    super(id, arms, trials, 0, { taskLow: 0, taskHigh: 0, rewardLow: 0, rewardHigh: 1 });
    this.probs = new Float64Array(arms);
  }

  protected abstract drawProbs(): void;
  /** Hook before each trial's outcome (the volatile bandit reverses here); returns extra info. */
  protected beforeTrial(): Info {
    return {};
  }

  protected drawTask(options: Record<string, unknown>): Info {
    const fixed = probsOption(options, 'probs', this.probs.length, this.id);
    if (fixed) this.probs.set(fixed);
    else this.drawProbs();
    return { probs: Array.from(this.probs), bestArm: argmax(this.probs) };
  }

  protected writeTaskObservation(): void {}

  protected transition(action: number): { reward: number; info: Info; trialDone: boolean } {
    const extra = this.beforeTrial();
    const p = this.probs;
    let max = p[0]!;
    for (let i = 1; i < p.length; i++) if (p[i]! > max) max = p[i]!;
    const reward = this.rng.bernoulli(p[action]!) ? 1 : 0;
    return {
      reward,
      trialDone: true,
      info: {
        probs: Array.from(p),
        bestArm: argmax(p),
        optimal: p[action] === max,
        regret: max - p[action]!,
        ...extra,
      },
    };
  }
}

/** Two arms, p1 and p2 independent U(0,1); 100 trials by default. */
export class TwoArmedIndependentBandit extends BernoulliBandit {
  constructor(opts: { trials?: number } = {}) {
    super('metarl/TwoArmedIndependent-v0', 2, opts.trials ?? 100);
  }
  protected drawProbs(): void {
    this.probs[0] = this.rng.uniform();
    this.probs[1] = this.rng.uniform();
  }
}

export type DependentDifficulty = 'uniform' | 'easy' | 'medium' | 'hard';

/** The two-point supports of Wang et al. 2018's dependent bandits, by difficulty. */
export const DEPENDENT_SUPPORT: Readonly<
  Record<Exclude<DependentDifficulty, 'uniform'>, readonly [number, number]>
> = {
  easy: [0.1, 0.9],
  medium: [0.25, 0.75],
  hard: [0.4, 0.6],
};

/** Two arms with p2 = 1 − p1: p1 ~ U(0,1) ('uniform') or uniform on a two-point support. */
export class TwoArmedDependentBandit extends BernoulliBandit {
  readonly difficulty: DependentDifficulty;
  constructor(opts: { trials?: number; difficulty?: DependentDifficulty } = {}) {
    super('metarl/TwoArmedDependent-v0', 2, opts.trials ?? 100);
    const d = opts.difficulty ?? 'uniform';
    if (d !== 'uniform' && !(d in DEPENDENT_SUPPORT))
      throw new RangeError(
        `metarl/TwoArmedDependent-v0: difficulty must be uniform|easy|medium|hard, got ${String(d)}`,
      );
    this.difficulty = d;
    this.metadata['difficulty'] = d;
  }
  protected drawProbs(): void {
    const p1 =
      this.difficulty === 'uniform'
        ? this.rng.uniform()
        : DEPENDENT_SUPPORT[this.difficulty][this.rng.int(2)]!;
    this.probs[0] = p1;
    this.probs[1] = 1 - p1;
  }
}

/** k arms with means ~ U(0,1) and n pulls: the RL² setting (k ∈ {5, 10}, n ∈ {10, 100}; any allowed). */
export class KArmedBandit extends BernoulliBandit {
  constructor(opts: { arms?: number; trials?: number } = {}) {
    const k = opts.arms ?? 5;
    if (!Number.isInteger(k) || k < 2)
      throw new RangeError(`metarl/KArmed-v0: arms must be an integer ≥ 2, got ${k}`);
    super('metarl/KArmed-v0', k, opts.trials ?? 100);
    this.metadata['arms'] = k;
  }
  protected drawProbs(): void {
    for (let i = 0; i < this.probs.length; i++) this.probs[i] = this.rng.uniform();
  }
}

export interface VolatileBanditOptions {
  /** Trials per episode (default 200). */
  trials?: number;
  /** Mean of the good arm; the other arm has 1 − pGood (default 0.8). */
  pGood?: number;
  /** Length of each stable / volatile block in trials (default 100). */
  blockLength?: number;
  /** Volatile blocks reverse the good arm every U{reversalMin..reversalMax} trials (default 20..30). */
  reversalMin?: number;
  reversalMax?: number;
}

/**
 * Two-armed bandit alternating stable and volatile blocks, after Behrens et al. 2007 (who used a
 * 120-trial stable phase at 75:25 and a 170-trial volatile phase switching 80:20 every 30–40 trials).
 * Defaults here: 200 trials in two blocks of 100, one stable and one volatile, the order by a fair coin;
 * the good arm (mean 0.8, other 0.2) is drawn at random at reset and kept across block boundaries;
 * inside a volatile block the good arm reverses after U{20..30} trials counted from the block start, then
 * again after a fresh U{20..30}, and so on — 3 or 4 reversals per volatile block of 100. Stable blocks
 * never reverse. Blocks of 100 rather than shorter ones so that a per-phase learning-rate fit sees
 * several reversals in each volatile phase.
 *
 * Extra step info: volatile (this trial lies in a volatile block), goodArm, reversal (the good arm
 * reversed just before this trial), block (index).
 */
export class VolatileBandit extends BernoulliBandit {
  readonly pGood: number;
  readonly blockLength: number;
  readonly reversalMin: number;
  readonly reversalMax: number;
  private startVolatile = false;
  private goodArm = 0;
  private countdown = 0;

  constructor(opts: VolatileBanditOptions = {}) {
    super('metarl/VolatileBandit-v0', 2, opts.trials ?? 200);
    this.pGood = opts.pGood ?? 0.8;
    this.blockLength = opts.blockLength ?? 100;
    this.reversalMin = opts.reversalMin ?? 20;
    this.reversalMax = opts.reversalMax ?? 30;
    if (!(this.pGood > 0.5 && this.pGood <= 1))
      throw new RangeError(`metarl/VolatileBandit-v0: pGood must be in (0.5, 1], got ${this.pGood}`);
    if (!Number.isInteger(this.blockLength) || this.blockLength < 1)
      throw new RangeError(`metarl/VolatileBandit-v0: blockLength must be a positive integer`);
    if (
      !Number.isInteger(this.reversalMin) ||
      !Number.isInteger(this.reversalMax) ||
      this.reversalMin < 1 ||
      this.reversalMax < this.reversalMin
    ) {
      throw new RangeError(`metarl/VolatileBandit-v0: need integers 1 ≤ reversalMin ≤ reversalMax`);
    }
    Object.assign(this.metadata, {
      pGood: this.pGood,
      blockLength: this.blockLength,
      reversalMin: this.reversalMin,
      reversalMax: this.reversalMax,
    });
  }

  /** Whether trial t (0-based) lies in a volatile block this episode. */
  isVolatile(t: number): boolean {
    return (Math.floor(t / this.blockLength) % 2 === 0) === this.startVolatile;
  }

  private drawInterval(): number {
    return this.reversalMin + this.rng.int(this.reversalMax - this.reversalMin + 1);
  }

  private setProbs(): void {
    this.probs[this.goodArm] = this.pGood;
    this.probs[1 - this.goodArm] = 1 - this.pGood;
  }

  protected override drawTask(options: Record<string, unknown>): Info {
    const sv = options['startVolatile'];
    if (sv !== undefined && typeof sv !== 'boolean')
      throw new TypeError('metarl/VolatileBandit-v0: options.startVolatile must be a boolean');
    this.startVolatile = sv ?? this.rng.bernoulli(0.5);
    this.goodArm = this.rng.int(2);
    this.setProbs();
    this.countdown = 0;
    return {
      ...super.drawTask({}),
      startVolatile: this.startVolatile,
      goodArm: this.goodArm,
      volatile: this.isVolatile(0),
    };
  }

  protected drawProbs(): void {
    this.setProbs();
  }

  protected override beforeTrial(): Info {
    const t = this.t;
    const volatile = this.isVolatile(t);
    let reversal = false;
    if (volatile) {
      if (t % this.blockLength === 0) this.countdown = this.drawInterval();
      else if (--this.countdown === 0) {
        this.goodArm = 1 - this.goodArm;
        this.setProbs();
        reversal = true;
        this.countdown = this.drawInterval();
      }
    }
    return { volatile, goodArm: this.goodArm, reversal, block: Math.floor(t / this.blockLength) };
  }
}

/**
 * The 11-arm informative-arm bandit of Wang et al. 2016 ("Learning to reinforcement learn", 5 pulls).
 * Arms 0..9: one target (index drawn uniformly at reset) pays 5, the other nine pay 1.1; arm 10 (the
 * informative arm) pays 0.1 × (target + 1), i.e. a tenth of the target's 1-based index, so 0.1..1.0.
 * That 1-based convention is the one consistent with the stated optimum 20.55 = E[0.1·U{1..10}] + 4·5:
 * pull the informative arm once, then the target four times. All rewards are deterministic.
 *
 * Step info: target, optimal (the target was pulled), informative (arm 10 was pulled), regret = 5 − reward
 * (against an oracle that knows the target, so even the optimal policy accrues 25 − 20.55 = 4.45).
 * Reset info: target, payoffs (all eleven).
 */
export class InformativeArmBandit extends MetaRLTask {
  static readonly ARMS = 11;
  static readonly INFORMATIVE = 10;
  /** Expected return of the optimal policy over 5 pulls. */
  static readonly OPTIMUM = 20.55;
  private target = 0;
  private payoffs = new Float64Array(InformativeArmBandit.ARMS);

  /** `rewardCode`: population code of the previous reward over [0, 5] (MetaRLObsOptions; default off). */
  constructor(opts: { trials?: number } & MetaRLObsOptions = {}) {
    super(
      'metarl/InformativeArm-v0',
      InformativeArmBandit.ARMS,
      opts.trials ?? 5,
      0,
      { taskLow: 0, taskHigh: 0, rewardLow: 0, rewardHigh: 5 },
      1,
      { rewardCode: opts.rewardCode },
    );
  }

  protected drawTask(options: Record<string, unknown>): Info {
    const tgt = options['target'];
    if (tgt !== undefined && !(Number.isInteger(tgt) && (tgt as number) >= 0 && (tgt as number) < 10)) {
      throw new RangeError('metarl/InformativeArm-v0: options.target must be an integer in [0, 10)');
    }
    this.target = (tgt as number | undefined) ?? this.rng.int(10);
    this.payoffs.fill(1.1);
    this.payoffs[this.target] = 5;
    this.payoffs[InformativeArmBandit.INFORMATIVE] = 0.1 * (this.target + 1);
    return { target: this.target, payoffs: Array.from(this.payoffs) };
  }

  protected writeTaskObservation(): void {}

  protected transition(action: number): { reward: number; info: Info; trialDone: boolean } {
    const reward = this.payoffs[action]!;
    return {
      reward,
      trialDone: true,
      info: {
        target: this.target,
        optimal: action === this.target,
        regret: 5 - reward,
        informative: action === InformativeArmBandit.INFORMATIVE,
      },
    };
  }
}
