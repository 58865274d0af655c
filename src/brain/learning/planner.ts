/**
 * Planner: model-predictive control by imagination. Candidate action sequences are rolled forward in
 * the world model (its own predictions fed back in — imagine mode) and each imagined thought is scored
 * by the thought assessors, weighted by the valence the Steering Subsystem gives each signal, plus any
 * goal the overseer injected. Never by the reward function: the planner has no access to it. The first
 * action of the best candidate is proposed; the plan is kept and shifted as a warm start next tick.
 *
 * When no candidate is preferred (scores within `indifference`) the planner abstains and the actor's
 * proposal is used, so an agent with nothing to want still explores.
 */
import type { Rng } from '../../math/rng.js';
import type { ThoughtAssessors } from './assessors.js';
import { FUTURE_SELVES, type FutureSelf, type LearnerConfig } from './config.js';
import type { SelfModel } from './self-model.js';
import { N_ACTIONS, type WorldModel } from './world-model.js';
import { bufferTensor, type ComponentState, readBuffer, type Stateful, type Tensors } from '../state.js';

/**
 * A goal injected by the overseer: a linear concept probe on the thought, added to the plan score as
 * weight × activation, where activation is sigmoid(w·s + b) for a logistic probe and w·s + b clipped
 * to [0, 1] for a linear (regression) one.
 */
export interface InjectedGoal {
  name: string;
  kind?: 'logistic' | 'linear';
  w: Float32Array;
  b: number;
  weight: number;
}

export function goalActivation(g: InjectedGoal, s: Float32Array, off: number): number {
  let z = g.b;
  const w = g.w;
  for (let j = 0; j < w.length; j++) z += w[j]! * s[off + j]!;
  return g.kind === 'linear' ? Math.min(1, Math.max(0, z)) : 1 / (1 + Math.exp(-z));
}

/** The planner's plain-data state: the injected goals but their weights (tensors `goal.<i>`). */
export interface PlannerMeta {
  goals: { name: string; kind: 'logistic' | 'linear'; b: number; weight: number }[];
}

export interface PlanResult {
  /** -1 when the planner abstains. */
  action: number;
  bestScore: number;
  spread: number;
  /** Per assessor: the most vivid imagined moment — the largest prediction over candidates and steps. */
  imagined: Float32Array;
}

export class Planner implements Stateful<PlannerMeta> {
  readonly N: number;
  readonly H: number;
  private readonly wm: WorldModel;
  private readonly as: ThoughtAssessors;
  private readonly cfg: LearnerConfig['planner'];
  private readonly valence: Float32Array;
  private readonly valueIdx: number;
  private readonly posStart: number;
  private readonly posLen: number;
  readonly seqs: Int32Array;
  private readonly best: Int32Array;
  /** The warm-start candidate of this tick (the last plan shifted), kept for `commitment`. */
  private readonly warm: Int32Array;
  private readonly hB: Float32Array;
  private readonly xB: Float32Array;
  private readonly sB: Float32Array;
  private readonly score: Float64Array;
  /** Per candidate: its best discounted appetitive moment so far. */
  private readonly best1: Float64Array;
  private readonly peakPred: Float64Array;
  private readonly acts: Int32Array;
  /** Per candidate: the imagined cell of the current step (set by sharpenPositions). */
  private readonly cells: Int32Array;
  /** Cross-entropy search: per-step action distribution [H×A], elite sequences, selection marks. */
  private readonly dist: Float64Array;
  private readonly eliteSeqs: Int32Array;
  private readonly taken: Uint8Array;
  /** Every imagined sense vector of the last plan, [N×H×X] (probes read it). */
  readonly imaginedX: Float32Array;
  get indifference(): number {
    return this.cfg.indifference;
  }
  goals: InjectedGoal[] = [];

  private readonly ctx: { start: number; len: number } | null;

