/**
 * Episodic memory (hippocampus): surprising moments — |dopamine| above a salience threshold — are
 * stored as the short window of transitions that led to them, keyed by the senses at the moment.
 * Recall by cosine similarity of senses returns a stored thought (to be re-assessed in remember mode);
 * replay feeds stored transitions back into the assessors' training, so one tasting can be learned from
 * many times.
 */
import type { Rng } from '../../math/rng.js';
import type { Replay } from './replay.js';
import { bufferTensor, type ComponentState, readBuffer, type Stateful, type Tensors } from '../state.js';

/** The memory's plain-data state: how many episodes were ever stored (the episodes are tensors). */
export interface MemoryMeta {
  count: number;
}

export class EpisodicMemory implements Stateful<MemoryMeta> {
  readonly capacity: number;
  readonly window: number;
  readonly S: number;
  readonly K: number;
  readonly X: number;
  /** Per episode: key senses [X], and W transitions (s, s2, reward, kind, target). */
  readonly keys: Float32Array;
  readonly s: Float32Array;
  readonly s2: Float32Array;
  readonly reward: Float32Array;
  readonly kind: Uint8Array;
  readonly target: Float32Array;
  readonly len: Int32Array;
  readonly salience: Float32Array;
  /** Per episode: the replay tick of its surprising transition (where the world model's salient windows go). */
  readonly tick: Int32Array;
  /** Episodes stored so far (the ring overwrites the least salient when full). */
  count = 0;

  constructor(capacity: number, window: number, X: number, L: number, K: number) {
    this.capacity = capacity;
    this.window = window;
    this.X = X;
    this.S = X + L;
    this.K = K;
    this.keys = new Float32Array(capacity * X);
    this.s = new Float32Array(capacity * window * this.S);
    this.s2 = new Float32Array(capacity * window * this.S);
    this.reward = new Float32Array(capacity * window);
    this.kind = new Uint8Array(capacity * window * K);
    this.target = new Float32Array(capacity * window * K);
    this.len = new Int32Array(capacity);
    this.salience = new Float32Array(capacity);
    this.tick = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return Math.min(this.count, this.capacity);
  }

  /** Store the window of transitions ending with transition `last` (from tick last to last+1). */
  store(replay: Replay, last: number, salience: number): number {
    let e: number;
    if (this.count < this.capacity) e = this.count;
    else {
      e = 0;
      for (let i = 1; i < this.capacity; i++) if (this.salience[i]! < this.salience[e]!) e = i;
    }
    this.count++;
    const X = this.X,
      L = replay.hDim,
      S = this.S,
      K = this.K,
      W = this.window;
    let n = 0;
    for (let t = Math.max(last - W + 1, 0); t <= last; t++) {
      if (!replay.has(t) || !replay.has(t + 1)) continue;
      const a = replay.slot(t),
        b = replay.slot(t + 1),
        r = e * W + n;
      this.s.set(replay.x.subarray(a * X, (a + 1) * X), r * S);
      this.s.set(replay.h.subarray(a * L, (a + 1) * L), r * S + X);
      this.s2.set(replay.x.subarray(b * X, (b + 1) * X), r * S);
      this.s2.set(replay.h.subarray(b * L, (b + 1) * L), r * S + X);
      this.reward[r] = replay.reward[a]!;
      for (let i = 0; i < K; i++) {
        this.kind[r * K + i] = replay.kind[a * K + i]!;
        this.target[r * K + i] = replay.target[a * K + i]!;
      }
      n++;
    }
    // The cue that recalls an episode is the remembered moment itself (the senses just before the surprise).
    const kslot = replay.slot(last);
    this.keys.set(replay.x.subarray(kslot * X, (kslot + 1) * X), e * X);
    this.len[e] = n;
    this.salience[e] = salience;
    this.tick[e] = last;
    return e;
  }

  /**
   * Of the stored episodes whose key resembles `x` (cosine ≥ threshold over entries [from, to): what a
   * place looks like, not the exact cell one stands in), the most vivid one (largest surprise) — or -1.
   */
  recall(x: Float32Array, threshold: number, from = 0, to = this.X): number {
    const X = this.X;
    let nx = 0;
    for (let j = from; j < to; j++) nx += x[j]! * x[j]!;
    let best = -1;
    for (let e = 0; e < this.size; e++) {
      let dot = 0,
        nk = 0;
      for (let j = from; j < to; j++) {
        const k = this.keys[e * X + j]!;
        dot += k * x[j]!;
        nk += k * k;
      }
      const c = dot / Math.sqrt(nx * nk + 1e-12);
      if (c >= threshold && (best < 0 || this.salience[e]! > this.salience[best]!)) best = e;
    }
    return best;
  }

  /**
   * The remembered moment: the surprise itself (the last transition's s′) — e.g. tasting the cake. The
   * cue that brings it back is what came just before (the key: the cake in sight); re-assessing the
   * surprise lets "this is rewarding" (a lead-0 assessor) judge what was remembered, whatever one was
   * doing at the time.
   */
  moment(e: number): Float32Array {
    const r = e * this.window + Math.max(0, this.len[e]! - 1);
    return this.s2.subarray(r * this.S, (r + 1) * this.S);
  }

  /** A random stored transition as a row index into s/s2/reward/kind/target, or -1 if empty. */
  sample(rng: Rng): number {
    const n = this.size;
    if (n === 0) return -1;
    const e = rng.int(n);
    if (this.len[e] === 0) return -1;
    return e * this.window + rng.int(this.len[e]!);
  }

  private buffers() {
    return {
      keys: this.keys,
      s: this.s,
      s2: this.s2,
      reward: this.reward,
      kind: this.kind,
      target: this.target,
      len: this.len,
      salience: this.salience,
      tick: this.tick,
    };
  }

  /** The episodes as `buf.memory.<field>` copies. */
  saveState(): ComponentState<MemoryMeta> {
    const tensors: Tensors = {};
    for (const [k, b] of Object.entries(this.buffers())) tensors[`buf.memory.${k}`] = bufferTensor(b);
    return { meta: { count: this.count }, tensors };
  }

  loadState(s: ComponentState<MemoryMeta>): void {
    for (const [k, b] of Object.entries(this.buffers())) readBuffer(s.tensors, `memory.${k}`, b);
    this.count = s.meta.count;
  }
}
