/**
 * Finite-difference gradient check. Compares the analytic gradient a layer writes into Param.grad with
 * central differences (L(θ+ε) − L(θ−ε)) / 2ε, entry by entry, in float64. The relative error
 * |a − n| / max(|a|, |n|) is only meaningful when the gradient is not tiny, so entries where both are
 * ≤ minGrad are skipped (and reported as skipped).
 */
import type { Param } from './param.js';

export interface GradCheckOptions {
  params: readonly Param[];
  /** Recomputes the loss from the current parameter values (forward only). */
  loss: () => number;
  /** Runs forward + backward once, writing the gradient into each Param.grad (grads are zeroed first). */
  analytic: () => void;
  eps?: number;
  minGrad?: number;
  /** Check at most this many entries per parameter (evenly spaced); default all. */
  maxPerParam?: number;
}

export interface GradCheckResult {
  maxRelError: number;
  /** Entries compared (|gradient| > minGrad). */
  checked: number;
  /** Entries skipped because both gradients were ≤ minGrad. */
  skipped: number;
  /** Largest |a − n| among the skipped entries, so tiny gradients are not silently wrong. */
  maxAbsErrorSkipped: number;
  worst: { param: string; index: number; analytic: number; numeric: number } | null;
  /** Copy of the analytic gradients, in params order. */
  analytic: Float64Array[];
}

export function gradCheck(opts: GradCheckOptions): GradCheckResult {
  const eps = opts.eps ?? 1e-6;
  const minGrad = opts.minGrad ?? 1e-6;
  for (const p of opts.params) {
    if (!(p.data instanceof Float64Array)) {
      throw new TypeError(
        `gradCheck: param ${p.name} is not float64; finite differences at eps=${eps} need dtype 'f64'`,
      );
    }
  }
  for (const p of opts.params) p.grad.fill(0);
  opts.analytic();
  const analytic = opts.params.map((p) => Float64Array.from(p.grad));

  let maxRel = 0,
    checked = 0,
    skipped = 0,
    maxAbsSkipped = 0;
  let worst: GradCheckResult['worst'] = null;
  opts.params.forEach((p, pi) => {
    const d = p.data,
      n = d.length;
    const step = opts.maxPerParam && opts.maxPerParam < n ? n / opts.maxPerParam : 1;
    for (let f = 0; f < n; f += step) {
      const i = Math.floor(f);
      const v = d[i]!;
      d[i] = v + eps;
      const lp = opts.loss();
      d[i] = v - eps;
      const lm = opts.loss();
      d[i] = v;
      const num = (lp - lm) / (2 * eps);
      const a = analytic[pi]![i]!;
      const scale = Math.max(Math.abs(a), Math.abs(num));
      if (scale <= minGrad) {
        skipped++;
        maxAbsSkipped = Math.max(maxAbsSkipped, Math.abs(a - num));
        continue;
      }
      checked++;
      const rel = Math.abs(a - num) / scale;
      if (worst === null || rel > maxRel) {
        maxRel = rel;
        worst = { param: p.name, index: i, analytic: a, numeric: num };
      }
    }
  });
  return { maxRelError: maxRel, checked, skipped, maxAbsErrorSkipped: maxAbsSkipped, worst, analytic };
}
