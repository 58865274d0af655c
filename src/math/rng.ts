/**
 * Seeded, splittable random number generator.
 *
 * Algorithm: xoshiro128** 1.1 (Blackman & Vigna, 2018) for the stream, 32-bit state words so that
 * every operation stays in int32 arithmetic (fast in JS engines, no BigInt). Seeding and splitting use
 * SplitMix32 (the 32-bit finaliser of Steele, Lea & Flood 2014, constants of the murmur3 mixer
 * family): a seed expands into four well-mixed state words; `split()` draws four words from the parent
 * and passes them through the mixer to seed an independent child, advancing the parent. `fork(label)`
 * derives a child from the parent's *current* state and a label without advancing the parent, so that
 * named streams ("env", "init", "policy") stay stable when unrelated code draws more numbers.
 *
 * All randomness in the project flows from one root Rng. Its whole state is four uint32 words, which
 * checkpoints store (`state()` / `Rng.fromState`).
 */
export type RngState = readonly [number, number, number, number];

function splitmix32(x: number): number {
  // One SplitMix32 output for input x (already incremented by the golden-ratio constant by callers).
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function hashString(s: string): number {
  // FNV-1a 32-bit, then mixed: labels only need to be distinct, not secret.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h);
}

const GOLDEN = 0x9e3779b9;

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    // Fold the high part of seeds ≥ 2^32 in, so distinct integer seeds up to 2^53 give distinct streams.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = (lo ^ Math.imul(hi, 0x85ebca6b)) >>> 0;
    this.s0 = splitmix32((x = (x + GOLDEN) | 0));
    this.s1 = splitmix32((x = (x + GOLDEN) | 0));
    this.s2 = splitmix32((x = (x + GOLDEN) | 0));
    this.s3 = splitmix32((x = (x + GOLDEN) | 0));
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static fromState(st: RngState): Rng {
    if (
      !Array.isArray(st) ||
      st.length !== 4 ||
      st.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
    ) {
      throw new RangeError('Rng state must be four uint32 words');
    }
    if (st.every((w) => w === 0)) throw new RangeError('Rng state must not be all zero');
    const r = new Rng(0);
    r.s0 = st[0] >>> 0;
    r.s1 = st[1] >>> 0;
    r.s2 = st[2] >>> 0;
    r.s3 = st[3] >>> 0;
    return r;
  }

  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Next uniformly distributed uint32. */
  nextU32(): number {
    const s0 = this.s0,
      s1 = this.s1;
    let s2 = this.s2,
      s3 = this.s3;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5; // 27 bits
    const b = this.nextU32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), unbiased (rejection on the 32-bit draw). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n))
      throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let r = this.nextU32();
    while (r >= limit) r = this.nextU32();
    return r % n;
  }

  /** Standard normal (Box–Muller, no cached spare so that state() fully describes the stream). */
  normal(): number {
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Index drawn from unnormalised non-negative weights w[0..n). */
  categorical(w: ArrayLike<number>, n: number = w.length): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i]!;
    let u = this.uniform() * total;
    for (let i = 0; i < n; i++) {
      u -= w[i]!;
      if (u < 0) return i;
    }
    // Rounding left u ≥ 0 after the loop: return the last index with positive weight.
    for (let i = n - 1; i >= 0; i--) if (w[i]! > 0) return i;
    return n - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** Independent child stream; advances this generator by four draws. */
  split(): Rng {
    const r = new Rng(0);
    r.s0 = splitmix32((this.nextU32() + GOLDEN) | 0);
    r.s1 = splitmix32((this.nextU32() + 2 * GOLDEN) | 0);
    r.s2 = splitmix32((this.nextU32() + 3 * GOLDEN) | 0);
    r.s3 = splitmix32((this.nextU32() + 4 * GOLDEN) | 0);
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1;
    return r;
  }

  /** Named child stream derived from the current state and a label; does not advance this generator. */
  fork(label: string): Rng {
    const h = hashString(label);
    const r = new Rng(0);
    r.s0 = splitmix32((this.s0 ^ h) + GOLDEN);
    r.s1 = splitmix32((this.s1 ^ Math.imul(h, 3)) + 2 * GOLDEN);
    r.s2 = splitmix32((this.s2 ^ Math.imul(h, 5)) + 3 * GOLDEN);
    r.s3 = splitmix32((this.s3 ^ Math.imul(h, 7)) + 4 * GOLDEN);
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1;
    return r;
  }
}
