/**
 * scripts/train-shipped.sh must still train the checkpoints it ships: each recipe, resolved through its
 * experiment's current schema and defaults, gives the configuration recorded in its checkpoint. A
 * default that moves (an experiment's recipe, an A2C option added later) would otherwise change what the
 * script trains while the checkpoint beside it stays the old one. A key the checkpoint does not record
 * predates it, so the trainer behaved as that option's A2C default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/runs/checkpoint.js';
import { findExperiment } from '../src/experiments/index.js';
import { parseSets } from '../src/experiments/config.js';
import { a2cConfig, type TrainingConfig } from '../src/experiments/metarl/runner.js';
import { A2C_DEFAULTS } from '../src/metarl/a2c.js';
import { parseShippedRecipes, readShippedRecipes } from '../tools/shipped-recipes.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Set by the script on every run; they change no number (how often to save and log). */
const BOOKKEEPING = new Set(['checkpointEvery', 'logEvery']);

const recipes = readShippedRecipes(ROOT);

test('the script lists a recipe for every shipped checkpoint', () => {
  assert.ok(recipes.length >= 9, `only ${recipes.length} recipes`);
  assert.ok(recipes.some((r) => r.target === 'metarl/bandit-independent'));
});

for (const r of recipes) {
  test(`shipped recipe ${r.target} resolves to its checkpoint's configuration`, () => {
    const ck = loadCheckpoint(join(ROOT, 'checkpoints', `${r.dest}.ckpt`));
    const meta = ck.meta as { seed: number; config: Record<string, unknown> };
    assert.equal(meta.seed, r.seed, 'seed');
    const resolved = parseSets(findExperiment(r.id).config, r.sets, r.id) as Record<string, unknown>;
    for (const [k, v] of Object.entries(meta.config)) {
      if (BOOKKEEPING.has(k)) continue;
      assert.deepEqual(
        resolved[k],
        v,
        `${k}: the recipe resolves to ${JSON.stringify(resolved[k])}, the checkpoint has ${JSON.stringify(v)}`,
      );
    }
    const recorded = { ...A2C_DEFAULTS, gammaEnd: undefined, ...meta.config } as unknown as TrainingConfig;
    const want = a2cConfig(recorded);
    const got = a2cConfig(resolved as unknown as TrainingConfig);
    for (const k of Object.keys(want) as (keyof typeof want)[])
      assert.deepEqual(
        got[k],
        want[k],
        `${k}: the recipe trains with ${JSON.stringify(got[k])}, the checkpoint was trained with ${JSON.stringify(want[k])}${k in meta.config ? '' : ' (not recorded: the A2C default of its time)'}`,
      );
  });
}

test('a malformed recipe table is an error naming the line', () => {
  const ok = 'declare -A CMD=(\n  [metarl/two-step]="--seed 1 --set updates=8"\n)\n';
  assert.deepEqual(parseShippedRecipes(ok), [
    {
      target: 'metarl/two-step',
      id: 'metarl/two-step',
      dest: 'metarl/two-step',
      seed: 1,
      sets: ['updates=8'],
    },
  ]);
  assert.deepEqual(
    parseShippedRecipes(ok.replace('two-step]', 'bandit-k@5x100]'))[0]!.dest,
    'metarl/bandit-k-5x100',
  );
  assert.throws(() => parseShippedRecipes('nothing here'), /no 'declare -A CMD=\(' line/);
  assert.throws(
    () => parseShippedRecipes(ok.replace('--seed 1 ', '')),
    /:2: metarl\/two-step's recipe has no --seed/,
  );
  assert.throws(
    () => parseShippedRecipes(ok.replace('--set updates=8', '--gpu 1')),
    /:2: unexpected '--gpu 1'/,
  );
  assert.throws(() => parseShippedRecipes(ok.replace('\n)\n', '\n')), /not closed/);
});
