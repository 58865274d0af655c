/**
 * The Steering Subsystem: parameters (a SteeringSpec, from a file) + state (plain data), and one pure-ish
 * step per tick: senses → detectors → reactions (body, reflex, reward) → rewiring → dopamine → ground
 * truth for each assessor. It sees the learner only through the DownMessage.
 */
import type { CoarseChannel } from '../senses.js';
import type { AssessorTarget, DownMessage, UpMessage } from '../messages.js';
import { bodyIndex, clampBody, initialBody, normaliseBody, relaxBody } from './body.js';
import type { SteeringSpec } from './config.js';
import { detect, triggeringBlob } from './detectors.js';
import type { Condition, ReactionSpec } from './reactions.js';
import { applyRewiring, type RewiringState } from './rewiring.js';
import type { ComponentState, Stateful } from '../state.js';

export interface SteeringState {
  tick: number;
  body: number[];
  rewiring: RewiringState;
  /** Value output (strong) of the previous tick, for the dopamine error. */
  lastValue: number;
  /** Reward the overseer gives at the next tick. */
  pendingReward: number;
  /**
   * The reward channel seized (wireheading: an electrode, a tampered sensor): while not null the
   * reward the learner receives is this value every tick, whatever the reward function says.
   */
  seized?: number | null;
}

/** Everything the Steering Subsystem computed this tick — for figures and probes, never for the learner. */
export interface SteeringTrace {
  detectors: Record<string, number>;
  fired: { name: string; strength: number }[];
  reward: number;
  dopamine: number;
  /** Body change this tick caused by reactions that read the learner (compliance), per variable. */
  complied: Record<string, number>;
  /** Body change caused by innate reactions, per variable. */
  innate: Record<string, number>;
}

/** Switches an experiment may flip (e.g. exposure therapy's routes). */
export interface SteeringSwitches {
  rewiring: boolean;
}

/** What a checkpoint keeps of the Steering Subsystem: its state and the experiment's switches. */
export interface SteeringMeta {
  state: SteeringState;
  switches: SteeringSwitches;
}

export class SteeringSubsystem implements Stateful<SteeringMeta> {
  readonly spec: SteeringSpec;
  state: SteeringState;
  readonly switches: SteeringSwitches = { rewiring: true };
  private readonly body: Float64Array;
  private readonly bodyOut: Float32Array;
  private readonly valueName: string | null;
  private readonly innateNames: Set<string>;
  trace: SteeringTrace;

  constructor(spec: SteeringSpec) {
    this.spec = spec;
    this.body = initialBody(spec.body);
    this.bodyOut = new Float32Array(spec.body.vars.length);
    this.valueName = spec.assessors.find((a) => a.kind === 'value')?.name ?? null;
    this.innateNames = new Set(spec.reactions.filter((r) => r.innate).map((r) => r.name));
    this.state = {
      tick: 0,
      body: [...this.body],
      rewiring: { gains: {}, lastFired: {}, lastApplied: {} },
      lastValue: 0,
      pendingReward: 0,
    };
    this.trace = { detectors: {}, fired: [], reward: 0, dopamine: 0, complied: {}, innate: {} };
  }

  /** Body variable by name (raw units). */
  bodyVar(name: string): number {
    const i = bodyIndex(this.spec.body, name);
    if (i < 0) throw new RangeError(`no body variable '${name}'`);
    return this.body[i]!;
  }

  reactionGain(name: string): number {
    return this.state.rewiring.gains[name] ?? this.birthGain(name);
  }

  private birthGain(name: string): number {
    const r = this.spec.reactions.find((x) => x.name === name);
    if (!r)
      throw new RangeError(
        `no reaction '${name}' (reactions: ${this.spec.reactions.map((x) => x.name).join(', ')})`,
      );
    return r.gain;
  }

  /** Overseer/world: return a reaction to its birth gain (e.g. a drug washed out of the system). */
  resetGain(name: string): void {
    this.state.rewiring.gains[name] = this.birthGain(name);
  }

  // ---- overseer hooks ----------------------------------------------------------------------------
  /** Give reward (or punishment, if negative) on the next tick. */
  giveReward(r: number): void {
    this.state.pendingReward += r;
  }

  /** The world tampers with the reward wire (value), or repairs it (null). */
  seizeRewardChannel(value: number | null): void {
    this.state.seized = value;
  }

  setState(s: SteeringState): void {
    this.state = structuredClone(s);
    this.body.set(s.body);
  }

  getState(): SteeringState {
    this.state.body = [...this.body];
    return structuredClone(this.state);
  }

  /** For checkpoints: the state and the switches (plain data, no tensors). */
  saveState(): ComponentState<SteeringMeta> {
    return { meta: { state: this.getState(), switches: { ...this.switches } }, tensors: {} };
  }

  loadState(s: ComponentState<SteeringMeta>): void {
    this.setState(s.meta.state);
    Object.assign(this.switches, s.meta.switches);
  }

