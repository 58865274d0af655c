/**
 * `trainSignal: 'regret'`: returns made of minus each step's expected regret instead of the observed
 * Bernoulli reward. The policy gradient must have the same expectation as with the reward (the swap only
 * removes noise that the action cannot influence) and a smaller variance; a task without an expected
 * regret is refused up front with one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A2CRollout, A2C_DEFAULTS, a2cNetwork, type A2CConfig } from '../src/metarl/a2c.js';
import { metarlTaskSpec } from '../src/experiments/metarl/index.js';
import { Rng } from '../src/math/rng.js';
import { steered } from '../test-support/cli.js';

test('the regret signal gives the policy gradient of the reward signal with less variance', () => {
  const task = metarlTaskSpec('metarl/bandit-independent', { trials: 100 }, 'train');
  const base: A2CConfig = { ...A2C_DEFAULTS, hidden: 16, numEnvs: 16, valueCoef: 0 };
  const net = a2cNetwork(task, base, new Rng(3));
  const roll = {
    reward: new A2CRollout(task, { ...base, trainSignal: 'reward' }, net),
    regret: new A2CRollout(task, { ...base, trainSignal: 'regret' }, net),
  };
  // Same episodes (task draws, outcomes and action samples) under both signals: the network reads the
  // observed reward either way, so only the returns differ.
  const K = 240;
  const seeds = new Rng(11);
  const g: Record<'reward' | 'regret', Float32Array[]> = { reward: [], regret: [] };
  for (let k = 0; k < K; k++) {
    const envSeeds = new Uint32Array(16),
      actSeeds = new Uint32Array(16);
    for (let b = 0; b < 16; b++) {
      envSeeds[b] = seeds.int(2 ** 31);
      actSeeds[b] = seeds.int(2 ** 31);
    }
    for (const s of ['reward', 'regret'] as const)
      g[s].push(roll[s].compute({ envSeeds, actSeeds, entropyCoef: 0, gamma: 0.9 }).grads.slice());
  }
  const P = g.reward[0]!.length;
  let varReward = 0,
    varRegret = 0,
    z2 = 0,
    coords = 0;
  for (let i = 0; i < P; i++) {
    let mr = 0,
      mg = 0,
      md = 0;
    for (let k = 0; k < K; k++) {
      mr += g.reward[k]![i]!;
      mg += g.regret[k]![i]!;
      md += g.reward[k]![i]! - g.regret[k]![i]!;
    }
    mr /= K;
    mg /= K;
    md /= K;
    let vr = 0,
      vg = 0,
      vd = 0;
    for (let k = 0; k < K; k++) {
      vr += (g.reward[k]![i]! - mr) ** 2;
      vg += (g.regret[k]![i]! - mg) ** 2;
      vd += (g.reward[k]![i]! - g.regret[k]![i]! - md) ** 2;
    }
    varReward += vr / (K - 1);
    varRegret += vg / (K - 1);
    const se2 = vd / (K - 1) / K;
    if (se2 > 0) {
      z2 += (md * md) / se2;
      coords++;
    }
  }
  // Unbiased: the paired difference's mean is noise, so z² averages ≈ 1 over coordinates (correlated
  // coordinates widen its spread but not its mean); a sign error or a biased signal gives z² ≫ 1.
  const meanZ2 = z2 / coords;
  assert.ok(meanZ2 < 2, `mean z² of the paired gradient difference ${meanZ2.toFixed(2)} (unbiased ≈ 1)`);
  // Less noisy: the summed per-coordinate variance of the gradient estimate shrinks.
  const ratio = varRegret / varReward;
  assert.ok(ratio < 0.5, `gradient variance, regret / reward signal: ${ratio.toFixed(3)}`);
});

test('a task that reports no expected regret refuses trainSignal=regret with one line', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-signal-'));
  const r = steered(['run', 'metarl/two-step', '--set', 'updates=1', '--set', 'trainSignal=regret'], root);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('steered:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /trainSignal=regret: metarl\/two-step's task does not report an expected regret/);
});
