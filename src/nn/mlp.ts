/**
 * Multi-layer perceptron: Linear layers `${name}.l0`, `${name}.l1`, … with `activation` between them and
 * `outputActivation` (default 'none') after the last. forward() keeps the input copy and every layer's
 * output in buffers preallocated for maxBatch rows; backward() uses them, so it refers to the most
 * recent forward().
 */
import { gemm, type Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { isActivation, sigmoid, sigmoidFast, tanh, tanhFast, type Activation } from './activations.js';
import { Linear } from './linear.js';
import { alloc, type DType, type Module, type Param } from './param.js';

/*
 * The layer arithmetic is done here rather than through Linear.forward/backward so the bias, the
 * activation and the bias gradient share passes over the [B×out] buffers: forward is gemm (beta 0) then
 * y = act(y + b) in one pass; backward is g = dy ⊙ act'(y) with db += Σ_rows g in one pass, then the
 * two gemms. Each fused loop is a separate function per activation (and per precision where the
 * activation differs, see activations.ts), so every loop stays monomorphic and its math inlines.
 */

// Plain numbers rather than a const enum, so the file also compiles under isolatedModules tools.
const Kind = { None: 0, Tanh: 1, Relu: 2, Sigmoid: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

function kindOf(a: Activation): Kind {
  return a === 'tanh' ? Kind.Tanh : a === 'relu' ? Kind.Relu : a === 'sigmoid' ? Kind.Sigmoid : Kind.None;
}

function biasNone(y: Vec, b: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) for (let j = 0; j < O; j++) y[o + j]! += b[j]!;
}

function biasRelu(y: Vec, b: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) {
    for (let j = 0; j < O; j++) {
      const v = y[o + j]! + b[j]!;
      y[o + j] = Math.max(v, 0);
    }
  }
}

/**
 * The f32 hot loop (a third of the 64-256-256-64 MLP's training step in a profile). Four independent
 * tanhFast evaluations per iteration give the CPU four division/polynomial chains to overlap (256×256:
 * 4.4 → 3.2 ns per element); each element's arithmetic is unchanged, so results are bit-identical.
 */
function biasTanhFast(y: Vec, b: Vec, B: number, O: number): void {
  const O4 = O - 3;
  for (let o = 0, n = B * O; o < n; o += O) {
    let j = 0;
    for (; j < O4; j += 4) {
      const k = o + j;
      const t0 = tanhFast(y[k]! + b[j]!),
        t1 = tanhFast(y[k + 1]! + b[j + 1]!);
      const t2 = tanhFast(y[k + 2]! + b[j + 2]!),
        t3 = tanhFast(y[k + 3]! + b[j + 3]!);
      y[k] = t0;
      y[k + 1] = t1;
      y[k + 2] = t2;
      y[k + 3] = t3;
    }
    for (; j < O; j++) y[o + j] = tanhFast(y[o + j]! + b[j]!);
  }
}

function biasTanhExact(y: Vec, b: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) for (let j = 0; j < O; j++) y[o + j] = tanh(y[o + j]! + b[j]!);
}

function biasSigmoidFast(y: Vec, b: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O)
    for (let j = 0; j < O; j++) y[o + j] = sigmoidFast(y[o + j]! + b[j]!);
}

function biasSigmoidExact(y: Vec, b: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O)
    for (let j = 0; j < O; j++) y[o + j] = sigmoid(y[o + j]! + b[j]!);
}

/** db += Σ_rows dy (identity activation: the gemms read dy itself). */
function backNone(dy: Vec, db: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) for (let j = 0; j < O; j++) db[j]! += dy[o + j]!;
}

/**
 * g = dy ⊙ act'(y), db += Σ_rows g; g may be dy (each group of four is read before it is written).
 * Unrolled by four like biasTanhFast, with each element's arithmetic and the order of the db sums
 * unchanged (256×256 f32: 2.3 → 1.3 ns per element).
 */
