/**
 * Multi-layer perceptron: Linear layers `${name}.l0`, `${name}.l1`, … with `activation` between them and
 * `outputActivation` (default 'none') after the last. forward() keeps the input copy and every layer's
 * output in buffers preallocated for maxBatch rows; backward() uses them, so it refers to the most
 * recent forward().
 */
import type { Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { activationBackward, activationForward, isActivation, type Activation } from './activations.js';
import { Linear } from './linear.js';
import { alloc, type DType, type Module, type Param } from './param.js';

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

  constructor(readonly name: string, sizes: readonly number[], opts: MLPOptions) {
    if (sizes.length < 2) throw new RangeError(`MLP ${name}: needs at least [in, out] sizes`);
    const act: string = opts.activation ?? 'tanh';
    const outAct = opts.outputActivation ?? 'none';
    if (!isActivation(act) || act === 'none') throw new RangeError(`MLP ${name}: activation must be tanh|relu|sigmoid, got ${act}`);
    if (!isActivation(outAct)) throw new RangeError(`MLP ${name}: outputActivation must be none|tanh|relu|sigmoid, got ${outAct}`);
    if (!(opts.maxBatch >= 1)) throw new RangeError(`MLP ${name}: maxBatch must be ≥ 1`);
    this.sizes = [...sizes];
    this.dtype = opts.dtype ?? 'f32';
    this.maxBatch = opts.maxBatch;
    this.activation = act as Activation;
    this.outputActivation = outAct;
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.layers.push(new Linear(`${name}.l${i}`, sizes[i]!, sizes[i + 1]!, { dtype: this.dtype, rng: opts.rng, maxBatch: this.maxBatch }));
    }
    this.acts = sizes.map((s) => alloc(this.dtype, s * this.maxBatch));
    this.grads = sizes.map((s, i) => alloc(this.dtype, i === 0 ? 0 : s * this.maxBatch));
    this.outView = this.acts[sizes.length - 1]!;
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
    if (!(B >= 1 && B <= this.maxBatch)) throw new RangeError(`MLP ${this.name}: batch ${B} not in [1, ${this.maxBatch}]`);
    const L = this.layers.length;
    const a0 = this.acts[0]!;
    const n0 = B * this.sizes[0]!;
    for (let i = 0; i < n0; i++) a0[i] = x[i]!;
    for (let l = 0; l < L; l++) {
      const y = this.acts[l + 1]!;
      this.layers[l]!.forward(this.acts[l]!, B, y);
      activationForward(l + 1 < L ? this.activation : this.outputActivation, y, y, B * this.sizes[l + 1]!);
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
    if (B !== this.lastB) throw new RangeError(`MLP ${this.name}: backward batch ${B} ≠ forward batch ${this.lastB}`);
    const L = this.layers.length;
    let g = this.grads[L]!;
    activationBackward(this.outputActivation, this.acts[L]!, dy, g, B * this.outDim);
    for (let l = L - 1; l >= 0; l--) {
      const below = l > 0 ? this.grads[l]! : dx;
      this.layers[l]!.backward(this.acts[l]!, g, B, below);
      if (l > 0) {
        activationBackward(this.activation, this.acts[l]!, below!, below!, B * this.sizes[l]!);
        g = below!;
      }
    }
  }
}