  /** Ticks lived per cell of the position code (the learner counts; read for `familiarity`). */
  private readonly visits: Float32Array | null;
  /** Read when `futureSelf` is not 'ignorant': how agents were seen to behave after a first touch. */
  private readonly self: SelfModel | null;
  private fs: FutureSelf = 'ignorant';
  /**
   * How imagination treats the brain's own future after a first touch (LearnerConfig.planner.futureSelf;
   * an experiment may switch it between plans to compare the three on one brain).
   */
  get futureSelf(): FutureSelf {
    return this.fs;
  }
  set futureSelf(v: FutureSelf) {
    if (!FUTURE_SELVES.includes(v))
      throw new RangeError(
        `planner.futureSelf must be one of ${FUTURE_SELVES.join(', ')}, got '${String(v)}'`,
      );
    if (v !== 'ignorant' && !this.self)
      throw new RangeError(`planner.futureSelf = '${v}' needs a self-model and a position code`);
    this.fs = v;
  }
  /** Per candidate: the features its imagined path has touched that the brain never touched (bit mask). */
  private readonly touched: Int32Array;
  /** Per candidate, scored by the moment-level ("lead 0") assessors only: distress sum and best appeal. */
  private readonly scoreNow: Float64Array;
  private readonly bestNow: Float64Array;
  /** 1 for the assessors that judge the moment itself (lead 0), not what follows it. */
  private readonly isNow: Uint8Array;

  constructor(
    wm: WorldModel,
    as: ThoughtAssessors,
    cfg: LearnerConfig['planner'],
    pos: { start: number; len: number },
    context?: { start: number; len: number },
    visits?: Float32Array,
    self?: SelfModel,
  ) {
    if (!(cfg.familiarity >= 0 && Number.isFinite(cfg.familiarity)))
      throw new RangeError(`planner.familiarity must be a non-negative number, got ${cfg.familiarity}`);
    if (!(Number.isInteger(cfg.iterations) && cfg.iterations >= 1))
      throw new RangeError(`planner.iterations must be an integer ≥ 1, got ${cfg.iterations}`);
    // Elites matter only when there is a second round; then some candidates must be left to resample.
    if (!(Number.isInteger(cfg.elites) && cfg.elites >= 1))
      throw new RangeError(`planner.elites must be an integer ≥ 1, got ${cfg.elites}`);
    if (cfg.iterations > 1 && cfg.elites >= cfg.candidates)
      throw new RangeError(
        `planner.elites (${cfg.elites}) must be below planner.candidates (${cfg.candidates}) when iterations > 1`,
      );
    if (!(cfg.smoothing >= 0 && cfg.smoothing < 1))
      throw new RangeError(`planner.smoothing must be in [0, 1), got ${cfg.smoothing}`);
    if (!(cfg.commitment >= 0 && cfg.commitment < 1))
      throw new RangeError(`planner.commitment must be in [0, 1), got ${cfg.commitment}`);
    if (!(Number.isInteger(cfg.habitAfter) && cfg.habitAfter >= 0))
      throw new RangeError(`planner.habitAfter must be a non-negative integer, got ${cfg.habitAfter}`);
    if (cfg.habitAfter > 0 && !(visits && visits.length === pos.len && pos.len > 0))
      throw new RangeError('planner.habitAfter needs the per-cell visit counts of a position code');
    if (cfg.familiarity > 0 && !(visits && visits.length === pos.len && pos.len > 0))
      throw new RangeError('planner.familiarity needs the per-cell visit counts of a position code');
    this.visits = cfg.familiarity > 0 ? visits! : null;
    this.self = self && pos.len > 0 ? self : null;
    this.futureSelf = cfg.futureSelf;
    this.ctx = cfg.holdContext && context && context.len > 0 ? context : null;
    this.wm = wm;
    this.as = as;
    this.cfg = cfg;
    this.N = cfg.candidates;
    this.H = cfg.horizon;
    this.valence = Float32Array.from(as.specs, (a) => a.valence);
    this.valueIdx = as.specs.findIndex((a) => a.kind === 'value');
    this.posStart = pos.start;
    this.posLen = pos.len;
    const N = this.N,
      L = wm.latent,
      X = wm.xDim,
      K = as.specs.length;
    this.seqs = new Int32Array(N * this.H);
    this.best = new Int32Array(this.H);
    this.hB = new Float32Array(N * L);
    this.xB = new Float32Array(N * X);
    this.sB = new Float32Array(N * (X + L));
    this.score = new Float64Array(N);
    this.best1 = new Float64Array(N);
    this.peakPred = new Float64Array(N * K);
    this.acts = new Int32Array(N);
    this.cells = new Int32Array(N);
    this.touched = new Int32Array(N);
    this.scoreNow = new Float64Array(N);
    this.bestNow = new Float64Array(N);
    this.isNow = Uint8Array.from(as.specs, (a) => (a.kind !== 'value' && a.lead === 0 ? 1 : 0));
    this.dist = new Float64Array(this.H * N_ACTIONS);
    this.eliteSeqs = new Int32Array(N * this.H);
    this.taken = new Uint8Array(N);
    this.warm = new Int32Array(this.H);
    this.imaginedX = new Float32Array(N * this.H * X);
  }

