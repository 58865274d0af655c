/**
 * The Learning Subsystem: everything learned from scratch in one lifetime. It senses (observation +
 * body → latent), proposes (actor, or the planner imagining), assesses its thoughts, emits outputs
 * through modes, and learns from the Up message. The agent calls these in the order of
 * docs/architecture.md §2.
 *
 * A thought is s = [x, h]: senses x = [observation, body] (real, imagined, remembered or another's) and
 * the latent h.
 */
import { Rng, type RngState } from '../../math/rng.js';
import type { NonMotorOutput, UpMessage } from '../messages.js';
import type { AssessorSpec } from '../steering/config.js';
import {
  type ComponentState,
  mergeTensors,
  readBuffer,
  type Stateful,
  type Tensors,
  bufferTensor,
} from '../state.js';
import { type ActorMeta, ThoughtGenerator } from './actor.js';
import { type AssessorsMeta, ThoughtAssessors } from './assessors.js';
import type { LearnerConfig } from './config.js';
import { EpisodicMemory, type MemoryMeta } from './episodic-memory.js';
import { emit } from './modes.js';
import { Planner, type InjectedGoal, type PlannerMeta, type PlanResult } from './planner.js';
import { Replay, type ReplayMeta } from './replay.js';
import { SelfModel, type SelfModelMeta } from './self-model.js';
import { WorldModel, type WorldModelMeta } from './world-model.js';

/** Which parts learn (experiments switch routes off to show where an effect comes from). */
export interface Plasticity {
  worldModel: boolean;
  assessors: boolean;
  actor: boolean;
  habit: boolean;
  memory: boolean;
  /** Record experience in the replay (off during probes, so measuring leaves no trace). */
  replay: boolean;
  /** The self-model notes what the brain touches and how watched agents behave. */
  selfModel: boolean;
}

export interface LearnerDims {
  obs: number;
  body: number;
  /** Where the position one-hot sits in the observation (the planner sharpens it). */
  pos: { start: number; len: number; width?: number };
  /** Where the room context sits in the observation (the planner can hold it fixed in imagination). */
  context?: { start: number; len: number };
  /** Where the object features sit in the observation (the self-model reads touches from them). */
  features?: { start: number; len: number };
}

/** The learner's plain-data state: its own counters and stream, and each component's. */
export interface LearnerMeta {
  tick: number;
  prevAction: number;
  proposal: number;
  rng: RngState;
  /** [unrecorded, afterGap]: whether the current tick is unrecorded / follows a gap in the record. */
  gap: [boolean, boolean];
  plasticity: Plasticity;
  worldModel: WorldModelMeta;
  assessors: AssessorsMeta;
  actor: ActorMeta;
  planner: PlannerMeta;
  memory: MemoryMeta;
  replay: ReplayMeta;
  /** Absent in checkpoints written before the self-model existed. */
  selfModel?: SelfModelMeta;
}

export class LearningSubsystem implements Stateful<LearnerMeta> {
  readonly cfg: LearnerConfig;
  readonly dims: LearnerDims;
  readonly X: number;
  readonly L: number;
  readonly S: number;
  readonly K: number;
  readonly wm: WorldModel;
  readonly assessors: ThoughtAssessors;
  readonly actor: ThoughtGenerator;
  readonly planner: Planner;
  readonly memory: EpisodicMemory;
  readonly replay: Replay;
  readonly selfModel: SelfModel;
  readonly plasticity: Plasticity = {
    worldModel: true,
    assessors: true,
    actor: true,
    habit: true,
    memory: true,
    replay: true,
    selfModel: true,
  };
  /** The current tick was not recorded, or follows a gap in the record: no transition to learn from. */
  private unrecorded = true;
  rng: Rng;

