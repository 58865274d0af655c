/**
 * The lifetime's recent experience as a ring of ticks, preallocated. Entry t holds what the learner had
 * at tick t (senses x_t, latent h_t before and after, action) and what came back on the next tick (the
 * targets the Steering Subsystem sent). The assessors learn from random transitions of it; the world
 * model from windows of consecutive ticks.
 */
import type { Rng } from '../../math/rng.js';
import { bufferTensor, type ComponentState, readBuffer, type Stateful, type Tensors } from '../state.js';

/** The replay's plain-data state: how many ticks were ever pushed (the ring's contents are tensors). */
export interface ReplayMeta {
  count: number;
}

export class Replay implements Stateful<ReplayMeta> {
  readonly size: number;
  readonly xDim: number;
  readonly hDim: number;
  readonly nAssessors: number;
  /** x_t */
  readonly x: Float32Array;
  /** latent before tick t's input (h_{t-1}) and after (h_t) */
  readonly hPrev: Float32Array;
  readonly h: Float32Array;
  readonly action: Int32Array;
  readonly prevAction: Int32Array;
  /** outcome of tick t, filled on tick t+1: reward, target kind (0 defer, 1 truth), target value */
  readonly reward: Float32Array;
  readonly kind: Uint8Array;
  readonly target: Float32Array;
  readonly complete: Uint8Array;
  /** Total ticks ever pushed. */
  count = 0;

  constructor(size: number, xDim: number, hDim: number, nAssessors: number) {
    this.size = size;
    this.xDim = xDim;
    this.hDim = hDim;
    this.nAssessors = nAssessors;
    this.x = new Float32Array(size * xDim);
    this.hPrev = new Float32Array(size * hDim);
    this.h = new Float32Array(size * hDim);
    this.action = new Int32Array(size);
    this.prevAction = new Int32Array(size);
    this.reward = new Float32Array(size);
    this.kind = new Uint8Array(size * nAssessors);
    this.target = new Float32Array(size * nAssessors);
    this.complete = new Uint8Array(size);
  }

  slot(t: number): number {
    return t % this.size;
  }

  push(x: Float32Array, hPrev: Float32Array, h: Float32Array, prevAction: number): number {
    const t = this.count++;
    const s = this.slot(t);
    this.x.set(x.subarray(0, this.xDim), s * this.xDim);
    this.hPrev.set(hPrev.subarray(0, this.hDim), s * this.hDim);
    this.h.set(h.subarray(0, this.hDim), s * this.hDim);
    this.prevAction[s] = prevAction;
    this.action[s] = 0;
    this.complete[s] = 0;
    return t;
  }

  /** Tick t's outcome: the action taken and what the next tick's Up message said. */
  complete_(
    t: number,
    action: number,
    reward: number,
    kind: ArrayLike<number>,
    target: ArrayLike<number>,
  ): void {
    const s = this.slot(t),
      K = this.nAssessors;
    this.action[s] = action;
    this.reward[s] = reward;
    for (let i = 0; i < K; i++) {
      this.kind[s * K + i] = kind[i]!;
      this.target[s * K + i] = target[i]!;
    }
    this.complete[s] = 1;
  }

  /** Ticks t whose outcome and successor are both stored (so (x_t, x_{t+1}) is a transition). */
  sampleTransition(rng: Rng): number {
    const lo = Math.max(0, this.count - this.size),
      hi = this.count - 2;
    if (hi < lo) return -1;
    for (let tries = 0; tries < 8; tries++) {
      const t = lo + rng.int(hi - lo + 1);
      if (this.complete[this.slot(t)]) return t;
    }
    return -1;
  }

  /** Start of a window of `len` ticks plus a successor, all stored; -1 if not enough history. */
  sampleWindow(rng: Rng, len: number): number {
    const lo = Math.max(0, this.count - this.size),
      hi = this.count - len - 1;
    if (hi < lo) return -1;
    return lo + rng.int(hi - lo + 1);
  }

  has(t: number): boolean {
    return t >= 0 && t < this.count && t >= this.count - this.size;
  }

  private buffers() {
    return {
      x: this.x,
      hPrev: this.hPrev,
      h: this.h,
      action: this.action,
      prevAction: this.prevAction,
      reward: this.reward,
      kind: this.kind,
      target: this.target,
      complete: this.complete,
    };
  }

  /** The ring as `buf.replay.<field>` copies. */
  saveState(): ComponentState<ReplayMeta> {
    const tensors: Tensors = {};
    for (const [k, b] of Object.entries(this.buffers())) tensors[`buf.replay.${k}`] = bufferTensor(b);
    return { meta: { count: this.count }, tensors };
  }

  loadState(s: ComponentState<ReplayMeta>): void {
    for (const [k, b] of Object.entries(this.buffers())) readBuffer(s.tensors, `replay.${k}`, b);
    this.count = s.meta.count;
  }
}