function backTanh(y: Vec, dy: Vec, g: Vec, db: Vec, B: number, O: number): void {
  const O4 = O - 3;
  for (let o = 0, n = B * O; o < n; o += O) {
    let j = 0;
    for (; j < O4; j += 4) {
      const k = o + j;
      const v0 = y[k]!,
        v1 = y[k + 1]!,
        v2 = y[k + 2]!,
        v3 = y[k + 3]!;
      const d0 = dy[k]! * (1 - v0 * v0),
        d1 = dy[k + 1]! * (1 - v1 * v1);
      const d2 = dy[k + 2]! * (1 - v2 * v2),
        d3 = dy[k + 3]! * (1 - v3 * v3);
      g[k] = d0;
      g[k + 1] = d1;
      g[k + 2] = d2;
      g[k + 3] = d3;
      db[j]! += d0;
      db[j + 1]! += d1;
      db[j + 2]! += d2;
      db[j + 3]! += d3;
    }
    for (; j < O; j++) {
      const v = y[o + j]!;
      const d = dy[o + j]! * (1 - v * v);
      g[o + j] = d;
      db[j]! += d;
    }
  }
}

function backSigmoid(y: Vec, dy: Vec, g: Vec, db: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) {
    for (let j = 0; j < O; j++) {
      const v = y[o + j]!;
      const d = dy[o + j]! * v * (1 - v);
      g[o + j] = d;
      db[j]! += d;
    }
  }
}

function backRelu(y: Vec, dy: Vec, g: Vec, db: Vec, B: number, O: number): void {
  for (let r = 0, o = 0; r < B; r++, o += O) {
    for (let j = 0; j < O; j++) {
      const d = y[o + j]! > 0 ? dy[o + j]! : 0;
      g[o + j] = d;
      db[j]! += d;
    }
  }
}

export interface MLPOptions {
  dtype?: DType;
  rng: Rng;
  activation?: 'tanh' | 'relu' | 'sigmoid';
  outputActivation?: Activation;
  maxBatch: number;
}

export class MLP implements Module {
  readonly layers: Linear[];
  readonly sizes: readonly number[];
  readonly dtype: DType;
  readonly maxBatch: number;
  readonly activation: Activation;
  readonly outputActivation: Activation;
  /** acts[0] = input copy, acts[i] = output of layer i-1 after its activation. */
  private readonly acts: Vec[];
  /** grads[i] = ∂L/∂(pre-activation of layer i-1's output); grads[0] unused (dx goes to the caller). */
  private readonly grads: Vec[];
  private outView: Vec;
  private outViewB = -1;
  private lastB = 0;
  private readonly hiddenKind: Kind;
  private readonly outKind: Kind;
  private readonly fast: boolean;

