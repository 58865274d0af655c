/**
 * Spaces after Gymnasium 1.x: Discrete, Box, MultiDiscrete, Dict, Tuple, plus flatten helpers.
 *
 * Value representations (what `sample()` returns and `contains()` accepts):
 *   Discrete        → number (an integer in [start, start + n))
 *   Box 'f32'/'f64' → Float32Array / Float64Array of length prod(shape), row-major
 *   MultiDiscrete   → Int32Array, entry i in [start[i], start[i] + nvec[i])
 *   Dict            → plain object with exactly the space's keys
 *   Tuple           → array with one entry per subspace
 * `contains` is strict about containers (a number[] is not a Box value) so that the checker can tell an
 * environment author exactly which representation is wrong instead of silently accepting it.
 *
 * Seeding: every space owns an Rng. `seed(n)` reseeds it; `seed()` without an argument draws a seed from a
 * module-level Rng (fixed root), because all randomness must come from Rng and never from Math.random —
 * unseeded spaces are therefore reproducible across processes, which is what research code wants anyway.
 * Composite spaces derive their children's seeds from their own seed, so one `seed()` on a Dict fixes
 * every nested sampler.
 */
import type { Space } from './core.js';
import { Rng } from '../math/rng.js';

const unseededSource = new Rng(0x5eed5eed);

/** Type of the values a space holds. */
export type SpaceValue<S> = S extends Space<infer T> ? T : never;

export type BoxDtype = 'f32' | 'f64';
export type BoxArray<D extends BoxDtype> = D extends 'f32' ? Float32Array : Float64Array;

abstract class BaseSpace<T> implements Space<T> {
  abstract readonly kind: string;
  protected rng: Rng = new Rng(0);
  private seedUsed: number | undefined;

  seed(seed?: number): number {
    const s = seed ?? unseededSource.nextU32();
    if (!Number.isInteger(s))
      throw new RangeError(`${this.toString()}.seed(): seed must be an integer, got ${seed}`);
    this.seedUsed = s;
    this.rng = new Rng(s);
    this.onSeed(s);
    return s;
  }

  /** Seed given to the last `seed()` call, if any. */
  get lastSeed(): number | undefined {
    return this.seedUsed;
  }

  protected onSeed(_seed: number): void {}

  abstract sample(): T;
  abstract contains(x: unknown): x is T;
  abstract toString(): string;
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

export class Discrete extends BaseSpace<number> {
  readonly kind = 'Discrete';
  readonly n: number;
  readonly start: number;

  constructor(n: number, start: number = 0) {
    super();
    if (!isInt(n) || n < 1) throw new RangeError(`Discrete(n): n must be a positive integer, got ${n}`);
    if (!isInt(start)) throw new RangeError(`Discrete(n, start): start must be an integer, got ${start}`);
    this.n = n;
    this.start = start;
  }

  sample(): number {
    return this.start + this.rng.int(this.n);
  }

