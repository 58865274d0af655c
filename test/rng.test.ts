import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/math/rng.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42),
    b = new Rng(42),
    c = new Rng(43);
  const xa = Array.from({ length: 8 }, () => a.nextU32());
  const xb = Array.from({ length: 8 }, () => b.nextU32());
  const xc = Array.from({ length: 8 }, () => c.nextU32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('state round-trips and resumes the exact stream', () => {
  const a = new Rng(7);
  for (let i = 0; i < 100; i++) a.uniform();
  const b = Rng.fromState(a.state());
  for (let i = 0; i < 50; i++) assert.equal(a.uniform(), b.uniform());
  assert.throws(() => Rng.fromState([0, 0, 0, 0]), /all zero/);
});

test('uniform moments and int range are right (statistical, 6-sigma margins)', () => {
  const r = new Rng(1);
  const n = 200000;
  let s = 0,
    s2 = 0;
  const counts = new Array(7).fill(0);
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    counts[r.int(7)]++;
  }
  const mean = s / n,
    v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 6 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(v - 1 / 12) < 0.002);
  for (const c of counts) assert.ok(Math.abs(c - n / 7) < 6 * Math.sqrt(n / 7));
});

test('normal has mean 0 and variance 1', () => {
  const r = new Rng(3);
  const n = 100000;
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 6 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 0.03);
});

test('split children are independent of each other and deterministic; fork does not advance', () => {
  const root = new Rng(5);
  const st = root.state();
  const f1 = root.fork('env').nextU32();
  assert.deepEqual(root.state(), st, 'fork must not advance the parent');
  assert.equal(root.fork('env').nextU32(), f1);
  assert.notEqual(root.fork('policy').nextU32(), f1);
  const c1 = root.split(),
    c2 = root.split();
  assert.notDeepEqual(root.state(), st);
  const a = Array.from({ length: 4 }, () => c1.nextU32());
  const b = Array.from({ length: 4 }, () => c2.nextU32());
  assert.notDeepEqual(a, b);
  // Correlation between sibling streams is near zero.
  const x = Array.from({ length: 20000 }, () => c1.uniform() - 0.5);
  const y = Array.from({ length: 20000 }, () => c2.uniform() - 0.5);
  const corr = x.reduce((acc, xi, i) => acc + xi * y[i]!, 0) / (20000 / 12);
  assert.ok(Math.abs(corr) < 0.05, `corr ${corr}`);
});

test('large seeds are distinct and bad seeds are rejected', () => {
  assert.notEqual(new Rng(2 ** 32).nextU32(), new Rng(0).nextU32());
  assert.throws(() => new Rng(NaN), /finite/);
  assert.throws(() => new Rng(1).int(0), /integer n/);
});
