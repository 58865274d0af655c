import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/math/rng.js';
import {
  a2cLoss,
  entropy,
  logSoftmax,
  logSumExp,
  mseLoss,
  sampleCategorical,
  softmax,
  argmax,
} from '../src/nn/losses.js';
import { CategoricalPolicyHead, ValueHead } from '../src/nn/heads.js';

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** max over entries of |a − n| / max(|a|, |n|), ignoring entries where both are below `floor` in magnitude (those must agree absolutely). */
function relErr(analytic: ArrayLike<number>, numeric: ArrayLike<number>, floor = 1e-6): number {
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i]!,
      n = numeric[i]!;
    const m = Math.max(Math.abs(a), Math.abs(n));
    if (m < floor) {
      assert.ok(Math.abs(a - n) < 1e-12, `entry ${i}: tiny gradients disagree ${a} vs ${n}`);
      continue;
    }
    worst = Math.max(worst, Math.abs(a - n) / m);
  }
  return worst;
}

/**
 * Five-point central difference, O(h⁴) truncation: with h = 1e-3 both truncation and cancellation
 * errors are ~1e-13, so gradients down to ~1e-6 can be checked to a relative 1e-6 (the 3-point rule
 * cannot reach that on O(1) losses).
 */
function centralDiff(x: Float64Array, i: number, f: () => number, h = 1e-3): number {
  const x0 = x[i]!;
  x[i] = x0 + 2 * h;
  const f2 = f();
  x[i] = x0 + h;
  const f1 = f();
  x[i] = x0 - h;
  const fm1 = f();
  x[i] = x0 - 2 * h;
  const fm2 = f();
  x[i] = x0;
  return (-f2 + 8 * f1 - 8 * fm1 + fm2) / (12 * h);
}

function a2cCase(seed: number, B: number, A: number, withMask: boolean) {
  const rng = new Rng(seed);
  const logits = randn(rng, B * A, 2);
  const values = randn(rng, B);
  const returns = randn(rng, B);
  const advantages = randn(rng, B);
  const actions = Int32Array.from({ length: B }, () => rng.int(A));
  const mask = withMask ? Float64Array.from({ length: B }, (_, b) => (b % 3 === 2 ? 0 : 1)) : undefined;
  const dLogits = new Float64Array(B * A),
    dValues = new Float64Array(B);
  const args = {
    logits,
    values,
    actions,
    advantages,
    returns,
    B,
    A,
    valueCoef: 0.7,
    entropyCoef: 0.05,
    dLogits,
    dValues,
    mask,
  };
  return args;
}

for (const withMask of [false, true]) {
  test(`a2cLoss gradients match central differences (float64${withMask ? ', masked rows' : ''})`, () => {
    const args = a2cCase(withMask ? 11 : 7, 9, 5, withMask);
    const out = a2cLoss(args);
    assert.ok(Math.abs(out.total - (out.policyLoss + 0.7 * out.valueLoss - 0.05 * out.entropy)) < 1e-12);
    const dL = Float64Array.from(args.dLogits),
      dV = Float64Array.from(args.dValues);
    const scratchL = new Float64Array(dL.length),
      scratchV = new Float64Array(dV.length);
    const f = () => a2cLoss({ ...args, dLogits: scratchL, dValues: scratchV }).total;
    const numL = new Float64Array(dL.length),
      numV = new Float64Array(dV.length);
    for (let i = 0; i < dL.length; i++) numL[i] = centralDiff(args.logits, i, f);
    for (let i = 0; i < dV.length; i++) numV[i] = centralDiff(args.values, i, f);
    const eL = relErr(dL, numL),
      eV = relErr(dV, numV);
    assert.ok(eL < 1e-6, `dLogits rel err ${eL}`);
    assert.ok(eV < 1e-6, `dValues rel err ${eV}`);
    if (withMask)
      for (let b = 2; b < 9; b += 3) {
        assert.equal(dV[b], 0);
        for (let j = 0; j < 5; j++) assert.equal(dL[b * 5 + j], 0);
      }
  });
}

