/**
 * Matrix products behind one interface. Every layer calls `gemm()` from here; which kernel runs is
 * chosen once at start-up by the edge code (src/node/blas.ts installs OpenBLAS when it loads) and can
 * be forced with STEERED_GEMM=ts|blas. The core never imports the native kernel, so it also runs in a
 * browser with the pure-TypeScript kernel.
 *
 * Layout is row-major. Arrays are passed as typed-array *views* starting at the matrix's first element
 * (layers preallocate these views, so the per-step loop does not allocate).
 *   C[M×N] = alpha · op(A) · op(B) + beta · C,  op(X) = X or Xᵀ
 * A is M×K (lda ≥ K) or, transposed, K×M (lda ≥ M); likewise B.
 */
export type Vec = Float32Array | Float64Array;

export interface GemmKernel {
  readonly name: 'ts' | 'wasm' | 'blas';
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Vec,
    lda: number,
    B: Vec,
    ldb: number,
    beta: number,
    C: Vec,
    ldc: number,
  ): void;
}

function scaleC(M: number, N: number, beta: number, C: Vec, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const r = i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[r + j] = 0;
    else for (let j = 0; j < N; j++) C[r + j]! *= beta;
  }
}

/** Pure TypeScript kernel: loop orders chosen so the innermost loop walks contiguous memory. */
export const tsGemm: GemmKernel = {
  name: 'ts',
  gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
    scaleC(M, N, beta, C, ldc);
    if (alpha === 0 || K === 0) return;
    if (!transA && !transB) {
      // c[i,:] += a[i,k] * b[k,:], four rows of B per pass over C's row: a quarter of the loads and
      // stores of C, and four independent products per element for the CPU to overlap.
      for (let i = 0; i < M; i++) {
        const ar = i * lda,
          cr = i * ldc;
        let k = 0;
        for (; k + 3 < K; k += 4) {
          const a0 = alpha * A[ar + k]!,
            a1 = alpha * A[ar + k + 1]!,
            a2 = alpha * A[ar + k + 2]!,
            a3 = alpha * A[ar + k + 3]!;
          if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
          const b0 = k * ldb,
            b1 = b0 + ldb,
            b2 = b1 + ldb,
            b3 = b2 + ldb;
          for (let j = 0; j < N; j++)
            C[cr + j]! += a0 * B[b0 + j]! + a1 * B[b1 + j]! + a2 * B[b2 + j]! + a3 * B[b3 + j]!;
        }
        for (; k < K; k++) {
          const a0 = alpha * A[ar + k]!;
          if (a0 === 0) continue;
          const b0 = k * ldb;
          for (let j = 0; j < N; j++) C[cr + j]! += a0 * B[b0 + j]!;
        }
      }
    } else if (!transA && transB) {
      // c[i,j] += dot(a[i,:], b[j,:]); four partial sums break the add dependency chain.
      for (let i = 0; i < M; i++) {
        const ar = i * lda,
          cr = i * ldc;
        for (let j = 0; j < N; j++) {
          const br = j * ldb;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0,
            k = 0;
          for (; k + 3 < K; k += 4) {
            s0 += A[ar + k]! * B[br + k]!;
            s1 += A[ar + k + 1]! * B[br + k + 1]!;
            s2 += A[ar + k + 2]! * B[br + k + 2]!;
            s3 += A[ar + k + 3]! * B[br + k + 3]!;
          }
          for (; k < K; k++) s0 += A[ar + k]! * B[br + k]!;
          C[cr + j]! += alpha * (s0 + s1 + (s2 + s3));
        }
      }
    } else if (transA && !transB) {
      // c[i,:] += a[k,i] * b[k,:] (A stored K×M), four k at a time: the weight-gradient shape (K = all
      // rows of a sequence), where one k per pass would sweep the whole of C K times.
      let k = 0;
      for (; k + 3 < K; k += 4) {
        const a0r = k * lda,
          a1r = a0r + lda,
          a2r = a1r + lda,
          a3r = a2r + lda;
        const b0 = k * ldb,
          b1 = b0 + ldb,
          b2 = b1 + ldb,
          b3 = b2 + ldb;
        for (let i = 0; i < M; i++) {
          const x0 = alpha * A[a0r + i]!,
            x1 = alpha * A[a1r + i]!,
            x2 = alpha * A[a2r + i]!,
            x3 = alpha * A[a3r + i]!;
          if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
          const cr = i * ldc;
          for (let j = 0; j < N; j++)
            C[cr + j]! += x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!;
        }
      }
      for (; k < K; k++) {
        const ar = k * lda,
          br = k * ldb;
        for (let i = 0; i < M; i++) {
          const a = alpha * A[ar + i]!;
          if (a === 0) continue;
          const cr = i * ldc;
          for (let j = 0; j < N; j++) C[cr + j]! += a * B[br + j]!;
        }
      }
    } else {
      // Both transposed: A K×M, B N×K. Rare; plain triple loop.
      for (let i = 0; i < M; i++) {
        const cr = i * ldc;
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[k * lda + i]! * B[j * ldb + k]!;
          C[cr + j]! += alpha * s;
        }
      }
    }
  },
};

/** A kernel's name, as STEERED_GEMM and the numeric configuration spell it. */
export type GemmName = GemmKernel['name'];

let current: GemmKernel = tsGemm;

/** The kernel layers use. */
export function gemmKernel(): GemmKernel {
  return current;
}

/** Install a kernel (edge code does this once at start-up; tests swap kernels to compare them). */
export function setGemmKernel(k: GemmKernel): void {
  current = k;
}

/** Shorthand used by layers: C = alpha·op(A)·op(B) + beta·C with the installed kernel. */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Vec,
  lda: number,
  B: Vec,
  ldb: number,
  beta: number,
  C: Vec,
  ldc: number,
): void {
  current.gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
