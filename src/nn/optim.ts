/**
 * Optimizers over a flat list of Params: Adam and RMSProp with PyTorch's update equations, plus
 * global-norm gradient clipping.
 *
 * Conventions shared by both optimizers:
 * - `step()` reads `p.grad`, optionally clips it in place to `clipNorm` (global L2 norm over all
 *   params), updates `p.data` in place and returns the global norm measured *before* clipping (for
 *   logging). It does not zero the gradients; call `zeroGrad()` (or `zeroGrads`) before the next
 *   backward pass, as in PyTorch.
 * - Moments are stored in each param's own dtype (Float32Array for f32 models), like PyTorch. The
 *   arithmetic of one update runs in JS doubles and is rounded once when stored, so f32 moments only lose
 *   what the storage loses; f64 would double the optimizer's memory traffic on the hot path for no
 *   measurable benefit at the learning rates RL uses.
 * - No allocation inside `step()`: moments are allocated once in the constructor.
 * - `state()` / `loadState()` carry the step counter and the moments keyed `<opt>.<moment>.<param
 *   name>`. Hyperparameters (lr, betas, …) are configuration, not state: the caller restores them (a
 *   learning-rate schedule is a function of `step`).
 */
import type { Vec } from '../math/gemm.js';
import type { Param } from './param.js';
import type { TensorRecord } from './serialize.js';

export interface OptimizerState {
  step: number;
  tensors: Record<string, TensorRecord>;
}

export interface Optimizer {
  readonly params: readonly Param[];
  /** Clip (if configured), update in place; returns the pre-clip global gradient norm. */
  step(): number;
  zeroGrad(): void;
  setLr(lr: number): void;
  getLr(): number;
  /** Number of updates applied so far. */
  readonly stepCount: number;
  state(): OptimizerState;
  loadState(s: OptimizerState): void;
}

/** Global L2 norm of all gradients, accumulated in double precision. */
export function gradNorm(params: readonly Param[]): number {
  let ss = 0;
  for (const p of params) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) {
      const x = g[i]!;
      ss += x * x;
    }
  }
  return Math.sqrt(ss);
}

/**
 * Scale all gradients by maxNorm/‖g‖ when the global norm ‖g‖ exceeds maxNorm; returns the pre-clip
 * norm. Unlike torch.nn.utils.clip_grad_norm_ there is no +1e-6 in the denominator, so the clipped norm
 * equals maxNorm up to rounding, and gradients below the threshold are left bit-for-bit untouched
 * (PyTorch multiplies them by 1.0, which is the same thing). A non-finite norm leaves the gradients
 * unchanged: the caller sees the NaN/Infinity in the return value and decides (skip the step, stop).
 */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const norm = gradNorm(params);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const s = maxNorm / norm;
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * s;
    }
  }
  return norm;
}

function like(v: Vec): Vec {
  return v instanceof Float32Array ? new Float32Array(v.length) : new Float64Array(v.length);
}

function record(v: Vec, shape: readonly number[]): TensorRecord {
  return v instanceof Float32Array
    ? { dtype: 'f32', shape: [...shape], data: Float32Array.from(v) }
    : { dtype: 'f64', shape: [...shape], data: Float64Array.from(v) };
}

function checkUnique(params: readonly Param[], who: string): void {
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name))
      throw new Error(`${who}: duplicate parameter name '${p.name}' (state is keyed by name)`);
    seen.add(p.name);
    if (p.grad.length !== p.data.length) throw new Error(`${who}: '${p.name}' grad and data lengths differ`);
  }
}

function checkPositive(who: string, name: string, x: number, allowZero = false): void {
  if (!Number.isFinite(x) || x < 0 || (!allowZero && x === 0))
    throw new RangeError(`${who}: ${name} must be ${allowZero ? '≥' : '>'} 0, got ${x}`);
}

function checkUnit(who: string, name: string, x: number): void {
  if (!(x >= 0 && x < 1)) throw new RangeError(`${who}: ${name} must be in [0, 1), got ${x}`);
}

function loadMoment(who: string, s: OptimizerState, key: string, p: Param, dst: Vec): void {
  const t = s.tensors[key];
  if (!t) throw new Error(`${who}.loadState: missing tensor '${key}'`);
  if (t.data.length !== dst.length || t.shape.join('x') !== p.shape.join('x')) {
    throw new Error(
      `${who}.loadState: '${key}' has shape [${t.shape}] but parameter '${p.name}' has [${p.shape}]`,
    );
  }
  // A dtype mismatch would silently round the moments and break bit-exact resume.
  const want = dst instanceof Float32Array ? 'f32' : 'f64';
  if (t.dtype !== want)
    throw new Error(`${who}.loadState: '${key}' is ${t.dtype} but the optimizer stores ${want}`);
  dst.set(t.data);
}

