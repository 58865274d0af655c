/**
 * GRU layer (Cho et al. 2014) in the form PyTorch and cuDNN use, where the reset gate multiplies the
 * *projected* previous state (r ⊙ (h·Wh_n + bh_n)) rather than the state before projection:
 *   r = σ(x·Wx_r + h·Wh_r + b_r)
 *   z = σ(x·Wx_z + h·Wh_z + b_z)
 *   n = tanh(x·Wx_n + b_n + r ⊙ (h·Wh_n + bhn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * The form lets all three hidden projections be one gemm h·Wh.
 * Parameters: `${name}.wx` [in, 3H], `${name}.wh` [H, 3H] (blocks r, z, n), `${name}.b` [3H],
 * `${name}.bhn` [H]. PyTorch's two bias vectors map as b_r = b_ir + b_hr, b_z = b_iz + b_hz,
 * b_n = b_in, bhn = b_hn (its other hidden biases only add to input biases, so they are not kept).
 *
 * Sequence API as LSTM (see lstm.ts) without the cell state: begin(B, h0?), step(x, mask?),
 * forwardSeq, backward(dH, dhT?, dx?), dh0, finalState(), stepInference. The initial state is a
 * constant of the sequence (truncated BPTT across chunks); a mask multiplies the incoming state.
 */