  readonly x: Float32Array;
  readonly h: Float32Array;
  readonly hPrev: Float32Array;
  readonly s: Float32Array;
  /** Predict-mode assessor outputs for the current thought. */
  readonly preds: Float32Array;
  prevAction = 0;
  /** This tick's proposal (the action the present thought intends). */
  proposal = 0;
  /** Replay index of the current tick. */
  tick = -1;
  readonly plan: PlanResult;
  /** Ticks lived per cell of the position code, counted while experience is recorded (planner.familiarity reads it). */
  readonly visits: Float32Array;

  private readonly bs: Float32Array;
  private readonly bs2: Float32Array;
  private readonly br: Float32Array;

  private readonly bk: Uint8Array;
  private readonly bt: Float32Array;
  private readonly kindBuf: Uint8Array;
  private readonly targetBuf: Float32Array;
  /** This tick's ground truth for "this moment" (lead 0) assessors, used as the next transition's target. */
  readonly nowKind: Uint8Array;
  readonly nowTarget: Float32Array;
  private readonly tmpS: Float32Array;

  constructor(specs: readonly AssessorSpec[], dims: LearnerDims, cfg: LearnerConfig, rng: Rng) {
    this.cfg = cfg;
    this.dims = dims;
    this.rng = rng;
    this.X = dims.obs + dims.body + (cfg.senses.reward ? 1 : 0);
    this.L = cfg.worldModel.latent;
    this.S = this.X + this.L;
    this.K = specs.length;
    this.wm = new WorldModel(
      this.X,
      cfg.worldModel,
      cfg.planner.candidates,
      rng.fork('world-model'),
      dims.pos,
    );
    this.assessors = new ThoughtAssessors(
      specs,
      this.S,
      cfg.assessors,
      Math.max(cfg.planner.candidates, cfg.assessors.batch),
      rng.fork('assessors'),
      [
        cfg.assessors.seesBody ? [0, 0] : [dims.obs, dims.obs + dims.body],
        cfg.assessors.readsLatent ? [0, 0] : [this.X, this.S],
        cfg.assessors.readsPosition ? [0, 0] : [dims.pos.start, dims.pos.start + dims.pos.len],
      ],
    );
    this.actor = new ThoughtGenerator(this.S, this.X, cfg.actor, cfg.habit, rng.fork('actor'));
    this.visits = new Float32Array(dims.pos.len);
    this.selfModel = new SelfModel(
      { pos: dims.pos, features: dims.features ?? { start: dims.pos.start + dims.pos.len, len: 0 } },
      cfg.selfModel,
    );
    this.planner = new Planner(
      this.wm,
      this.assessors,
      cfg.planner,
      dims.pos,
      dims.context,
      this.visits,
      this.selfModel,
    );
    this.memory = new EpisodicMemory(cfg.memory.capacity, cfg.memory.window, this.X, this.L, this.K);
    this.replay = new Replay(cfg.replay.size, this.X, this.L, this.K);
    this.x = new Float32Array(this.X);
    this.h = new Float32Array(this.L);
    this.hPrev = new Float32Array(this.L);
    this.s = new Float32Array(this.S);
    this.preds = new Float32Array(this.K);
    this.plan = { action: -1, bestScore: 0, spread: 0, imagined: new Float32Array(this.K) };
    const B = cfg.assessors.batch;
    this.bs = new Float32Array(B * this.S);
    this.bs2 = new Float32Array(B * this.S);
    this.br = new Float32Array(B);

    this.bk = new Uint8Array(B * this.K);
    this.bt = new Float32Array(B * this.K);
    this.kindBuf = new Uint8Array(this.K);
    this.nowKind = new Uint8Array(this.K);
    this.nowTarget = new Float32Array(this.K);
    this.targetBuf = new Float32Array(this.K);
    this.tmpS = new Float32Array(this.S);
  }

  params() {
    return [...this.wm.params(), ...this.assessors.params(), ...this.actor.params()];
  }

