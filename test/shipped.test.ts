/**
 * Frozen-weight evaluation of the shipped meta-RL checkpoints (checkpoints/<experiment>.ckpt), with
 * margins: a few hundred episodes here, so each bound is the documented result plus ~3 standard errors
 * of a run this size. Also checks that evaluation leaves the weights untouched (frozen).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { loadCheckpoint } from '../src/runs/checkpoint.js';
import { Rng } from '../src/math/rng.js';
import { loadParams } from '../src/nn/serialize.js';
import { RecurrentActorCritic } from '../src/metarl/network.js';
import { evaluateNetwork } from '../src/metarl/a2c.js';
import { TwoArmedIndependentBandit } from '../src/envs/metarl/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'steered.js');

function evalJson(
  id: string,
  episodes: number,
  sets: readonly string[] = [],
): Record<string, number | number[]> {
  const r = spawnSync(
    process.execPath,
    [BIN, 'eval', id, ...sets.flatMap((s) => ['--set', s]), '--set', `episodes=${episodes}`, '--json'],
    {
      encoding: 'utf8',
      env: { ...process.env, STEERED_RUNS_ROOT: mkdtempSync(join(tmpdir(), 'steered-ship-')) },
    },
  );
  assert.equal(r.status, 0, `${id}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

interface Expectation {
  id: string;
  /** Shipped variant (checkpoints/<id>-<variant>.ckpt) and the --set values that select it in `steered eval`. */
  variant?: { name: string; sets: string[] };
  episodes: number;
  check: (m: Record<string, number | number[]>) => void;
}

const num = (m: Record<string, number | number[]>, k: string) => m[k] as number;

