/** The `learner` key of brain experiments: blocks laid over the experiment's own, checked before a run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLearnerOverride, layered } from '../src/experiments/brain/common.js';
import { ConfigError } from '../src/experiments/config.js';
import { steered } from '../test-support/cli.js';

test("the user's blocks win key by key over the experiment's, which keep their other keys", () => {
  const mine = { planner: { horizon: 10, candidates: 64 }, worldModel: { every: 2 } };
  const out = layered(mine, { planner: { horizon: 4 }, memory: { capacity: 9 } });
  assert.deepEqual(out, {
    planner: { horizon: 4, candidates: 64 },
    worldModel: { every: 2 },
    memory: { capacity: 9 },
  });
  assert.deepEqual(mine.planner, { horizon: 10, candidates: 64 }, 'the experiment’s blocks are not changed');
});

test('unknown blocks and keys and wrong types are ConfigErrors naming them', () => {
  checkLearnerOverride({ worldModel: { positionHead: 'move' } });
  checkLearnerOverride(undefined);
  for (const [bad, words] of [
    [{ wordModel: {} }, /wordModel/],
    [{ worldModel: { positionHed: 'move' } }, /positionHed/],
    [{ worldModel: { latent: 'big' } }, /worldModel\.latent must be a number/],
  ] as const)
    assert.throws(
      () => checkLearnerOverride(bad as never),
      (e: unknown) => e instanceof ConfigError && words.test((e as Error).message),
    );
});

test('a bad learner key on the command line is one line and exit 2', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-learner-'));
  const r = steered(['run', 'brain/new-food', '--set', 'learner={"planner":{"horizn":3}}', '--json'], root);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /horizn/);
});
