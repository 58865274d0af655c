import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gittinsIndices } from '../src/metarl/bayes.js';

/**
 * The calibration sweep written plainly: every state of every layer computed for every λ of the grid,
 * roots interpolated where D(λ) = continue(λ) − λ changes sign. gittinsIndices skips the states it can
 * prove retire at λ; its indices must be the same bits as these.
 */
function plainIndices(gamma: number, maxPulls: number, grid: number): Float64Array {
  const extra = Math.min(600, Math.ceil(Math.log(1e-4) / Math.log(gamma)));
  const N = maxPulls + Math.max(1, extra);
  const off = (n: number): number => (n * (n + 1)) / 2;
  const W = new Float64Array(off(N + 1));
  const mu = new Float64Array(off(N + 1));
  for (let n = 0; n <= N; n++) for (let s = 0; s <= n; s++) mu[off(n) + s] = (s + 1) / (n + 2);
  const nOut = off(maxPulls + 1);
  const prevD = new Float64Array(nOut).fill(Number.NaN);
  const out = new Float64Array(nOut).fill(Number.NaN);
  let prevLam = 0;
  for (let g = 1; g < grid; g++) {
    const lam = g / grid;
    for (let s = 0; s <= N; s++) W[off(N) + s] = Math.max(lam, mu[off(N) + s] ?? 0);
    for (let n = N - 1; n >= 0; n--) {
      for (let s = 0; s <= n; s++) {
        const m = mu[off(n) + s] ?? 0;
        const up = W[off(n + 1) + s + 1] ?? 0;
        const down = W[off(n + 1) + s] ?? 0;
        const cont = (1 - gamma) * m + gamma * (m * up + (1 - m) * down);
        if (n <= maxPulls) {
          const i = off(n) + s;
          const d = cont - lam;
          if (Number.isNaN(out[i] ?? 0) && d <= 0) {
            const dp = prevD[i] ?? Number.NaN;
            out[i] = Number.isNaN(dp) ? lam : prevLam + (lam - prevLam) * (dp / (dp - d));
          }
          prevD[i] = d;
        }
        W[off(n) + s] = Math.max(lam, cont);
      }
    }
    prevLam = lam;
  }
  for (let i = 0; i < nOut; i++) if (Number.isNaN(out[i] ?? 0)) out[i] = 1 - 0.5 / grid;
  return out;
}

for (const [gamma, maxPulls, grid] of [
  [0.9, 20, 2000],
  [0.98, 100, 2000],
  [0.995, 30, 300],
  [0.5, 5, 100],
] as const) {
  test(`Gittins table: the pruned sweep gives the plain sweep's bits (γ ${gamma}, ${maxPulls} pulls, grid ${grid})`, () => {
    const want = plainIndices(gamma, maxPulls, grid);
    const got = gittinsIndices(gamma, maxPulls, { gridSize: grid });
    let k = 0;
    for (let n = 0; n <= maxPulls; n++)
      for (let s = 0; s <= n; s++, k++) {
        const w = want[k] ?? Number.NaN;
        assert.ok(Object.is(got.index(s, n - s), w), `(s=${s}, f=${n - s}): ${got.index(s, n - s)} vs ${w}`);
      }
    assert.equal(k, want.length);
  });
}
