/** The experiments' named seed streams (src/experiments/seeds.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED_STREAMS, spreadPick, streamSeed } from '../src/experiments/seeds.js';

test('seed streams keep the values the stored measurements were made with, and no two share a base', () => {
  assert.deepEqual(SEED_STREAMS, {
    newFoodReach: 5000,
    goalInjectionReach: 7000,
    nameAGoalReach: 23000,
    valenceBleedingTest: 25000,
    corticalOverrideTest: 27000,
    devaluationTest: 29000,
    wireheadTest: 11000,
    drugRoomTest: 13000,
    goalPreservationTest: 31000,
    goalPreservationDemo: 33000,
    coinTest: 17000,
    coinGrid: 18000,
    coinFrozen: 19000,
    worldModelProbe: 21000,
    banditBaselines: 12345,
    twoStepBaselines: 7,
  });
  const bases = Object.values(SEED_STREAMS);
  assert.equal(new Set(bases).size, bases.length);
});

test('member i of a stream is base + i; trials pick starts with a prime stride', () => {
  assert.equal(streamSeed('wireheadTest'), 11000);
  assert.equal(streamSeed('wireheadTest', 3), 11003);
  const starts = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((i) => spreadPick(starts, i)),
    [0, 1, 2, 3, 4].map((i) => starts[(i * 7919) % starts.length]),
  );
  assert.equal(spreadPick([], 2), undefined);
});