  plan(x: Float32Array, h: Float32Array, rng: Rng, out: PlanResult): PlanResult {
    const N = this.N,
      H = this.H,
      seqs = this.seqs;
    // Candidates: the last best plan shifted, standing still, then random "sticky" sequences that keep
    // their direction with probability `persist` per step — uniform sequences mostly dither in place
    // and never imagine reaching anything ten steps away.
    for (let k = 0; k < H; k++) seqs[k] = k + 1 < H ? this.best[k + 1]! : rng.int(N_ACTIONS);
    for (let k = 0; k < H; k++) seqs[H + k] = 0;
    // The first N_ACTIONS² of them start with every two-step prefix, so the next move or two near a goal
    // is always among the candidates, however long the horizon.
    const P2 = N_ACTIONS * N_ACTIONS;
    for (let n = 2; n < N; n++) {
      const j = n - 2;
      let a = j < P2 ? (j / N_ACTIONS) | 0 : rng.int(N_ACTIONS);
      for (let k = 0; k < H; k++) {
        if (k === 1 && j < P2) a = j % N_ACTIONS;
        else if (k > 0 && !(rng.uniform() < this.cfg.persist)) a = rng.int(N_ACTIONS);
        seqs[n * H + k] = a;
      }
    }
    this.rollout(x, h);
    // The spread that decides abstention is the first (diverse) round's: later rounds gather around
    // the elites, and a narrow final field says nothing about whether any plan is preferred.
    let lo = Infinity;
    for (let n = 0; n < N; n++) if (this.score[n]! < lo) lo = this.score[n]!;
    this.noteImagined(out, true);
    // Slot 0 is the warm start; later rounds overwrite the slots, so keep it and its score.
    const commit = this.cfg.commitment;
    const warmScore = this.score[0]!;
    if (commit > 0) this.warm.set(seqs.subarray(0, H));
    for (let it = 1; it < this.cfg.iterations; it++) {
      this.resample(rng, it === 1);
      this.rollout(x, h);
      this.noteImagined(out, false);
    }
    let bi = 0;
    for (let n = 0; n < N; n++) if (this.score[n]! > this.score[bi]!) bi = n;
    const top = this.score[bi]!;
    // Abstention still reads the field's spread: commitment picks among plans, it does not silence them.
    if (commit > 0 && top - warmScore <= commit * (top - lo)) {
      this.best.set(this.warm);
      out.bestScore = warmScore;
    } else {
      for (let k = 0; k < H; k++) this.best[k] = seqs[bi * H + k]!;
      out.bestScore = top;
    }
    out.spread = top - lo;
    out.action = out.spread > this.indifference ? this.best[0]! : -1;
    return out;
  }