test('a2cLoss terms match their definitions (½ MSE value loss, mean over rows)', () => {
  const logits = new Float64Array([0, 0, Math.log(2), 0]); // row 0 uniform over 2, row 1 p = (2/3, 1/3)
  const dLogits = new Float64Array(4),
    dValues = new Float64Array(2);
  const out = a2cLoss({
    logits,
    values: [1, 2],
    actions: [0, 1],
    advantages: [2, -1],
    returns: [3, 2],
    B: 2,
    A: 2,
    valueCoef: 0.5,
    entropyCoef: 0.01,
    dLogits,
    dValues,
  });
  const pl = -(2 * Math.log(0.5) + -1 * Math.log(1 / 3)) / 2;
  const vl = (0.5 * 4 + 0) / 2;
  const h0 = Math.log(2),
    h1 = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
  assert.ok(Math.abs(out.policyLoss - pl) < 1e-14);
  assert.ok(Math.abs(out.valueLoss - vl) < 1e-14);
  assert.ok(Math.abs(out.entropy - (h0 + h1) / 2) < 1e-14);
  assert.deepEqual(Array.from(dValues), [(0.5 * (1 - 3)) / 2, 0]);
});

test('a2cLoss works on float32 buffers and rejects out-of-range actions', () => {
  const args = a2cCase(3, 4, 3, false);
  const f32 = {
    ...args,
    logits: Float32Array.from(args.logits),
    dLogits: new Float32Array(12),
    dValues: new Float32Array(4),
  };
  const o64 = a2cLoss(args),
    o32 = a2cLoss(f32);
  assert.ok(Math.abs(o64.total - o32.total) < 1e-5);
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(args.dLogits[i]! - f32.dLogits[i]!) < 1e-6);
  assert.throws(() => a2cLoss({ ...args, actions: [0, 1, 3, 0] }), RangeError);
});

test('softmax / logSoftmax / logSumExp are stable for huge and tiny logits', () => {
  const logits = new Float64Array([1000, 1001, 999, -1000, -999, -1001, 1e308, 0, -1e308]);
  const p = new Float64Array(9),
    lp = new Float64Array(9);
  softmax(logits, 3, 3, p);
  logSoftmax(logits, 3, 3, lp);
  const e = [Math.exp(0), Math.exp(1), Math.exp(-1)];
  const s = e[0]! + e[1]! + e[2]!;
  for (let r = 0; r < 2; r++) {
    for (let j = 0; j < 3; j++) {
      assert.ok(Math.abs(p[r * 3 + j]! - e[j]! / s) < 1e-15, `p[${r},${j}]`);
      assert.ok(Math.abs(lp[r * 3 + j]! - Math.log(e[j]! / s)) < 1e-13, `logp[${r},${j}]`);
    }
  }
  assert.deepEqual(Array.from(p.subarray(6)), [1, 0, 0]);
  assert.equal(lp[6], 0);
  for (const v of [...p, ...lp]) assert.ok(!Number.isNaN(v));
  assert.ok(Math.abs(logSumExp(logits, 0, 3) - (1001 + Math.log(s / Math.E))) < 1e-12);
  // In place and in float32.
  const f = new Float32Array([88, 89, 90]);
  softmax(f, 1, 3, f);
  assert.ok(Math.abs(f[0]! + f[1]! + f[2]! - 1) < 1e-6 && f[2]! > f[1]!);
  // −∞ logits (masked actions) get probability 0 and the row stays finite.
  const m = new Float64Array([0, -Infinity, 0]);
  softmax(m, 1, 3, p);
  assert.deepEqual(Array.from(p.subarray(0, 3)), [0.5, 0, 0.5]);
  assert.ok(Math.abs(entropy(m, 1, 3) - Math.log(2)) < 1e-15);
});

