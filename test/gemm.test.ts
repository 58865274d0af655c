// The two gemm kernels (pure TypeScript and OpenBLAS) against a float64 reference and each other, and
// one LSTM gradient computed under each kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemmKernel, setGemmKernel, tsGemm, type GemmKernel, type Vec } from '../src/math/gemm.js';
import { loadBlas, blasLoadError, blasThreadPolicy } from '../src/node/blas.js';
import { Rng } from '../src/math/rng.js';
import { makeParam } from '../src/nn/param.js';
import { gradCheck } from '../src/nn/gradcheck.js';
import { LSTM } from '../src/nn/lstm.js';

function requireBlas(): GemmKernel {
  const b = loadBlas();
  // CI installs libopenblas0-openmp; a missing library is a broken environment, not a reason to skip.
  assert.ok(b, `OpenBLAS kernel failed to load: ${blasLoadError()}`);
  return b.kernel;
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
  off: number;
}

/**
 * Runs one case with every matrix embedded at an offset inside a larger buffer and a leading dimension
 * padded by `pad`, so the kernels must honour lda/ldb/ldc and the view start. Returns the worst error of
 * each kernel against a float64 reference, scaled by Σ|terms| of each entry (the natural size of the
 * rounding error), and checks the padding of C is untouched.
 */
function runCase(kernels: GemmKernel[], dtype: 'f32' | 'f64', c: Case, rng: Rng): number[] {
  const { M, N, K, tA, tB, alpha, beta, pad, off } = c;
  const Arows = tA ? K : M,
    Acols = tA ? M : K,
    lda = Acols + pad;
  const Brows = tB ? N : K,
    Bcols = tB ? K : N,
    ldb = Bcols + pad;
  const ldc = N + pad;
  const mk = (n: number): Vec => (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));
  const Abuf = mk(off + Arows * lda),
    Bbuf = mk(off + Brows * ldb),
    C0 = mk(off + M * ldc);
  for (const buf of [Abuf, Bbuf, C0]) for (let i = 0; i < buf.length; i++) buf[i] = rng.range(-1, 1);
  const a = (i: number, k: number) => Abuf[off + (tA ? k * lda + i : i * lda + k)]!;
  const b = (k: number, j: number) => Bbuf[off + (tB ? j * ldb + k : k * ldb + j)]!;
  const errs: number[] = [];
  const outs: Vec[] = [];
  for (const kern of kernels) {
    const Cbuf = C0.slice();
    kern.gemm(
      tA,
      tB,
      M,
      N,
      K,
      alpha,
      Abuf.subarray(off),
      lda,
      Bbuf.subarray(off),
      ldb,
      beta,
      Cbuf.subarray(off),
      ldc,
    );
    let worst = 0;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < ldc; j++) {
        const idx = off + i * ldc + j;
        if (j >= N) {
          assert.equal(Cbuf[idx], C0[idx], `${kern.name} wrote into C's padding`);
          continue;
        }
        let s = 0,
          mag = 0;
        for (let k = 0; k < K; k++) {
          const p = a(i, k) * b(k, j);
          s += p;
          mag += Math.abs(p);
        }
        const ref = alpha * s + beta * C0[idx]!;
        const scale = Math.max(Math.abs(alpha) * mag + Math.abs(beta * C0[idx]!), 1e-30);
        worst = Math.max(worst, Math.abs(Cbuf[idx]! - ref) / scale);
      }
    }
    for (let i = 0; i < off; i++) assert.equal(Cbuf[i], C0[i], `${kern.name} wrote before C's view`);
    errs.push(worst);
    outs.push(Cbuf);
  }
  // Kernel against kernel, same scale-free measure relative to the larger magnitude.
  if (outs.length === 2) {
    let worst = 0;
    for (let i = 0; i < outs[0]!.length; i++) {
      const x = outs[0]![i]!,
        y = outs[1]![i]!;
      const d = Math.abs(x - y);
      if (d > 0) worst = Math.max(worst, d / Math.max(Math.abs(x), Math.abs(y), 1));
    }
    errs.push(worst);
  }
  return errs;
}