  /** Per assessor, the most vivid imagined moment of this round, into `out.imagined` (max over rounds). */
  private noteImagined(out: PlanResult, first: boolean): void {
    const N = this.N,
      K = this.as.specs.length;
    for (let i = 0; i < K; i++) {
      let m = -Infinity;
      for (let n = 0; n < N; n++) m = Math.max(m, this.peakPred[n * K + i]!);
      out.imagined[i] = first ? m : Math.max(out.imagined[i]!, m);
    }
  }

  /**
   * One cross-entropy step: keep the `elites` best candidates (in slots 0…E−1), refit the per-step action
   * distribution to them (mixed with the previous one by `smoothing`; uniform before the first), and
   * draw the other candidates from it.
   */
  private resample(rng: Rng, first: boolean): void {
    const N = this.N,
      H = this.H,
      A = N_ACTIONS,
      E = Math.min(this.cfg.elites, N),
      sm = this.cfg.smoothing,
      seqs = this.seqs,
      taken = this.taken,
      dist = this.dist;
    taken.fill(0);
    // Top E by score (ties to the lower index), by selection: N is small.
    for (let e = 0; e < E; e++) {
      let bi = -1;
      for (let n = 0; n < N; n++) if (!taken[n] && (bi < 0 || this.score[n]! > this.score[bi]!)) bi = n;
      taken[bi] = 1;
      this.eliteSeqs.set(seqs.subarray(bi * H, (bi + 1) * H), e * H);
    }
    if (first) dist.fill(1 / A);
    for (let k = 0; k < H; k++) {
      for (let a = 0; a < A; a++) dist[k * A + a]! *= sm;
      for (let e = 0; e < E; e++) dist[k * A + this.eliteSeqs[e * H + k]!]! += (1 - sm) / E;
    }
    seqs.set(this.eliteSeqs.subarray(0, E * H));
    for (let n = E; n < N; n++)
      for (let k = 0; k < H; k++) {
        let u = rng.uniform(),
          a = 0;
        while (a < A - 1 && u >= dist[k * A + a]!) u -= dist[k * A + a++]!;
        seqs[n * H + k] = a;
      }
  }

