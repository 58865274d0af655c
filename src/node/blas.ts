/**
 * OpenBLAS gemm kernel through koffi (Node-only edge code). Loads Debian's libopenblas0-openmp
 * (`cblas_sgemm` / `cblas_dgemm`, and `cblas_?gemv` for products with one row or one column, where
 * OpenBLAS's gemm spends most of its time packing: 3–6× slower than gemv for 1×1024×256); typed arrays
 * are passed as raw pointers, no copies.
 *
 * Selection: STEERED_GEMM=ts forces the pure-TypeScript kernel, STEERED_GEMM=wasm the WebAssembly SIMD
 * kernel (src/math/gemm-wasm.ts), STEERED_GEMM=blas requires OpenBLAS
 * (an error if it cannot load), unset picks OpenBLAS when it loads. STEERED_BLAS_LIB overrides the
 * library path.
 *
 * Threads, chosen per call by size. A product with M·N·K below MT_MIN_MNK runs on one thread; a larger
 * one on up to `cap` threads (openblas_set_num_threads is called only when the wanted count differs from
 * the last one set; the call itself costs < 1 µs). Measured here (2-core EPYC, f32, other core mostly
 * free): two threads gain 1.7–1.9× from M·N·K ≈ 2e6 up (128³: 39 → 23 µs; 256×256×64: 76 → 45 µs;
 * 32×1024×256: 183 → 101 µs; 256³: 297 → 156 µs) but nothing at 2.6e5 (64³: 5.7 vs 5.8 µs), where
 * OpenMP's fork/join costs what the second core saves. With the other core busy (other training runs
 * on the same host, load average 4–5) two threads lose instead, by less as products grow: +19% at
 * 256×256×64, +16% at 32×1024×256, +7% at 256³, +1% at 256×1024×3200 (passive waiting, below). The
 * threshold, 2^23, is set for a machine whose cores are free: it includes the per-step recurrent
 * products of a 256-unit LSTM at batch 32 (32×1024×256 = 2^23), which on a quiet machine took the
 * LSTM-256 batch-32 training step from 12.3 to 13.2 steps/s; on a loaded machine (load 5) parallel
 * per-step products cost up to 40% instead — set STEERED_BLAS_MT_MIN=16777216 (or
 * STEERED_BLAS_THREADS=1) there. While an A2C worker pool runs, the main thread is pinned to one thread.
 * cap: STEERED_BLAS_THREADS if set (1 = always single-threaded), else
 * DEFAULT_THREAD_CAP on the main thread and 1 in worker threads (those run side by side already;
 * nested BLAS threads would fight them for the cores). STEERED_BLAS_MT_MIN overrides the threshold.
 *
 * Determinism across machines. OpenBLAS picks its compute kernels by CPU at load time (this library
 * is built with DYNAMIC_ARCH), and the last bits of every f32 product change with them: an AVX-512
 * processor (SkylakeX, Cooperlake) and an AVX2 one (Haswell, Zen) give different numbers for the same
 * seed. So the kernel family is pinned before the library loads, to one every supported CPU of the
 * architecture has: `Haswell` (AVX2 + FMA) on x86-64, `ARMV8` on arm64 (PINNED_CORETYPE). An x86-64
 * CPU without AVX2 gets `Prescott` and its own numbers. A user's OPENBLAS_CORETYPE wins;
 * STEERED_BLAS_CORETYPE=native lets OpenBLAS choose by CPU (fastest, machine-specific bits);
 * STEERED_BLAS_CORETYPE=<name> pins another kernel family.
 *
 * OpenBLAS's f32 results also depend on its thread count (a different partition of C uses different
 * edge kernels), so the count is a pure function of the shape and the thread policy, and the default
 * cap is a constant (DEFAULT_THREAD_CAP), not the machine's core count: the same command gives
 * bit-identical numbers on any machine with the same pinned kernel. A different cap or threshold
 * (STEERED_BLAS_THREADS, STEERED_BLAS_MT_MIN) may change the last bits of f32 products.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { ConfigError } from '../experiments/config.js';
import { wasmGemm } from '../math/gemm-wasm.js';
import { type GemmKernel, type Vec, setGemmKernel, tsGemm, type GemmName } from '../math/gemm.js';

const ROW_MAJOR = 101,
  NO_TRANS = 111,
  TRANS = 112;

/** Default M·N·K from which a product may use more than one thread (2^24 = 256³; see above). */
export const MT_MIN_MNK = 1 << 23;

function envInt(name: string, min: number): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : null;
}

/**
 * Threads a large product may use on the main thread by default: a constant, so that the partition of
 * a product (and with it the last bits of f32 results) does not depend on the machine's core count.
 * Two is what a 2-core machine can use; more cores gain little at the sizes the experiments use.
 */
export const DEFAULT_THREAD_CAP = 2;