function checkStep(who: string, s: OptimizerState): void {
  if (!Number.isInteger(s.step) || s.step < 0)
    throw new Error(`${who}.loadState: step must be a non-negative integer, got ${s.step}`);
}

/*
 * Inner loops of the two optimizers, one copy per storage type so each stays monomorphic. The f32
 * copies round the new moments with Math.fround before using them, which is exactly what storing and
 * reloading them did (the update must see the moments as stored, like PyTorch's f32 math), without the
 * reload.
 *
 * Adam's update m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), √v̂ = √v/√(1−β2ᵗ) is computed as
 * m·a/(√v + ε·√(1−β2ᵗ)) with a = lr·√(1−β2ᵗ)/(1−β1ᵗ): the same quantity with one division per entry
 * instead of two (they agree to a few ulps of a double, far below f32 resolution).
 *
 * The Adam loops also return ss + Σ g², the squared gradient norm (of the gradient as it enters the
 * loop, before weight decay), accumulated in the same order as gradNorm(): without clipping, step()
 * gets the norm it reports from the update pass itself instead of a separate pass over every gradient.
 */
function adamF32(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  n: number,
  b1: number,
  c1: number,
  b2: number,
  c2: number,
  a: number,
  epsS: number,
  wd: number,
  ss: number,
): number {
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    ss += gi * gi;
    const wi = w[i]!;
    if (wd !== 0) gi += wd * wi;
    const mi = Math.fround(b1 * m[i]! + c1 * gi);
    const vi = Math.fround(b2 * v[i]! + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (a * mi) / (Math.sqrt(vi) + epsS);
  }
  return ss;
}

function adamF64(
  w: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  n: number,
  b1: number,
  c1: number,
  b2: number,
  c2: number,
  a: number,
  epsS: number,
  wd: number,
  ss: number,
): number {
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    ss += gi * gi;
    const wi = w[i]!;
    if (wd !== 0) gi += wd * wi;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = b2 * v[i]! + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (a * mi) / (Math.sqrt(vi) + epsS);
  }
  return ss;
}

/** RMSProp without centering or momentum, the configuration A2C uses. */
function rmsPlainF32(
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
  n: number,
  al: number,
  c: number,
  eps: number,
  lr: number,
  wd: number,
): void {
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    const wi = w[i]!;
    if (wd !== 0) gi += wd * wi;
    const si = Math.fround(al * s[i]! + c * gi * gi);
    s[i] = si;
    w[i] = wi - lr * (gi / (Math.sqrt(si) + eps));
  }
}

function rmsPlainF64(
  w: Float64Array,
  g: Float64Array,
  s: Float64Array,
  n: number,
  al: number,
  c: number,
  eps: number,
  lr: number,
  wd: number,
): void {
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    const wi = w[i]!;
    if (wd !== 0) gi += wd * wi;
    const si = al * s[i]! + c * gi * gi;
    s[i] = si;
    w[i] = wi - lr * (gi / (Math.sqrt(si) + eps));
  }
}

/** Any RMSProp configuration (centered and/or momentum); `round` is Math.fround for f32 storage. */
function rmsGeneral(
  w: Vec,
  g: Vec,
  s: Vec,
  ga: Vec,
  b: Vec,
  n: number,
  al: number,
  c: number,
  eps: number,
  lr: number,
  wd: number,
  mu: number,
  centered: boolean,
  round: (x: number) => number,
): void {
  const useMom = mu > 0;
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    const wi = w[i]!;
    if (wd !== 0) gi += wd * wi;
    const si = round(al * s[i]! + c * gi * gi);
    s[i] = si;
    let d: number;
    if (centered) {
      const gai = round(al * ga[i]! + c * gi);
      ga[i] = gai;
      d = Math.sqrt(si - gai * gai) + eps;
    } else {
      d = Math.sqrt(si) + eps;
    }
    if (useMom) {
      const bi = round(mu * b[i]! + gi / d);
      b[i] = bi;
      w[i] = wi - lr * bi;
    } else {
      w[i] = wi - lr * (gi / d);
    }
  }
}

