/**
 * Logistic regression by Newton's method (IRLS) with a small ridge penalty.
 *
 * The ridge is there for numerical reasons, not as a prior: behavioural regressors are often nearly
 * collinear (lagged indicators that rarely co-occur) and a perfectly predicted choice sequence would
 * otherwise send coefficients to infinity. The default (1e-6 per unit of data) is far below what would
 * bias an estimate measurably.
 */
import { cholesky, cholInverseDiagonal, cholSolve } from './linalg.js';

export interface LogisticOptions {
  /** Ridge penalty: the objective is NLL + l2/2 · ‖w‖², intercept column included. Default 1e-6 · rows. */
  l2?: number;
  /** Newton iterations (default 50). */
  maxIter?: number;
  /** Stop when the largest coefficient change is below this (default 1e-9). */
  tol?: number;
}

export interface LogisticFit {
  coef: Float64Array;
  /** Standard errors: sqrt of the diagonal of the inverse (penalised) Hessian at the optimum. */
  se: Float64Array;
  /** Negative log-likelihood at the optimum (without the penalty term). */
  nll: number;
  rows: number;
  cols: number;
  iterations: number;
  converged: boolean;
}

/** log(1 + e^z) without overflow for large |z|. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Fits P(y = 1 | x) = σ(x · w). X is row-major rows×cols with rows = y.length; add a column of ones for
 * an intercept. y holds 0/1.
 */
export function logisticRegression(
  X: Float64Array,
  y: Uint8Array | readonly number[],
  opts: LogisticOptions = {},
): LogisticFit {
  const n = y.length;
  if (n === 0) throw new RangeError('logisticRegression: no rows');
  if (X.length % n !== 0)
    throw new RangeError(`logisticRegression: X has ${X.length} values, not a multiple of ${n} rows`);
  const p = X.length / n;
  for (let i = 0; i < n; i++)
    if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`logisticRegression: y[${i}] = ${y[i]} is not 0 or 1`);
  const l2 = opts.l2 ?? 1e-6 * n;
  const maxIter = opts.maxIter ?? 50;
  const tol = opts.tol ?? 1e-9;

  const w = new Float64Array(p);
  const eta = new Float64Array(n);
  const objective = (coef: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += X[i * p + j]! * coef[j]!;
      eta[i] = z;
      f += softplus(z) - y[i]! * z;
    }
    let r = 0;
    for (let j = 0; j < p; j++) r += coef[j]! * coef[j]!;
    return f + 0.5 * l2 * r;
  };

  const H = new Float64Array(p * p);
  const g = new Float64Array(p);
  let f = objective(w);
  let converged = false;
  let it = 0;
  let L: Float64Array | undefined;
  for (; it < maxIter; it++) {
    H.fill(0);
    for (let j = 0; j < p; j++) g[j] = l2 * w[j]!;
    for (let j = 0; j < p; j++) H[j * p + j] = l2;
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-eta[i]!));
      const r = mu - y[i]!;
      const v = mu * (1 - mu);
      const row = i * p;
      for (let j = 0; j < p; j++) {
        const xj = X[row + j]!;
        if (xj === 0) continue; // lagged-indicator designs are mostly zeros
        g[j]! += r * xj;
        const vx = v * xj;
        for (let k = 0; k <= j; k++) H[j * p + k]! += vx * X[row + k]!;
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k * p + j] = H[j * p + k]!;
    L = cholesky(H, p);
    if (!L) throw new Error('logisticRegression: Hessian not positive definite (raise l2)');
    const step = cholSolve(L, p, g);
    // Newton on a convex objective rarely overshoots, but halving keeps separable data from diverging.
    let t = 1,
      fNew = Infinity;
    const trial = new Float64Array(p);
    for (let h = 0; h < 30; h++, t /= 2) {
      for (let j = 0; j < p; j++) trial[j] = w[j]! - t * step[j]!;
      fNew = objective(trial);
      if (fNew <= f + 1e-12 * Math.abs(f)) break;
    }
    let maxDelta = 0;
    for (let j = 0; j < p; j++) maxDelta = Math.max(maxDelta, Math.abs(trial[j]! - w[j]!));
    w.set(trial);
    f = objective(w); // leaves eta consistent with w for the next Hessian
    if (maxDelta < tol) {
      converged = true;
      it++;
      break;
    }
  }

  // Standard errors from the Hessian at the final coefficients.
  H.fill(0);
  for (let j = 0; j < p; j++) H[j * p + j] = l2;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const z = eta[i]!;
    nll += softplus(z) - y[i]! * z;
    const mu = 1 / (1 + Math.exp(-z));
    const v = mu * (1 - mu);
    const row = i * p;
    for (let j = 0; j < p; j++) {
      const xj = X[row + j]!;
      if (xj === 0) continue;
      for (let k = 0; k <= j; k++) H[j * p + k]! += v * xj * X[row + k]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k * p + j] = H[j * p + k]!;
  L = cholesky(H, p);
  const se = L ? cholInverseDiagonal(L, p).map(Math.sqrt) : new Float64Array(p).fill(Number.NaN);
  return { coef: w, se, nll, rows: n, cols: p, iterations: it, converged };
}