  constructor(
    readonly name: string,
    sizes: readonly number[],
    opts: MLPOptions,
  ) {
    if (sizes.length < 2) throw new RangeError(`MLP ${name}: needs at least [in, out] sizes`);
    const act: string = opts.activation ?? 'tanh';
    const outAct = opts.outputActivation ?? 'none';
    if (!isActivation(act) || act === 'none')
      throw new RangeError(`MLP ${name}: activation must be tanh|relu|sigmoid, got ${act}`);
    if (!isActivation(outAct))
      throw new RangeError(`MLP ${name}: outputActivation must be none|tanh|relu|sigmoid, got ${outAct}`);
    if (!(opts.maxBatch >= 1)) throw new RangeError(`MLP ${name}: maxBatch must be ≥ 1`);
    this.sizes = [...sizes];
    this.dtype = opts.dtype ?? 'f32';
    this.maxBatch = opts.maxBatch;
    this.activation = act as Activation;
    this.outputActivation = outAct;
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.layers.push(
        new Linear(`${name}.l${i}`, sizes[i]!, sizes[i + 1]!, {
          dtype: this.dtype,
          rng: opts.rng,
          maxBatch: this.maxBatch,
        }),
      );
    }
    this.acts = sizes.map((s) => alloc(this.dtype, s * this.maxBatch));
    this.grads = sizes.map((s, i) => alloc(this.dtype, i === 0 ? 0 : s * this.maxBatch));
    this.outView = this.acts[sizes.length - 1]!;
    this.hiddenKind = kindOf(this.activation);
    this.outKind = kindOf(this.outputActivation);
    this.fast = this.dtype === 'f32';
  }

  /** y[B×O] = act(y + b), in place. */
  private biasAct(kind: Kind, y: Vec, b: Vec, B: number, O: number): void {
    switch (kind) {
      case Kind.None:
        biasNone(y, b, B, O);
        return;
      case Kind.Relu:
        biasRelu(y, b, B, O);
        return;
      case Kind.Tanh:
        if (this.fast) biasTanhFast(y, b, B, O);
        else biasTanhExact(y, b, B, O);
        return;
      case Kind.Sigmoid:
        if (this.fast) biasSigmoidFast(y, b, B, O);
        else biasSigmoidExact(y, b, B, O);
        return;
    }
  }

  /** Gradient wrt the pre-activation of layer output y given dy; returns where it is (g, or dy itself). */
  private actBack(kind: Kind, y: Vec, dy: Vec, g: Vec, db: Vec, B: number, O: number): Vec {
    switch (kind) {
      case Kind.None:
        backNone(dy, db, B, O);
        return dy;
      case Kind.Relu:
        backRelu(y, dy, g, db, B, O);
        return g;
      case Kind.Tanh:
        backTanh(y, dy, g, db, B, O);
        return g;
      case Kind.Sigmoid:
        backSigmoid(y, dy, g, db, B, O);
        return g;
    }
  }

  params(): Param[] {
    const ps: Param[] = [];
    for (const l of this.layers) ps.push(...l.params());
    return ps;
  }

  get inDim(): number {
    return this.sizes[0]!;
  }

  get outDim(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  /** Output for x[B×in] as a view [B×out] into an internal buffer (valid until the next forward). */
  forward(x: Vec, B: number): Vec {
    if (!(B >= 1 && B <= this.maxBatch))
      throw new RangeError(`MLP ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const L = this.layers.length;
    const a0 = this.acts[0]!;
    const n0 = B * this.sizes[0]!;
    for (let i = 0; i < n0; i++) a0[i] = x[i]!;
    for (let l = 0; l < L; l++) {
      const y = this.acts[l + 1]!,
        layer = this.layers[l]!;
      const I = this.sizes[l]!,
        O = this.sizes[l + 1]!;
      gemm(false, false, B, O, I, 1, this.acts[l]!, I, layer.w.data, O, 0, y, O);
      this.biasAct(l + 1 < L ? this.hiddenKind : this.outKind, y, layer.b!.data, B, O);
    }
    this.lastB = B;
    if (this.outViewB !== B) {
      this.outView = this.acts[L]!.subarray(0, B * this.outDim);
      this.outViewB = B;
    }
    return this.outView;
  }

  /** dy = ∂L/∂output [B×out]; accumulates parameter gradients; writes ∂L/∂x into dx if given. */
  backward(dy: Vec, B: number, dx: Vec | null): void {
    if (B !== this.lastB)
      throw new RangeError(`MLP ${this.name}: backward batch ${B} ≠ forward batch ${this.lastB}`);
    const L = this.layers.length;
    let d = dy; // ∂L/∂(output of layer l after its activation)
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const I = this.sizes[l]!,
        O = this.sizes[l + 1]!;
      const g = this.actBack(
        l + 1 < L ? this.hiddenKind : this.outKind,
        this.acts[l + 1]!,
        d,
        this.grads[l + 1]!,
        layer.b!.grad,
        B,
        O,
      );
      gemm(true, false, I, O, B, 1, this.acts[l]!, I, g, O, 1, layer.w.grad, O);
      const below = l > 0 ? this.grads[l]! : dx;
      if (below) gemm(false, true, B, I, O, 1, g, O, layer.w.data, O, 0, below, I);
      if (l > 0) d = below!;
    }
  }
}