import { gemm, type Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { sigmoid, sigmoidFast, tanh, tanhFast } from './activations.js';
import { alloc, glorotUniform, makeParam, type DType, type Module, type Param } from './param.js';

export interface GRUOptions {
  dtype?: DType;
  rng: Rng;
  maxSteps: number;
  maxBatch: number;
}

interface Views {
  x: Vec[];
  gx: Vec[];
  gh: Vec[];
  hp: Vec[];
  dGh: Vec[];
  h: Vec[];
  h0: Vec;
  dh0: Vec;
  seqH: Map<number, Vec>;
}

/**
 * Gates and new state for B rows at offset go of gx (x·Wx, rows of 3H) and gh (h_prev·Wh): gx is
 * overwritten with the activated r, z, n, gh's n block with h_prev·Wh_n + bhn, and h is written to
 * hs[so..]; h_prev is read from hp[hpo..] (hs may alias hp: each entry is read before it is written).
 * One copy per precision (see activations.ts) so each stays monomorphic; the f64 one is exact.
 */
function cellFast(
  gx: Vec,
  gh: Vec,
  go: number,
  bias: Vec,
  bhn: Vec,
  hp: Vec,
  hpo: number,
  hs: Vec,
  so: number,
  B: number,
  H: number,
): void {
  const H2 = 2 * H,
    G = 3 * H;
  for (let b = 0; b < B; b++) {
    const gr = go + b * G,
      sr = so + b * H,
      pr = hpo + b * H;
    for (let j = 0; j < H; j++) {
      const gi = gr + j;
      const r = sigmoidFast(gx[gi]! + gh[gi]! + bias[j]!);
      const z = sigmoidFast(gx[gi + H]! + gh[gi + H]! + bias[H + j]!);
      const hn = gh[gi + H2]! + bhn[j]!;
      const n = tanhFast(gx[gi + H2]! + bias[H2 + j]! + r * hn);
      gx[gi] = r;
      gx[gi + H] = z;
      gx[gi + H2] = n;
      gh[gi + H2] = hn;
      hs[sr + j] = n + z * (hp[pr + j]! - n);
    }
  }
}

function cellExact(
  gx: Vec,
  gh: Vec,
  go: number,
  bias: Vec,
  bhn: Vec,
  hp: Vec,
  hpo: number,
  hs: Vec,
  so: number,
  B: number,
  H: number,
): void {
  const H2 = 2 * H,
    G = 3 * H;
  for (let b = 0; b < B; b++) {
    const gr = go + b * G,
      sr = so + b * H,
      pr = hpo + b * H;
    for (let j = 0; j < H; j++) {
      const gi = gr + j;
      const r = sigmoid(gx[gi]! + gh[gi]! + bias[j]!);
      const z = sigmoid(gx[gi + H]! + gh[gi + H]! + bias[H + j]!);
      const hn = gh[gi + H2]! + bhn[j]!;
      const n = tanh(gx[gi + H2]! + bias[H2 + j]! + r * hn);
      gx[gi] = r;
      gx[gi + H] = z;
      gx[gi + H2] = n;
      gh[gi + H2] = hn;
      hs[sr + j] = n + z * (hp[pr + j]! - n);
    }
  }
}

export class GRU implements Module {
  readonly inDim: number;
  readonly hidden: number;
  readonly dtype: DType;
  readonly maxSteps: number;
  readonly maxBatch: number;
  readonly wx: Param;
  readonly wh: Param;
  readonly b: Param;
  readonly bhn: Param;

  private readonly xs: Vec; // inputs
  private readonly gx: Vec; // x·Wx on input, then the activated gates r, z, n (3H)
  private readonly gh: Vec; // h_prev·Wh (3H); its n block holds h_prev·Wh_n + bhn
  private readonly hp: Vec; // masked incoming h
  private readonly hs: Vec; // outputs h_t
  private readonly dGx: Vec; // ∂L/∂(input-side pre-activations)
  private readonly dGh: Vec; // ∂L/∂(hidden-side pre-activations)
  private readonly ms: Vec;
  private readonly masked: Uint8Array;
  private readonly h0buf: Vec;
  private readonly dh: Vec;
  private readonly gxScratch: Vec;
  private readonly ghScratch: Vec;
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
    opts: GRUOptions,
  ) {
    for (const [k, n] of [
      ['inDim', inDim],
      ['hidden', hidden],
      ['maxSteps', opts.maxSteps],
      ['maxBatch', opts.maxBatch],
    ] as const) {
      if (!Number.isInteger(n) || n < 1)
        throw new RangeError(`GRU ${name}: ${k} must be a positive integer, got ${n}`);
    }
    const dt = (this.dtype = opts.dtype ?? 'f32');
    this.inDim = inDim;
    this.hidden = hidden;
    this.maxSteps = opts.maxSteps;
    this.maxBatch = opts.maxBatch;
    const H = hidden,
      G = 3 * H;
    this.wx = makeParam(`${name}.wx`, [inDim, G], dt);
    this.wh = makeParam(`${name}.wh`, [H, G], dt);
    this.b = makeParam(`${name}.b`, [G], dt);
    this.bhn = makeParam(`${name}.bhn`, [H], dt);
    glorotUniform(this.wx, inDim, H, opts.rng);
    glorotUniform(this.wh, H, H, opts.rng);

    const SB = this.maxSteps * this.maxBatch;
    this.xs = alloc(dt, SB * inDim);
    this.gx = alloc(dt, SB * G);
    this.gh = alloc(dt, SB * G);
    this.dGx = alloc(dt, SB * G);
    this.dGh = alloc(dt, SB * G);
    this.hp = alloc(dt, SB * H);
    this.hs = alloc(dt, SB * H);
    this.ms = alloc(dt, SB);
    this.masked = new Uint8Array(this.maxSteps);
    this.h0buf = alloc(dt, this.maxBatch * H);
    this.dh = alloc(dt, this.maxBatch * H);
    this.gxScratch = alloc(dt, this.maxBatch * G);
    this.ghScratch = alloc(dt, this.maxBatch * G);
    this.fast = dt === 'f32';
  }

  params(): Param[] {
    return [this.wx, this.wh, this.b, this.bhn];
  }

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
      G = 3 * H,
      S = this.maxSteps;
    const at = (buf: Vec, d: number) => {
      const out: Vec[] = [];
      for (let t = 0; t < S; t++) out.push(buf.subarray(t * B * d, (t + 1) * B * d));
      return out;
    };
    v = {
      x: at(this.xs, I),
      gx: at(this.gx, G),
      gh: at(this.gh, G),
      hp: at(this.hp, H),
      dGh: at(this.dGh, G),
      h: at(this.hs, H),
      h0: this.h0buf.subarray(0, B * H),
      dh0: this.dh.subarray(0, B * H),
      seqH: new Map(),
    };
    this.viewCache.set(B, v);
    return v;
  }

  /** Start a sequence of batch B from h0 [B×H] (zeros if omitted; copied). */
  begin(B: number, h0?: Vec | null): void {
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch)
      throw new RangeError(`GRU ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const n = B * this.hidden;
    if (h0) {
      if (h0.length < n) throw new RangeError(`GRU ${this.name}: h0 has ${h0.length} < ${n} entries`);
      for (let i = 0; i < n; i++) this.h0buf[i] = h0[i]!;
    } else this.h0buf.fill(0, 0, n);
    this.B = B;
    this.T = 0;
    this.v = this.views(B);
  }

  /** One timestep for x [B×in]; returns a view of h_t [B×H]. */
  step(x: Vec, mask?: Vec | null): Vec {
    const v = this.v;
    if (!v) throw new Error(`GRU ${this.name}: step() before begin()`);
    const t = this.T;
    if (t >= this.maxSteps)
      throw new RangeError(`GRU ${this.name}: more than maxSteps=${this.maxSteps} steps since begin()`);
    const B = this.B,
      I = this.inDim,
      G = 3 * this.hidden,
      n = B * I,
      xs = this.xs,
      o = t * n;
    for (let k = 0; k < n; k++) xs[o + k] = x[k]!;
    gemm(false, false, B, G, I, 1, v.x[t]!, I, this.wx.data, G, 0, v.gx[t]!, G);
    this.cell(t, mask ?? null, 0);
    this.T = t + 1;
    return v.h[t]!;
  }

  /** Whole sequence x [T×B×in] from h0 (input projection in one gemm); returns all h_t [T×B×H]. Masks [T×B]. */
  forwardSeq(x: Vec, T: number, B: number, h0?: Vec | null, masks?: Vec | null): Vec {
    if (!Number.isInteger(T) || T < 1 || T > this.maxSteps)
      throw new RangeError(`GRU ${this.name}: T=${T} not in [1, ${this.maxSteps}]`);
    this.begin(B, h0);
    const v = this.v!;
    const I = this.inDim,
      G = 3 * this.hidden,
      n = T * B * I,
      xs = this.xs;
    for (let k = 0; k < n; k++) xs[k] = x[k]!;
    gemm(false, false, T * B, G, I, 1, xs, I, this.wx.data, G, 0, this.gx, G);
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

  private cell(t: number, mask: Vec | null, moff: number): void {
    const v = this.v!;
    const B = this.B,
      H = this.hidden,
      G = 3 * H,
      BH = B * H;
    const hp = this.hp,
      ms = this.ms;
    const so = t * BH;
    const src = t === 0 ? this.h0buf : this.hs;
    const po = t === 0 ? 0 : (t - 1) * BH;
    let anyMask = 0;
    if (mask) {
      for (let b = 0; b < B; b++) {
        const m = mask[moff + b]!;
        ms[t * B + b] = m;
        if (m !== 1) anyMask = 1;
        const r = b * H;
        for (let j = 0; j < H; j++) hp[so + r + j] = m * src[po + r + j]!;
      }
    } else {
      ms.fill(1, t * B, t * B + B);
      for (let k = 0; k < BH; k++) hp[so + k] = src[po + k]!;
    }
    this.masked[t] = anyMask;
    gemm(false, false, B, G, H, 1, v.hp[t]!, H, this.wh.data, G, 0, v.gh[t]!, G);
    const go = t * B * G;
    if (this.fast) cellFast(this.gx, this.gh, go, this.b.data, this.bhn.data, hp, so, this.hs, so, B, H);
    else cellExact(this.gx, this.gh, go, this.b.data, this.bhn.data, hp, so, this.hs, so, B, H);
  }

  /** Final state (the initial state if no step yet) as a view [B×H]. */
  finalState(): { h: Vec } {
    const v = this.v;
    if (!v) throw new Error(`GRU ${this.name}: finalState() before begin()`);
    return { h: this.T === 0 ? v.h0 : v.h[this.T - 1]! };
  }

  /**
   * Backpropagate through the T steps since begin(): dH [T×B×H] (null: zeros), dhT [B×H] extra
   * gradient on the final state. Accumulates param grads; overwrites dx [T×B×in] if given; afterwards
   * dh0 holds ∂L/∂h0.
   */
  backward(dH: Vec | null, dhT?: Vec | null, dx?: Vec | null): void {
    const v = this.v;
    if (!v) throw new Error(`GRU ${this.name}: backward() before begin()`);
    const T = this.T,
      B = this.B,
      I = this.inDim,
      H = this.hidden,
      G = 3 * H,
      BH = B * H;
    const dh = this.dh;
    if (dhT) for (let k = 0; k < BH; k++) dh[k] = dhT[k]!;
    else dh.fill(0, 0, BH);
    if (T === 0) return;
    const gx = this.gx,
      gh = this.gh,
      hp = this.hp,
      dGx = this.dGx,
      dGh = this.dGh,
      ms = this.ms,
      wh = this.wh.data;
    const db = this.b.grad,
      dbhn = this.bhn.grad;
    const H2 = 2 * H;
    for (let t = T - 1; t >= 0; t--) {
      const go = t * B * G,
        so = t * BH;
      for (let b = 0; b < B; b++) {
        const gr = go + b * G,
          sr = so + b * H,
          rr = b * H;
        for (let j = 0; j < H; j++) {
          const gi = gr + j,
            si = sr + j,
            ri = rr + j;
          const dht = dH === null ? dh[ri]! : dh[ri]! + dH[si]!;
          const r = gx[gi]!,
            z = gx[gi + H]!,
            n = gx[gi + H2]!;
          const hn = gh[gi + H2]!,
            h = hp[si]!;
          const dnp = dht * (1 - z) * (1 - n * n);
          const dzp = dht * (h - n) * z * (1 - z);
          const drp = dnp * hn * r * (1 - r);
          const dhn = dnp * r;
          dGx[gi] = drp;
          dGx[gi + H] = dzp;
          dGx[gi + H2] = dnp;
          dGh[gi] = drp;
          dGh[gi + H] = dzp;
          dGh[gi + H2] = dhn;
          // Bias gradients are column sums of dGx / dGh's n block: summed here while in registers.
          db[j]! += drp;
          db[H + j]! += dzp;
          db[H2 + j]! += dnp;
          dbhn[j]! += dhn;
          dh[ri] = dht * z; // direct path h' = … + z⊙h; the gemm below adds the projected paths
        }
      }
      gemm(false, true, B, H, G, 1, v.dGh[t]!, G, wh, G, 1, dh, H);
      if (this.masked[t]) {
        for (let b = 0; b < B; b++) {
          const m = ms[t * B + b]!,
            rr = b * H;
          if (m !== 1) for (let j = 0; j < H; j++) dh[rr + j]! *= m;
        }
      }
    }
    const R = T * B;
    gemm(true, false, I, G, R, 1, this.xs, I, dGx, G, 1, this.wx.grad, G);
    gemm(true, false, H, G, R, 1, hp, H, dGh, G, 1, this.wh.grad, G);
    if (dx) gemm(false, true, R, I, G, 1, dGx, G, this.wx.data, G, 0, dx, I);
  }

  /** ∂L/∂h0 [B×H] after backward() (view; valid until the next backward). */
  get dh0(): Vec {
    if (!this.v) throw new Error(`GRU ${this.name}: dh0 before begin()`);
    return this.v.dh0;
  }

  /** One step for acting without storing: h [B×H] → hOut (may be the same array). */
  stepInference(x: Vec, B: number, h: Vec, hOut: Vec): void {
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch)
      throw new RangeError(`GRU ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const H = this.hidden,
      G = 3 * H,
      gx = this.gxScratch,
      gh = this.ghScratch;
    gemm(false, false, B, G, this.inDim, 1, x, this.inDim, this.wx.data, G, 0, gx, G);
    gemm(false, false, B, G, H, 1, h, H, this.wh.data, G, 0, gh, G);
    if (this.fast) cellFast(gx, gh, 0, this.b.data, this.bhn.data, h, 0, hOut, 0, B, H);
    else cellExact(gx, gh, 0, this.b.data, this.bhn.data, h, 0, hOut, 0, B, H);
  }
}