const identity = (x: number): number => x;

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Global-norm clipping threshold applied inside step(); off when undefined. */
  clipNorm?: number;
  /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay, not AdamW's decoupled decay). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba 2015) exactly as torch.optim.Adam (amsgrad=False, maximize=False):
 *   g ← grad + wd·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * Note ε is added after the bias correction of √v, as PyTorch does (the paper's ε̂ variant differs).
 */
export class Adam implements Optimizer {
  readonly params: readonly Param[];
  private lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly clipNorm: number | undefined;
  readonly weightDecay: number;
  private readonly m: Vec[];
  private readonly v: Vec[];
  private t = 0;

  constructor(params: readonly Param[], opts: AdamOptions = {}) {
    checkUnique(params, 'Adam');
    this.params = [...params];
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.clipNorm = opts.clipNorm;
    this.weightDecay = opts.weightDecay ?? 0;
    checkPositive('Adam', 'lr', this.lr, true);
    checkUnit('Adam', 'beta1', this.beta1);
    checkUnit('Adam', 'beta2', this.beta2);
    checkPositive('Adam', 'eps', this.eps, true);
    checkPositive('Adam', 'weightDecay', this.weightDecay, true);
    if (this.clipNorm !== undefined) checkPositive('Adam', 'clipNorm', this.clipNorm);
    this.m = this.params.map((p) => like(p.data));
    this.v = this.params.map((p) => like(p.data));
  }

  get stepCount(): number {
    return this.t;
  }

  setLr(lr: number): void {
    checkPositive('Adam', 'lr', lr, true);
    this.lr = lr;
  }

  getLr(): number {
    return this.lr;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  step(): number {
    // With clipping the norm must be known before the update; without, the update loops measure it.
    const clipped = this.clipNorm !== undefined ? clipGradNorm(this.params, this.clipNorm) : NaN;
    const t = ++this.t;
    const b1 = this.beta1,
      b2 = this.beta2,
      wd = this.weightDecay;
    const c1 = 1 - b1,
      c2 = 1 - b2;
    const sqrtBc2 = Math.sqrt(1 - b2 ** t);
    const a = (this.lr * sqrtBc2) / (1 - b1 ** t),
      epsS = this.eps * sqrtBc2;
    let ss = 0;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const w = p.data,
        g = p.grad,
        m = this.m[k]!,
        v = this.v[k]!;
      if (w instanceof Float32Array)
        ss = adamF32(
          w,
          g as Float32Array,
          m as Float32Array,
          v as Float32Array,
          w.length,
          b1,
          c1,
          b2,
          c2,
          a,
          epsS,
          wd,
          ss,
        );
      else
        ss = adamF64(
          w,
          g as Float64Array,
          m as Float64Array,
          v as Float64Array,
          w.length,
          b1,
          c1,
          b2,
          c2,
          a,
          epsS,
          wd,
          ss,
        );
    }
    return this.clipNorm !== undefined ? clipped : Math.sqrt(ss);
  }

  state(): OptimizerState {
    const tensors: Record<string, TensorRecord> = {};
    this.params.forEach((p, k) => {
      tensors[`adam.m.${p.name}`] = record(this.m[k]!, p.shape);
      tensors[`adam.v.${p.name}`] = record(this.v[k]!, p.shape);
    });
    return { step: this.t, tensors };
  }

  loadState(s: OptimizerState): void {
    checkStep('Adam', s);
    // Validate everything before touching anything, so a bad checkpoint leaves the optimizer as it was.
    const m = this.m.map(like),
      v = this.v.map(like);
    this.params.forEach((p, k) => {
      loadMoment('Adam', s, `adam.m.${p.name}`, p, m[k]!);
      loadMoment('Adam', s, `adam.v.${p.name}`, p, v[k]!);
    });
    this.params.forEach((_, k) => {
      this.m[k]!.set(m[k]!);
      this.v[k]!.set(v[k]!);
    });
    this.t = s.step;
  }
}

export interface RMSPropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
  centered?: boolean;
  clipNorm?: number;
  weightDecay?: number;
}

/**
 * RMSProp as torch.optim.RMSprop:
 *   g ← grad + wd·θ;  s ← α·s + (1−α)·g²
 *   centered: ḡ ← α·ḡ + (1−α)·g;  d = √(s − ḡ²) + ε      else d = √s + ε
 *   momentum > 0: b ← μ·b + g/d;  θ ← θ − lr·b             else θ ← θ − lr·g/d
 * ε sits outside the square root (PyTorch), not inside it (TensorFlow). The one deliberate difference
 * is the default ε = 1e-5 instead of PyTorch's 1e-8: A3C/A2C-LSTM setups (Mnih et al. 2016, Wang et
 * al. 2018) use a larger ε so that rarely-updated weights do not get huge steps.
 */