  /** Learning senses: x = [observation, body]; the latent takes one step. */
  sense(obs: Float32Array, body: Float32Array, lastReward = 0): void {
    this.x.set(obs, 0);
    this.x.set(body, this.dims.obs);
    // Squashed to (−1, 1) like every other sense in [0, 1]-ish units.
    if (this.cfg.senses.reward) this.x[this.dims.obs + this.dims.body] = Math.tanh(lastReward / 2);
    this.hPrev.set(this.h);
    this.wm.advance(this.x, [this.prevAction], 1, this.hPrev, this.h);
    this.s.set(this.x, 0);
    this.s.set(this.h, this.X);
    if (this.plasticity.selfModel && this.dims.pos.len > 0) this.selfModel.observeSelf(obs);
    if (!this.plasticity.replay) {
      this.unrecorded = true;
      return;
    }
    const afterGap = this.unrecorded;
    this.unrecorded = false;
    this.tick = this.replay.push(this.x, this.hPrev, this.h, this.prevAction);
    if (this.visits.length > 0) this.visits[this.cell()]!++;
    this.afterGap = afterGap;
  }

  /** The present cell of the position code (its largest entry). */
  private cell(): number {
    const p0 = this.dims.pos.start;
    let bj = 0;
    for (let j = 1; j < this.visits.length; j++) if (this.x[p0 + j]! > this.x[p0 + bj]!) bj = j;
    return bj;
  }
  private afterGap = true;

  /**
   * Whether the last proposal was left to habit: planning was on but the present cell is practised
   * beyond `planner.habitAfter` (see LearnerConfig). Recomputed every tick; nothing to save.
   */
  habitual = false;

  /**
   * Learning proposes: the planner's choice when it has a preference, else a sample from the actor —
   * unless the present cell is practised enough that the habit is trusted without deliberating.
   */
  propose(planning: boolean): number {
    const probs = this.actor.propose(this.s);
    this.plan.action = -1;
    this.plan.imagined.fill(0);
    const N = this.cfg.planner.habitAfter;
    this.habitual = planning && N > 0 && this.visits.length > 0 && this.visits[this.cell()]! >= N;
    if (planning && !this.habitual) this.planner.plan(this.x, this.h, this.rng, this.plan);
    this.proposal = this.plan.action >= 0 ? this.plan.action : this.rng.categorical(probs, probs.length);
    return this.proposal;
  }

  /** Assessors score the current thought (predict mode). */
  assess(): Float32Array {
    this.preds.set(this.assessors.assess(this.s, 1).subarray(0, this.K));
    return this.preds;
  }

  /** Predict-mode and imagine-mode outputs for the Down message. */
  emitOutputs(out: NonMotorOutput[], planning: boolean): void {
    emit(this.assessors.names, this.preds, this.cfg.gains.predict, out);
    if (planning) emit(this.assessors.names, this.plan.imagined, this.cfg.gains.imagine, out);
  }

  /** Remember mode: re-assess the stored moment most like the present (if any); returns the episode or -1. */
  remember(out: NonMotorOutput[]): number {
    // Cued by what is perceived (features, room, taste) — not by the position code or the body.
    const e = this.memory.recall(
      this.x,
      this.cfg.memory.recall,
      this.dims.pos.start + this.dims.pos.len,
      this.dims.obs,
    );
    if (e < 0) return -1;
    const v = this.assessors.assess(this.memory.moment(e), 1);
    emit(this.assessors.names, v.subarray(0, this.K), this.cfg.gains.remember, out);
    return e;
  }

  /** Empathize mode: assess another agent's situation (its senses as perceived, staying where it is) with one's own models. */
  empathize(otherObs: Float32Array, out: NonMotorOutput[], shown = 0): void {
    if (this.plasticity.selfModel && this.dims.pos.len > 0) this.selfModel.observeOther(otherObs, shown);
    const t = this.tmpS;
    t.set(otherObs, 0);
    t.set(this.x.subarray(this.dims.obs, this.X), this.dims.obs); // one's own body stands in for theirs
    t.set(this.h, this.X);
    const v = this.assessors.assess(t, 1);
    emit(this.assessors.names, v.subarray(0, this.K), this.cfg.gains.empathize, out);
  }

