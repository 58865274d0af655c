/**
 * Self-model: what the brain has learned about how an agent — itself or another — behaves after
 * touching something it has never touched. Learned only by perceiving: its own senses, and another
 * agent's situation as empathize mode perceives it (where it stands, what it senses there, the
 * pleasure it shows). Nothing in it is told what any object does.
 *
 * Three tables, counted:
 *   - contact map [cell × feature]: the strongest each feature was ever perceived by an agent standing
 *     in that cell — where touching something happens (a single object at distance 0 reads 1);
 *   - behaviour [feature × cell × action]: how often an agent that had touched the feature (at the
 *     contact level) was seen taking each move from the cell afterwards;
 *   - pleasure [feature × cell]: the pleasure such an agent showed in the cell (sum and count).
 * And the brain's own touch memory: every feature it has itself touched in its lifetime.
 *
 * The planner reads it to imagine its own future after a first touch (planner.futureSelf): where an
 * imagined path first touches a feature the brain never touched, from then on the imagined self takes
 * the move most often seen of agents in that state in that cell, if it was seen at least
 * `selfModel.evidence` times there — and keeps its own plan where nothing was seen (no evidence, no
 * change). Features the brain has touched itself carry no news: its own behaviour after them is what
 * its plan already is.
 */
import type { LearnerConfig } from './config.js';
import { N_ACTIONS, moveBetween } from './world-model.js';
import type { ComponentState, Stateful, Tensors } from '../state.js';
import { bufferTensor, readBuffer } from '../state.js';

/** Where the position one-hot and the feature block sit in the observation. */
export interface SelfModelDims {
  pos: { start: number; len: number; width?: number };
  features: { start: number; len: number };
}

/** Plain-data state: the track of the agent being watched (its tensors hold the tables). */
export interface SelfModelMeta {
  /** Cell of the watched agent on the last tick it was perceived, −1 when none was. */
  otherCell: number;
}

/** At most this many features (touch sets are bit masks). */
export const MAX_FEATURES = 30;

export class SelfModel implements Stateful<SelfModelMeta> {
  readonly P: number;
  readonly F: number;
  readonly width: number;
  private readonly dims: SelfModelDims;
  private readonly cfg: LearnerConfig['selfModel'];
  /** [P × F] strongest perceived level of each feature in each cell. */
  readonly contact: Float32Array;
  /** [F × P × A] moves seen of agents that had touched the feature. */
  readonly moves: Float32Array;
  /** [F × P × 2] pleasure shown (sum, count) by agents that had touched the feature. */
  readonly pleasure: Float32Array;
  /** [F] 1 where the brain itself has touched the feature. */
  readonly ownTouched: Float32Array;
  /** [F] the watched agent's touches so far (as perceived). */
  readonly otherTouched: Float32Array;
  private otherCell = -1;

  constructor(dims: SelfModelDims, cfg: LearnerConfig['selfModel']) {
    if (!(cfg.contact > 0 && cfg.contact <= 1))
      throw new RangeError(`selfModel.contact must be in (0, 1], got ${cfg.contact}`);
    if (!(Number.isFinite(cfg.evidence) && cfg.evidence > 0))
      throw new RangeError(`selfModel.evidence must be a positive number, got ${cfg.evidence}`);
    this.dims = dims;
    this.cfg = cfg;
    this.P = dims.pos.len;
    this.F = Math.min(dims.features.len, MAX_FEATURES);
    this.width = dims.pos.width ?? 0;
    this.contact = new Float32Array(this.P * this.F);
    this.moves = new Float32Array(this.F * this.P * N_ACTIONS);
    this.pleasure = new Float32Array(this.F * this.P * 2);
    this.ownTouched = new Float32Array(this.F);
    this.otherTouched = new Float32Array(this.F);
  }

  /** The cell of an observation (its position code's largest entry). */
  cellOf(x: ArrayLike<number>, off = 0): number {
    const p0 = off + this.dims.pos.start;
    let bj = 0;
    for (let j = 1; j < this.P; j++) if (x[p0 + j]! > x[p0 + bj]!) bj = j;
    return bj;
  }