const SHIPPED: Expectation[] = [
  {
    id: 'metarl/bandit-independent',
    episodes: 1000,
    // Full evaluation (10000 episodes) is in checkpoints/…metrics.json; the SEM at 1000 episodes ≈ 0.1.
    check: (m) => {
      assert.ok(num(m, 'regret_mean') < 2.45, `regret ${num(m, 'regret_mean')}`);
      assert.ok(num(m, 'regret_mean') < num(m, 'thompson_regret'), 'meta-RL must beat Thompson sampling');
    },
  },
  {
    id: 'metarl/bandit-dependent',
    episodes: 1000,
    check: (m) => assert.ok(num(m, 'regret_mean') < 1.75, `regret ${num(m, 'regret_mean')}`),
  },
  {
    id: 'metarl/bandit-k',
    episodes: 1000,
    check: (m) => {
      assert.ok(num(m, 'reward_mean') > 6.5, `reward ${num(m, 'reward_mean')}`);
      assert.ok(num(m, 'regret_mean') < num(m, 'thompson_regret'));
    },
  },
  {
    id: 'metarl/bandit-k',
    variant: { name: '5x100', sets: ['arms=5', 'trials=100'] },
    episodes: 1000,
    // Full evaluation (10000 episodes): 78.35 ± 0.16 (criterion RL² 78.7 − 1% = 77.9); per-episode SD ≈ 16,
    // so the SEM at 1000 episodes ≈ 0.5 and 76.4 is the criterion minus 3 SEM.
    check: (m) => {
      assert.ok(num(m, 'reward_mean') > 76.4, `reward ${num(m, 'reward_mean')}`);
      assert.ok(num(m, 'regret_mean') < num(m, 'thompson_regret'), 'meta-RL must beat Thompson sampling');
    },
  },
  {
    id: 'metarl/bandit-k',
    variant: { name: '10x100', sets: ['arms=10', 'trials=100'] },
    episodes: 1000,
    // Full evaluation (10000 episodes): 83.27 ± 0.12 (criterion RL² 83.5 − 1% = 82.7); per-episode SD ≈ 12,
    // so the SEM at 1000 episodes ≈ 0.37 and 81.6 is the criterion minus 3 SEM.
    check: (m) => {
      assert.ok(num(m, 'reward_mean') > 81.6, `reward ${num(m, 'reward_mean')}`);
      assert.ok(num(m, 'regret_mean') < num(m, 'thompson_regret'), 'meta-RL must beat Thompson sampling');
    },
  },
  {
    id: 'metarl/volatile',
    episodes: 1000,
    check: (m) => assert.ok(num(m, 'lr_volatile') > num(m, 'lr_stable') + 0.03, JSON.stringify(m)),
  },
  {
    id: 'metarl/informative-arm',
    episodes: 500,
    // Full evaluation (10000 episodes) is in checkpoints/…metrics.json; criterion 19.5, optimum 20.55.
    // An agent at the criterion has per-episode SD ≲ 3 (a missed target costs ≥ 3.9), so the SEM of 500
    // episodes is ≲ 0.15: 19.0 is the criterion minus > 3 SEM.
    check: (m) => {
      assert.ok(num(m, 'reward_mean') >= 19.0, `reward ${num(m, 'reward_mean')}`);
      assert.ok(
        num(m, 'informative_first_rate') >= 0.9,
        `informative first ${num(m, 'informative_first_rate')}`,
      );
    },
  },
  {
    id: 'metarl/two-step',
    episodes: 300,
    check: (m) => {
      assert.ok(
        num(m, 'stay_rewarded_common') >= 0.9 && num(m, 'stay_unrewarded_rare') >= 0.9,
        JSON.stringify(m),
      );
      assert.ok(
        num(m, 'stay_rewarded_rare') <= 0.8 && num(m, 'stay_unrewarded_common') <= 0.8,
        JSON.stringify(m),
      );
      assert.ok(num(m, 'mf_interaction') < 0.1 && num(m, 'interaction') > 0.3, JSON.stringify(m));
    },
  },
  {
    id: 'metarl/harlow',
    episodes: 400,
    // Evaluation-pool objects, never seen in training. Full evaluation (2000 episodes) in
    // checkpoints/metarl/harlow.metrics.json: trial 2 ≈ 0.98; the SEM at 400 episodes ≈ 0.007 (0.025 at chance).
    check: (m) => {
      const acc = m['trial_accuracy'] as number[];
      assert.equal(acc.length, 6);
      assert.ok(acc[1]! >= 0.85, `trial-2 accuracy ${acc[1]}`);
      assert.ok(Math.min(...acc.slice(1)) >= 0.85, `accuracy after trial 1 ${JSON.stringify(acc)}`);
      assert.ok(Math.abs(acc[0]! - 0.5) < 0.1, `trial 1 must be at chance: ${acc[0]}`);
      assert.ok(num(m, 'fixation_rate') >= 0.95, `fixation ${num(m, 'fixation_rate')}`);
    },
  },
];

for (const e of SHIPPED) {
  const name = e.variant ? `${e.id}-${e.variant.name}` : e.id;
  test(`shipped ${name}: frozen-weight evaluation within margins`, () => {
    const path = join(ROOT, 'checkpoints', `${name}.ckpt`);
    assert.ok(existsSync(path), `missing shipped checkpoint ${path} (scripts/train-shipped.sh makes it)`);
    e.check(evalJson(e.id, e.episodes, e.variant?.sets));
  });
}

test('frozen evaluation leaves every network parameter bit-identical', () => {
  const path = join(ROOT, 'checkpoints', 'metarl/bandit-independent.ckpt');
  const ck = loadCheckpoint(path);
  const cfg = (ck.meta as { config: { hidden: number } }).config;
  const task = { make: () => new TwoArmedIndependentBandit(), obsDim: 4, nActions: 2, maxSteps: 100 };
  const net = new RecurrentActorCritic(
    { obsDim: 4, nActions: 2, hidden: cfg.hidden, maxSteps: 100, maxBatch: 16 },
    new Rng(0),
  );
  loadParams(net.params(), ck.tensors, 'net.');
  const hash = () => {
    const h = createHash('sha256');
    for (const p of net.params())
      h.update(p.name).update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
    return h.digest('hex');
  };
  const before = hash();
  let steps = 0;
  evaluateNetwork(net, task, 64, new Rng(1), () => void steps++, { batch: 16 });
  assert.equal(steps, 64 * 100);
  assert.equal(hash(), before);
});
