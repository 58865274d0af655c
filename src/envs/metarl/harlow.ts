/**
 * Abstract Harlow task (Harlow 1949; the meta-RL version of Wang et al. 2018, without the pixels).
 *
 * Objects are feature vectors of dimension `featureDim` (default 8) from one of two pools of `poolSize`
 * (default 1000) objects, generated deterministically from `poolSeed`: 'train' and 'eval'. `features`
 * picks their distribution: 'uniform' (default; every feature uniform in [−1, 1]) or 'binary' (every
 * feature ±1 with probability ½; needs 2^featureDim ≥ 2·poolSize). The pools are disjoint by
 * construction (an eval candidate equal to any train object is redrawn). Reset option
 * `pool: 'train' | 'eval'` picks the pool for that episode (default: the constructor's `pool`, itself
 * 'train' by default).
 *
 * Episode: two distinct objects are drawn from the pool; one of them (fair coin) is rewarded for the
 * whole episode; 6 trials. Every trial has two steps:
 *   1. fixation: the observation shows the fixation cue. Action 0 (FIXATE) earns `fixationReward`
 *      (default 0) and leads to the choice step. Any other action breaks fixation: `breakReward`
 *      (default 0), the trial is aborted (counted incorrect, info.aborted) and the next trial starts —
 *      so a trial is never rewarded without fixating.
 *   2. choice: the two objects are shown, left/right order redrawn each trial by a fair coin. Action 1
 *      (LEFT) or 2 (RIGHT) picks an object: `correctReward` (1) if it is the rewarded one, else
 *      `incorrectReward` (0). Choosing FIXATE here picks nothing and counts as incorrect.
 *
 * Feedback (`feedback`): the observation after a choice step is the next trial's fixation screen, which
 * also carries that choice's reward (previous-reward input). What its object slots show:
 *   'none'    (default) nothing: the object slots are zero on every fixation screen. To bind the reward
 *             to an object the agent must have stored both objects with their sides at the choice step.
 *   'chosen'  the object just chosen, in the slot it was chosen from (the other slot zero; both zero if
 *             the choice step picked nothing) — like a monkey lifting the object it chose off the food
 *             well. It shows nothing the agent did not see and do itself, and nothing about the rewarded
 *             object beyond the reward the agent just received.
 *   'objects' both objects of the trial just completed, on the sides they were shown.
 * Fixation screens after an aborted trial, and the first one of an episode, never show objects. The
 * choice step's arrangement is drawn afresh, so the feedback screen says nothing about the next sides.
 * Why 'chosen' exists: with 'none' the A2C-LSTM of the metarl/harlow experiment sits at chance on every
 * trial for a long stretch before it takes off (after 5000–16000 updates at lr 0.002 in eight runs, seeds
 * 1–4 × 20000/30000-update schedules; still at chance after 9000 updates at lr 0.001). It must store both objects with their sides at the choice step
 * and bind them to the previous action and reward one step later — a 4-way interaction (action, reward,
 * the two screens) with no lower-order learning signal. With 'chosen' it only has to keep the chosen
 * object and the reward, and the plateau is shorter (2500–9000 updates at lr 0.002 in six runs).
 *
 * Observation: [fixation cue (1), left object slot (featureDim), right object slot (featureDim),
 * previous action one-hot (3), previous reward, t/trials]; the object slots are zero during fixation
 * except for the feedback above.
 *
 * Info: phase 'fixation'|'choice' (of the step taken), objects [a, b] (pool indices), rewardedObject,
 * left (pool index shown left this trial, on the choice step and in the info of the step before it),
 * rewardedSide 'left'|'right', correct (choice steps and aborted trials), aborted, fixated, pool,
 * chosen (choice steps: pool index picked, or null).
 */
import type { Info } from '../core.js';
import { Rng } from '../../math/rng.js';
import { MetaRLTask } from './common.js';

export const FIXATE = 0;
export const LEFT = 1;
export const RIGHT = 2;

