/**
 * LSTM layer (Hochreiter & Schmidhuber 1997 with a forget gate, no peepholes), gates fused:
 *   [i f g o] = x·Wx + h_prev·Wh + b        (each block H wide, in that order)
 *   c = σ(f)⊙c_prev + σ(i)⊙tanh(g),  h = σ(o)⊙tanh(c)
 * Parameters: `${name}.wx` [in, 4H], `${name}.wh` [H, 4H], `${name}.b` [4H] (forget block = forgetBias).
 *
 * Sequence API for RL rollouts: begin(B, h0?, c0?) then step(x, mask?) once per timestep (or forwardSeq
 * for a whole sequence), then backward(dH, …) through every step since begin(). The initial state is a
 * constant of the sequence: backpropagation stops at it and reports ∂L/∂h0, ∂L/∂c0 in dh0/dc0. Running a
 * long rollout as consecutive begin(B, finalState) chunks is therefore truncated BPTT.
 *
 * A mask multiplies the incoming state per batch row (mask 0 = episode boundary: the state restarts from
 * zeros); backward applies the same factors, so no gradient crosses a boundary.
 *
 * All buffers are allocated for (maxSteps, maxBatch) at construction. For a given batch size B the
 * per-timestep views are built once and cached, so step() and backward() do not allocate. Slot t of a
 * [T×B×d] buffer starts at t·B·d, so the T·B rows of a sequence are contiguous and backward computes
 * the weight gradients with one gemm over all steps.
 */
