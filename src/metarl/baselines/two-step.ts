/**
 * Model-free and model-based learners for the two-step task (Daw et al. 2011), plus the stay-probability
 * analysis of Wang et al. 2018 Fig. 3.
 *
 * Both learners keep a value per second-stage state (each has one effective action), learned by a delta
 * rule Q2[s] += α (r − Q2[s]), and choose the first-stage action by softmax with inverse temperature β.
 * They differ only in how the first-stage values arise:
 *  - model-free SARSA(λ): Q1[a] += α (Q2[s] − Q1[a]) at the transition, then Q1[a] += α λ (r − Q2[s])
 *    after the reward. With λ = 1 the first-stage value follows the reward whatever the transition, so a
 *    reward after a rare transition still makes the agent repeat its choice: a main effect of reward and
 *    no reward × transition interaction.
 *  - model-based: Q1[a] = Σ_s P(s | a) Q2[s] with P the transition matrix, either known (the task's
 *    0.8) or learned as Daw et al.'s subjects were assumed to: the mapping (identity or crossed) seen more
 *    often so far is taken as the common one, with the task's common probability. A reward after a rare
 *    transition raises the value of the *other* first-stage action, hence the interaction.
 *
 * Defaults: model-based α = 0.5, β = 5; model-free α = 1, β = 5, λ = 1. The model-free learning rate
 * is 1 on purpose: with α < 1 a TD(1) learner also shows an apparent reward × transition interaction in
 * the stay analysis on this task variant (measured, 400 episodes: 0.28 at α = 0.5, 0.15 at α = 0.8,
 * 0.02 at α = 1; β = 5). The cause is a confound, not planning (Akam, Costa & Dayan 2015): choices track
 * the good state, so "unrewarded after rare" happens mostly after good choices whose values were far
 * apart and "unrewarded after common" after bad choices with close values. At α = 1 the first-stage value
 * is the last reward that action earned, the carry-over vanishes, and only the reward main effect is left.
 *
 * Works with both encodings of envs/metarl/two-step.ts: the learner reads info.stage, info.state2,
 * info.trialEnd and acts with action 0 at the second stage.
 */
import type { Info } from '../../envs/core.js';
import type { Rng } from '../../math/rng.js';
import type { BaselinePolicy, EpisodeSpec, StepRecord } from './policy.js';

export interface TwoStepLearnerOptions {
  alpha?: number;
  beta?: number;
  /** Eligibility trace for the model-free learner (ignored by model-based). */
  lambda?: number;
  /** Model-based: learn the transition mapping from counts instead of knowing it. */
  learnTransitions?: boolean;
  /** Probability of the common transition the model-based learner assumes (default 0.8). */
  commonProb?: number;
}

function softmax2(q0: number, q1: number, beta: number, rng: Rng): number {
  // P(action 1) = σ(β (q1 − q0)).
  const p1 = 1 / (1 + Math.exp(-beta * (q1 - q0)));
  return rng.bernoulli(p1) ? 1 : 0;
}

abstract class TwoStepLearner implements BaselinePolicy {
  abstract readonly name: string;
  protected readonly alpha: number;
  protected readonly beta: number;
  protected q2 = new Float64Array(2);
  /** The next env step is the second-stage step (2-step encoding). */
  protected atStage2 = false;

  constructor(opts: TwoStepLearnerOptions, defaultAlpha: number) {
    this.alpha = opts.alpha ?? defaultAlpha;
    this.beta = opts.beta ?? 5;
  }

  reset(spec: EpisodeSpec): void {
    if (spec.nActions !== 2) throw new RangeError(`two-step learners need 2 actions, got ${spec.nActions}`);
    this.q2.fill(0.5);
    this.atStage2 = false;
  }

  protected abstract firstStageValues(): [number, number];

  act(rng: Rng): number {
    if (this.atStage2) return 0;
    const [a, b] = this.firstStageValues();
    return softmax2(a, b, this.beta, rng);
  }

  protected abstract onTransition(firstAction: number, state2: number): void;
  protected abstract onReward(firstAction: number, state2: number, reward: number): void;

  update(_action: number, reward: number, info: Info): void {
    const a = info['firstAction'] as number,
      s = info['state2'] as number;
    if (info['stage'] === 1 || (info['stage'] === 2 && !this.atStage2)) this.onTransition(a, s);
    if (info['trialEnd'] === true) {
      this.onReward(a, s, reward);
      this.atStage2 = false;
    } else this.atStage2 = true;
  }
}

