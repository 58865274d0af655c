/**
 * Summary statistics of measured numbers, shared by the experiments and probes so that every reported
 * mean, standard error and rounded metric is computed one way. Sums run left to right from 0, so a
 * mean is the same bits wherever it is taken.
 */

/** Arithmetic mean; NaN for no values. */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : NaN;
}

/** Standard error of the mean (sample standard deviation / √n); 0 for fewer than two values. */
export function sem(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i]! - m) * (xs[i]! - m);
  return Math.sqrt(s / (n - 1) / n);
}

/**
 * `x` to `digits` decimals as its decimal expansion rounds (toFixed: the exact binary value decides, so
 * 0.00035, stored as 0.000349999…, gives 0.0003; halves round away from zero); non-finite values pass
 * through.
 */
export function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}

/**
 * `x` to `digits` decimals by scaling: Math.round(x·10^digits)/10^digits (the scaled value decides, so
 * 0.00035 gives 0.0004; halves round up, −1.5 to −1). NaN and ±Infinity pass through. Not the same as
 * `round`; each metric keeps the rounding it was published with.
 */
export function roundScaled(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