import { gemm, type Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { sigmoid, sigmoidFast, tanh, tanhFast } from './activations.js';
import { alloc, glorotUniform, makeParam, type DType, type Module, type Param } from './param.js';

export interface LSTMOptions {
  dtype?: DType;
  rng: Rng;
  maxSteps: number;
  maxBatch: number;
  /** Initial forget-gate bias (Gers et al. 2000; Jozefowicz et al. 2015). */
  forgetBias?: number;
}

/** Per-batch-size views into the sequence buffers (gemm operands and returned states). */
interface Views {
  x: Vec[];
  gates: Vec[];
  hp: Vec[];
  dG: Vec[];
  h: Vec[];
  c: Vec[];
  h0: Vec;
  c0: Vec;
  dh0: Vec;
  dc0: Vec;
  seqH: Map<number, Vec>;
}

/**
 * Gate activations and state update for B rows: ga[go..] holds the gate pre-activations without bias
 * (rows of 4H) and is overwritten with the activated gates; c_prev is read from cp[cpo..], and c, tanh(c),
 * h are written at offset so. Two copies, one per precision (see activations.ts), so each stays
 * monomorphic and its activation calls inline; the f64 copy is the exact one gradient checks rely on.
 * cs may alias cp (in-place inference): each entry is read before it is written.
 */
function cellFast(
  ga: Vec,
  go: number,
  bias: Vec,
  cp: Vec,
  cpo: number,
  cs: Vec,
  tcs: Vec,
  hs: Vec,
  so: number,
  B: number,
  H: number,
): void {
  const H2 = 2 * H,
    H3 = 3 * H,
    G = 4 * H;
  for (let b = 0; b < B; b++) {
    const gr = go + b * G,
      sr = so + b * H,
      pr = cpo + b * H;
    for (let j = 0; j < H; j++) {
      const gi = gr + j;
      const ig = sigmoidFast(ga[gi]! + bias[j]!);
      const fg = sigmoidFast(ga[gi + H]! + bias[H + j]!);
      const gg = tanhFast(ga[gi + H2]! + bias[H2 + j]!);
      const og = sigmoidFast(ga[gi + H3]! + bias[H3 + j]!);
      ga[gi] = ig;
      ga[gi + H] = fg;
      ga[gi + H2] = gg;
      ga[gi + H3] = og;
      const c = fg * cp[pr + j]! + ig * gg;
      const tc = tanhFast(c);
      cs[sr + j] = c;
      tcs[sr + j] = tc;
      hs[sr + j] = og * tc;
    }
  }
}

function cellExact(
  ga: Vec,
  go: number,
  bias: Vec,
  cp: Vec,
  cpo: number,
  cs: Vec,
  tcs: Vec,
  hs: Vec,
  so: number,
  B: number,
  H: number,
): void {
  const H2 = 2 * H,
    H3 = 3 * H,
    G = 4 * H;
  for (let b = 0; b < B; b++) {
    const gr = go + b * G,
      sr = so + b * H,
      pr = cpo + b * H;
    for (let j = 0; j < H; j++) {
      const gi = gr + j;
      const ig = sigmoid(ga[gi]! + bias[j]!);
      const fg = sigmoid(ga[gi + H]! + bias[H + j]!);
      const gg = tanh(ga[gi + H2]! + bias[H2 + j]!);
      const og = sigmoid(ga[gi + H3]! + bias[H3 + j]!);
      ga[gi] = ig;
      ga[gi + H] = fg;
      ga[gi + H2] = gg;
      ga[gi + H3] = og;
      const c = fg * cp[pr + j]! + ig * gg;
      const tc = tanh(c);
      cs[sr + j] = c;
      tcs[sr + j] = tc;
      hs[sr + j] = og * tc;
    }
  }
}

export class LSTM implements Module {
  readonly inDim: number;
  readonly hidden: number;
  readonly dtype: DType;
  readonly maxSteps: number;
  readonly maxBatch: number;
  readonly wx: Param;
  readonly wh: Param;
  readonly b: Param;

  // Sequence storage, [maxSteps × maxBatch × d] each.
  private readonly xs: Vec; // inputs
  private readonly gates: Vec; // activated gates i, f, g, o (4H)
  private readonly hp: Vec; // masked incoming h
  private readonly cp: Vec; // masked incoming c
  private readonly hs: Vec; // outputs h_t
  private readonly cs: Vec; // cells c_t
  private readonly tc: Vec; // tanh(c_t)
  private readonly dG: Vec; // ∂L/∂(gate pre-activations)
  private readonly ms: Vec; // masks [maxSteps × maxBatch]
  private readonly masked: Uint8Array; // step t had a mask with some entry ≠ 1
  private readonly h0buf: Vec;
  private readonly c0buf: Vec;
  private readonly dh: Vec; // running ∂L/∂h_prev, ends as ∂L/∂h0
  private readonly dc: Vec;
  // stepInference scratch
  private readonly gScratch: Vec;
  private readonly tcScratch: Vec;
  /** f32 layers use the fast activations (see activations.ts); f64 the exact ones. */
  private readonly fast: boolean;

  private readonly viewCache = new Map<number, Views>();
  private v: Views | null = null;
  private B = 0;
  private T = 0;

  constructor(
    readonly name: string,
    inDim: number,
    hidden: number,
    opts: LSTMOptions,
  ) {
    for (const [k, n] of [
      ['inDim', inDim],
      ['hidden', hidden],
      ['maxSteps', opts.maxSteps],
      ['maxBatch', opts.maxBatch],
    ] as const) {
      if (!Number.isInteger(n) || n < 1)
        throw new RangeError(`LSTM ${name}: ${k} must be a positive integer, got ${n}`);
    }
    const dt = (this.dtype = opts.dtype ?? 'f32');
    this.inDim = inDim;
    this.hidden = hidden;
    this.maxSteps = opts.maxSteps;
    this.maxBatch = opts.maxBatch;
    const H = hidden,
      G = 4 * H;
    this.wx = makeParam(`${name}.wx`, [inDim, G], dt);
    this.wh = makeParam(`${name}.wh`, [H, G], dt);
    this.b = makeParam(`${name}.b`, [G], dt);
    // Glorot per gate block (fan-out H), as if the four gates were separate layers.
    glorotUniform(this.wx, inDim, H, opts.rng);
    glorotUniform(this.wh, H, H, opts.rng);
    this.b.data.fill(opts.forgetBias ?? 1, H, 2 * H);

    const SB = this.maxSteps * this.maxBatch;
    this.xs = alloc(dt, SB * inDim);
    this.gates = alloc(dt, SB * G);
    this.dG = alloc(dt, SB * G);
    this.hp = alloc(dt, SB * H);
    this.cp = alloc(dt, SB * H);
    this.hs = alloc(dt, SB * H);
    this.cs = alloc(dt, SB * H);
    this.tc = alloc(dt, SB * H);
    this.ms = alloc(dt, SB);
    this.masked = new Uint8Array(this.maxSteps);
    this.h0buf = alloc(dt, this.maxBatch * H);
    this.c0buf = alloc(dt, this.maxBatch * H);
    this.dh = alloc(dt, this.maxBatch * H);
    this.dc = alloc(dt, this.maxBatch * H);
    this.gScratch = alloc(dt, this.maxBatch * G);
    this.tcScratch = alloc(dt, this.maxBatch * H);
    this.fast = dt === 'f32';
  }

  params(): Param[] {
    return [this.wx, this.wh, this.b];
  }

  /** Steps stored since begin(). */
  get steps(): number {
    return this.T;
  }

  get batch(): number {
    return this.B;
  }

  private views(B: number): Views {
    let v = this.viewCache.get(B);
    if (v) return v;
    const I = this.inDim,
      H = this.hidden,
      G = 4 * H,
      S = this.maxSteps;
    const at = (buf: Vec, d: number) => {
      const out: Vec[] = [];
      for (let t = 0; t < S; t++) out.push(buf.subarray(t * B * d, (t + 1) * B * d));
      return out;
    };
    v = {
      x: at(this.xs, I),
      gates: at(this.gates, G),
      hp: at(this.hp, H),
      dG: at(this.dG, G),
      h: at(this.hs, H),
      c: at(this.cs, H),
      h0: this.h0buf.subarray(0, B * H),
      c0: this.c0buf.subarray(0, B * H),
      dh0: this.dh.subarray(0, B * H),
      dc0: this.dc.subarray(0, B * H),
      seqH: new Map(),
    };
    this.viewCache.set(B, v);
    return v;
  }

  /** Start a sequence of batch B from state (h0, c0) [B×H] (zeros if omitted); both are copied. */
  begin(B: number, h0?: Vec | null, c0?: Vec | null): void {
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch)
      throw new RangeError(`LSTM ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const n = B * this.hidden;
    if (h0) {
      if (h0.length < n) throw new RangeError(`LSTM ${this.name}: h0 has ${h0.length} < ${n} entries`);
      for (let i = 0; i < n; i++) this.h0buf[i] = h0[i]!;
    } else this.h0buf.fill(0, 0, n);
    if (c0) {
      if (c0.length < n) throw new RangeError(`LSTM ${this.name}: c0 has ${c0.length} < ${n} entries`);
      for (let i = 0; i < n; i++) this.c0buf[i] = c0[i]!;
    } else this.c0buf.fill(0, 0, n);
    this.B = B;
    this.T = 0;
    this.v = this.views(B);
  }

  /** One timestep for x [B×in]; returns a view of h_t [B×H] (valid until the next begin/forwardSeq). */
  step(x: Vec, mask?: Vec | null): Vec {
    const v = this.v;
    if (!v) throw new Error(`LSTM ${this.name}: step() before begin()`);
    const t = this.T;
    if (t >= this.maxSteps)
      throw new RangeError(`LSTM ${this.name}: more than maxSteps=${this.maxSteps} steps since begin()`);
    const B = this.B,
      I = this.inDim,
      n = B * I,
      xs = this.xs,
      o = t * n;
    for (let k = 0; k < n; k++) xs[o + k] = x[k]!;
    gemm(
      false,
      false,
      B,
      4 * this.hidden,
      I,
      1,
      v.x[t]!,
      I,
      this.wx.data,
      4 * this.hidden,
      0,
      v.gates[t]!,
      4 * this.hidden,
    );
    this.cell(t, mask ?? null, 0);
    this.T = t + 1;
    return v.h[t]!;
  }

  /**
   * Whole sequence x [T×B×in] from (h0, c0): the input projection of all T steps is one gemm. Returns a
   * view of all hidden states [T×B×H]. Masks, if given, are [T×B].
   */
  forwardSeq(x: Vec, T: number, B: number, h0?: Vec | null, c0?: Vec | null, masks?: Vec | null): Vec {
    if (!Number.isInteger(T) || T < 1 || T > this.maxSteps)
      throw new RangeError(`LSTM ${this.name}: T=${T} not in [1, ${this.maxSteps}]`);
    this.begin(B, h0, c0);
    const v = this.v!;
    const I = this.inDim,
      G = 4 * this.hidden,
      n = T * B * I,
      xs = this.xs;
    for (let k = 0; k < n; k++) xs[k] = x[k]!;
    gemm(false, false, T * B, G, I, 1, xs, I, this.wx.data, G, 0, this.gates, G);
    for (let t = 0; t < T; t++) {
      this.cell(t, masks ?? null, t * B);
      this.T = t + 1;
    }
    let out = v.seqH.get(T);
    if (!out) {
      out = this.hs.subarray(0, T * B * this.hidden);
      v.seqH.set(T, out);
    }
    return out;
  }

  /** Recurrent part of step t; gates[t] already holds x_t·Wx (without bias). Mask rows at mask[moff..]. */
  private cell(t: number, mask: Vec | null, moff: number): void {
    const v = this.v!;
    const B = this.B,
      H = this.hidden,
      G = 4 * H,
      BH = B * H;
    const hp = this.hp,
      cp = this.cp,
      ms = this.ms;
    const so = t * BH;
    const src = t === 0 ? this.h0buf : this.hs,
      csrc = t === 0 ? this.c0buf : this.cs;
    const po = t === 0 ? 0 : (t - 1) * BH;
    let anyMask = 0;
    if (mask) {
      for (let b = 0; b < B; b++) {
        const m = mask[moff + b]!;
        ms[t * B + b] = m;
        if (m !== 1) anyMask = 1;
        const r = b * H;
        for (let j = 0; j < H; j++) {
          hp[so + r + j] = m * src[po + r + j]!;
          cp[so + r + j] = m * csrc[po + r + j]!;
        }
      }
    } else {
      ms.fill(1, t * B, t * B + B);
      for (let k = 0; k < BH; k++) {
        hp[so + k] = src[po + k]!;
        cp[so + k] = csrc[po + k]!;
      }
    }
    this.masked[t] = anyMask;
    gemm(false, false, B, G, H, 1, v.hp[t]!, H, this.wh.data, G, 1, v.gates[t]!, G);
    if (this.fast) cellFast(this.gates, t * B * G, this.b.data, cp, so, this.cs, this.tc, this.hs, so, B, H);
    else cellExact(this.gates, t * B * G, this.b.data, cp, so, this.cs, this.tc, this.hs, so, B, H);
  }

  /** Final state of the stored sequence (the initial state if no step yet), as views [B×H]. */
  finalState(): { h: Vec; c: Vec } {
    const v = this.v;
    if (!v) throw new Error(`LSTM ${this.name}: finalState() before begin()`);
    return this.T === 0 ? { h: v.h0, c: v.c0 } : { h: v.h[this.T - 1]!, c: v.c[this.T - 1]! };
  }

  /**
   * Backpropagate through the T steps stored since begin(). dH [T×B×H] = ∂L/∂h_t for every step (null:
   * zeros); dhT, dcT [B×H] = extra gradient on the final state (e.g. from a following chunk when doing
   * full BPTT by hand). Accumulates into wx/wh/b grads; overwrites dx [T×B×in] if given. Afterwards
   * dh0/dc0 hold ∂L/∂h0, ∂L/∂c0.
   */
  backward(dH: Vec | null, dhT?: Vec | null, dcT?: Vec | null, dx?: Vec | null): void {
    const v = this.v;
    if (!v) throw new Error(`LSTM ${this.name}: backward() before begin()`);
    const T = this.T,
      B = this.B,
      I = this.inDim,
      H = this.hidden,
      G = 4 * H,
      BH = B * H;
    const dh = this.dh,
      dc = this.dc;
    if (dhT) for (let k = 0; k < BH; k++) dh[k] = dhT[k]!;
    else dh.fill(0, 0, BH);
    if (dcT) for (let k = 0; k < BH; k++) dc[k] = dcT[k]!;
    else dc.fill(0, 0, BH);
    if (T === 0) return;
    const ga = this.gates,
      dG = this.dG,
      tcs = this.tc,
      cp = this.cp,
      ms = this.ms,
      wh = this.wh.data;
    const db = this.b.grad;
    const H2 = 2 * H,
      H3 = 3 * H;
    for (let t = T - 1; t >= 0; t--) {
      const go = t * B * G,
        so = t * BH;
      for (let b = 0; b < B; b++) {
        const gr = go + b * G,
          sr = so + b * H,
          r = b * H;
        const m = ms[t * B + b]!;
        for (let j = 0; j < H; j++) {
          const gi = gr + j,
            si = sr + j,
            ri = r + j;
          const dht = dH === null ? dh[ri]! : dh[ri]! + dH[si]!;
          const ig = ga[gi]!,
            fg = ga[gi + H]!,
            gg = ga[gi + H2]!,
            og = ga[gi + H3]!;
          const tc = tcs[si]!;
          const dct = dc[ri]! + dht * og * (1 - tc * tc);
          const di = dct * gg * ig * (1 - ig);
          const df = dct * cp[si]! * fg * (1 - fg);
          const dg = dct * ig * (1 - gg * gg);
          const dO = dht * tc * og * (1 - og);
          dG[gi] = di;
          dG[gi + H] = df;
          dG[gi + H2] = dg;
          dG[gi + H3] = dO;
          // The bias gradient is the column sum of dG: accumulating it here, while the values are in
          // registers, saves a pass over the whole T·B×4H buffer afterwards.
          db[j]! += di;
          db[H + j]! += df;
          db[H2 + j]! += dg;
          db[H3 + j]! += dO;
          dc[ri] = m * dct * fg;
        }
      }
      gemm(false, true, B, H, G, 1, v.dG[t]!, G, wh, G, 0, dh, H);
      if (this.masked[t]) {
        for (let b = 0; b < B; b++) {
          const m = ms[t * B + b]!,
            r = b * H;
          if (m !== 1) for (let j = 0; j < H; j++) dh[r + j]! *= m;
        }
      }
    }
    // Weight gradients over all T·B rows at once: far fewer, larger gemms than per-step products.
    const R = T * B;
    gemm(true, false, I, G, R, 1, this.xs, I, dG, G, 1, this.wx.grad, G);
    gemm(true, false, H, G, R, 1, this.hp, H, dG, G, 1, this.wh.grad, G);
    if (dx) gemm(false, true, R, I, G, 1, dG, G, this.wx.data, G, 0, dx, I);
  }

  /** ∂L/∂h0 [B×H] after backward() (view; valid until the next backward). */
  get dh0(): Vec {
    if (!this.v) throw new Error(`LSTM ${this.name}: dh0 before begin()`);
    return this.v.dh0;
  }

  /** ∂L/∂c0 [B×H] after backward(). */
  get dc0(): Vec {
    if (!this.v) throw new Error(`LSTM ${this.name}: dc0 before begin()`);
    return this.v.dc0;
  }

  /**
   * One step for acting, storing nothing: (h, c) [B×H] → (hOut, cOut). May run in place (hOut === h,
   * cOut === c). Does not disturb a stored sequence.
   */
  stepInference(x: Vec, B: number, h: Vec, c: Vec, hOut: Vec, cOut: Vec): void {
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch)
      throw new RangeError(`LSTM ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const H = this.hidden,
      G = 4 * H,
      ga = this.gScratch;
    gemm(false, false, B, G, this.inDim, 1, x, this.inDim, this.wx.data, G, 0, ga, G);
    gemm(false, false, B, G, H, 1, h, H, this.wh.data, G, 1, ga, G);
    if (this.fast) cellFast(ga, 0, this.b.data, c, 0, cOut, this.tcScratch, hOut, 0, B, H);
    else cellExact(ga, 0, this.b.data, c, 0, cOut, this.tcScratch, hOut, 0, B, H);
  }
}