export interface HarlowOptions {
  trials?: number;
  featureDim?: number;
  poolSize?: number;
  poolSeed?: number;
  pool?: 'train' | 'eval';
  fixationReward?: number;
  breakReward?: number;
  correctReward?: number;
  incorrectReward?: number;
  /** What the fixation screen right after a choice shows in the object slots (see the doc comment). */
  feedback?: HarlowFeedback;
  /** Object feature distribution (see the doc comment). */
  features?: HarlowFeatures;
}

export type HarlowFeedback = 'none' | 'objects' | 'chosen';
export type HarlowFeatures = 'uniform' | 'binary';

export interface ObjectPools {
  train: Float32Array[];
  eval: Float32Array[];
}

const poolCache = new Map<string, ObjectPools>();

/** The train and eval object pools for (seed, size, dim); cached, deterministic, disjoint. */
export function harlowPools(
  poolSeed: number,
  poolSize: number,
  featureDim: number,
  features: HarlowFeatures = 'uniform',
): ObjectPools {
  const key = `${poolSeed}:${poolSize}:${featureDim}:${features}`;
  const hit = poolCache.get(key);
  if (hit) return hit;
  const root = new Rng(poolSeed);
  const seen = new Set<string>();
  const draw = (rng: Rng): Float32Array[] => {
    const out: Float32Array[] = [];
    while (out.length < poolSize) {
      const v = new Float32Array(featureDim);
      for (let i = 0; i < featureDim; i++)
        v[i] = features === 'binary' ? (rng.bernoulli(0.5) ? 1 : -1) : rng.range(-1, 1);
      const k = v.join(',');
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(v);
    }
    return out;
  };
  const pools = { train: draw(root.fork('train')), eval: draw(root.fork('eval')) };
  poolCache.set(key, pools);
  return pools;
}

export class HarlowTask extends MetaRLTask {
  readonly featureDim: number;
  readonly poolSize: number;
  readonly poolSeed: number;
  readonly defaultPool: 'train' | 'eval';
  readonly rewards: { fixation: number; break: number; correct: number; incorrect: number };
  private readonly pools: ObjectPools;
  private pool: 'train' | 'eval' = 'train';
  private objects: [number, number] = [0, 1];
  private rewarded = 0; // pool index of the rewarded object
  private phase: 'fixation' | 'choice' = 'fixation';
  private leftObj = 0;
  private rightObj = 1;
  readonly feedback: HarlowFeedback;
  readonly features: HarlowFeatures;
  /** Pool indices shown in the left/right slots on the feedback screen (−1: empty). */
  private fbLeft = -1;
  private fbRight = -1;

  constructor(opts: HarlowOptions = {}) {
    const dim = opts.featureDim ?? 8;
    if (!Number.isInteger(dim) || dim < 1)
      throw new RangeError(`metarl/Harlow-v0: featureDim must be a positive integer, got ${dim}`);
    const r = {
      fixation: opts.fixationReward ?? 0,
      break: opts.breakReward ?? 0,
      correct: opts.correctReward ?? 1,
      incorrect: opts.incorrectReward ?? 0,
    };
    const rlo = Math.min(0, r.fixation, r.break, r.correct, r.incorrect),
      rhi = Math.max(0, r.fixation, r.break, r.correct, r.incorrect);
    super(
      'metarl/Harlow-v0',
      3,
      opts.trials ?? 6,
      1 + 2 * dim,
      { taskLow: -1, taskHigh: 1, rewardLow: rlo, rewardHigh: rhi },
      2,
    );
    this.featureDim = dim;
    this.poolSize = opts.poolSize ?? 1000;
    this.poolSeed = opts.poolSeed ?? 0x4a71;
    if (!Number.isInteger(this.poolSize) || this.poolSize < 2)
      throw new RangeError(`metarl/Harlow-v0: poolSize must be an integer ≥ 2, got ${this.poolSize}`);
    const p = opts.pool ?? 'train';
    if (p !== 'train' && p !== 'eval')
      throw new RangeError(`metarl/Harlow-v0: pool must be 'train' or 'eval', got ${String(p)}`);
    this.defaultPool = p;
    this.rewards = r;
    this.feedback = opts.feedback ?? 'none';
    this.features = opts.features ?? 'uniform';
    if (this.features === 'binary' && 2 ** dim < 2 * this.poolSize)
      throw new RangeError(
        `metarl/Harlow-v0: binary features of dimension ${dim} cannot make two disjoint pools of ${this.poolSize}`,
      );
    this.pools = harlowPools(this.poolSeed, this.poolSize, dim, this.features);
    Object.assign(this.metadata, {
      feedback: this.feedback,
      features: this.features,
      featureDim: dim,
      poolSize: this.poolSize,
      poolSeed: this.poolSeed,
      rewards: r,
    });
  }