  /** Roll every candidate forward in imagination and score it (into `score`). */
  private rollout(x: Float32Array, h: Float32Array): void {
    const N = this.N,
      H = this.H,
      L = this.wm.latent,
      X = this.wm.xDim,
      K = this.as.specs.length,
      S = X + L,
      seqs = this.seqs;
    for (let n = 0; n < N; n++) {
      this.hB.set(h.subarray(0, L), n * L);
      this.xB.set(x.subarray(0, X), n * X);
    }
    this.score.fill(0);
    const self = this.fs === 'ignorant' ? null : this.self,
      hedonist = this.fs === 'hedonist';
    if (self) {
      const here = argmaxIn(x, this.posStart, this.posLen);
      this.cells.fill(here);
      this.touched.fill(0);
      this.scoreNow.fill(0);
    }
    const gamma = this.cfg.gamma,
      peakValue = this.cfg.valueAt === 'peak';
    let disc = 1;
    // Each imagined step: the world model imagines the next situation, the assessors judge it.
    for (let k = 0; k < H; k++) {
      for (let n = 0; n < N; n++) {
        let a = seqs[n * H + k]!;
        // After a first touch the imagined self moves as agents were seen to move in that state.
        if (self && this.touched[n] !== 0) {
          const m = self.predictedMove(this.touched[n]!, this.cells[n]!);
          if (m >= 0) a = m;
        }
        this.acts[n] = a;
      }
      const xp = this.wm.predict(this.hB, this.xB, this.acts, N);
      this.xB.set(xp.subarray(0, N * X));
      this.sharpenPositions();
      if (self) for (let n = 0; n < N; n++) this.touched[n]! |= self.newTouches(this.cells[n]!);
      if (this.ctx) this.holdContext(x);
      this.wm.advance(this.xB, this.acts, N, this.hB, this.hB);
      for (let n = 0; n < N; n++) {
        this.sB.set(this.xB.subarray(n * X, (n + 1) * X), n * S);
        this.sB.set(this.hB.subarray(n * L, (n + 1) * L), n * S + X);
        this.imaginedX.set(this.xB.subarray(n * X, (n + 1) * X), (n * H + k) * X);
      }
      const p = this.as.assess(this.sB, N);
      const last = k === H - 1;
      for (let n = 0; n < N; n++) {
        let good = 0,
          bad = 0,
          goodNow = 0;
        const fam = this.familiarityAt(n);
        for (let i = 0; i < K; i++) {
          const v = p[n * K + i]!;
          if (k === 0 || v > this.peakPred[n * K + i]!) this.peakPred[n * K + i] = v;
          if (self && this.isNow[i]) {
            const w = this.valence[i]! * v;
            if (w > 0) goodNow += fam * w;
            else this.scoreNow[n]! += disc * w;
          }
          if (i === this.valueIdx) {
            // (×1 exactly when familiarity is off: the same numbers as before it existed.)
            if (peakValue) {
              if (this.valence[i]! * v > 0) good += fam * this.valence[i]! * v;
            } else if (last)
              this.score[n]! += disc * this.valence[i]! * v * (this.valence[i]! * v > 0 ? fam : 1);
            continue;
          }
          const w = this.valence[i]! * v;
          if (w > 0) good += fam * w;
          else bad += w;
        }
        for (const g of this.goals) {
          const gv = g.weight * goalActivation(g, this.sB, n * S);
          good += gv;
          goodNow += gv;
        }
        if (self) {
          // The hedonist counts the pleasure it will feel, moment by moment, whatever it will then want.
          if (hedonist && this.touched[n] !== 0) {
            const pl = disc * self.predictedPleasure(this.touched[n]!, this.cells[n]!);
            this.score[n]! += pl;
            this.scoreNow[n]! += pl;
          }
          if (k === 0 || disc * goodNow > this.bestNow[n]!) this.bestNow[n] = disc * goodNow;
        }
        // Distress accumulates along the path; the appeal of a plan is its best moment. (Summing appeal
        // too made the planner hover beside food, where "reward is coming" stays high forever.)
        this.score[n]! += disc * bad;
        if (k === 0 || disc * good > this.best1[n]!) this.best1[n] = disc * good;
      }
      disc *= gamma;
    }
    // When some imagined future changes the self, every future is judged by what happens in it: the
    // value and the forecasts of what comes next presume the brain goes on acting as it does now, which
    // is false in the futures where it would not, and futures must be compared on one scale.
    let changed = false;
    if (self) for (let n = 0; n < N && !changed; n++) changed = this.touched[n] !== 0;
    if (changed) for (let n = 0; n < N; n++) this.score[n] = this.scoreNow[n]! + this.bestNow[n]!;
    else for (let n = 0; n < N; n++) this.score[n]! += this.best1[n]!;
  }

  /** c/(c+K) for candidate n's imagined cell (as sharpenPositions found it this step); 1 when off. */
  private familiarityAt(n: number): number {
    if (!this.visits || !(this.cfg.familiarity > 0)) return 1;
    const c = this.visits[this.cells[n]!]!;
    return c / (c + this.cfg.familiarity);
  }

  /** Imagined positions are a distribution; the next imagined step starts from its most likely cell. */
  private sharpenPositions(): void {
    const X = this.wm.xDim,
      P = this.posLen,
      p0 = this.posStart;
    for (let n = 0; n < this.N; n++) {
      const o = n * X + p0;
      const bj = argmaxIn(this.xB, o, P);
      this.xB.fill(0, o, o + P);
      this.xB[o + bj] = 1;
      this.cells[n] = bj;
    }
  }