  /** Note where the agent itself stands and what it touches there. */
  observeSelf(x: ArrayLike<number>): void {
    const c = this.cellOf(x),
      f0 = this.dims.features.start;
    for (let f = 0; f < this.F; f++) {
      const v = x[f0 + f]!;
      if (v > this.contact[c * this.F + f]!) this.contact[c * this.F + f] = v;
      if (v >= this.cfg.contact) this.ownTouched[f] = 1;
    }
  }

  /**
   * Note another agent as perceived this tick: its senses `obs` (observation layout) and the pleasure
   * it shows. Its move since the last tick it was seen is credited to the touches it had then.
   */
  observeOther(obs: ArrayLike<number>, shown: number): void {
    const c = this.cellOf(obs),
      F = this.F,
      A = N_ACTIONS,
      f0 = this.dims.features.start;
    if (this.otherCell >= 0 && this.width > 0) {
      const a = moveBetween(this.otherCell, c, this.width);
      if (a >= 0)
        for (let f = 0; f < F; f++)
          if (this.otherTouched[f]) this.moves[(f * this.P + this.otherCell) * A + a]!++;
    }
    for (let f = 0; f < F; f++) {
      const v = obs[f0 + f]!;
      if (v > this.contact[c * F + f]!) this.contact[c * F + f] = v;
      if (v >= this.cfg.contact) this.otherTouched[f] = 1;
      if (this.otherTouched[f]) {
        this.pleasure[(f * this.P + c) * 2]! += shown;
        this.pleasure[(f * this.P + c) * 2 + 1]!++;
      }
    }
    this.otherCell = c;
  }

  /** No other agent in view this tick: the track ends (the next one seen is a new encounter). */
  lostSight(): void {
    if (this.otherCell < 0) return;
    this.otherCell = -1;
    this.otherTouched.fill(0);
  }

  /** Bit mask of the features first touched (never by the brain itself) in `cell`. */
  newTouches(cell: number): number {
    let m = 0;
    for (let f = 0; f < this.F; f++)
      if (!this.ownTouched[f] && this.contact[cell * this.F + f]! >= this.cfg.contact) m |= 1 << f;
    return m;
  }

  /**
   * The move an agent that has touched the features of `mask` was seen to take most often from
   * `cell`, or −1 when it was seen there fewer than `selfModel.evidence` times.
   */
  predictedMove(mask: number, cell: number): number {
    if (mask === 0) return -1;
    const A = N_ACTIONS;
    let total = 0,
      best = -1,
      bestN = 0;
    for (let a = 0; a < A; a++) {
      let n = 0;
      for (let f = 0; f < this.F; f++) if (mask & (1 << f)) n += this.moves[(f * this.P + cell) * A + a]!;
      total += n;
      if (n > bestN) {
        bestN = n;
        best = a;
      }
    }
    return total >= this.cfg.evidence ? best : -1;
  }

  /** Mean pleasure shown in `cell` by agents that had touched the features of `mask` (0 if never seen). */
  predictedPleasure(mask: number, cell: number): number {
    if (mask === 0) return 0;
    let s = 0,
      n = 0;
    for (let f = 0; f < this.F; f++)
      if (mask & (1 << f)) {
        s += this.pleasure[(f * this.P + cell) * 2]!;
        n += this.pleasure[(f * this.P + cell) * 2 + 1]!;
      }
    return n > 0 ? s / n : 0;
  }

  /** Tables as `buf.self.<name>`; the watched agent's cell as meta. */
  saveState(): ComponentState<SelfModelMeta> {
    const tensors: Tensors = {};
    for (const [k, b] of Object.entries(this.buffers())) tensors[`buf.self.${k}`] = bufferTensor(b);
    return { meta: { otherCell: this.otherCell }, tensors };
  }

  /** A checkpoint written before the self-model existed holds none of it: the tables start empty. */
  loadState(s: ComponentState<SelfModelMeta | undefined>): void {
    if (!s.meta) {
      for (const b of Object.values(this.buffers())) b.fill(0);
      this.otherCell = -1;
      return;
    }
    for (const [k, b] of Object.entries(this.buffers())) readBuffer(s.tensors, `self.${k}`, b);
    this.otherCell = s.meta.otherCell;
  }

  private buffers() {
    return {
      contact: this.contact,
      moves: this.moves,
      pleasure: this.pleasure,
      ownTouched: this.ownTouched,
      otherTouched: this.otherTouched,
    };
  }
}
