/**
 * Data-parallel A2C: rollouts do not depend on how episodes are sharded, the combined gradient is the
 * global mean-loss gradient, worker threads reproduce the in-process sharded update bit for bit, and
 * through the CLI a workers=2 run is deterministic and resumes exactly after SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A2CTrainer, flattenParams, type UpdateStats } from '../src/metarl/a2c.js';
import { findExperiment } from '../src/experiments/index.js';
import { parseSets } from '../src/experiments/config.js';
import { metarlTaskSpec } from '../src/experiments/metarl/index.js';
import { a2cConfig, resolveShards, type TrainingConfig } from '../src/experiments/metarl/runner.js';
import { A2CWorkerPool } from '../src/node/a2c-pool.js';
import { loadBlas } from '../src/node/blas.js';
import { gemmKernel, setGemmKernel, tsGemm, type GemmName } from '../src/math/gemm.js';
import { wasmGemm } from '../src/math/gemm-wasm.js';
import { Rng } from '../src/math/rng.js';
import { lastLine, runUntilKilled, steered } from '../test-support/cli.js';

function setup(id: string, sets: string[]) {
  const cfg = parseSets(findExperiment(id).config, sets, id) as TrainingConfig;
  const task = metarlTaskSpec(id, cfg as unknown as Record<string, unknown>, 'train');
  return {
    cfg,
    task,
    make: (shards: number) => new A2CTrainer(task, a2cConfig(cfg), new Rng(5).fork('train'), { shards }),
  };
}

function bits(t: A2CTrainer): Buffer {
  return Buffer.from(flattenParams(t.net.params()).buffer);
}

test('an episode plays the same whatever the sharding; shards combine to the global mean-loss gradient', () => {
  // Harlow has fixation aborts, so episodes differ in length and the n_s/N weighting matters.
  for (const id of ['metarl/bandit-independent', 'metarl/harlow']) {
    const { make } = setup(id, ['numEnvs=7', 'hidden=16', 'updates=10']);
    const one = make(1),
      three = make(3);
    const a = one.step(),
      b = three.step();
    assert.equal(b.envSteps, a.envSteps, id);
    assert.equal(b.episodeReward, a.episodeReward, id);
    for (const k of ['policyLoss', 'valueLoss', 'entropy', 'gradNorm'] as const) {
      assert.ok(
        Math.abs(a[k] - b[k]) <= 1e-5 * Math.max(1, Math.abs(a[k])),
        `${id} ${k}: ${a[k]} vs ${b[k]}`,
      );
    }
    const wa = flattenParams(one.net.params()),
      wb = flattenParams(three.net.params());
    let maxd = 0;
    for (let i = 0; i < wa.length; i++) maxd = Math.max(maxd, Math.abs(wa[i]! - wb[i]!));
    // One Adam step moves each weight by ≤ lr; a wrong shard weighting would show up at that scale.
    assert.ok(maxd < 1e-6, `${id}: weights differ by ${maxd} after one update`);
  }
});

test("shards are clamped to [1, numEnvs]; auto takes the checkpoint's count on resume", () => {
  const { make } = setup('metarl/bandit-independent', ['numEnvs=3', 'hidden=8']);
  assert.equal(make(8).shards, 3);
  assert.equal(make(0).shards, 1);
  assert.equal(
    make(8)
      .plan()
      .map((r) => r.envSeeds.length)
      .join(),
    '1,1,1',
  );
  const { make: m2 } = setup('metarl/bandit-independent', ['numEnvs=7', 'hidden=8']);
  assert.equal(
    m2(3)
      .plan()
      .map((r) => r.envSeeds.length)
      .join(),
    '3,2,2',
  );
  assert.equal(resolveShards({ workers: 0, numEnvs: 32 }, 2), 2);
  assert.equal(resolveShards({ workers: 0, numEnvs: 32 }, 8, 2), 2);
  assert.equal(resolveShards({ workers: 0, numEnvs: 4 }, 8), 4);
  assert.equal(resolveShards({ workers: 1, numEnvs: 32 }, 8, 2), 1);
  assert.equal(resolveShards({ workers: 3, numEnvs: 32 }, 2), 3);
});

async function poolMatchesInProcess(kernel: GemmName, helpers: number, shards: number): Promise<void> {
  const prev = gemmKernel();
  if (kernel === 'blas') setGemmKernel(loadBlas()!.kernel);
  else if (kernel === 'wasm') setGemmKernel(wasmGemm()!);
  else setGemmKernel(tsGemm);
  try {
    const id = 'metarl/bandit-dependent';
    const { cfg, make } = setup(id, ['numEnvs=6', 'hidden=12', 'updates=20']);
    const local = make(shards),
      remote = make(shards);
    const pool = await A2CWorkerPool.start({ experiment: id, config: cfg, workers: helpers, kernel });
    try {
      assert.equal(pool.workers, helpers);
      for (let u = 0; u < 4; u++) {
        const a: UpdateStats = local.step();
        const b = await remote.stepParallel(pool);
        assert.deepEqual(b, a, `update ${u}`);
      }
    } finally {
      await pool.close();
    }
    assert.ok(bits(local).equals(bits(remote)), `${kernel}: weights differ`);
    assert.deepEqual(remote.rng.state(), local.rng.state());
  } finally {
    setGemmKernel(prev);
  }
}

test('worker threads reproduce the in-process sharded update bit for bit (ts kernel)', async () => {
  await poolMatchesInProcess('ts', 1, 2);
  // More shards than threads (this one + 2 helpers): shards must still combine in shard order.
  await poolMatchesInProcess('ts', 2, 5);
});

test('worker threads reproduce the in-process sharded update bit for bit (WebAssembly SIMD kernel)', async () => {
  await poolMatchesInProcess('wasm', 1, 3);
});

test('worker threads reproduce the in-process sharded update bit for bit (OpenBLAS)', {
  skip: loadBlas() ? false : 'OpenBLAS not installed',
}, async () => {
  await poolMatchesInProcess('blas', 1, 3);
});

test('a worker that cannot build its replica fails start() instead of hanging; a closed pool refuses work', async () => {
  await assert.rejects(
    A2CWorkerPool.start({
      experiment: 'metarl/no-such',
      config: {} as TrainingConfig,
      workers: 2,
      kernel: 'ts',
    }),
    /failed to start.*no-such/s,
  );
  const { cfg } = setup('metarl/bandit-independent', ['numEnvs=2', 'hidden=4']);
  const pool = await A2CWorkerPool.start({
    experiment: 'metarl/bandit-independent',
    config: cfg,
    workers: 1,
    kernel: 'ts',
  });
  await pool.close();
  await pool.close();
  await assert.rejects(pool.computeShards(new Float32Array(1), []), /closed/);
});

// --- through the CLI (bin/steered.js runs dist/: `npm run build` first) ---

const SMALL = [
  '--set',
  'updates=40',
  '--set',
  'numEnvs=8',
  '--set',
  'episodes=100',
  '--set',
  'checkpointEvery=5',
  '--set',
  'logEvery=5',
  '--set',
  'workers=2',
];

test('CLI workers=2: same seed → identical --json and metric log; SIGKILL + resume ends identical', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-par-'));
  const a = steered(
    ['run', 'metarl/bandit-independent', '--seed', '9', ...SMALL, '--out', join(root, 'a'), '--json'],
    root,
  );
  const b = steered(
    ['run', 'metarl/bandit-independent', '--seed', '9', ...SMALL, '--out', join(root, 'b'), '--json'],
    root,
  );
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(lastLine(a.stdout), lastLine(b.stdout));
  assert.equal(
    readFileSync(join(root, 'a', 'metrics.jsonl'), 'utf8'),
    readFileSync(join(root, 'b', 'metrics.jsonl'), 'utf8'),
  );
  const out = join(root, 'killed');
  const killed = await runUntilKilled(
    ['run', 'metarl/bandit-independent', '--seed', '9', ...SMALL, '--out', out, '--json'],
    root,
    out,
    10,
  );
  assert.ok(killed, 'the run finished before it could be killed; the test did not test anything');
  const res = steered(['run', 'metarl/bandit-independent', '--resume', out, '--json'], root);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(lastLine(res.stdout), lastLine(a.stdout));
  assert.equal(
    readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
    readFileSync(join(root, 'a', 'metrics.jsonl'), 'utf8'),
  );
});