  /** No other agent perceived this tick (or empathy off): the self-model's watch of one ends. */
  notEmpathizing(): void {
    this.selfModel.lostSight();
  }

  /** The action the body actually executed this tick (reflexes override the proposal). */
  executed(action: number): void {
    this.prevAction = action;
  }

  /**
   * Learning updates from this tick's Up message. Its targets and dopamine concern the previous
   * tick's thought (the transition t−1 → t), so that transition is completed and learned from.
   */
  learn(up: UpMessage): void {
    const t = this.tick,
      prev = t - 1;
    const ready = !(this.unrecorded || this.afterGap || prev < 0 || !this.replay.has(prev));
    const specs = this.assessors.specs;
    for (let i = 0; i < this.K; i++) {
      const tg = up.targets[specs[i]!.name];
      const k = tg && tg.kind === 'truth' ? 1 : 0,
        v = tg && tg.kind === 'truth' ? tg.value : 0;
      if (specs[i]!.lead === 0) {
        // A "this moment" predictor learns the previous thought from the previous tick's truth (its own
        // moment); this tick's truth waits for the next transition.
        this.kindBuf[i] = this.nowKind[i]!;
        this.targetBuf[i] = this.nowTarget[i]!;
        this.nowKind[i] = k;
        this.nowTarget[i] = v;
      } else {
        this.kindBuf[i] = k;
        this.targetBuf[i] = v;
      }
    }
    if (!ready) return;
    const ps = this.replay.slot(prev);
    this.replay.complete_(
      prev,
      this.replay.prevAction[this.replay.slot(t)]!,
      up.reward,
      this.kindBuf,
      this.targetBuf,
    );
    const p = this.plasticity;
    if (p.memory && Math.abs(up.dopamine) >= this.cfg.memory.salience)
      this.memory.store(this.replay, prev, Math.abs(up.dopamine));
    if (p.assessors) this.trainAssessors(prev, up.dopamine);
    if (p.actor || p.habit) {
      const sPrev = this.tmpS;
      sPrev.set(this.replay.x.subarray(ps * this.X, (ps + 1) * this.X), 0);
      sPrev.set(this.replay.h.subarray(ps * this.L, (ps + 1) * this.L), this.X);
      this.actor.learn(sPrev, this.replay.action[ps]!, up.dopamine, p.actor, p.habit);
    }
    if (p.worldModel && t % this.cfg.worldModel.every === 0)
      this.wm.train(this.replay, this.rng, { ticks: this.memory.tick, n: this.memory.size });
  }

  private copyThought(t: number, next: boolean, into: Float32Array, row: number): void {
    const s = this.replay.slot(next ? t + 1 : t),
      X = this.X,
      L = this.L,
      S = this.S;
    into.set(this.replay.x.subarray(s * X, (s + 1) * X), row * S);
    into.set(this.replay.h.subarray(s * L, (s + 1) * L), row * S + X);
  }

  private trainAssessors(prev: number, dopamine: number): void {
    const B = this.cfg.assessors.batch,
      K = this.K,
      S = this.S,
      rp = this.replay,
      m = this.memory;
    let n = 0;
    const addReplay = (t: number) => {
      this.copyThought(t, false, this.bs, n);
      this.copyThought(t, true, this.bs2, n);
      const s = rp.slot(t);
      this.br[n] = rp.reward[s]!;

      for (let i = 0; i < K; i++) {
        this.bk[n * K + i] = rp.kind[s * K + i]!;
        this.bt[n * K + i] = rp.target[s * K + i]!;
      }
      n++;
    };
    addReplay(prev);
    const nMem = Math.min(this.cfg.memory.replayPerTick, B - 1);
    for (let j = 0; j < nMem && n < B; j++) {
      const r = m.sample(this.rng);
      if (r < 0) break;
      this.bs.set(m.s.subarray(r * S, (r + 1) * S), n * S);
      this.bs2.set(m.s2.subarray(r * S, (r + 1) * S), n * S);
      this.br[n] = m.reward[r]!;

      for (let i = 0; i < K; i++) {
        this.bk[n * K + i] = m.kind[r * K + i]!;
        this.bt[n * K + i] = m.target[r * K + i]!;
      }
      n++;
    }
    while (n < B) {
      const t = rp.sampleTransition(this.rng);
      if (t < 0) break;
      addReplay(t);
    }
    this.assessors.train(this.bs, this.bs2, n, this.br, this.bk, this.bt, dopamine);
  }

