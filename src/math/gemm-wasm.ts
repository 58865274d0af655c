/**
 * A portable SIMD gemm kernel: WebAssembly with 128-bit SIMD (four f32 lanes), built from the bytes
 * below at start-up — no toolchain, no native code, the same module in Node and in a browser.
 *
 * Why: the pure-TypeScript kernel computes every product one f64 lane at a time (a Float32Array element
 * is widened on load and rounded on store), about 1 GFLOP/s on the LSTM's shapes (8×192×48), where the
 * meta-RL runs spend most of their time. Here C is computed in blocks (2 rows × 16 columns or 4 × 8, see
 * BLOCKINGS) whose eight four-lane sums stay in registers across the whole k loop.
 *
 * Operands are copied into the module's memory (row-major, transposed on the way in when asked, columns
 * padded to the blocking's width), the product P = op(A)·op(B) — or Pᵀ, when that packs more cheaply — is
 * formed there, and C = alpha·P + beta·C is written back in TypeScript. Each element of P is one f32 sum over k = 0…K−1 in
 * order, so the numbers do not depend on the blocking, only on this summation order (which differs from
 * the pure-TS kernel's and OpenBLAS's: each kernel has its own last bits). f64 operands fall back to
 * the pure-TS kernel.
 */
import { type GemmKernel, tsGemm } from './gemm.js';

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// Opcodes used by the body (core and SIMD proposal, now standard).
const BLOCK = 0x02,
  LOOP = 0x03,
  END = 0x0b,
  BR = 0x0c,
  BR_IF = 0x0d,
  VOID = 0x40,
  GET = 0x20,
  SET = 0x21,
  I32_CONST = 0x41,
  I32_GE_U = 0x4f,
  I32_ADD = 0x6a,
  I32_MUL = 0x6c,
  F32_LOAD = 0x2a,
  I32 = 0x7f,
  V128 = 0x7b,
  SIMD = 0xfd;
const v128Load = (offset: number) => [SIMD, 0x00, 4, ...uleb(offset)];
const v128Store = (offset: number) => [SIMD, 0x0b, 4, ...uleb(offset)];
const v128Zero = [SIMD, 0x0c, ...new Array<number>(16).fill(0)];
const f32x4Splat = [SIMD, 0x13];
const f32x4Add = [SIMD, ...uleb(0xe4)];
const f32x4Mul = [SIMD, ...uleb(0xe6)];
const i32 = (v: number) => [I32_CONST, ...uleb(v)]; // small non-negative constants only (< 64)

/** The blockings compiled: rows of A per block × four-lane vectors of columns per block (8 sums each). */
export const BLOCKINGS = [
  { rows: 2, vecs: 4 },
  { rows: 4, vecs: 2 },
] as const;

/**
 * One exported function per blocking, f(M, N, K, a, b, c): P[M×N] = A[M×K]·B[K×N], row-major at byte
 * offsets a, b, c of memory 0; M a multiple of `rows`, N a multiple of 4·`vecs`, K ≥ 1. Each block
 * keeps its rows·vecs four-lane sums in locals (registers) for the whole k loop.
 */
function functionBody(RB: number, VB: number): number[] {
  // Locals: params 0–5; i32 i, j, k, pb, pc, rowB (N·4), rowA (K·4), pa[RB]; v128 acc[RB·VB], va[RB], vb.
  const [M, N, K, A, B, C] = [0, 1, 2, 3, 4, 5];
  const [i, j, k, pb, pc, rowB, rowA] = [6, 7, 8, 9, 10, 11, 12];
  const pa = (r: number) => 13 + r;
  const nI32 = 7 + RB;
  const acc = (r: number, q: number) => 6 + nI32 + r * VB + q;
  const va = (r: number) => 6 + nI32 + RB * VB + r;
  const vb = 6 + nI32 + RB * VB + RB;
  const nV128 = RB * VB + RB + 1;
  const body: number[] = [];
  const e = (...xs: (number | number[])[]) => {
    for (const x of xs)
      if (typeof x === 'number') body.push(x);
      else body.push(...x);
  };
  const SHL = 0x74;
  e(GET, N, i32(2), SHL, SET, rowB);
  e(GET, K, i32(2), SHL, SET, rowA);
  e(i32(0), SET, i);
  e(BLOCK, VOID, LOOP, VOID); // blocks of RB rows
  e(GET, i, GET, M, I32_GE_U, BR_IF, 1);
  e(i32(0), SET, j);
  e(BLOCK, VOID, LOOP, VOID); // blocks of 4·VB columns
  e(GET, j, GET, N, I32_GE_U, BR_IF, 1);
  for (let r = 0; r < RB; r++) for (let q = 0; q < VB; q++) e(v128Zero, SET, acc(r, q));
  // pa[r] = A + (i + r)·rowA; pb = B + j·4
  e(GET, A, GET, i, GET, rowA, I32_MUL, I32_ADD, SET, pa(0));
  for (let r = 1; r < RB; r++) e(GET, pa(r - 1), GET, rowA, I32_ADD, SET, pa(r));
  e(GET, B, GET, j, i32(2), SHL, I32_ADD, SET, pb);
  e(i32(0), SET, k);
  e(BLOCK, VOID, LOOP, VOID); // k, in order: every element's sum runs k = 0, 1, …, K−1
  e(GET, k, GET, K, I32_GE_U, BR_IF, 1);
  for (let r = 0; r < RB; r++) e(GET, pa(r), F32_LOAD, 2, 0, f32x4Splat, SET, va(r));
  for (let q = 0; q < VB; q++) {
    // Each four columns of B's row k are loaded once and used for every row of the block.
    e(GET, pb, v128Load(16 * q), SET, vb);
    for (let r = 0; r < RB; r++) e(GET, acc(r, q), GET, va(r), GET, vb, f32x4Mul, f32x4Add, SET, acc(r, q));
  }
  for (let r = 0; r < RB; r++) e(GET, pa(r), i32(4), I32_ADD, SET, pa(r));
  e(GET, pb, GET, rowB, I32_ADD, SET, pb);
  e(GET, k, i32(1), I32_ADD, SET, k);
  e(BR, 0, END, END);
  // pc = C + i·rowB + j·4, then one row further per r
  e(GET, C, GET, i, GET, rowB, I32_MUL, I32_ADD, GET, j, i32(2), SHL, I32_ADD, SET, pc);
  for (let r = 0; r < RB; r++) {
    if (r > 0) e(GET, pc, GET, rowB, I32_ADD, SET, pc);
    for (let q = 0; q < VB; q++) e(GET, pc, GET, acc(r, q), v128Store(16 * q));
  }
  e(GET, j, i32(4 * VB), I32_ADD, SET, j);
  e(BR, 0, END, END);
  e(GET, i, i32(RB), I32_ADD, SET, i);
  e(BR, 0, END, END);
  e(END);
  return [2, ...uleb(nI32), I32, ...uleb(nV128), V128, ...body];
}