export class RMSProp implements Optimizer {
  readonly params: readonly Param[];
  private lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly clipNorm: number | undefined;
  readonly weightDecay: number;
  private readonly sq: Vec[];
  private readonly gavg: Vec[];
  private readonly buf: Vec[];
  private t = 0;

  constructor(params: readonly Param[], opts: RMSPropOptions = {}) {
    checkUnique(params, 'RMSProp');
    this.params = [...params];
    this.lr = opts.lr ?? 1e-2;
    this.alpha = opts.alpha ?? 0.99;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0;
    this.centered = opts.centered ?? false;
    this.clipNorm = opts.clipNorm;
    this.weightDecay = opts.weightDecay ?? 0;
    checkPositive('RMSProp', 'lr', this.lr, true);
    checkUnit('RMSProp', 'alpha', this.alpha);
    checkPositive('RMSProp', 'eps', this.eps, true);
    checkPositive('RMSProp', 'momentum', this.momentum, true);
    checkPositive('RMSProp', 'weightDecay', this.weightDecay, true);
    if (this.clipNorm !== undefined) checkPositive('RMSProp', 'clipNorm', this.clipNorm);
    this.sq = this.params.map((p) => like(p.data));
    // Unused buffers stay empty so state() only carries what the configuration updates.
    const none = (v: Vec): Vec => (v instanceof Float32Array ? new Float32Array(0) : new Float64Array(0));
    this.gavg = this.params.map((p) => (this.centered ? like(p.data) : none(p.data)));
    this.buf = this.params.map((p) => (this.momentum > 0 ? like(p.data) : none(p.data)));
  }

  get stepCount(): number {
    return this.t;
  }

  setLr(lr: number): void {
    checkPositive('RMSProp', 'lr', lr, true);
    this.lr = lr;
  }

  getLr(): number {
    return this.lr;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  step(): number {
    const norm =
      this.clipNorm !== undefined ? clipGradNorm(this.params, this.clipNorm) : gradNorm(this.params);
    this.t++;
    const al = this.alpha,
      c = 1 - al,
      eps = this.eps,
      lr = this.lr,
      mu = this.momentum,
      wd = this.weightDecay;
    const plain = !this.centered && !(mu > 0);
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const w = p.data,
        g = p.grad,
        s = this.sq[k]!;
      const f32 = w instanceof Float32Array;
      if (plain && f32) rmsPlainF32(w, g as Float32Array, s as Float32Array, w.length, al, c, eps, lr, wd);
      else if (plain)
        rmsPlainF64(w as Float64Array, g as Float64Array, s as Float64Array, w.length, al, c, eps, lr, wd);
      else
        rmsGeneral(
          w,
          g,
          s,
          this.gavg[k]!,
          this.buf[k]!,
          w.length,
          al,
          c,
          eps,
          lr,
          wd,
          mu,
          this.centered,
          f32 ? Math.fround : identity,
        );
    }
    return norm;
  }

  state(): OptimizerState {
    const tensors: Record<string, TensorRecord> = {};
    this.params.forEach((p, k) => {
      tensors[`rmsprop.square_avg.${p.name}`] = record(this.sq[k]!, p.shape);
      if (this.centered) tensors[`rmsprop.grad_avg.${p.name}`] = record(this.gavg[k]!, p.shape);
      if (this.momentum > 0) tensors[`rmsprop.momentum.${p.name}`] = record(this.buf[k]!, p.shape);
    });
    return { step: this.t, tensors };
  }

  loadState(s: OptimizerState): void {
    checkStep('RMSProp', s);
    const sq = this.sq.map(like),
      ga = this.gavg.map(like),
      b = this.buf.map(like);
    this.params.forEach((p, k) => {
      loadMoment('RMSProp', s, `rmsprop.square_avg.${p.name}`, p, sq[k]!);
      if (this.centered) loadMoment('RMSProp', s, `rmsprop.grad_avg.${p.name}`, p, ga[k]!);
      if (this.momentum > 0) loadMoment('RMSProp', s, `rmsprop.momentum.${p.name}`, p, b[k]!);
    });
    this.params.forEach((_, k) => {
      this.sq[k]!.set(sq[k]!);
      this.gavg[k]!.set(ga[k]!);
      this.buf[k]!.set(b[k]!);
    });
    this.t = s.step;
  }
}
