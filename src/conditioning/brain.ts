/**
 * The steered brain as a subject of a conditioning experiment. A trial is lived tick by tick in a
 * chamber (a one-cell world whose actions change nothing): the context alone for `itiTicks`, then the
 * cues for `cueTicks`, the US arriving on the last cue tick — as taste (appetitive: the Steering
 * Subsystem's innate sweet reaction pays reward) or pain (aversive: the pain reaction raises cortisol
 * and pays −2). The learner sees cues, context and taste as its rich senses; the Steering Subsystem
 * sees only the taste and the pain, so the cues are neutral to it at birth.
 *
 * The conditioned response is the brain's own learned prediction of the innate signal the US causes —
 * the `reward` thought assessor ("reward is coming") for appetitive paradigms, the `cortisol` assessor
 * ("cortisol is about to rise") for aversive ones — averaged over the cue ticks before the US, as CCNLab
 * reads responses while the cue is on and the US is not. It is reported in the assessor's own units
 * (ordinal checks and Pearson r do not depend on the scale).
 */
import { Rng } from '../math/rng.js';
import type { StepResult } from '../envs/core.js';
import type { Agent } from '../brain/agent.js';
import { brainIn } from '../brain/build.js';
import type { LearnerConfig } from '../brain/learning/config.js';
import type { CoarseChannel, ObsLayout } from '../brain/senses.js';
import type { SteeringSpec } from '../brain/steering/config.js';
import type { BrainWorld } from '../brain/world.js';
import type { ConditioningModel } from './model.js';
import type { Paradigm, TrialSpec } from './paradigm.js';

export interface BrainConditioningConfig {
  /** Context-only ticks before the cues of every trial. */
  itiTicks: number;
  /** Ticks the cues last; the US comes on the last. */
  cueTicks: number;
  /**
   * What the conditioned response is read from: 'signal' — the assessor that predicts the innate
   * signal the US causes (`reward` for appetitive, `cortisol` for aversive paradigms); 'value' — the
   * critic (TD on dopamine), negated for aversive paradigms.
   */
  readout: 'signal' | 'value';
}

export const BRAIN_CONDITIONING_DEFAULTS: BrainConditioningConfig = {
  itiTicks: 4,
  cueTicks: 4,
  readout: 'signal',
};

interface ChamberState {
  trial: TrialSpec | null;
  clock: number;
}

/** A one-cell world that shows a trial's cues and context on schedule and delivers its US. */
export class ConditioningChamber implements BrainWorld {
  readonly obsLayout: ObsLayout;
  readonly gridWidth = 1;
  private readonly obs: Float32Array;
  private readonly channel: CoarseChannel;
  private readonly result: StepResult<Float32Array>;
  private trial: TrialSpec | null = null;
  private clock = 0;

  constructor(
    private readonly cues: readonly string[],
    private readonly contexts: readonly string[],
    private readonly appetitive: boolean,
    private readonly cfg: BrainConditioningConfig,
  ) {
    const C = cues.length,
      K = contexts.length;
    this.obsLayout = { pos: 0, features: 1, context: 1 + C, taste: 1 + C + K, dim: 1 + C + K + 1 };
    this.obs = new Float32Array(this.obsLayout.dim);
    this.channel = { blobs: [], taste: {}, pain: 0, touch: 0, room: [] };
    this.result = {
      observation: this.obs,
      reward: 0,
      terminated: false,
      truncated: false,
      info: { ate: null },
    };
    this.render();
  }

  get ticksPerTrial(): number {
    return this.cfg.itiTicks + this.cfg.cueTicks;
  }

  /** Ticks of a trial at which the cues are on and the US is not (where the response is read). */
  isResponseTick(clock: number): boolean {
    return clock >= this.cfg.itiTicks && clock < this.ticksPerTrial - 1;
  }

  /** Begin a trial: the next observation is its first (context-only) tick. */
  begin(trial: TrialSpec): void {
    this.trial = trial;
    this.clock = 0;
    this.render();
  }

  get now(): number {
    return this.clock;
  }

  private usNow(): number {
    return this.trial && this.clock === this.ticksPerTrial - 1 ? this.trial.us : 0;
  }

  private render(): void {
    const L = this.obsLayout;
    this.obs.fill(0);
    this.obs[0] = 1;
    const t = this.trial;
    if (t) {
      if (this.clock >= this.cfg.itiTicks)
        for (const c of t.cues) this.obs[L.features + this.cues.indexOf(c)] = 1;
      this.obs[L.context + this.contexts.indexOf(t.context)] = 1;
      this.obs[L.taste] = this.appetitive ? this.usNow() : 0;
    }
  }

  blocked(): boolean {
    return false;
  }
  observe(): Float32Array {
    return this.obs;
  }
  steeringChannel(): CoarseChannel {
    const us = this.usNow();
    this.channel.taste = this.appetitive && us > 0 ? { sweet: us } : {};
    this.channel.pain = !this.appetitive ? us : 0;
    return this.channel;
  }
  step(_action: number): StepResult<Float32Array> {
    if (this.trial) this.clock = Math.min(this.clock + 1, this.ticksPerTrial);
    this.render();
    return this.result;
  }
  perceiveOther(): boolean {
    return false;
  }
  getState(): ChamberState {
    return { trial: this.trial, clock: this.clock };
  }
  setState(s: unknown): void {
    const st = s as ChamberState;
    this.trial = st.trial;
    this.clock = st.clock;
    this.render();
  }
}

/**
 * A fresh brain per subject (seeded from `rng`); `present` lives the trial with learning on and reads
 * the response assessor's prediction over the cue ticks before the US.
 */
export class BrainConditioner implements ConditioningModel {
  readonly name = 'brain';
  private agent: Agent<ConditioningChamber> | null = null;
  private readonly chamber: ConditioningChamber;
  private readonly assessor: string;
  private readonly sign: number;

  constructor(
    paradigm: Paradigm,
    private readonly steering: SteeringSpec,
    private readonly learner: LearnerConfig,
    private readonly rng: Rng,
    cfg: BrainConditioningConfig = BRAIN_CONDITIONING_DEFAULTS,
  ) {
    const appetitive = paradigm.preparation === 'appetitive';
    this.assessor = cfg.readout === 'value' ? 'value' : appetitive ? 'reward' : 'cortisol';
    this.sign = cfg.readout === 'value' && !appetitive ? -1 : 1;
    if (!steering.assessors.some((a) => a.name === this.assessor))
      throw new RangeError(
        `the steering configuration has no '${this.assessor}' assessor, which a brain's ${paradigm.preparation} conditioned response is read from`,
      );
    this.chamber = new ConditioningChamber(paradigm.cues, paradigm.contexts, appetitive, cfg);
  }

  reset(): void {
    this.agent = brainIn(this.chamber, this.steering, this.learner, new Rng(this.rng.nextU32()));
  }

  private live(trial: TrialSpec, record: boolean): number {
    if (!this.agent) this.reset();
    const a = this.agent!;
    const k = a.learner.assessors.names.indexOf(this.assessor);
    this.chamber.begin(trial);
    a.refresh();
    let sum = 0,
      n = 0;
    for (let t = 0; t < this.chamber.ticksPerTrial; t++) {
      const clock = this.chamber.now;
      a.tick();
      if (record && this.chamber.isResponseTick(clock)) {
        sum += this.sign * a.learner.preds[k]!;
        n++;
      }
    }
    return n ? sum / n : 0;
  }

  present(trial: TrialSpec): number {
    return this.live(trial, true);
  }
}