function moduleBytes(): Uint8Array {
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const fns = BLOCKINGS.map((b) => functionBody(b.rows, b.vecs));
  const exports = [
    ...BLOCKINGS.flatMap((b, f) => [...name(`gemm${b.rows}x${4 * b.vecs}`), 0x00, f]),
    ...name('mem'),
    0x02,
    0,
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [fns.length, ...fns.map(() => 0)]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [BLOCKINGS.length + 1, ...exports]),
    ...section(10, [fns.length, ...fns.flatMap((f) => [...uleb(f.length), ...f])]),
  ];
  return new Uint8Array(bytes);
}

/** The little of the WebAssembly JS API used here (the core's compile settings include no DOM or Node types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly:
  | {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { readonly exports: unknown };
    }
  | undefined;

interface Compiled {
  readonly memory: WasmMemory;
  /** One function per entry of BLOCKINGS. */
  readonly run: readonly ((M: number, N: number, K: number, a: number, b: number, c: number) => void)[];
}

let compiled: Compiled | null | undefined;

/** The compiled module, or null where WebAssembly or its SIMD is missing (then the pure-TS kernel runs). */
function compile(): Compiled | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly !== 'object' || WebAssembly === undefined) return null;
  try {
    // Synchronous compilation: the module is a few hundred bytes, below every engine's limit for it.
    const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {});
    const ex = inst.exports as Record<string, unknown>;
    compiled = {
      memory: ex['mem'] as WasmMemory,
      run: BLOCKINGS.map((b) => ex[`gemm${b.rows}x${4 * b.vecs}`] as Compiled['run'][number]),
    };
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether this engine can run the SIMD kernel. */
export function wasmSimdAvailable(): boolean {
  return compile() !== null;
}

const up = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * B's first n elements as a Float32Array view, made once per (array, n) and then reused: layers pass
 * the same preallocated views on every step, so the per-step loop does not allocate.
 */
const prefixes = new WeakMap<Float32Array, Float32Array>();
function prefix(B: Float32Array, n: number): Float32Array {
  if (B.length === n) return B;
  let v = prefixes.get(B);
  if (v === undefined || v.length !== n) {
    v = B.subarray(0, n);
    prefixes.set(B, v);
  }
  return v;
}

/**
 * Copy an R×K matrix into h at d, row-major with K columns. Element (r, k) of the source is S[r·ld + k]
 * when `rows` (one contiguous block when ld = K) and S[k·ld + r] otherwise.
 */
function packX(
  h: Float32Array,
  d: number,
  S: Float32Array,
  ld: number,
  rows: boolean,
  R: number,
  K: number,
): void {
  if (rows && ld === K) h.set(prefix(S, R * K), d);
  else if (rows)
    for (let r = 0; r < R; r++) {
      const s = r * ld,
        o = d + r * K;
      for (let k = 0; k < K; k++) h[o + k] = S[s + k]!;
    }
  else
    for (let k = 0; k < K; k++) {
      const s = k * ld;
      for (let r = 0; r < R; r++) h[d + r * K + k] = S[s + r]!;
    }
}

/**
 * Copy a K×n matrix into h at d, row-major with np ≥ n columns (the extra ones zero). Element (k, c) of
 * the source is S[k·ld + c] when `kRows` and S[c·ld + k] otherwise.
 */