  contains(x: unknown): x is number {
    return isInt(x) && x >= this.start && x < this.start + this.n;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

function prod(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

function fmtBound(a: Float32Array | Float64Array): string {
  const first = a[0];
  if (a.length > 0 && a.every((v) => v === first)) return String(first);
  if (a.length <= 6) return `[${Array.from(a).join(', ')}]`;
  return `[${Array.from(a.subarray(0, 3)).join(', ')}, …]`;
}

export class Box<D extends BoxDtype = 'f32'> extends BaseSpace<BoxArray<D>> {
  readonly kind = 'Box';
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: D;
  /** Per-element bounds, flat row-major, in the space's dtype (so f32 bounds are what f32 values can hit). */
  readonly low: BoxArray<D>;
  readonly high: BoxArray<D>;

  /**
   * @param low,high scalars (broadcast) or flat arrays of length prod(shape); ±Infinity means unbounded.
   * @param shape omitted → inferred from an array bound, else [1].
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    dtype: D = 'f32' as D,
  ) {
    super();
    if (dtype !== 'f32' && dtype !== 'f64')
      throw new RangeError(`Box dtype must be 'f32' or 'f64', got ${String(dtype)}`);
    const inferred = typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : [1];
    const sh = shape ? [...shape] : inferred;
    if (sh.some((d) => !isInt(d) || d < 0))
      throw new RangeError(`Box shape must be non-negative integers, got [${sh.join(', ')}]`);
    this.shape = Object.freeze(sh);
    this.size = prod(sh);
    this.dtype = dtype;
    this.low = this.alloc();
    this.high = this.alloc();
    this.fillBound(this.low, low, 'low');
    this.fillBound(this.high, high, 'high');
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!,
        hi = this.high[i]!;
      if (Number.isNaN(lo) || Number.isNaN(hi))
        throw new RangeError(`Box bounds must not be NaN (index ${i})`);
      if (lo > hi) throw new RangeError(`Box low[${i}] = ${lo} > high[${i}] = ${hi}`);
    }
  }

  private alloc(): BoxArray<D> {
    return (this.dtype === 'f32' ? new Float32Array(this.size) : new Float64Array(this.size)) as BoxArray<D>;
  }

  private fillBound(dst: Float32Array | Float64Array, src: number | ArrayLike<number>, name: string): void {
    if (typeof src === 'number') {
      dst.fill(src);
      return;
    }
    if (src.length !== this.size) {
      throw new RangeError(
        `Box ${name} has ${src.length} entries but shape [${this.shape.join(', ')}] needs ${this.size}`,
      );
    }
    for (let i = 0; i < this.size; i++) dst[i] = src[i]!;
  }

  /** True when every element has finite low and high. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++)
      if (!Number.isFinite(this.low[i]!) || !Number.isFinite(this.high[i]!)) return false;
    return true;
  }

  /**
   * Like Gymnasium: uniform on bounded dimensions, shifted exponential on half-bounded ones, standard
   * normal on unbounded ones.
   */
  sample(): BoxArray<D> {
    const out = this.alloc();
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!,
        hi = this.high[i]!;
      const loF = Number.isFinite(lo),
        hiF = Number.isFinite(hi);
      let v: number;
      if (loF && hiF) v = lo === hi ? lo : this.rng.range(lo, hi);
      else if (loF) v = lo - Math.log(1 - this.rng.uniform());
      else if (hiF) v = hi + Math.log(1 - this.rng.uniform());
      else v = this.rng.normal();
      out[i] = v;
      // f32 rounding can land a hair outside the bounds; clamp so sample() always satisfies contains().
      if (out[i]! > hi) out[i] = hi;
      if (out[i]! < lo) out[i] = lo;
    }
    return out;
  }

  contains(x: unknown): x is BoxArray<D> {
    const ok = this.dtype === 'f32' ? x instanceof Float32Array : x instanceof Float64Array;
    if (!ok) return false;
    const a = x as Float32Array | Float64Array;
    if (a.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = a[i]!;
      // Written so NaN fails.
      if (!(v >= this.low[i]! && v <= this.high[i]!)) return false;
    }
    return true;
  }

  toString(): string {
    return `Box(${fmtBound(this.low)}, ${fmtBound(this.high)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }

  /** Why `x` is not in the space, or undefined if it is. Used by the checker for one-line messages. */
  explain(x: unknown): string | undefined {
    const want = this.dtype === 'f32' ? 'Float32Array' : 'Float64Array';
    if (!(x instanceof Float32Array || x instanceof Float64Array))
      return `expected a ${want}, got ${describe(x)}`;
    if ((this.dtype === 'f32') !== x instanceof Float32Array)
      return `expected a ${want}, got a ${x.constructor.name}`;
    if (x.length !== this.size) return `expected length ${this.size}, got ${x.length}`;
    for (let i = 0; i < this.size; i++) {
      const v = x[i]!;
      if (Number.isNaN(v)) return `element ${i} is NaN`;
      if (!(v >= this.low[i]! && v <= this.high[i]!))
        return `element ${i} = ${v} outside [${this.low[i]}, ${this.high[i]}]`;
    }
    return undefined;
  }
}

export class MultiDiscrete extends BaseSpace<Int32Array> {
  readonly kind = 'MultiDiscrete';
  readonly nvec: Int32Array;
  readonly start: Int32Array;

  constructor(nvec: ArrayLike<number>, start?: ArrayLike<number>) {
    super();
    if (nvec.length === 0) throw new RangeError('MultiDiscrete(nvec): nvec must not be empty');
    this.nvec = new Int32Array(nvec.length);
    this.start = new Int32Array(nvec.length);
    for (let i = 0; i < nvec.length; i++) {
      const n = nvec[i]!;
      if (!isInt(n) || n < 1)
        throw new RangeError(`MultiDiscrete nvec[${i}] must be a positive integer, got ${n}`);
      this.nvec[i] = n;
    }
    if (start) {
      if (start.length !== nvec.length)
        throw new RangeError(`MultiDiscrete start has ${start.length} entries, nvec has ${nvec.length}`);
      for (let i = 0; i < start.length; i++) {
        if (!isInt(start[i]))
          throw new RangeError(`MultiDiscrete start[${i}] must be an integer, got ${start[i]}`);
        this.start[i] = start[i]!;
      }
    }
  }

  sample(): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) out[i] = this.start[i]! + this.rng.int(this.nvec[i]!);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array) || x.length !== this.nvec.length) return false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! - this.start[i]!;
      if (v < 0 || v >= this.nvec[i]!) return false;
    }
    return true;
  }

  toString(): string {
    const hasStart = this.start.some((s) => s !== 0);
    return `MultiDiscrete([${Array.from(this.nvec).join(', ')}]${hasStart ? `, start=[${Array.from(this.start).join(', ')}]` : ''})`;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: composite spaces hold spaces of any element type
type AnySpace = Space<any>;
export type DictValue<S extends Record<string, AnySpace>> = { [K in keyof S]: SpaceValue<S[K]> };
export type TupleValue<S extends readonly AnySpace[]> = { -readonly [K in keyof S]: SpaceValue<S[K]> };

/**
 * Keys are sorted, as in Gymnasium when given a plain mapping, so that flatten() and toString() do not
 * depend on the order an environment author happened to write them in.
 */
export class Dict<S extends Record<string, AnySpace> = Record<string, AnySpace>> extends BaseSpace<
  DictValue<S>
> {
  readonly kind = 'Dict';
  readonly spaces: Readonly<S>;
  readonly keys: readonly (keyof S & string)[];

  constructor(spaces: S) {
    super();
    const keys = Object.keys(spaces).sort() as (keyof S & string)[];
    for (const k of keys) {
      if (!isSpace(spaces[k])) throw new TypeError(`Dict: entry "${k}" is not a Space`);
    }
    this.keys = Object.freeze(keys);
    this.spaces = Object.freeze({ ...spaces });
  }

  protected override onSeed(seed: number): void {
    // Children get seeds drawn from the parent's fresh stream: distinct per child, fixed by the parent seed.
    const r = new Rng(seed).fork('Dict');
    for (const k of this.keys) this.spaces[k].seed(r.nextU32());
  }

  sample(): DictValue<S> {
    const out = {} as Record<string, unknown>;
    for (const k of this.keys) out[k] = this.spaces[k].sample();
    return out as DictValue<S>;
  }

  contains(x: unknown): x is DictValue<S> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    const o = x as Record<string, unknown>;
    const ks = Object.keys(o);
    if (ks.length !== this.keys.length) return false;
    for (const k of this.keys) {
      if (!Object.hasOwn(o, k)) return false;
      if (!this.spaces[k].contains(o[k])) return false;
    }
    return true;
  }

  toString(): string {
    return `Dict(${this.keys.map((k) => `${k}: ${this.spaces[k].toString()}`).join(', ')})`;
  }
}

export class Tuple<S extends readonly AnySpace[] = readonly AnySpace[]> extends BaseSpace<TupleValue<S>> {
  readonly kind = 'Tuple';
  readonly spaces: S;

  constructor(spaces: S) {
    super();
    spaces.forEach((s, i) => {
      if (!isSpace(s)) throw new TypeError(`Tuple: entry ${i} is not a Space`);
    });
    this.spaces = Object.freeze([...spaces]) as unknown as S;
  }

  protected override onSeed(seed: number): void {
    const r = new Rng(seed).fork('Tuple');
    for (const s of this.spaces) s.seed(r.nextU32());
  }

  sample(): TupleValue<S> {
    return this.spaces.map((s) => s.sample()) as unknown as TupleValue<S>;
  }

  contains(x: unknown): x is TupleValue<S> {
    if (!Array.isArray(x) || x.length !== this.spaces.length) return false;
    return this.spaces.every((s, i) => s.contains(x[i]));
  }

  toString(): string {
    return `Tuple(${this.spaces.map((s) => s.toString()).join(', ')})`;
  }
}

export function isSpace(x: unknown): x is Space<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s.kind === 'string' &&
    typeof s.sample === 'function' &&
    typeof s.contains === 'function' &&
    typeof s.seed === 'function'
  );
}

/** Short description of an arbitrary value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x))
    return `a ${x.constructor.name} of length ${(x as unknown as ArrayLike<number>).length}`;
  if (typeof x === 'number') return `the number ${x}`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  if (typeof x === 'object') return `an object with keys {${Object.keys(x).slice(0, 6).join(', ')}}`;
  return `a ${typeof x}`;
}

// ---------------------------------------------------------------------------------------------------
// Flattening. Layout (same as gymnasium.spaces.utils): Discrete → one-hot of length n; Box → its elements
// row-major; MultiDiscrete → concatenated one-hots (length sum(nvec)); Dict → children in sorted-key order;
// Tuple → children in order.

export function flatDim(space: Space<unknown>): number {
  if (space instanceof Discrete) return space.n;
  if (space instanceof Box) return space.size;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof Dict) return space.keys.reduce((a, k) => a + flatDim(space.spaces[k]!), 0);
  if (space instanceof Tuple) return space.spaces.reduce((a: number, s: AnySpace) => a + flatDim(s), 0);
  throw new TypeError(`flatDim: cannot flatten space of kind ${space.kind} (${space.toString()})`);
}

/**
 * Write `x` flattened into `out` starting at `offset` (default: a new Float32Array of flatDim(space)).
 * Returns `out`. Throws if `x` is not in the space, because silently flattening garbage hides env bugs.
 */
export function flatten<A extends Float32Array | Float64Array = Float32Array>(
  space: Space<unknown>,
  x: unknown,
  out?: A,
  offset: number = 0,
): A {
  const dst = (out ?? new Float32Array(flatDim(space))) as A;
  if (!space.contains(x))
    throw new RangeError(`flatten: value (${describe(x)}) is not in ${space.toString()}`);
  if (offset + flatDim(space) > dst.length) {
    throw new RangeError(
      `flatten: output of length ${dst.length} too small for ${flatDim(space)} values at offset ${offset}`,
    );
  }
  writeFlat(space, x, dst, offset);
  return dst;
}

function writeFlat(space: Space<unknown>, x: unknown, out: Float32Array | Float64Array, off: number): number {
  if (space instanceof Discrete) {
    out.fill(0, off, off + space.n);
    out[off + (x as number) - space.start] = 1;
    return off + space.n;
  }
  if (space instanceof Box) {
    out.set(x as Float32Array | Float64Array, off);
    return off + space.size;
  }
  if (space instanceof MultiDiscrete) {
    const v = x as Int32Array;
    for (let i = 0; i < v.length; i++) {
      const n = space.nvec[i]!;
      out.fill(0, off, off + n);
      out[off + v[i]! - space.start[i]!] = 1;
      off += n;
    }
    return off;
  }
  if (space instanceof Dict) {
    const o = x as Record<string, unknown>;
    for (const k of space.keys) off = writeFlat(space.spaces[k]!, o[k], out, off);
    return off;
  }
  if (space instanceof Tuple) {
    const a = x as unknown[];
    space.spaces.forEach((s: AnySpace, i: number) => {
      off = writeFlat(s, a[i], out, off);
    });
    return off;
  }
  throw new TypeError(`flatten: cannot flatten space of kind ${space.kind}`);
}

/** Inverse of flatten (one-hots decode by argmax). */
export function unflatten(space: Space<unknown>, flat: ArrayLike<number>, offset: number = 0): unknown {
  return readFlat(space, flat, offset)[0];
}

function argmax(a: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[off + i]! > a[off + best]!) best = i;
  return best;
}

function readFlat(space: Space<unknown>, a: ArrayLike<number>, off: number): [unknown, number] {
  if (space instanceof Discrete) return [space.start + argmax(a, off, space.n), off + space.n];
  if (space instanceof Box) {
    const v = space.dtype === 'f32' ? new Float32Array(space.size) : new Float64Array(space.size);
    for (let i = 0; i < space.size; i++) v[i] = a[off + i]!;
    return [v, off + space.size];
  }
  if (space instanceof MultiDiscrete) {
    const v = new Int32Array(space.nvec.length);
    for (let i = 0; i < v.length; i++) {
      v[i] = space.start[i]! + argmax(a, off, space.nvec[i]!);
      off += space.nvec[i]!;
    }
    return [v, off];
  }
  if (space instanceof Dict) {
    const o: Record<string, unknown> = {};
    for (const k of space.keys) [o[k], off] = readFlat(space.spaces[k]!, a, off);
    return [o, off];
  }
  if (space instanceof Tuple) {
    const r: unknown[] = [];
    for (const s of space.spaces as readonly AnySpace[]) {
      let v: unknown;
      [v, off] = readFlat(s, a, off);
      r.push(v);
    }
    return [r, off];
  }
  throw new TypeError(`unflatten: cannot unflatten space of kind ${space.kind}`);
}

/** The Box that flatten() maps `space` into (one-hot parts bounded in [0, 1]). */
export function flattenSpace(space: Space<unknown>, dtype: BoxDtype = 'f32'): Box<BoxDtype> {
  const n = flatDim(space);
  const lo = new Float64Array(n),
    hi = new Float64Array(n);
  fillBounds(space, lo, hi, 0);
  return new Box(lo, hi, [n], dtype);
}

function fillBounds(space: Space<unknown>, lo: Float64Array, hi: Float64Array, off: number): number {
  if (space instanceof Box) {
    lo.set(space.low, off);
    hi.set(space.high, off);
    return off + space.size;
  }
  if (space instanceof Discrete || space instanceof MultiDiscrete) {
    const n = flatDim(space);
    hi.fill(1, off, off + n);
    return off + n;
  }
  if (space instanceof Dict) {
    for (const k of space.keys) off = fillBounds(space.spaces[k]!, lo, hi, off);
    return off;
  }
  if (space instanceof Tuple) {
    for (const s of space.spaces as readonly AnySpace[]) off = fillBounds(s, lo, hi, off);
    return off;
  }
  throw new TypeError(`flattenSpace: cannot flatten space of kind ${space.kind}`);
}
