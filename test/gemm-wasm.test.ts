// The WebAssembly SIMD gemm kernel: its numbers are exactly the documented ones (each entry one f32 sum
// over k in order, then alpha and beta applied in f64 and rounded once), whatever the shape, the leading
// dimensions and the way the kernel chose to pack; it agrees with the pure-TS kernel; it grows its memory
// for large products; and STEERED_GEMM=wasm selects it for a whole run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCKINGS, wasmGemm, wasmSimdAvailable } from '../src/math/gemm-wasm.js';
import { tsGemm, type GemmKernel } from '../src/math/gemm.js';
import { Rng } from '../src/math/rng.js';
import { lastLine, steered } from '../test-support/cli.js';

function kernel(): GemmKernel {
  // Node 20's V8 has WebAssembly SIMD; its absence would be a broken engine here, not a reason to skip.
  assert.ok(wasmSimdAvailable(), 'WebAssembly SIMD is not available');
  return wasmGemm()!;
}

interface Case {
  M: number;
  N: number;
  K: number;
  tA: boolean;
  tB: boolean;
  alpha: number;
  beta: number;
  pad: number;
}

/** A, B, C of one case (f32, leading dimensions padded by `pad`) and the exact expected C. */
function makeCase(c: Case, rng: Rng) {
  const { M, N, K, tA, tB, alpha, beta, pad } = c;
  const lda = (tA ? M : K) + pad,
    ldb = (tB ? K : N) + pad,
    ldc = N + pad;
  const A = new Float32Array((tA ? K : M) * lda),
    B = new Float32Array((tB ? N : K) * ldb),
    C = new Float32Array(M * ldc);
  for (const x of [A, B, C]) for (let i = 0; i < x.length; i++) x[i] = rng.range(-1, 1);
  const want = C.slice();
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = A[tA ? k * lda + i : i * lda + k]!,
          b = B[tB ? j * ldb + k : k * ldb + j]!;
        s = Math.fround(s + Math.fround(a * b));
      }
      const d = i * ldc + j;
      want[d] = beta === 0 ? alpha * s : beta === 1 ? want[d]! + alpha * s : beta * want[d]! + alpha * s;
    }
  return { A, B, C, lda, ldb, ldc, want };
}

test('wasm gemm gives exactly the in-order f32 sums, every transpose, odd and blocked shapes, padded views', () => {
  const w = kernel();
  const rng = new Rng(2026);
  // Shapes around the blockings' edges (2×16 and 4×8 blocks), one-row and one-column products, and
  // the meta-RL LSTM's shapes, where the kernel packs in one block and may swap the product's sides.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 13, 5],
    [3, 1, 9],
    [1, 40, 2],
    [2, 16, 1],
    [4, 8, 30],
    [5, 17, 3],
    [16, 16, 16],
    [8, 192, 48],
    [8, 48, 192],
    [48, 192, 8],
    [1, 192, 48],
  ];
  let cases = 0;
  for (const [M, N, K] of shapes)
    for (const tA of [false, true])
      for (const tB of [false, true])
        for (const [alpha, beta, pad] of [
          [1, 0, 0],
          [0.7, -1.3, 3],
          [-2, 1, 1],
          [1, 1, 0],
        ] as const) {
          const c = { M, N, K, tA, tB, alpha, beta, pad };
          const { A, B, C, lda, ldb, ldc, want } = makeCase(c, rng);
          w.gemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
          for (let i = 0; i < C.length; i++)
            assert.equal(C[i], want[i], `entry ${i} of ${JSON.stringify(c)}: ${C[i]} vs ${want[i]}`);
          cases++;
        }
  assert.equal(cases, shapes.length * 16);
  assert.ok(BLOCKINGS.length >= 2);
});

test('wasm gemm agrees with the pure-TS kernel to f32 rounding, and falls back to it for f64', () => {
  const w = kernel();
  const rng = new Rng(5);
  for (const [M, N, K] of [
    [33, 65, 129],
    [8, 192, 48],
  ] as const) {
    const A = Float32Array.from({ length: M * K }, () => rng.range(-1, 1)),
      B = Float32Array.from({ length: K * N }, () => rng.range(-1, 1));
    const Cw = new Float32Array(M * N),
      Ct = new Float32Array(M * N);
    w.gemm(false, false, M, N, K, 1, A, K, B, N, 0, Cw, N);
    tsGemm.gemm(false, false, M, N, K, 1, A, K, B, N, 0, Ct, N);
    for (let i = 0; i < Cw.length; i++)
      assert.ok(Math.abs(Cw[i]! - Ct[i]!) <= 1e-5 * Math.max(1, Math.abs(Ct[i]!)));
  }
  const A = Float64Array.from({ length: 12 }, () => rng.normal()),
    B = Float64Array.from({ length: 12 }, () => rng.normal());
  const Cw = new Float64Array(9),
    Ct = new Float64Array(9);
  w.gemm(false, false, 3, 3, 4, 1, A, 4, B, 3, 0, Cw, 3);
  tsGemm.gemm(false, false, 3, 3, 4, 1, A, 4, B, 3, 0, Ct, 3);
  assert.deepEqual([...Cw], [...Ct]);
});

test('wasm gemm: K = 0 and alpha = 0 give beta·C; a product larger than any before grows the memory', () => {
  const w = kernel();
  const C = new Float32Array([1, 2, 3, 4]);
  w.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, C, 2);
  assert.deepEqual([...C], [0.5, 1, 1.5, 2]);
  w.gemm(false, false, 2, 2, 1, 0, new Float32Array([1, 1]), 1, new Float32Array([1, 1]), 2, 0, C, 2);
  assert.deepEqual([...C], [0, 0, 0, 0]);
  const rng = new Rng(11);
  for (const c of [
    { M: 3, N: 5, K: 2, tA: false, tB: false, alpha: 1, beta: 0, pad: 0 },
    { M: 300, N: 260, K: 170, tA: true, tB: false, alpha: 1, beta: 0, pad: 2 },
    { M: 3, N: 5, K: 2, tA: false, tB: true, alpha: 1, beta: 1, pad: 0 },
  ]) {
    const { A, B, C, lda, ldb, ldc, want } = makeCase(c, rng);
    w.gemm(c.tA, c.tB, c.M, c.N, c.K, c.alpha, A, lda, B, ldb, c.beta, C, ldc);
    assert.ok(Buffer.from(C.buffer).equals(Buffer.from(want.buffer)), JSON.stringify(c));
  }
});

test('STEERED_GEMM=wasm runs a meta-RL run on the wasm kernel and records it; a bad kernel name is one line, exit 2', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-wasm-'));
  const args = [
    'run',
    'metarl/bandit-independent',
    '--seed',
    '3',
    '--set',
    'updates=20',
    '--set',
    'episodes=50',
  ];
  const r = steered([...args, '--json', '--quiet'], root, { STEERED_GEMM: 'wasm' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Number.isFinite((JSON.parse(lastLine(r.stdout)) as Record<string, number>)['regret_mean']));
  const runs = join(root, 'metarl__bandit-independent');
  const dir = join(runs, readdirSync(runs)[0]!);
  const snapshot = readFileSync(join(dir, 'config.json'), 'utf8');
  assert.match(snapshot, /"gemm":\s*"wasm"/);
  const bad = steered([...args, '--quiet'], root, { STEERED_GEMM: 'simd' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /STEERED_GEMM must be 'ts', 'wasm' or 'blas', got 'simd'/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