export class ModelFreeTD extends TwoStepLearner {
  readonly name = 'model-free-td';
  private readonly lambda: number;
  private q1 = new Float64Array(2);

  constructor(opts: TwoStepLearnerOptions = {}) {
    super(opts, 1);
    this.lambda = opts.lambda ?? 1;
  }

  override reset(spec: EpisodeSpec): void {
    super.reset(spec);
    this.q1.fill(0.5);
  }

  protected firstStageValues(): [number, number] {
    return [this.q1[0]!, this.q1[1]!];
  }

  protected onTransition(a: number, s: number): void {
    this.q1[a]! += this.alpha * (this.q2[s]! - this.q1[a]!);
  }

  protected onReward(a: number, s: number, r: number): void {
    const d = r - this.q2[s]!;
    this.q2[s]! += this.alpha * d;
    this.q1[a]! += this.alpha * this.lambda * d;
  }
}

export class ModelBased extends TwoStepLearner {
  readonly name = 'model-based';
  private readonly learn: boolean;
  private readonly commonProb: number;
  /** Transitions seen as identity (a → state a) minus crossed (a → state 1 − a). */
  private identityMinusCrossed = 0;

  constructor(opts: TwoStepLearnerOptions = {}) {
    super(opts, 0.5);
    this.learn = opts.learnTransitions ?? false;
    this.commonProb = opts.commonProb ?? 0.8;
  }

  override reset(spec: EpisodeSpec): void {
    super.reset(spec);
    this.identityMinusCrossed = 0;
  }

  /** P(state a | action a) under the current model. */
  private pSame(): number {
    if (!this.learn) return this.commonProb;
    if (this.identityMinusCrossed > 0) return this.commonProb;
    if (this.identityMinusCrossed < 0) return 1 - this.commonProb;
    return 0.5;
  }

  protected firstStageValues(): [number, number] {
    const p = this.pSame();
    return [p * this.q2[0]! + (1 - p) * this.q2[1]!, p * this.q2[1]! + (1 - p) * this.q2[0]!];
  }

  protected onTransition(a: number, s: number): void {
    this.identityMinusCrossed += a === s ? 1 : -1;
  }

  protected onReward(_a: number, s: number, r: number): void {
    this.q2[s]! += this.alpha * (r - this.q2[s]!);
  }
}

export interface StayProbabilities {
  stay_rewarded_common: number;
  stay_rewarded_rare: number;
  stay_unrewarded_common: number;
  stay_unrewarded_rare: number;
  /** Number of trial pairs behind each probability, same order. */
  counts: [number, number, number, number];
}

/**
 * Stay probabilities: P(first-stage choice on trial t+1 = choice on trial t), split by whether trial t
 * was rewarded and whether its transition was common. Feed it every StepRecord (evaluateBaseline's
 * `observer`) or call addTrial directly; pairs never straddle episodes.
 */
export class TwoStepStayCounter {
  private stay = new Float64Array(4);
  private total = new Float64Array(4);
  private lastEpisode = -1;
  private last: { action: number; rewarded: boolean; common: boolean } | undefined;

  observe = (rec: StepRecord): void => {
    if (rec.info['trialEnd'] !== true) return;
    this.addTrial(
      rec.episode,
      rec.info['firstAction'] as number,
      rec.info['rewarded'] === true,
      rec.info['common'] === true,
    );
  };

  addTrial(episode: number, firstAction: number, rewarded: boolean, common: boolean): void {
    if (episode !== this.lastEpisode) this.last = undefined;
    this.lastEpisode = episode;
    if (this.last) {
      const k = (this.last.rewarded ? 0 : 2) + (this.last.common ? 0 : 1);
      this.total[k]! += 1;
      if (firstAction === this.last.action) this.stay[k]! += 1;
    }
    this.last = { action: firstAction, rewarded, common };
  }

  result(): StayProbabilities {
    const p = (k: number): number => (this.total[k]! > 0 ? this.stay[k]! / this.total[k]! : Number.NaN);
    return {
      stay_rewarded_common: p(0),
      stay_rewarded_rare: p(1),
      stay_unrewarded_common: p(2),
      stay_unrewarded_rare: p(3),
      counts: [this.total[0]!, this.total[1]!, this.total[2]!, this.total[3]!],
    };
  }
}
