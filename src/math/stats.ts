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

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function sd(xs: ArrayLike<number>): number {
  return sem(xs) * Math.sqrt(xs.length);
}

// Two-sided 95% quantiles of Student's t for 1…30 degrees of freedom (standard tables).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, then its asymptotic series). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** 95% confidence interval of the mean (t interval); [NaN, NaN] for fewer than two values. */
export function ci95(xs: ArrayLike<number>): [number, number] {
  if (xs.length < 2) return [NaN, NaN];
  const m = mean(xs);
  const h = tQuantile975(xs.length - 1) * sem(xs);
  return [m - h, m + h];
}

/** Pearson correlation; NaN when either side is constant or fewer than two pairs. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`pearson: lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 2) return NaN;
  const mx = mean(x),
    my = mean(y);
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx,
      b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Median (NaN for no values). */
export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
