/** Success criteria as a table: each row holds or fails on one run's metrics; NaN and missing fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  criterionHolds,
  criterionText,
  failedCriteria,
  withCriteriaMet,
} from '../src/experiments/criteria.js';
import { listExperiments } from '../src/experiments/index.js';

test('rows compare with a number or with another metric times a factor', () => {
  const m = { a: 0.9, b: 0.2, c: null, d: Number.NaN };
  assert.equal(criterionHolds({ key: 'a', op: '>=', value: 0.9 }, m), true);
  assert.equal(criterionHolds({ key: 'a', op: '>', value: 0.9 }, m), false);
  assert.equal(criterionHolds({ key: 'a', op: '>=', ref: 'b', times: 3 }, m), true);
  assert.equal(criterionHolds({ key: 'a', op: '>=', ref: 'b', times: 5 }, m), false);
  assert.equal(criterionHolds({ key: 'b', op: '<', ref: 'a' }, m), true);
  assert.equal(criterionHolds({ key: 'b', op: '==', value: 0.2 }, m), true);
  for (const key of ['c', 'd', 'missing']) {
    assert.equal(criterionHolds({ key, op: '<=', value: 1 }, m), false, key);
    assert.equal(criterionHolds({ key: 'a', op: '>=', ref: key }, m), false, key);
  }
  assert.equal(criterionText({ key: 'a', op: '>=', ref: 'b', times: 3 }), 'a ≥ 3 × b');
  assert.equal(criterionText({ key: 'a', op: '<=', value: 0.05 }), 'a ≤ 0.05');
});

test('criteria_met is appended only where criteria are stated, and is false when one row fails', () => {
  const rows = [
    { key: 'x', op: '>=' as const, value: 1 },
    { key: 'y', op: '<=' as const, value: 0 },
  ];
  assert.deepEqual(withCriteriaMet(undefined, { x: 1 }), { x: 1 });
  assert.deepEqual(withCriteriaMet(rows, { x: 1, y: 0 }), { x: 1, y: 0, criteria_met: true });
  assert.deepEqual(withCriteriaMet(rows, { x: 1, y: 0.1 }), { x: 1, y: 0.1, criteria_met: false });
  assert.deepEqual(failedCriteria(rows, { x: 0, y: 0 }), [rows[0]]);
});

test('every experiment with criteria names only metrics it documents, and documents criteria_met', () => {
  for (const e of listExperiments()) {
    if (!e.criteria) continue;
    assert.ok('criteria_met' in e.metrics, `${e.id}: criteria_met undocumented`);
    const known = Object.keys(e.metrics).map(
      (k) => new RegExp(`^${k.replace(/[.]/g, '\\.').replace(/<[^>]+>/g, '[^.]+')}$`),
    );
    for (const c of e.criteria)
      for (const k of [c.key, ...(c.ref ? [c.ref] : [])])
        assert.ok(
          known.some((r) => r.test(k)),
          `${e.id}: criterion on undocumented metric ${k}`,
        );
  }
});
