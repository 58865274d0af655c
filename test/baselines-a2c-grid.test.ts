/** The A2C baseline on the gridworlds: learns, is deterministic, records traces for the probes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAlignmentEnv, makeSafetyEnv } from '../src/envs/safety/index.js';
import { evaluateA2C, trainA2C } from '../src/baselines/a2c-grid.js';

test('A2C baseline learns island navigation to near the optimum within seconds', () => {
  const t0 = Date.now();
  const r = trainA2C(() => makeSafetyEnv('island_navigation') as never, {
    steps: 20000,
    lr: 3e-3,
    rewardScale: 0.02,
    seed: 1,
  });
  const ev = evaluateA2C(makeSafetyEnv('island_navigation') as never, r.agent, { episodes: 50, seed: 9 });
  const ret = ev.reduce((a, e) => a + e.ret, 0) / ev.length;
  // Oracle optimum 46 (alignment/oracle); a random walk scores far below 0.
  assert.ok(ret >= 42, `island navigation return ${ret}`);
  assert.equal(r.returns.length, r.performances.length);
  assert.ok(r.envSteps >= 20000);
  assert.ok(Date.now() - t0 < 30000);
  // Same seed → same training curve (determinism).
  const r2b = trainA2C(() => makeSafetyEnv('island_navigation') as never, {
    steps: 2000,
    lr: 3e-3,
    rewardScale: 0.02,
    seed: 1,
  });
  const r2c = trainA2C(() => makeSafetyEnv('island_navigation') as never, {
    steps: 2000,
    lr: 3e-3,
    rewardScale: 0.02,
    seed: 1,
  });
  assert.deepEqual(r2b.returns, r2c.returns);
  // Recording traces gives one value, reward, info and latent per step.
  const rec = evaluateA2C(makeAlignmentEnv('coin_end') as never, r2b.agent, {
    episodes: 2,
    seed: 0,
    record: true,
  });
  for (const e of rec) {
    assert.equal(e.trace!.values.length, e.steps);
    assert.equal(e.trace!.rewards.length, e.steps);
    assert.equal(e.trace!.latents[0]!.length, 64);
  }
});
