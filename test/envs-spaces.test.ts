import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Box,
  Dict,
  Discrete,
  MultiDiscrete,
  Tuple,
  flatDim,
  flatten,
  flattenSpace,
  unflatten,
} from '../src/envs/spaces.js';
import type { Space } from '../src/envs/core.js';

function samples<T>(s: Space<T>, seed: number, n = 50): T[] {
  s.seed(seed);
  return Array.from({ length: n }, () => s.sample());
}

function nested() {
  return new Dict({
    pos: new Box(-1, 1, [2, 3]),
    id: new Discrete(4, 10),
    extra: new Tuple([
      new MultiDiscrete([2, 5], [0, -2]),
      new Box(-Infinity, Infinity, [2], 'f64'),
      new Dict({ flag: new Discrete(2) }),
    ]),
  });
}

test('every space: samples are contained, same seed → same samples, different seed → different', () => {
  const spaces: Space<unknown>[] = [
    new Discrete(5),
    new Discrete(3, -1),
    new Box(0, 1, [4]),
    new Box([-1, 0, -Infinity, 2], [1, Infinity, 5, 2], [4], 'f64'),
    new Box(-Infinity, Infinity, [2, 2]),
    new MultiDiscrete([3, 1, 7]),
    nested(),
    new Tuple([new Discrete(2), new Box(0, 10, [1])]),
  ];
  for (const s of spaces) {
    const a = samples(s, 7),
      b = samples(s, 7),
      c = samples(s, 8);
    for (const x of a) assert.ok(s.contains(x), `${s} should contain its sample`);
    assert.deepEqual(a, b, `${s}: seed 7 twice`);
    assert.notDeepEqual(a, c, `${s}: seeds 7 and 8`);
    assert.equal(s.seed(3), 3);
  }
});

test('Discrete contains: integers in [start, start+n) only', () => {
  const d = new Discrete(3, 1);
  assert.ok(d.contains(1) && d.contains(3));
  for (const bad of [0, 4, 1.5, '1', NaN, null, [1]]) assert.equal(d.contains(bad), false, String(bad));
  assert.equal(String(d), 'Discrete(3, start=1)');
  assert.equal(String(new Discrete(4)), 'Discrete(4)');
  const seen = new Set(samples(d, 1, 200));
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
});

test('Box contains: dtype, length, bounds, NaN; bounded sample inside, half-bounded respects its bound', () => {
  const b = new Box(0, 1, [2]);
  assert.ok(b.contains(Float32Array.of(0, 1)));
  assert.equal(b.contains(Float64Array.of(0, 1)), false);
  assert.equal(b.contains([0, 1]), false);
  assert.equal(b.contains(Float32Array.of(0)), false);
  assert.equal(b.contains(Float32Array.of(0, 1.5)), false);
  assert.equal(b.contains(Float32Array.of(0, NaN)), false);
  assert.equal(b.explain(Float32Array.of(0, 1.5)), 'element 1 = 1.5 outside [0, 1]');
  assert.equal(b.explain([0, 1]), 'expected a Float32Array, got an array of length 2');
  assert.equal(String(b), 'Box(0, 1, [2], f32)');
  const half = new Box([0, -Infinity], [Infinity, 3], [2], 'f64');
  for (const x of samples(half, 2, 200)) {
    assert.ok(x instanceof Float64Array && x[0]! >= 0 && x[1]! <= 3);
  }
  assert.equal(half.isBounded(), false);
  assert.throws(() => new Box(1, 0, [1]), /low\[0\] = 1 > high\[0\] = 0/);
  assert.throws(() => new Box([0, 0], 1, [3]), /low has 2 entries but shape \[3\] needs 3/);
  // Shape inferred from an array bound.
  assert.deepEqual(new Box([0, 0, 0], 1).shape, [3]);
});

test('MultiDiscrete contains and start offsets', () => {
  const m = new MultiDiscrete([2, 3], [0, 5]);
  assert.ok(m.contains(Int32Array.of(1, 7)));
  assert.equal(m.contains(Int32Array.of(1, 8)), false);
  assert.equal(m.contains(Int32Array.of(1, 4)), false);
  assert.equal(m.contains([1, 5]), false);
  assert.equal(String(m), 'MultiDiscrete([2, 3], start=[0, 5])');
});

test('nested Dict/Tuple contains: wrong key sets, wrong inner values and wrong containers are rejected', () => {
  const s = nested();
  s.seed(1);
  const x = s.sample();
  assert.ok(s.contains(x));
  assert.deepEqual(Object.keys(x), ['extra', 'id', 'pos'], 'keys are sorted');
  assert.equal(s.contains({ ...x, more: 1 }), false);
  const { id: _id, ...missing } = x;
  assert.equal(s.contains(missing), false);
  assert.equal(s.contains({ ...x, id: 3 }), false);
  assert.equal(s.contains({ ...x, extra: [x.extra[0], x.extra[1]] }), false);
  assert.equal(s.contains({ ...x, extra: [x.extra[0], x.extra[1], { flag: 2 }] }), false);
  assert.equal(s.contains([x]), false);
  assert.equal(s.contains(null), false);
  // Seeding the parent fixes every child's stream.
  s.seed(1);
  assert.deepEqual(s.sample(), x);
  assert.match(
    String(s),
    /^Dict\(extra: Tuple\(MultiDiscrete\(\[2, 5\], start=\[0, -2\]\), Box\(-Infinity, Infinity, \[2\], f64\), Dict\(flag: Discrete\(2\)\)\), id: Discrete\(4, start=10\), pos: Box\(-1, 1, \[2, 3\], f32\)\)$/,
  );
});

test('flatten: Discrete one-hot, MultiDiscrete concatenated one-hots, Dict in sorted key order; unflatten inverts', () => {
  assert.deepEqual(Array.from(flatten(new Discrete(4, 1), 3)), [0, 0, 1, 0]);
  assert.deepEqual(Array.from(flatten(new MultiDiscrete([2, 3]), Int32Array.of(1, 0))), [0, 1, 1, 0, 0]);
  const d = new Dict({ b: new Box(-5, 5, [2]), a: new Discrete(2) });
  assert.equal(flatDim(d), 4);
  assert.deepEqual(Array.from(flatten(d, { a: 1, b: Float32Array.of(3, -4) })), [0, 1, 3, -4]);
  const out = new Float64Array(6);
  flatten(d, { a: 0, b: Float32Array.of(1, 2) }, out, 2);
  assert.deepEqual(Array.from(out), [0, 0, 1, 0, 1, 2]);
  assert.throws(() => flatten(d, { a: 2, b: Float32Array.of(1, 2) }), /not in Dict/);

  const s = nested();
  s.seed(5);
  const x = s.sample();
  assert.equal(flatDim(s), 2 + 5 + 2 + 2 + 4 + 6);
  const f = flatten(s, x, new Float64Array(flatDim(s)));
  assert.deepEqual(unflatten(s, f), x);
  const fs = flattenSpace(s);
  assert.deepEqual(fs.shape, [flatDim(s)]);
  assert.ok(fs.contains(flatten(s, x)));
});
