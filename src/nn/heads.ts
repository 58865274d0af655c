/**
 * Output heads for actor-critic agents: a categorical policy (logits → softmax → sampled actions) and a
 * scalar value, each one Linear layer (W [in × out], y = x·W + b) with preallocated output buffers.
 * The losses that train them are the pure functions in losses.ts; a head only maps features to outputs
 * and gradients of outputs back to features and its parameters.
 *
 * Output buffers are returned whole (capacity rows), rows [0, B) hold the result: returning a
 * subarray would allocate a view object on every call. Buffers are sized for `maxBatch` up front and
 * grow (once, reallocating) if a larger batch arrives, so keep references only for the current batch.
 */
import type { Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { Linear } from './linear.js';
import { alloc, type DType, type Module, type Param } from './param.js';
import { argmax, sampleCategorical, softmax } from './losses.js';

export interface HeadOptions {
  dtype?: DType;
  rng: Rng;
  /** Rows to preallocate output buffers for (e.g. T·B for a whole unrolled sequence). Default 1. */
  maxBatch?: number;
  /**
   * Multiplies the Glorot-initialised weights. A small value (e.g. 0.01 for the policy) starts the
   * policy near uniform and the value near 0, common in A2C/PPO practice; default 1 keeps Glorot.
   */
  initScale?: number;
}

function scaleInit(l: Linear, s: number | undefined): void {
  if (s === undefined || s === 1) return;
  const w = l.w.data;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * s;
}

export class CategoricalPolicyHead implements Module {
  readonly linear: Linear;
  readonly nActions: number;
  readonly dtype: DType;
  private cap: number;
  private logitsBuf: Vec;
  private probsBuf: Vec;

  constructor(
    readonly name: string,
    readonly inDim: number,
    nActions: number,
    opts: HeadOptions,
  ) {
    if (!(Number.isInteger(nActions) && nActions >= 1))
      throw new RangeError(
        `CategoricalPolicyHead ${name}: nActions must be a positive integer, got ${nActions}`,
      );
    this.nActions = nActions;
    this.dtype = opts.dtype ?? 'f32';
    this.linear = new Linear(name, inDim, nActions, { dtype: this.dtype, rng: opts.rng });
    scaleInit(this.linear, opts.initScale);
    this.cap = Math.max(1, opts.maxBatch ?? 1);
    this.logitsBuf = alloc(this.dtype, this.cap * nActions);
    this.probsBuf = alloc(this.dtype, this.cap * nActions);
  }

  params(): Param[] {
    return this.linear.params();
  }

  private ensure(B: number): void {
    if (B <= this.cap) return;
    this.cap = B;
    this.logitsBuf = alloc(this.dtype, B * this.nActions);
    this.probsBuf = alloc(this.dtype, B * this.nActions);
  }

  /** Logits for B rows of features x [B × inDim]; the returned buffer's first B·nActions entries. */
  forward(x: Vec, B: number): Vec {
    this.ensure(B);
    this.linear.forward(x, B, this.logitsBuf);
    return this.logitsBuf;
  }

  /** softmax of the logits computed by the last forward(), first B rows. */
  probs(B: number): Vec {
    softmax(this.logitsBuf, B, this.nActions, this.probsBuf);
    return this.probsBuf;
  }

  /**
   * forward + softmax + one action per row into `actions` (sampled with rng, or argmax when greedy).
   * Returns the logits buffer; probs() of the same batch are already computed.
   */
  act(x: Vec, B: number, rng: Rng, actions: Int32Array | number[], greedy = false): Vec {
    this.forward(x, B);
    const p = this.probs(B);
    const A = this.nActions;
    for (let b = 0; b < B; b++)
      actions[b] = greedy ? argmax(p, b * A, A) : sampleCategorical(p, rng, b * A, A);
    return this.logitsBuf;
  }

  /** dLogits [B × nActions] → parameter gradients (accumulated) and dx [B × inDim] (overwritten) if given. */
  backward(x: Vec, dLogits: Vec, B: number, dx: Vec | null): void {
    this.linear.backward(x, dLogits, B, dx);
  }
}

export class ValueHead implements Module {
  readonly linear: Linear;
  readonly dtype: DType;
  private cap: number;
  private valuesBuf: Vec;

  constructor(
    readonly name: string,
    readonly inDim: number,
    opts: HeadOptions,
  ) {
    this.dtype = opts.dtype ?? 'f32';
    this.linear = new Linear(name, inDim, 1, { dtype: this.dtype, rng: opts.rng });
    scaleInit(this.linear, opts.initScale);
    this.cap = Math.max(1, opts.maxBatch ?? 1);
    this.valuesBuf = alloc(this.dtype, this.cap);
  }

  params(): Param[] {
    return this.linear.params();
  }

  /** V(s) for B rows of features; the returned buffer's first B entries. */
  forward(x: Vec, B: number): Vec {
    if (B > this.cap) {
      this.cap = B;
      this.valuesBuf = alloc(this.dtype, B);
    }
    this.linear.forward(x, B, this.valuesBuf);
    return this.valuesBuf;
  }

  /** dValues [B] → parameter gradients (accumulated) and dx [B × inDim] (overwritten) if given. */
  backward(x: Vec, dValues: Vec, B: number, dx: Vec | null): void {
    this.linear.backward(x, dValues, B, dx);
  }
}