test('entropy of a uniform policy is log A, of a one-hot policy 0', () => {
  for (const A of [2, 3, 7, 100]) {
    const logits = new Float64Array(2 * A).fill(123.4);
    const per = new Float64Array(2);
    assert.ok(Math.abs(entropy(logits, 2, A, per) - Math.log(A)) < 1e-13);
    assert.ok(Math.abs(per[1]! - Math.log(A)) < 1e-13);
  }
  assert.ok(entropy(new Float64Array([0, 1e4, 0]), 1, 3) < 1e-12);
});

test('sampleCategorical follows the probabilities and never picks a zero one', () => {
  const rng = new Rng(5);
  const probs = new Float64Array([9, 9, 0.1, 0.6, 0, 0.3]); // row at offset 2
  const counts = [0, 0, 0, 0];
  const N = 40000;
  for (let i = 0; i < N; i++) counts[sampleCategorical(probs, rng, 2, 4)]!++;
  assert.equal(counts[2], 0);
  for (const [j, q] of [
    [0, 0.1],
    [1, 0.6],
    [3, 0.3],
  ] as const) {
    const sd = Math.sqrt((q * (1 - q)) / N);
    assert.ok(Math.abs(counts[j]! / N - q) < 5 * sd, `action ${j}: ${counts[j]! / N} vs ${q}`);
  }
  // Rounding that leaves the row summing below the draw falls back to the last positive entry.
  assert.equal(sampleCategorical([0, 1, 0], { uniform: () => 0.9999999999999999 } as Rng), 1);
  assert.equal(argmax([0.2, 0.5, 0.5, 0.1]), 1);
});

test('mseLoss is torch MSELoss(mean) with gradient 2(p − t)/n', () => {
  const pred = new Float64Array([1, 2, 3, 4]),
    target = new Float64Array([0, 2, 5, 4.5]);
  const d = new Float64Array(4);
  assert.equal(mseLoss(pred, target, 4, d), (1 + 0 + 4 + 0.25) / 4);
  assert.deepEqual(Array.from(d), [0.5, 0, -1, -0.25]);
  assert.equal(mseLoss(pred, target, 2), 0.5);
});

test('policy and value heads: a2cLoss gradients reach the head parameters and the features exactly', () => {
  const rng = new Rng(21);
  const B = 6,
    I = 4,
    A = 3;
  const pol = new CategoricalPolicyHead('pi', I, A, { dtype: 'f64', rng, maxBatch: 2 });
  const val = new ValueHead('v', I, { dtype: 'f64', rng });
  const x = randn(rng, B * I);
  const actions = Int32Array.from({ length: B }, () => rng.int(A));
  const advantages = randn(rng, B),
    returns = randn(rng, B);
  const dLogits = new Float64Array(B * A),
    dValues = new Float64Array(B);
  const loss = () => {
    const logits = pol.forward(x, B),
      values = val.forward(x, B);
    return a2cLoss({
      logits,
      values,
      actions,
      advantages,
      returns,
      B,
      A,
      valueCoef: 0.5,
      entropyCoef: 0.01,
      dLogits,
      dValues,
    }).total;
  };
  loss();
  const ps = [...pol.params(), ...val.params()];
  for (const p of ps) p.grad.fill(0);
  const dxP = new Float64Array(B * I),
    dxV = new Float64Array(B * I);
  pol.backward(x, dLogits, B, dxP);
  val.backward(x, dValues, B, dxV);
  const analytic: number[] = [],
    numeric: number[] = [];
  for (const p of ps)
    for (let i = 0; i < p.data.length; i++) {
      analytic.push(p.grad[i]!);
      numeric.push(centralDiff(p.data as Float64Array, i, loss));
    }
  for (let i = 0; i < x.length; i++) {
    analytic.push(dxP[i]! + dxV[i]!);
    numeric.push(centralDiff(x, i, loss));
  }
  assert.ok(relErr(analytic, numeric) < 1e-6);
  // act(): greedy picks the argmax of the probabilities computed for the same batch.
  const acts = new Int32Array(B);
  pol.act(x, B, rng, acts, true);
  const pr = pol.probs(B);
  for (let b = 0; b < B; b++) assert.equal(acts[b], argmax(pr, b * A, A));
});
