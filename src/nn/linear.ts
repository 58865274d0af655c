/**
 * Fully connected layer y = x·W + b with W stored [in × out], so the forward pass is one gemm NN, the
 * weight gradient one gemm TN (dW += xᵀ·dy) and the input gradient one gemm NT (dx = dy·Wᵀ).
 * Parameters: `${name}.w` [in, out], `${name}.b` [out] (zero-initialised). Param gradients accumulate;
 * dx is overwritten.
 */
import { gemm, type Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { glorotUniform, makeParam, type DType, type Module, type Param } from './param.js';

export interface LinearOptions {
  dtype?: DType;
  rng: Rng;
  bias?: boolean;
  /** Largest batch forward/backward accept (the layer keeps no per-batch buffers; it is a guard). */
  maxBatch?: number;
}

export class Linear implements Module {
  readonly inDim: number;
  readonly outDim: number;
  readonly dtype: DType;
  readonly maxBatch: number;
  readonly w: Param;
  readonly b: Param | null;

  constructor(
    readonly name: string,
    inDim: number,
    outDim: number,
    opts: LinearOptions,
  ) {
    if (!(inDim >= 1 && outDim >= 1) || !Number.isInteger(inDim) || !Number.isInteger(outDim)) {
      throw new RangeError(`Linear ${name}: dimensions must be positive integers, got ${inDim}×${outDim}`);
    }
    this.inDim = inDim;
    this.outDim = outDim;
    this.dtype = opts.dtype ?? 'f32';
    this.maxBatch = opts.maxBatch ?? Number.MAX_SAFE_INTEGER;
    this.w = makeParam(`${name}.w`, [inDim, outDim], this.dtype);
    glorotUniform(this.w, inDim, outDim, opts.rng);
    this.b = opts.bias === false ? null : makeParam(`${name}.b`, [outDim], this.dtype);
  }

  params(): Param[] {
    return this.b ? [this.w, this.b] : [this.w];
  }

  /** y[B×out] = x[B×in]·W + b. */
  forward(x: Vec, B: number, y: Vec): void {
    if (B > this.maxBatch)
      throw new RangeError(`Linear ${this.name}: batch ${B} > maxBatch ${this.maxBatch}`);
    const O = this.outDim;
    if (this.b) {
      // Seeding y with the bias lets the gemm accumulate onto it (beta = 1): one pass over y fewer.
      const b = this.b.data;
      for (let r = 0; r < B; r++) {
        const o = r * O;
        for (let j = 0; j < O; j++) y[o + j] = b[j]!;
      }
      gemm(false, false, B, O, this.inDim, 1, x, this.inDim, this.w.data, O, 1, y, O);
    } else {
      gemm(false, false, B, O, this.inDim, 1, x, this.inDim, this.w.data, O, 0, y, O);
    }
  }

  /** Given the forward input x and dy = ∂L/∂y: dW += xᵀ·dy, db += Σ_rows dy, dx = dy·Wᵀ (if dx given). */
  backward(x: Vec, dy: Vec, B: number, dx: Vec | null): void {
    const I = this.inDim,
      O = this.outDim;
    gemm(true, false, I, O, B, 1, x, I, dy, O, 1, this.w.grad, O);
    if (this.b) {
      const g = this.b.grad;
      for (let r = 0; r < B; r++) {
        const o = r * O;
        for (let j = 0; j < O; j++) g[j]! += dy[o + j]!;
      }
    }
    if (dx) gemm(false, true, B, I, O, 1, dy, O, this.w.data, O, 0, dx, I);
  }
}