test('ts and OpenBLAS gemm agree on all transpose combinations, both dtypes, odd shapes, offset views', () => {
  const blas = requireBlas();
  const rng = new Rng(99);
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 13, 5],
    [64, 33, 17],
    [3, 1, 9],
    [1, 40, 2],
  ];
  let cases = 0;
  for (const dtype of ['f32', 'f64'] as const) {
    for (const [M, N, K] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          for (const [alpha, beta, pad, off] of [
            [1, 0, 0, 0],
            [0.7, -1.3, 3, 5],
            [-2, 1, 1, 2],
            [1.5, 0.25, 0, 7],
          ] as const) {
            const c: Case = { M, N, K, tA, tB, alpha, beta, pad, off };
            const [eTs, eBlas, eBoth] = runCase([tsGemm, blas], dtype, c, rng);
            const tol = 1e-5;
            const label = `${dtype} ${M}×${N}×${K} tA=${tA} tB=${tB} α=${alpha} β=${beta} pad=${pad} off=${off}`;
            assert.ok(eTs! < tol, `ts vs reference ${eTs} (${label})`);
            assert.ok(eBlas! < tol, `blas vs reference ${eBlas} (${label})`);
            assert.ok(eBoth! < tol, `ts vs blas ${eBoth} (${label})`);
            if (dtype === 'f64')
              assert.ok(eTs! < 1e-13 && eBlas! < 1e-13, `f64 should be near exact (${label})`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, 2 * shapes.length * 4 * 4);
});

test('ts kernel handles K = 0 and alpha = 0 (C = beta·C)', () => {
  const C = new Float64Array([1, 2, 3, 4]);
  tsGemm.gemm(false, false, 2, 2, 0, 1, new Float64Array(0), 1, new Float64Array(0), 2, 0.5, C, 2);
  assert.deepEqual([...C], [0.5, 1, 1.5, 2]);
  tsGemm.gemm(false, false, 2, 2, 1, 0, new Float64Array([1, 1]), 1, new Float64Array([1, 1]), 2, 0, C, 2);
  assert.deepEqual([...C], [0, 0, 0, 0]);
});

test('LSTM gradient check under each kernel; the two gradients agree to 1e-10', () => {
  const blas = requireBlas();
  const prev = gemmKernel();
  const grads: Float64Array[][] = [];
  try {
    for (const kern of [tsGemm, blas]) {
      setGemmKernel(kern);
      const rng = new Rng(1234);
      const I = 3,
        H = 5,
        B = 2,
        T = 20;
      const lstm = new LSTM('lstm', I, H, { dtype: 'f64', rng, maxSteps: T, maxBatch: B });
      const X = makeParam('x', [T, B, I], 'f64');
      for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
      const W = new Float64Array(T * B * H);
      for (let i = 0; i < W.length; i++) W[i] = rng.normal();
      const loss = () => {
        const Hs = lstm.forwardSeq(X.data, T, B);
        let s = 0;
        for (let i = 0; i < W.length; i++) s += W[i]! * Hs[i]!;
        return s;
      };
      const r = gradCheck({
        params: [...lstm.params(), X],
        loss,
        analytic: () => {
          loss();
          lstm.backward(W, null, null, X.grad);
        },
      });
      console.log(
        `# gradcheck LSTM under ${kern.name}: maxRelError=${r.maxRelError.toExponential(2)} checked=${r.checked}`,
      );
      assert.ok(r.maxRelError < 1e-4, `${kern.name}: ${r.maxRelError}`);
      grads.push(r.analytic);
    }
  } finally {
    setGemmKernel(prev);
  }
  let worst = 0;
  grads[0]!.forEach((g, k) => {
    for (let i = 0; i < g.length; i++)
      worst = Math.max(worst, Math.abs(g[i]! - grads[1]![k]![i]!) / Math.max(1, Math.abs(g[i]!)));
  });
  console.log(`# ts vs blas LSTM gradient max difference ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-10, `ts and blas LSTM gradients differ by ${worst}`);
});

test('OpenBLAS size-based threading: products above the threshold are bit-identical run after run and match ts', () => {
  const blas = requireBlas();
  const { cap, minMnk } = blasThreadPolicy();
  assert.ok(cap >= 1 && minMnk >= 0);
  const rng = new Rng(7);
  const M = 256,
    N = 272,
    K = 256; // M·N·K ≈ 1.8e7: above the default threshold
  const A = new Float32Array(M * K),
    B = new Float32Array(K * N);
  for (const a of [A, B]) for (let i = 0; i < a.length; i++) a[i] = rng.range(-1, 1);
  const small = new Float32Array(9).fill(0.5),
    smallC = new Float32Array(9);
  const run = (k: GemmKernel): Float32Array => {
    const C = new Float32Array(M * N);
    k.gemm(false, false, M, N, K, 1, A, K, B, N, 0, C, N);
    // A small product in between switches the thread count down and back up.
    k.gemm(false, false, 3, 3, 3, 1, small, 3, small, 3, 0, smallC, 3);
    return C;
  };
  const a = run(blas),
    b = run(blas),
    ref = run(tsGemm);
  assert.ok(
    Buffer.from(a.buffer).equals(Buffer.from(b.buffer)),
    'blas results differ between identical calls',
  );
  for (let i = 0; i < a.length; i++)
    assert.ok(
      Math.abs(a[i]! - ref[i]!) <= 1e-5 * Math.max(1, Math.abs(ref[i]!)),
      `entry ${i}: ${a[i]} vs ${ref[i]}`,
    );
});
