/**
 * The two-step task (Daw et al. 2011) in the form Wang et al. 2018 used for meta-RL.
 *
 * Each trial: a first-stage choice between actions 0 and 1; action a leads to second-stage state a with
 * probability 0.8 (a "common" transition) and to the other state with 0.2 ("rare"). Second-stage states
 * pay 1 with probabilities 0.9 and 0.1; which state holds the 0.9 is drawn at reset and swaps with
 * probability 0.025 at the end of every trial. 100 trials per episode.
 *
 * Encoding (option `stepsPerTrial`):
 *  - 2 (default, as Wang et al.): step 1 is the first-stage choice (reward 0; the observation then shows
 *    the second-stage state reached); step 2 is taken in that second-stage state — it has a single
 *    effective action, so any action is accepted and ignored — and returns the reward. The next
 *    observation shows the first-stage state again.
 *  - 1: one env step per trial: the first-stage choice returns the reward directly and the next
 *    observation shows which second-stage state was visited (first-stage slot 0). Cheaper to train; the
 *    network sees the same (action, state, reward) triple one step later.
 *
 * Task observation: one-hot over [first stage, second-stage state 0, second-stage state 1] (3 slots), so
 * the full observation is [stage one-hot (3), previous action (2), previous reward, t/trials].
 *
 * Info on the first-stage step (2-step encoding): stage 1, firstAction, transition 'common'|'rare',
 * common, state2. On the rewarded step (stage 2, or the only step): stage 2, firstAction, transition,
 * common, state2, rewarded, rewardProbs (used this trial), swapped (the assignment swapped after this
 * trial), optimal (firstAction commonly leads to the better state), regret (expected-reward shortfall of
 * firstAction against the better first-stage action). `trialEnd: true` marks the step that completes
 * the trial, which is what two-step analyses key on.
 */
import type { Info } from '../core.js';
import { MetaRLTask, probsOption } from './common.js';

export interface TwoStepOptions {
  trials?: number;
  stepsPerTrial?: 1 | 2;
  commonProb?: number;
  /** Reward probabilities of the good and bad second-stage state. */
  rewardHigh?: number;
  rewardLow?: number;
  swapProb?: number;
}

export class TwoStepTask extends MetaRLTask {
  readonly commonProb: number;
  readonly swapProb: number;
  readonly rewardHighProb: number;
  readonly rewardLowProb: number;
  private readonly rewardProbs = new Float64Array(2);
  /** 0 = first stage, 1 = second stage (2-step encoding only). */
  private stage = 0;
  private state2 = -1;
  private firstAction = -1;
  private common = true;
  /** Second-stage state shown in the observation in the 1-step encoding. */
  private shownState2 = -1;

  constructor(opts: TwoStepOptions = {}) {
    const spt = opts.stepsPerTrial ?? 2;
    if (spt !== 1 && spt !== 2)
      throw new RangeError(`metarl/TwoStep-v0: stepsPerTrial must be 1 or 2, got ${String(spt)}`);
    super(
      'metarl/TwoStep-v0',
      2,
      opts.trials ?? 100,
      3,
      { taskLow: 0, taskHigh: 1, rewardLow: 0, rewardHigh: 1 },
      spt,
    );
    this.commonProb = opts.commonProb ?? 0.8;
    this.swapProb = opts.swapProb ?? 0.025;
    this.rewardHighProb = opts.rewardHigh ?? 0.9;
    this.rewardLowProb = opts.rewardLow ?? 0.1;
    Object.assign(this.metadata, {
      commonProb: this.commonProb,
      swapProb: this.swapProb,
      rewardHigh: this.rewardHighProb,
      rewardLow: this.rewardLowProb,
    });
  }

  protected drawTask(options: Record<string, unknown>): Info {
    const fixed = probsOption(options, 'rewardProbs', 2, this.id);
    if (fixed) this.rewardProbs.set(fixed);
    else {
      const good = this.rng.int(2);
      this.rewardProbs[good] = this.rewardHighProb;
      this.rewardProbs[1 - good] = this.rewardLowProb;
    }
    this.stage = 0;
    this.state2 = -1;
    this.shownState2 = -1;
    return { stage: 1, rewardProbs: Array.from(this.rewardProbs) };
  }

  protected writeTaskObservation(out: Float32Array): void {
    if (this.stepsPerTrial === 2) out[this.stage === 0 ? 0 : 1 + this.state2] = 1;
    else if (this.shownState2 >= 0) out[1 + this.shownState2] = 1;
  }

  /** Expected reward of first-stage action a under the current reward probabilities. */
  private expectedReward(a: number): number {
    return this.commonProb * this.rewardProbs[a]! + (1 - this.commonProb) * this.rewardProbs[1 - a]!;
  }

  protected transition(action: number): { reward: number; info: Info; trialDone: boolean } {
    if (this.stage === 0) {
      this.firstAction = action;
      this.common = this.rng.bernoulli(this.commonProb);
      this.state2 = this.common ? action : 1 - action;
      if (this.stepsPerTrial === 2) {
        this.stage = 1;
        return {
          reward: 0,
          trialDone: false,
          info: {
            stage: 1,
            firstAction: action,
            transition: this.common ? 'common' : 'rare',
            common: this.common,
            state2: this.state2,
            trialEnd: false,
          },
        };
      }
    }
    // Second stage (or the single step of the 1-step encoding).
    const used = Array.from(this.rewardProbs);
    const rewarded = this.rng.bernoulli(this.rewardProbs[this.state2]!);
    const e0 = this.expectedReward(0),
      e1 = this.expectedReward(1);
    const best = Math.max(e0, e1);
    const mine = this.firstAction === 0 ? e0 : e1;
    const swapped = this.rng.bernoulli(this.swapProb);
    if (swapped) {
      const x = this.rewardProbs[0]!;
      this.rewardProbs[0] = this.rewardProbs[1]!;
      this.rewardProbs[1] = x;
    }
    const info: Info = {
      stage: 2,
      firstAction: this.firstAction,
      transition: this.common ? 'common' : 'rare',
      common: this.common,
      state2: this.state2,
      rewarded,
      rewardProbs: used,
      swapped,
      optimal: mine === best,
      regret: best - mine,
      trialEnd: true,
    };
    this.shownState2 = this.state2;
    this.stage = 0;
    return { reward: rewarded ? 1 : 0, trialDone: true, info };
  }
}