  /** No action changes the room one is in: imagined steps keep the present context. */
  private holdContext(x: Float32Array): void {
    const X = this.wm.xDim,
      { start, len } = this.ctx!;
    for (let n = 0; n < this.N; n++) for (let j = 0; j < len; j++) this.xB[n * X + start + j] = x[start + j]!;
  }

  /**
   * Score given action sequences (each of length H) as a plan would, without choosing among them: for
   * probes that ask how the brain judges a particular way. Returns one score per sequence; the imagined
   * cells of sequence i are then `imaginedCells(i, …)`. Changes no learned state but the warm-start plan's
   * scratch; `plans.length` must not exceed the candidate count.
   */
  scoreSequences(x: Float32Array, h: Float32Array, plans: readonly ArrayLike<number>[]): number[] {
    const N = this.N,
      H = this.H;
    if (plans.length === 0 || plans.length > N)
      throw new RangeError(`scoreSequences: 1 to ${N} sequences, got ${plans.length}`);
    for (let n = 0; n < N; n++) {
      const p = plans[Math.min(n, plans.length - 1)]!;
      if (p.length !== H) throw new RangeError(`scoreSequences: sequences of length ${H}, got ${p.length}`);
      for (let k = 0; k < H; k++) this.seqs[n * H + k] = p[k]!;
    }
    this.rollout(x, h);
    return Array.from(this.score.subarray(0, plans.length));
  }

  /** The last plan's score per candidate (read-only view; overwritten by the next plan). */
  get scores(): Float64Array {
    return this.score;
  }

  /**
   * The cells candidate `n` of the last plan imagined itself in, step by step (row-major indices of
   * the position code), into `out` (length ≥ H). For viewers; changes nothing.
   */
  imaginedCells(n: number, out: Int32Array): Int32Array {
    const X = this.wm.xDim,
      P = this.posLen,
      H = this.H;
    for (let k = 0; k < H; k++) out[k] = argmaxIn(this.imaginedX, (n * H + k) * X + this.posStart, P);
    return out;
  }

  /**
   * Per assessor, the largest prediction candidate `n` of the last plan met along its imagined path (its
   * most vivid moment), into `out` (length ≥ the assessor count). For probes; changes nothing.
   */
  imaginedPeaks(n: number, out: Float32Array): Float32Array {
    const K = this.as.specs.length;
    for (let i = 0; i < K; i++) out[i] = this.peakPred[n * K + i]!;
    return out;
  }

  /** The plan kept for warm start. */
  get bestPlan(): Int32Array {
    return this.best;
  }

  /** The warm-start plan (`buf.planner.best`) and the injected goals (weights as `goal.<i>`). */
  saveState(): ComponentState<PlannerMeta> {
    const tensors: Tensors = { 'buf.planner.best': bufferTensor(this.best) };
    this.goals.forEach(
      (g, i) => (tensors[`goal.${i}`] = { dtype: 'f32', shape: [g.w.length], data: g.w.slice() }),
    );
    const goals = this.goals.map((g) => ({
      name: g.name,
      kind: g.kind ?? 'logistic',
      b: g.b,
      weight: g.weight,
    }));
    return { meta: { goals }, tensors };
  }

  loadState(s: ComponentState<PlannerMeta>): void {
    readBuffer(s.tensors, 'planner.best', this.best);
    this.goals = s.meta.goals.map((g, i) => {
      const w = s.tensors[`goal.${i}`];
      if (!w) throw new Error(`checkpoint has no weights for injected goal ${i} ('${g.name}')`);
      return { ...g, w: Float32Array.from(w.data) };
    });
  }
}

/** Index (0-based, from `o`) of the largest of `buf[o … o+len)`; the first on ties. */
function argmaxIn(buf: Float32Array, o: number, len: number): number {
  let bj = 0;
  for (let j = 1; j < len; j++) if (buf[o + j]! > buf[o + bj]!) bj = j;
  return bj;
}