function packY(
  h: Float32Array,
  d: number,
  S: Float32Array,
  ld: number,
  kRows: boolean,
  K: number,
  n: number,
  np: number,
): void {
  if (kRows && ld === n && np === n) h.set(prefix(S, K * n), d);
  else if (kRows)
    for (let k = 0; k < K; k++) {
      const s = k * ld,
        o = d + k * np;
      for (let c = 0; c < n; c++) h[o + c] = S[s + c]!;
    }
  else
    for (let c = 0; c < n; c++) {
      const s = c * ld;
      for (let k = 0; k < K; k++) h[d + k * np + c] = S[s + k]!;
    }
  if (np > n)
    for (let k = 0; k < K; k++) {
      const o = d + k * np;
      for (let c = n; c < np; c++) h[o + c] = 0;
    }
}

// Rough costs in ns, measured on the LSTM's shapes: a multiply-add inside the module, an element copied
// by a loop, an element copied by memcpy. They only choose between two ways of forming the same sums.
const MAC_NS = 0.06,
  LOOP_NS = 1,
  COPY_NS = 0.1;

/** Estimated ns for an R×K by K×n product with blocking b, counting padding and how each operand is copied. */
function cost(b: number, R: number, n: number, K: number, xBlock: boolean, yBlock: boolean): number {
  const { rows, vecs } = BLOCKINGS[b]!;
  return (
    MAC_NS * up(R, rows) * up(n, 4 * vecs) * K +
    R * K * (xBlock ? COPY_NS : LOOP_NS) +
    K * n * (yBlock && n % (4 * vecs) === 0 ? COPY_NS : LOOP_NS)
  );
}

function makeKernel(w: Compiled): GemmKernel {
  let heap = new Float32Array(w.memory.buffer);
  return {
    name: 'wasm',
    gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
      if (
        alpha === 0 ||
        K === 0 ||
        M === 0 ||
        N === 0 ||
        !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)
      ) {
        tsGemm.gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
      }
      // Two ways to the same numbers: P = op(A)·op(B) (M×N), or Pᵀ = op(B)ᵀ·op(A)ᵀ (N×M). Each element
      // is the same f32 sum over k in the same order either way (a product of two floats does not
      // depend on their order), so the choice of side and blocking is by cost alone: padding to the
      // blocking's rows and columns, and whether an operand can be copied in one block.
      const xA = !transA && lda === K,
        yB = !transB && ldb === N,
        xB = transB && ldb === K,
        yA = transA && lda === M;
      let best = Infinity,
        swap = false,
        f = 0;
      for (let b = 0; b < BLOCKINGS.length; b++) {
        const d = cost(b, M, N, K, xA, yB),
          t = cost(b, N, M, K, xB, yA);
        if (d < best) {
          best = d;
          swap = false;
          f = b;
        }
        if (t < best) {
          best = t;
          swap = true;
          f = b;
        }
      }
      const { rows, vecs } = BLOCKINGS[f]!;
      const R = swap ? N : M,
        n = swap ? M : N;
      const Rp = up(R, rows),
        np = up(n, 4 * vecs);
      // Float offsets, each a multiple of 16 floats (64 bytes), so every row of Y and P is 16-byte aligned.
      const x0 = 0,
        y0 = up(Rp * K, 16),
        p0 = y0 + up(K * np, 16),
        end = p0 + Rp * np;
      if (end > heap.length) {
        // Grows only when a larger product than any before arrives (a handful of times per process).
        w.memory.grow(Math.ceil((end * 4 - w.memory.buffer.byteLength) / 65536));
        heap = new Float32Array(w.memory.buffer);
      }
      const h = heap;
      if (!swap) {
        packX(h, x0, A, lda, !transA, M, K);
        packY(h, y0, B, ldb, !transB, K, N, np);
      } else {
        packX(h, x0, B, ldb, transB, N, K);
        packY(h, y0, A, lda, transA, K, M, np);
      }
      if (Rp > R) h.fill(0, x0 + R * K, x0 + Rp * K);
      w.run[f]!(Rp, np, K, x0 * 4, y0 * 4, p0 * 4);
      // P[i, j] is at p0 + i·np + j, or at p0 + j·np + i when swapped.
      const si = swap ? 1 : np,
        sj = swap ? np : 1;
      for (let i = 0; i < M; i++) {
        const s = p0 + i * si,
          d = i * ldc;
        if (beta === 0) for (let j = 0; j < N; j++) C[d + j] = alpha * h[s + j * sj]!;
        else if (beta === 1) for (let j = 0; j < N; j++) C[d + j]! += alpha * h[s + j * sj]!;
        else for (let j = 0; j < N; j++) C[d + j] = beta * C[d + j]! + alpha * h[s + j * sj]!;
      }
    },
  };
}

let kernel: GemmKernel | null | undefined;

/** The WebAssembly SIMD kernel, or null where the engine lacks WebAssembly SIMD. */
export function wasmGemm(): GemmKernel | null {
  if (kernel === undefined) {
    const w = compile();
    kernel = w ? makeKernel(w) : null;
  }
  return kernel;
}
