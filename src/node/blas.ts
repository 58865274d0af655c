/**
 * OpenBLAS gemm kernel through koffi (Node-only edge code). Loads Debian's libopenblas0-openmp
 * (`cblas_sgemm` / `cblas_dgemm`); typed arrays are passed as raw pointers, no copies.
 *
 * Selection: STEERED_GEMM=ts forces the pure-TypeScript kernel, STEERED_GEMM=blas requires OpenBLAS
 * (an error if it cannot load), unset picks OpenBLAS when it loads. STEERED_BLAS_LIB overrides the
 * library path; STEERED_BLAS_THREADS sets OpenBLAS's thread count (default 1).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { type GemmKernel, type Vec, setGemmKernel, tsGemm } from '../math/gemm.js';

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  'libopenblas.so.0',
];

type Fn = (...args: unknown[]) => unknown;
let cached: { kernel: GemmKernel; setThreads: (n: number) => void; path: string } | null | undefined;
let loadError = '';

export function blasLoadError(): string {
  return loadError;
}

/** Load OpenBLAS once; null when it is not installed (the reason is in blasLoadError()). */
export function loadBlas(): { kernel: GemmKernel; setThreads: (n: number) => void; path: string } | null {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let koffi: any;
  try {
    koffi = require('koffi');
  } catch (e) {
    loadError = `koffi not available: ${(e as Error).message}`;
    return (cached = null);
  }
  const paths = process.env.STEERED_BLAS_LIB ? [process.env.STEERED_BLAS_LIB] : CANDIDATES;
  for (const p of paths) {
    if (p.startsWith('/') && !existsSync(p)) continue;
    try {
      const lib = koffi.load(p);
      const sgemm: Fn = lib.func('void cblas_sgemm(int, int, int, int, int, int, float, float *, int, float *, int, float, float *, int)');
      const dgemm: Fn = lib.func('void cblas_dgemm(int, int, int, int, int, int, double, double *, int, double *, int, double, double *, int)');
      let setThreads: (n: number) => void = () => {};
      try {
        const f: Fn = lib.func('void openblas_set_num_threads(int)');
        setThreads = (n) => void f(n);
      } catch { /* not OpenBLAS: thread count left to the library */ }
      const kernel: GemmKernel = {
        name: 'blas',
        gemm(transA, transB, M, N, K, alpha, A: Vec, lda, B: Vec, ldb, beta, C: Vec, ldc) {
          if (M === 0 || N === 0) return;
          const f = C instanceof Float32Array ? sgemm : dgemm;
          f(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        },
      };
      // One thread unless asked: our gemms are small (tens to hundreds of rows), where OpenMP's
      // fork/join and spin-waiting cost more than they save, and badly so when the cores are shared
      // (tests in parallel, worker threads). Benchmarks set the count explicitly.
      const t = Number(process.env.STEERED_BLAS_THREADS ?? 1);
      setThreads(Number.isInteger(t) && t > 0 ? t : 1);
      return (cached = { kernel, setThreads, path: p });
    } catch (e) {
      loadError = `${p}: ${(e as Error).message}`;
    }
  }
  if (!loadError) loadError = 'libopenblas not found (apt-get install libopenblas0-openmp)';
  return (cached = null);
}

/** Install the kernel the environment asks for; returns its name. Throws on STEERED_GEMM=blas without BLAS. */
export function installGemmFromEnv(): 'ts' | 'blas' {
  const want = (process.env.STEERED_GEMM ?? '').toLowerCase();
  if (want !== '' && want !== 'ts' && want !== 'blas') {
    throw new Error(`STEERED_GEMM must be 'ts' or 'blas', got '${want}'`);
  }
  if (want === 'ts') {
    setGemmKernel(tsGemm);
    return 'ts';
  }
  const b = loadBlas();
  if (!b) {
    if (want === 'blas') throw new Error(`STEERED_GEMM=blas but OpenBLAS could not be loaded: ${loadError}`);
    setGemmKernel(tsGemm);
    return 'ts';
  }
  setGemmKernel(b.kernel);
  return 'blas';
}
