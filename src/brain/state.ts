/**
 * How a component of the brain saves and restores itself: plain data (`meta`, JSON) and named tensors.
 * Each component names its own tensors, in one namespace shared by the whole agent — `param.<param>` for
 * weights, `opt.<optimizer>.<moment>` for optimizer moments, `buf.<component>.<buffer>` for buffers —
 * so composing components is merging their tensors, and a name used twice is an error.
 */
import type { Optimizer } from '../nn/optim.js';
import type { TensorRecord } from '../nn/serialize.js';

export type Tensors = Record<string, TensorRecord>;

export interface ComponentState<M> {
  meta: M;
  tensors: Tensors;
}

/** Anything of the agent that learns or remembers: it saves itself and restores itself. */
export interface Stateful<M> {
  saveState(): ComponentState<M>;
  loadState(s: ComponentState<M>): void;
}

/** Add `part` to `into`; a tensor name already there is a bug in the components' naming. */
export function mergeTensors(into: Tensors, part: Tensors): Tensors {
  for (const [k, t] of Object.entries(part)) {
    if (k in into) throw new Error(`two components save a tensor named '${k}'`);
    into[k] = t;
  }
  return into;
}

export type Buffer = Float32Array | Int32Array | Uint8Array;

/** A copy of a buffer: f32 as f32, integer buffers as f64 (exact for every value they hold). */
export function bufferTensor(b: Buffer): TensorRecord {
  return b instanceof Float32Array
    ? { dtype: 'f32', shape: [b.length], data: b.slice() }
    : { dtype: 'f64', shape: [b.length], data: Float64Array.from(b) };
}

/** Copy the tensor `buf.<name>` back into the buffer; it must be there with the buffer's length. */
export function readBuffer(tensors: Tensors, name: string, b: Buffer): void {
  const t = tensors[`buf.${name}`];
  if (!t || t.data.length !== b.length)
    throw new Error(`checkpoint buffer '${name}' is missing or has the wrong size`);
  for (let i = 0; i < b.length; i++) b[i] = t.data[i]!;
}

/** An optimizer's moments as `opt.<name>.<moment>` tensors into `into`; returns its step count. */
export function saveOptimizer(name: string, opt: Optimizer, into: Tensors): number {
  const st = opt.state();
  for (const [n, t] of Object.entries(st.tensors)) into[`opt.${name}.${n}`] = t;
  return st.step;
}

/** Restore an optimizer from its `opt.<name>.` tensors and its step count. */
export function loadOptimizer(name: string, opt: Optimizer, tensors: Tensors, step: number): void {
  const own: Tensors = {};
  const pre = `opt.${name}.`;
  for (const [n, t] of Object.entries(tensors)) if (n.startsWith(pre)) own[n.slice(pre.length)] = t;
  opt.loadState({ step, tensors: own });
}