  /** Feature vector of object `index` in `pool` (a copy). */
  object(pool: 'train' | 'eval', index: number): Float32Array {
    return this.pools[pool][index]!.slice();
  }

  private arrange(): void {
    const swap = this.rng.bernoulli(0.5);
    this.leftObj = swap ? this.objects[1] : this.objects[0];
    this.rightObj = swap ? this.objects[0] : this.objects[1];
  }

  protected drawTask(options: Record<string, unknown>): Info {
    const p = options['pool'] ?? this.defaultPool;
    if (p !== 'train' && p !== 'eval')
      throw new RangeError(`metarl/Harlow-v0: options.pool must be 'train' or 'eval', got ${String(p)}`);
    this.pool = p;
    const a = this.rng.int(this.poolSize);
    let b = this.rng.int(this.poolSize - 1);
    if (b >= a) b++;
    this.objects = [a, b];
    this.rewarded = this.rng.bernoulli(0.5) ? a : b;
    this.phase = 'fixation';
    this.fbLeft = -1;
    this.fbRight = -1;
    this.arrange();
    return { pool: p, objects: [a, b], rewardedObject: this.rewarded, phase: 'fixation' };
  }

  protected writeTaskObservation(out: Float32Array): void {
    const P = this.pools[this.pool];
    if (this.phase === 'fixation') {
      out[0] = 1;
      if (this.fbLeft >= 0) out.set(P[this.fbLeft]!, 1);
      if (this.fbRight >= 0) out.set(P[this.fbRight]!, 1 + this.featureDim);
      return;
    }
    out.set(P[this.leftObj]!, 1);
    out.set(P[this.rightObj]!, 1 + this.featureDim);
  }

  protected transition(action: number): { reward: number; info: Info; trialDone: boolean } {
    const base = { pool: this.pool, objects: [...this.objects], rewardedObject: this.rewarded };
    this.fbLeft = -1;
    this.fbRight = -1;
    if (this.phase === 'fixation') {
      if (action === FIXATE) {
        this.phase = 'choice';
        return {
          reward: this.rewards.fixation,
          trialDone: false,
          info: {
            ...base,
            phase: 'fixation',
            fixated: true,
            aborted: false,
            left: this.leftObj,
            rewardedSide: this.leftObj === this.rewarded ? 'left' : 'right',
          },
        };
      }
      this.arrange();
      return {
        reward: this.rewards.break,
        trialDone: true,
        info: { ...base, phase: 'fixation', fixated: false, aborted: true, correct: false },
      };
    }
    const side = this.leftObj === this.rewarded ? 'left' : 'right';
    const correct = (action === LEFT && side === 'left') || (action === RIGHT && side === 'right');
    const info: Info = {
      ...base,
      phase: 'choice',
      fixated: true,
      aborted: false,
      left: this.leftObj,
      rewardedSide: side,
      correct,
      chosen: action === LEFT ? this.leftObj : action === RIGHT ? this.rightObj : null,
    };
    if (this.feedback === 'objects' || (this.feedback === 'chosen' && action === LEFT))
      this.fbLeft = this.leftObj;
    if (this.feedback === 'objects' || (this.feedback === 'chosen' && action === RIGHT))
      this.fbRight = this.rightObj;
    this.phase = 'fixation';
    this.arrange();
    return { reward: correct ? this.rewards.correct : this.rewards.incorrect, trialDone: true, info };
  }
}
