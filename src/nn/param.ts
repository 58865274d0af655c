/**
 * Parameters and buffers. Every layer owns its weights as flat typed arrays (row-major) together
 * with gradient buffers of the same shape; optimizers and (de)serialization work on the flat list.
 * The dtype is chosen per model: 'f32' for training speed, 'f64' for gradient checks.
 */
import type { Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';

export type DType = 'f32' | 'f64';

export function alloc(dtype: DType, n: number): Vec {
  return dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

export interface Param {
  /** Unique within a model, e.g. "lstm.w"; serialization keys on it. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Vec;
  readonly grad: Vec;
}

export function makeParam(name: string, shape: readonly number[], dtype: DType): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape: [...shape], data: alloc(dtype, n), grad: alloc(dtype, n) };
}

/** Anything with parameters. */
export interface Module {
  params(): Param[];
}

export function zeroGrads(ps: readonly Param[]): void {
  for (const p of ps) p.grad.fill(0);
}

/** Uniform(-b, b) with b = sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export function glorotUniform(p: Param, fanIn: number, fanOut: number, rng: Rng): void {
  const b = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < p.data.length; i++) p.data[i] = (2 * rng.uniform() - 1) * b;
}

/** Prefix every parameter name of a module (composite models use it to keep names unique). */
export function prefixed(prefix: string, ps: readonly Param[]): Param[] {
  return ps.map((p) => ({ name: `${prefix}.${p.name}`, shape: p.shape, data: p.data, grad: p.grad }));
}