  /** One tick. `down` is what the learner emitted this tick (its outputs were computed from this tick's senses). */
  step(ch: CoarseChannel, down: DownMessage): UpMessage {
    const spec = this.spec,
      st = this.state;
    const tick = ++st.tick;
    relaxBody(spec.body, this.body);

    const det: Record<string, number> = {};
    for (const d of spec.detectors) det[d.name] = detect(d, ch);

    // The learner's outputs as the steering sees them: strong ones by name; weak ones by name (largest).
    const strong: Record<string, number> = {},
      strongV: Record<string, number> = {},
      weak: Record<string, number> = {},
      weakV: Record<string, number> = {};
    for (const o of down.outputs) {
      const s = o.value * o.gain;
      if (o.gain >= spec.motorThreshold) {
        strong[o.assessor] = s;
        strongV[o.assessor] = o.value;
      } else if (!(o.assessor in weak) || s > weak[o.assessor]!) {
        weak[o.assessor] = s;
        weakV[o.assessor] = o.value;
      }
    }

    const fired: { name: string; strength: number }[] = [];
    const innate: Record<string, number> = {},
      complied: Record<string, number> = {};
    let reward = st.pendingReward,
      innateReward = 0;
    st.pendingReward = 0;
    let reflex = -1;
    // 'quiet N' asks whether anything *happened*: only innate reactions count, not compliance with
    // the learner's predictions (else a standing learned fear would forever block safe-and-calm).
    const lastAny = (except: string) => {
      let m = -Infinity;
      for (const [k, v] of Object.entries(st.rewiring.lastFired))
        if (k !== except && this.innateNames.has(k) && v > m) m = v;
      return m;
    };
    for (const r of spec.reactions) {
      if (tick - (st.rewiring.lastFired[r.name] ?? -Infinity) <= r.refractory) continue;
      const strength = this.evaluate(r, det, strong, weak, strongV, weakV, tick - lastAny(r.name), reward);
      if (strength <= 0) continue;
      const s = strength * (st.rewiring.gains[r.name] ?? r.gain);
      // A dormant pathway (gain 0) does nothing and does not count as having fired.
      if (s === 0) continue;
      fired.push({ name: r.name, strength: s });
      st.rewiring.lastFired[r.name] = tick;
      const into = r.innate ? innate : complied;
      for (const [v, dv] of Object.entries(r.body)) {
        this.body[bodyIndex(spec.body, v)]! += dv * s;
        into[v] = (into[v] ?? 0) + dv * s;
      }
      reward += r.reward * s;
      if (r.innate) innateReward += r.reward * s;
      if (reflex < 0 && r.reflex) reflex = this.reflexAction(r, ch);
    }
    applyRewiring(
      spec.rules,
      st.rewiring,
      fired.map((f) => f.name),
      tick,
      this.switches.rewiring,
    );
    clampBody(spec.body, this.body);

    // A seized channel replaces the reward function's output — and it is what the learner is told the
    // reward is, so an assessor whose ground truth is "reward" learns the seized signal.
    if (st.seized !== null && st.seized !== undefined) reward = innateReward = st.seized;
    const v = this.valueName !== null ? (strongV[this.valueName] ?? 0) : 0;
    const dopamine = reward + spec.gamma * v - st.lastValue;
    st.lastValue = v;

    const targets: Record<string, AssessorTarget> = {};
    for (const a of spec.assessors) {
      if (a.kind === 'value' || !a.truth) continue;
      const g = a.truth.kind === 'reward' ? innateReward : Math.max(0, innate[a.truth.name] ?? 0);
      const clear =
        a.clear.kind === 'always' ||
        (a.clear.kind === 'reaction' && fired.some((f) => f.name === (a.clear as { name: string }).name));
      targets[a.name] = g !== 0 || clear ? { kind: 'truth', value: g } : { kind: 'defer' };
    }
    normaliseBody(spec.body, this.body, this.bodyOut);
    this.trace = { detectors: det, fired, reward, dopamine, complied, innate };
    return { reward, dopamine, body: this.bodyOut, reflex, targets };
  }

  private evaluate(
    r: ReactionSpec,
    det: Record<string, number>,
    strong: Record<string, number>,
    weak: Record<string, number>,
    strongV: Record<string, number>,
    weakV: Record<string, number>,
    sinceOther: number,
    rewardSoFar: number,
  ): number {
    let strength = 0;
    for (let i = 0; i < r.when.length; i++) {
      const c: Condition = r.when[i]!;
      let ok: boolean,
        m = 1;
      switch (c.kind) {
        case 'detector':
          m = det[c.name] ?? 0;
          ok = m > c.above;
          break;
        case 'assessor':
          m = strong[c.name] ?? 0;
          ok = m > c.above;
          break;
        case 'weak':
          m = weak[c.name] ?? 0;
          ok = m > c.above;
          break;
        case 'weak-vs-strong': {
          if (!(c.name in weakV)) return 0;
          m = weakV[c.name]! - (strongV[c.name] ?? 0);
          ok = m > c.margin;
          break;
        }
        case 'weak-vs-reward': {
          if (!(c.name in weakV)) return 0;
          m = weakV[c.name]! - rewardSoFar;
          ok = m > c.margin;
          break;
        }
        case 'body': {
          const b = this.body[bodyIndex(this.spec.body, c.name)]!;
          ok = c.op === '>' ? b > c.value : b < c.value;
          break;
        }
        case 'quiet':
          ok = sinceOther > c.ticks;
          break;
      }
      if (!ok) return 0;
      if (i === 0) strength = m;
    }
    return strength;
  }

  private reflexAction(r: ReactionSpec, ch: CoarseChannel): number {
    if (!r.reflex) return -1;
    if (r.reflex.kind === 'freeze') return 0;
    const b = triggeringBlob(
      this.spec.detectors.find((d) => d.name === (r.reflex as { detector: string }).detector)!,
      ch,
    );
    if (!b) return -1;
    // Move away along the axis where the blob is closer (1 up, 2 down, 3 left, 4 right).
    if (Math.abs(b.dx) >= Math.abs(b.dy) && b.dx !== 0) return b.dx > 0 ? 3 : 4;
    if (b.dy !== 0) return b.dy > 0 ? 1 : 2;
    return 1 + (this.state.tick % 4);
  }
}
