/**
 * Reading a goal from an inner state with a linear probe, and writing one back: the overseer's two
 * interpretability moves in scenarios/search-vs-steered. The probe maps a state vector to a one-hot of
 * "which goal is current" (ridge, one output per goal); it is scored by R² on lifetimes it was not fitted
 * on (grouped cross-validation: every state of a lifetime falls in the same fold, since states within a
 * lifetime are nearly copies of each other and would flatter the probe).
 */
import { ridge } from './alignment.js';

export interface GoalProbe {
  /** w[k] are the weights of goal k's output; b[k] its bias. */
  w: number[][];
  b: number[];
}

/** Ridge probe from rows `X` to the one-hot of `goal` (an index < K) per row. */
export function fitGoalProbe(
  X: readonly (readonly number[])[],
  goal: readonly number[],
  K: number,
  lambda = 1e-2,
): GoalProbe {
  const w: number[][] = [],
    b: number[] = [];
  for (let k = 0; k < K; k++) {
    const f = ridge(
      X,
      goal.map((g) => (g === k ? 1 : 0)),
      lambda,
    );
    w.push(f.w);
    b.push(f.b);
  }
  return { w, b };
}

export function readGoal(p: GoalProbe, x: readonly number[]): number[] {
  return p.w.map((wk, k) => {
    let s = p.b[k]!;
    for (let j = 0; j < wk.length; j++) s += wk[j]! * x[j]!;
    return s;
  });
}

/**
 * Cross-validated R² of the goal probe, pooled over the K outputs: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ŷ from a
 * probe fitted without the row's group (folds = groups taken round-robin into `folds` sets). NaN when
 * fewer than two groups or no variance in the goal.
 */
export function goalProbeR2(
  X: readonly (readonly number[])[],
  goal: readonly number[],
  group: readonly number[],
  K: number,
  folds = 5,
  lambda = 1e-2,
): number {
  const groups = [...new Set(group)].sort((a, b) => a - b);
  if (groups.length < 2 || X.length !== goal.length || X.length !== group.length) return NaN;
  const nf = Math.min(folds, groups.length);
  const foldOf = new Map(groups.map((g, i) => [g, i % nf]));
  const mean = Array.from({ length: K }, (_, k) => goal.filter((g) => g === k).length / goal.length);
  let sse = 0,
    sst = 0;
  for (let f = 0; f < nf; f++) {
    const trainIdx = X.map((_, i) => i).filter((i) => foldOf.get(group[i]!) !== f);
    const testIdx = X.map((_, i) => i).filter((i) => foldOf.get(group[i]!) === f);
    if (!testIdx.length || !trainIdx.length) continue;
    const p = fitGoalProbe(
      trainIdx.map((i) => X[i]!),
      trainIdx.map((i) => goal[i]!),
      K,
      lambda,
    );
    for (const i of testIdx) {
      const yh = readGoal(p, X[i]!);
      for (let k = 0; k < K; k++) {
        const y = goal[i] === k ? 1 : 0;
        sse += (y - yh[k]!) ** 2;
        sst += (y - mean[k]!) ** 2;
      }
    }
  }
  return sst > 0 ? 1 - sse / sst : NaN;
}

/**
 * The smallest change δ of a state x that makes the probe read `target` (a vector of K outputs) exactly:
 * δ = Wᵀ(WWᵀ)⁻¹(target − read(x)), W the K × D weight matrix (rows w[k]).
 */
export function editToward(p: GoalProbe, x: readonly number[], target: readonly number[]): number[] {
  const K = p.w.length,
    D = x.length;
  const r = readGoal(p, x).map((v, k) => target[k]! - v);
  const G = Array.from({ length: K }, (_, i) =>
    Array.from({ length: K }, (_, j) => {
      let s = 0;
      for (let d = 0; d < D; d++) s += p.w[i]![d]! * p.w[j]![d]!;
      return s + (i === j ? 1e-9 : 0);
    }),
  );
  const a = solve(G, r);
  const delta = new Array<number>(D).fill(0);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) delta[d]! += a[k]! * p.w[k]![d]!;
  return delta;
}

/** Gaussian elimination with partial pivoting (small K × K systems). */
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * out[k]!;
    out[r] = s / M[r]![r]!;
  }
  return out;
}
