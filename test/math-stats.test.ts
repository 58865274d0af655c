/** Summary statistics shared by the experiments and probes (src/math/stats.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, round, roundScaled, sem } from '../src/math/stats.js';

test('mean: left-to-right sum over arrays and typed arrays alike; NaN for none', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.equal(mean(Float64Array.of(0.1, 0.2, 0.3)), (0 + 0.1 + 0.2 + 0.3) / 3);
  assert.ok(Number.isNaN(mean([])));
});

test('sem: sample standard deviation over √n; 0 below two values', () => {
  assert.equal(sem([1, 2, 3, 4]), Math.sqrt(5 / 3 / 4));
  assert.equal(sem(Float32Array.of(2, 2, 2)), 0);
  assert.equal(sem([7]), 0);
  assert.equal(sem([]), 0);
});

test('round (decimal expansion) and roundScaled (scaled Math.round) differ where the binary value sits below a half', () => {
  assert.equal(round(0.123456), 0.1235);
  assert.equal(round(2.5, 0), 3);
  assert.equal(round(0.00035), 0.0003); // 0.000349999…
  assert.equal(roundScaled(0.00035), 0.0004);
  assert.equal(roundScaled(-1.5, 0), -1);
  assert.equal(roundScaled(1.23456, 2), 1.23);
  assert.ok(Number.isNaN(round(NaN)) && Number.isNaN(roundScaled(NaN)));
  assert.equal(round(Infinity), Infinity);
  assert.equal(roundScaled(-Infinity), -Infinity);
});
