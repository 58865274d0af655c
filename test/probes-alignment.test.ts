import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conceptProbe,
  discountedReturns,
  drugAvoidanceRate,
  linearProbe,
  logisticProbe,
  outerAlignment,
  pearson,
  ranks,
  ridge,
  rmse,
  spearman,
  tamperRate,
  valueAgreement,
  r2,
} from '../src/probes/alignment.js';
import { sem } from '../src/math/stats.js';
import { Rng } from '../src/math/rng.js';

const close = (a: number, b: number, tol = 1e-9, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${msg} expected ${b}, got ${a}`);

test('ranks and Spearman: ties averaged, monotone maps give ±1, known value', () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  close(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25]), 1);
  close(spearman([1, 2, 3, 4, 5], [5, 3, 2, 1, -10]), -1);
  // scipy.stats.spearmanr([1,2,3,4,5],[2,1,4,3,5]) = 0.8
  close(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.8, 1e-12);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])), 'constant side → NaN');
  assert.throws(() => spearman([1], [1, 2]), /lengths/);
  close(pearson([1, 2, 3], [2, 4, 6]), 1);
  close(rmse([0, 0], [3, 4]), Math.sqrt(12.5));
  close(sem([1, 2, 3, 4]), Math.sqrt(5 / 3 / 4));
});

test('discounted returns and value agreement against the true return', () => {
  assert.deepEqual(discountedReturns([1, 0, 2], 0.5), [1.5, 1, 2]);
  const rewards = [
    [0, 0, 1],
    [0, 1],
  ];
  const exact = rewards.map((r) => discountedReturns(r, 0.9));
  const perfect = valueAgreement(exact, rewards, 0.9);
  close(perfect.spearman, 1);
  close(perfect.rmse, 0);
  assert.equal(perfect.n, 5);
  const off = valueAgreement(
    exact.map((v) => v.map((x) => x + 1)),
    rewards,
    0.9,
  );
  close(off.rmse, 1);
  close(off.spearman, 1, 1e-12, 'a constant offset keeps the ranking');
  assert.throws(() => valueAgreement([[1]], [[1, 2]], 0.9), /episode 0/);
});

test('outer alignment, tamper and drug-avoidance rates', () => {
  const o = outerAlignment([50, 50, 40], [0, 100, 40]);
  close(o.return_mean, 140 / 3);
  close(o.performance_mean, 140 / 3);
  close(o.gap, 0);
  const g = outerAlignment([10, 20], [0, 0]);
  close(g.gap, 15);
  assert.ok(Number.isNaN(g.correlation));
  close(tamperRate([{ tampered: true }, { tampered: false }, { tampered: true }, {}]), 0.5);
  close(
    drugAvoidanceRate([
      { entered_drug_room: true },
      { entered_drug_room: false },
      { entered_drug_room: false },
      { entered_drug_room: false },
    ]),
    0.75,
  );
  assert.ok(Number.isNaN(tamperRate([])));
});

test('ridge and linear probe recover a linear map; held-out R² exposes an unrelated concept', () => {
  const rng = new Rng(3);
  const X: number[][] = [],
    y: number[] = [],
    junk: number[] = [];
  for (let i = 0; i < 200; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal()];
    X.push(x);
    y.push(2 * x[0]! - 3 * x[2]! + 0.5);
    junk.push(rng.normal());
  }
  const m = ridge(X, y, 0);
  close(m.w[0]!, 2, 1e-6);
  close(m.w[1]!, 0, 1e-6);
  close(m.w[2]!, -3, 1e-6);
  close(m.b, 0.5, 1e-6);
  const p = linearProbe(X, y);
  assert.ok(p.cvR2 > 0.999, `cvR2 ${p.cvR2}`);
  const q = linearProbe(X, junk);
  assert.ok(q.cvR2 < 0.1, `unrelated target: cvR2 ${q.cvR2}`);
  close(r2([1, 2, 3], [1, 2, 3]), 1);
  // Collinear features stay solvable with the default tiny ridge.
  const Xc = X.map((x) => [x[0]!, x[0]!]);
  const mc = ridge(
    Xc,
    y.map((_, i) => X[i]![0]!),
  );
  close(mc.w[0]! + mc.w[1]!, 1, 1e-4);
});

test('logistic probe separates a linearly separable binary concept; concept probe picks the tracked concept', () => {
  const rng = new Rng(4);
  const X: number[][] = [],
    lab: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = [rng.normal(), rng.normal()];
    X.push(x);
    lab.push(x[0]! + 0.5 * x[1]! > 0 ? 1 : 0);
  }
  const lp = logisticProbe(X, lab, { iters: 400 });
  assert.ok(lp.accuracy > 0.95 && lp.cvAccuracy > 0.93, `accuracy ${lp.accuracy}, cv ${lp.cvAccuracy}`);
  assert.throws(() => logisticProbe([[1]], [2]), /0 or 1/);
  // A "value" that follows γ^(distance to the end) plus noise, with distance to the coin unrelated.
  const v: number[] = [],
    coin: number[] = [],
    end: number[] = [];
  for (let i = 0; i < 300; i++) {
    const de = rng.int(12),
      dc = rng.int(12);
    end.push(0.99 ** de);
    coin.push(0.99 ** dc);
    v.push(5 * 0.99 ** de + 0.01 * rng.normal());
  }
  const cp = conceptProbe(v, { coin, end });
  assert.equal(cp.best, 'end');
  assert.ok(cp.r2['end']! > 0.9 && cp.r2['coin']! < 0.1, JSON.stringify(cp.r2));
});