/** The thread policy loadBlas() applies: products with M·N·K ≥ minMnk use `cap` threads, others one. */
export function blasThreadPolicy(): { cap: number; minMnk: number } {
  const env = envInt('STEERED_BLAS_THREADS', 1);
  const cap = env ?? (isMainThread ? DEFAULT_THREAD_CAP : 1);
  return { cap, minMnk: envInt('STEERED_BLAS_MT_MIN', 0) ?? MT_MIN_MNK };
}

/** Where the kernel family came from: the default pin, the user's OPENBLAS_CORETYPE, STEERED_BLAS_CORETYPE, or the CPU. */
export type CoreTypeSource = 'pinned' | 'user' | 'steered' | 'native';

function cpuFlags(): Set<string> | null {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^flags\s*:/.test(l));
    return line
      ? new Set(
          line
            .slice(line.indexOf(':') + 1)
            .trim()
            .split(/\s+/),
        )
      : null;
  } catch {
    return null;
  }
}

/** The kernel family pinned by default on this architecture, or null to let OpenBLAS choose. */
export function pinnedCoreType(
  arch: string = process.arch,
  flags: Set<string> | null = cpuFlags(),
): string | null {
  if (arch === 'x64') {
    // Without the flags (no /proc/cpuinfo) assume AVX2: every x86-64 server of the last decade has it.
    if (!flags || (flags.has('avx2') && flags.has('fma'))) return 'Haswell';
    return 'Prescott';
  }
  if (arch === 'arm64') return 'ARMV8';
  return null;
}

/** The OPENBLAS_CORETYPE to load the library with (null: leave it to OpenBLAS) and why. */
export function coreTypeChoice(env: Record<string, string | undefined> = process.env): {
  coreType: string | null;
  source: CoreTypeSource;
} {
  const user = env.OPENBLAS_CORETYPE;
  if (user !== undefined && user !== '') return { coreType: user, source: 'user' };
  const want = env.STEERED_BLAS_CORETYPE;
  if (want !== undefined && want !== '') {
    if (want.toLowerCase() === 'native') return { coreType: null, source: 'native' };
    return { coreType: want, source: 'steered' };
  }
  const pin = pinnedCoreType();
  return pin ? { coreType: pin, source: 'pinned' } : { coreType: null, source: 'native' };
}

/** What loadBlas() loaded: the library, its version string and the kernel family it runs. */
export interface BlasInfo {
  path: string;
  /** openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64". */
  config: string;
  /** openblas_get_corename(): the kernel family actually in use. */
  coreType: string;
  coreTypeSource: CoreTypeSource;
}

const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  'libopenblas.so.0',
];

type Fn = (...args: unknown[]) => unknown;
type Loaded = { kernel: GemmKernel; setThreads: (n: number) => void; path: string; info: BlasInfo };
let cached: Loaded | null | undefined;
let loadError = '';

export function blasLoadError(): string {
  return loadError;
}

