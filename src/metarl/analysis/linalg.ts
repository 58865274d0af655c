/**
 * Dense symmetric positive-definite solves for the small normal-equation systems of the analyses
 * (a few dozen unknowns at most), so a Cholesky factorisation in plain loops is plenty.
 */

/**
 * Cholesky factor L (row-major n×n, lower triangle) of a symmetric matrix, or undefined when it is not
 * numerically positive definite — callers then add damping and retry rather than trusting a bad step.
 */
export function cholesky(A: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves L Lᵀ x = b given the factor from cholesky(). */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/** Diagonal of A⁻¹ from its Cholesky factor (the variances behind standard errors). */
export function cholInverseDiagonal(L: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    d[j] = cholSolve(L, n, e)[j]!;
  }
  return d;
}