  /**
   * The world jumped (an experimenter moved the agent to another room or cell): the next tick is not
   * the consequence of this one, so no transition across the jump is learned from or remembered.
   */
  discontinuity(): void {
    this.unrecorded = true;
  }

  /** The learner's own senses, latent and counts as `buf.learner.<field>` (the latent carries the past). */
  private buffers() {
    return {
      nowKind: this.nowKind,
      nowTarget: this.nowTarget,
      visits: this.visits,
      x: this.x,
      h: this.h,
      hPrev: this.hPrev,
      s: this.s,
    };
  }

  /** Everything learned or remembered: each component's state, composed, and the learner's own. */
  saveState(): ComponentState<LearnerMeta> {
    const wm = this.wm.saveState(),
      assessors = this.assessors.saveState(),
      actor = this.actor.saveState(),
      planner = this.planner.saveState(),
      memory = this.memory.saveState(),
      replay = this.replay.saveState(),
      self = this.selfModel.saveState();
    const tensors: Tensors = {};
    for (const part of [wm, assessors, actor, replay, memory, planner, self])
      mergeTensors(tensors, part.tensors);
    const own: Tensors = {};
    for (const [k, b] of Object.entries(this.buffers())) own[`buf.learner.${k}`] = bufferTensor(b);
    mergeTensors(tensors, own);
    return {
      meta: {
        tick: this.tick,
        prevAction: this.prevAction,
        proposal: this.proposal,
        rng: this.rng.state(),
        gap: [this.unrecorded, this.afterGap],
        plasticity: { ...this.plasticity },
        worldModel: wm.meta,
        assessors: assessors.meta,
        actor: actor.meta,
        planner: planner.meta,
        memory: memory.meta,
        replay: replay.meta,
        selfModel: self.meta,
      },
      tensors,
    };
  }

  loadState(s: ComponentState<LearnerMeta>): void {
    const m = s.meta,
      t = s.tensors;
    this.wm.loadState({ meta: m.worldModel, tensors: t });
    this.assessors.loadState({ meta: m.assessors, tensors: t });
    this.actor.loadState({ meta: m.actor, tensors: t });
    this.replay.loadState({ meta: m.replay, tensors: t });
    this.memory.loadState({ meta: m.memory, tensors: t });
    this.planner.loadState({ meta: m.planner, tensors: t });
    this.selfModel.loadState({ meta: m.selfModel, tensors: t });
    for (const [k, b] of Object.entries(this.buffers())) readBuffer(t, `learner.${k}`, b);
    this.tick = m.tick;
    this.prevAction = m.prevAction;
    this.proposal = m.proposal;
    this.rng = Rng.fromState(m.rng);
    [this.unrecorded, this.afterGap] = m.gap;
    Object.assign(this.plasticity, { selfModel: true }, m.plasticity);
  }

  /** Overseer: a concept probe on the thought becomes a bonus in the planner's score. */
  injectGoal(g: InjectedGoal): void {
    if (g.w.length !== this.S)
      throw new RangeError(`injectGoal: probe has ${g.w.length} weights, thoughts have ${this.S}`);
    this.planner.goals.push(g);
  }
}