/** Load OpenBLAS once; null when it is not installed (the reason is in blasLoadError()). */
export function loadBlas(): Loaded | null {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  // biome-ignore lint/suspicious/noExplicitAny: koffi is loaded lazily with require, so its module type is not imported
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
      // libgomp reads OMP_WAIT_POLICY once, when it is loaded with OpenBLAS. Its default spins at the
      // end of a parallel region; when another process holds the other core, a spinning master waits
      // for a descheduled worker for a whole scheduler slice (measured: 8 ms for a 170 µs product).
      // Passive waiting puts both threads to sleep instead (under that load two threads then cost
      // 5–10% against one, rather than 40×). Set only for the load, so child processes (the PyTorch
      // reference of the benchmark) keep their own defaults; a user's setting wins.
      const setWait = isMainThread && process.env.OMP_WAIT_POLICY === undefined;
      if (setWait) process.env.OMP_WAIT_POLICY = 'passive';
      // OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded (see "Determinism" above).
      const choice = coreTypeChoice();
      const setCore = choice.source !== 'user' && choice.coreType !== null;
      if (setCore) process.env.OPENBLAS_CORETYPE = choice.coreType!;
      // biome-ignore lint/suspicious/noExplicitAny: koffi is loaded lazily with require, so its module type is not imported
      let lib: any;
      try {
        lib = koffi.load(p);
      } finally {
        if (setWait) delete process.env.OMP_WAIT_POLICY;
        if (setCore) delete process.env.OPENBLAS_CORETYPE;
      }
      const sgemm: Fn = lib.func(
        'void cblas_sgemm(int, int, int, int, int, int, float, float *, int, float *, int, float, float *, int)',
      );
      const dgemm: Fn = lib.func(
        'void cblas_dgemm(int, int, int, int, int, int, double, double *, int, double *, int, double, double *, int)',
      );
      const sgemv: Fn = lib.func(
        'void cblas_sgemv(int, int, int, int, float, float *, int, float *, int, float, float *, int)',
      );
      const dgemv: Fn = lib.func(
        'void cblas_dgemv(int, int, int, int, double, double *, int, double *, int, double, double *, int)',
      );
      let setNative: ((n: number) => void) | null = null;
      try {
        const f: Fn = lib.func('void openblas_set_num_threads(int)');
        setNative = (n) => void f(n);
      } catch {
        /* not OpenBLAS: thread count left to the library */
      }
      const policy = blasThreadPolicy();
      let cap = policy.cap;
      const minMnk = policy.minMnk;
      let current = 0; // last count passed to openblas_set_num_threads (0: unknown)
      const want = (n: number): void => {
        if (n !== current && setNative) {
          setNative(n);
          current = n;
        }
      };
      const kernel: GemmKernel = {
        name: 'blas',
        gemm(transA, transB, M, N, K, alpha, A: Vec, lda, B: Vec, ldb, beta, C: Vec, ldc) {
          if (M === 0 || N === 0) return;
          want(cap > 1 && M * N * K >= minMnk ? cap : 1);
          const f32 = C instanceof Float32Array;
          if (K > 0 && (M === 1 || N === 1) && !(transA && transB)) {
            // One output row or column: a matrix–vector product. In row-major gemv terms the matrix is
            // B (for a row) or A (for a column); the vector is the other operand, walked with the stride
            // its layout implies.
            const gemv = f32 ? sgemv : dgemv;
            if (M === 1) {
              // c = op(B)ᵀ·a with a = A's only row (stride 1) or, transposed, its only column (stride lda).
              if (transB) gemv(ROW_MAJOR, NO_TRANS, N, K, alpha, B, ldb, A, transA ? lda : 1, beta, C, 1);
              else gemv(ROW_MAJOR, TRANS, K, N, alpha, B, ldb, A, transA ? lda : 1, beta, C, 1);
            } else {
              // c (stride ldc) = op(A)·b with b = B's only column (stride ldb) or, transposed, its only row.
              if (transA) gemv(ROW_MAJOR, TRANS, K, M, alpha, A, lda, B, transB ? 1 : ldb, beta, C, ldc);
              else gemv(ROW_MAJOR, NO_TRANS, M, K, alpha, A, lda, B, transB ? 1 : ldb, beta, C, ldc);
            }
            return;
          }
          (f32 ? sgemm : dgemm)(
            ROW_MAJOR,
            transA ? TRANS : NO_TRANS,
            transB ? TRANS : NO_TRANS,
            M,
            N,
            K,
            alpha,
            A,
            lda,
            B,
            ldb,
            beta,
            C,
            ldc,
          );
        },
      };
      // Reported by openblas_get_num_threads() until the first product picks its own count.
      want(cap);
      /** Set the cap (1 = always single-threaded); the size rule still applies below it. */
      const setThreads = (n: number): void => {
        cap = Number.isInteger(n) && n > 0 ? n : 1;
        current = 0;
        want(cap);
      };
      return (cached = { kernel, setThreads, path: p, info: blasInfo(lib, p, choice.source) });
    } catch (e) {
      loadError = `${p}: ${(e as Error).message}`;
    }
  }
  if (!loadError) loadError = 'libopenblas not found (apt-get install libopenblas0-openmp)';
  return (cached = null);
}

// biome-ignore lint/suspicious/noExplicitAny: a koffi library handle
function blasInfo(lib: any, path: string, source: CoreTypeSource): BlasInfo {
  const str = (sig: string): string => {
    try {
      return String((lib.func(sig) as Fn)() ?? '');
    } catch {
      return 'unknown';
    }
  };
  return {
    path,
    config: str('const char *openblas_get_config()').trim(),
    coreType: str('const char *openblas_get_corename()').trim(),
    coreTypeSource: source,
  };
}

let installed: GemmName | null = null;

/** The kernel installGemmFromEnv() installed (null before it ran). */
export function installedGemm(): GemmName | null {
  return installed;
}

/**
 * Install the kernel the environment asks for; returns its name. Throws on STEERED_GEMM=blas without
 * BLAS, or STEERED_GEMM=wasm on an engine without WebAssembly SIMD.
 */
export function installGemmFromEnv(): GemmName {
  const want = (process.env.STEERED_GEMM ?? '').toLowerCase();
  if (want !== '' && want !== 'ts' && want !== 'wasm' && want !== 'blas') {
    throw new ConfigError(`STEERED_GEMM must be 'ts', 'wasm' or 'blas', got '${want}'`);
  }
  if (want === 'ts') {
    setGemmKernel(tsGemm);
    return (installed = 'ts');
  }
  if (want === 'wasm') {
    const w = wasmGemm();
    if (!w) throw new Error('STEERED_GEMM=wasm but this engine has no WebAssembly SIMD');
    setGemmKernel(w);
    return (installed = 'wasm');
  }
  const b = loadBlas();
  if (!b) {
    if (want === 'blas') throw new Error(`STEERED_GEMM=blas but OpenBLAS could not be loaded: ${loadError}`);
    setGemmKernel(tsGemm);
    return (installed = 'ts');
  }
  setGemmKernel(b.kernel);
  return (installed = 'blas');
}
