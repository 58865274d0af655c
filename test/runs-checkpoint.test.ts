import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  saveCheckpoint,
  loadCheckpoint,
  loadLatest,
  readLatestPointer,
  CheckpointError,
  type Checkpoint,
} from '../src/runs/checkpoint.js';
import { encodeTensors } from '../src/nn/serialize.js';
import { Rng } from '../src/math/rng.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'steered-ckpt-'));

function sample(step: number): Checkpoint {
  const rng = new Rng(step);
  const w = new Float32Array(37).map(() => rng.nextU32() / 2 ** 32 - 0.5);
  const m = new Float64Array(37).map(() => rng.nextU32() / 2 ** 32);
  return {
    meta: {
      step,
      experiment: 'demo/x',
      seed: 7,
      episode: 3,
      config: { lr: 1e-3, h: 48 },
      rng: { root: rng.state() },
    },
    tensors: {
      'policy.w': { dtype: 'f32', shape: [37], data: w },
      'adam.m': { dtype: 'f64', shape: [1, 37], data: m },
    },
  };
}

test('checkpoint round trip: meta, tensors and the latest pointer', () => {
  const d = tmp();
  const c = sample(120);
  const file = saveCheckpoint(d, c);
  assert.equal(file, path.join(d, 'checkpoints', 'ckpt-120.bin'));
  const back = loadCheckpoint(file);
  assert.deepEqual(back.meta.rng, c.meta.rng);
  assert.equal(back.meta.step, 120);
  assert.deepEqual(back.meta.config, { lr: 1e-3, h: 48 });
  assert.deepEqual(back.meta.format, { name: 'steered.checkpoint', version: 1 });
  assert.deepEqual([...back.tensors['policy.w']!.data], [...c.tensors['policy.w']!.data]);
  assert.deepEqual(back.tensors['adam.m']!.shape, [1, 37]);
  assert.deepEqual([...back.tensors['adam.m']!.data], [...c.tensors['adam.m']!.data]);
  assert.deepEqual(readLatestPointer(d), { file: 'ckpt-120.bin', step: 120, bytes: fs.statSync(file).size });
  assert.equal(loadLatest(d)!.checkpoint.meta.step, 120);
});

test('saving keeps the last K checkpoints and no temp files', () => {
  const d = tmp();
  for (const s of [10, 20, 30, 40, 50]) saveCheckpoint(d, sample(s), { keep: 3 });
  assert.deepEqual(fs.readdirSync(path.join(d, 'checkpoints')).sort(), [
    'ckpt-30.bin',
    'ckpt-40.bin',
    'ckpt-50.bin',
    'latest',
  ]);
  assert.equal(loadLatest(d)!.checkpoint.meta.step, 50);
  assert.equal(loadLatest(tmp()), null);
});

function assertCkptError(fn: () => unknown, file: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CheckpointError, String(e));
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('missing, truncated, bit-flipped, foreign and future-version files are CheckpointErrors naming the file', () => {
  const d = tmp();
  const file = saveCheckpoint(d, sample(5));
  const good = fs.readFileSync(file);
  assertCkptError(() => loadCheckpoint(path.join(d, 'nope.bin')), 'nope.bin', /not found/);
  for (const n of [0, 10, 100, good.length - 1]) {
    fs.writeFileSync(file, good.subarray(0, n));
    assertCkptError(() => loadCheckpoint(file), file, /truncated|checksum/);
    assertCkptError(() => loadLatest(d), file, /truncated/);
  }
  for (const i of [0, 5, 40, good.length >> 1, good.length - 1]) {
    const bad = Buffer.from(good);
    bad[i]! ^= 0x10;
    fs.writeFileSync(file, bad);
    assertCkptError(() => loadCheckpoint(file), file, /magic|version|checksum/);
    assertCkptError(() => loadLatest(d), file, /magic|version|checksum/);
  }
  const weights = path.join(d, 'weights.bin');
  fs.writeFileSync(
    weights,
    encodeTensors({ w: { dtype: 'f32', shape: [1], data: new Float32Array(1) } }, { note: 'x' }),
  );
  assertCkptError(() => loadCheckpoint(weights), weights, /not a checkpoint/);
  const future = path.join(d, 'future.bin');
  fs.writeFileSync(
    future,
    encodeTensors({}, { step: 1, format: { name: 'steered.checkpoint', version: 99 } }),
  );
  assertCkptError(() => loadCheckpoint(future), future, /unsupported checkpoint version 99/);
  fs.writeFileSync(file, good);
  assert.equal(loadLatest(d)!.checkpoint.meta.step, 5);
});

test('a corrupt latest checkpoint is an error, never a silent fall-back to an older one', () => {
  const d = tmp();
  saveCheckpoint(d, sample(1));
  const f2 = saveCheckpoint(d, sample(2));
  const bad = fs.readFileSync(f2);
  bad[bad.length - 9]! ^= 1;
  fs.writeFileSync(f2, bad);
  assertCkptError(() => loadLatest(d), f2, /checksum/);
  const ptr = path.join(d, 'checkpoints', 'latest');
  fs.writeFileSync(ptr, '{"file": "ckpt-2.b');
  assertCkptError(() => loadLatest(d), ptr, /not valid JSON/);
});

test('bad metadata is rejected before anything is written', () => {
  const d = tmp();
  assert.throws(() => saveCheckpoint(d, { meta: { step: -1 }, tensors: {} }), CheckpointError);
  assert.throws(() => saveCheckpoint(d, { meta: { step: 1.5 }, tensors: {} }), CheckpointError);
  const cyclic: Record<string, unknown> = { step: 3 };
  cyclic.self = cyclic;
  assert.throws(() => saveCheckpoint(d, { meta: cyclic as never, tensors: {} }), CheckpointError);
  assert.equal(fs.existsSync(path.join(d, 'checkpoints', 'latest')), false);
});
