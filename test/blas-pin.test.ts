/**
 * OpenBLAS kernel pin: whatever OPENBLAS would pick for this CPU, the default loads the pinned family,
 * so products (and with them every run's numbers) are the same on every machine of the architecture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreTypeChoice, pinnedCoreType } from '../src/node/blas.js';
import { RunStore } from '../src/runs/store.js';
import { numericDifferences, type NumericConfig } from '../src/node/numeric.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Env without any OpenBLAS/steered kernel setting, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OPENBLAS_') && !k.startsWith('STEERED_')) env[k] = v;
  return { ...env, ...extra };
}

/** In a fresh process: the core type loaded and a hash of a 96×80×112 f32 product of seeded numbers. */
function probe(env: NodeJS.ProcessEnv): { core: string; hash: string } {
  const code = `
    import { installGemmFromEnv, loadBlas } from ${JSON.stringify(join(ROOT, 'dist/src/node/blas.js'))};
    import { gemm } from ${JSON.stringify(join(ROOT, 'dist/src/math/gemm.js'))};
    import { createHash } from 'node:crypto';
    if (installGemmFromEnv() !== 'blas') throw new Error('no OpenBLAS');
    const M = 96, N = 80, K = 112; let s = 12345;
    const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
    const A = Float32Array.from({ length: M * K }, r), B = Float32Array.from({ length: K * N }, r);
    const C = new Float32Array(M * N);
    gemm(false, false, M, N, K, 1, A, K, B, N, 0, C, N);
    process.stdout.write(loadBlas().info.coreType + ' ' + createHash('sha256').update(new Uint8Array(C.buffer)).digest('hex'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [core, hash] = r.stdout.trim().split(' ');
  return { core: core!, hash: hash! };
}

test('the default pin: Haswell on x86-64 with AVX2+FMA, Prescott without, ARMV8 on arm64', () => {
  assert.equal(pinnedCoreType('x64', new Set(['sse2', 'avx', 'avx2', 'fma', 'avx512f'])), 'Haswell');
  assert.equal(pinnedCoreType('x64', new Set(['sse2', 'avx'])), 'Prescott');
  assert.equal(pinnedCoreType('x64', null), 'Haswell');
  assert.equal(pinnedCoreType('arm64', null), 'ARMV8');
  assert.equal(pinnedCoreType('riscv64', null), null);
});

test('coreTypeChoice: the user’s OPENBLAS_CORETYPE wins, STEERED_BLAS_CORETYPE=native lets OpenBLAS choose', () => {
  assert.deepEqual(coreTypeChoice({ OPENBLAS_CORETYPE: 'Zen' }), { coreType: 'Zen', source: 'user' });
  assert.deepEqual(coreTypeChoice({ STEERED_BLAS_CORETYPE: 'native' }), { coreType: null, source: 'native' });
  assert.deepEqual(coreTypeChoice({ STEERED_BLAS_CORETYPE: 'Sandybridge' }), {
    coreType: 'Sandybridge',
    source: 'steered',
  });
  const d = coreTypeChoice({});
  assert.equal(d.source, pinnedCoreType() === null ? 'native' : 'pinned');
});

test('unset OPENBLAS_CORETYPE loads the pinned kernels: the same product bits as the pin set by hand', () => {
  const pin = pinnedCoreType();
  assert.ok(pin, `no pin for ${process.arch}`);
  const unset = probe(cleanEnv());
  const byHand = probe(cleanEnv({ OPENBLAS_CORETYPE: pin }));
  assert.equal(unset.core.toLowerCase(), pin.toLowerCase());
  assert.deepEqual(unset, byHand);
});

test('another kernel family gives other last bits (what the pin protects against)', {
  skip: process.arch !== 'x64' && 'x86-64 only',
}, () => {
  // Sandybridge (AVX, no FMA) runs on every CPU that can run Haswell's kernels.
  const haswell = probe(cleanEnv({ STEERED_BLAS_CORETYPE: 'Haswell' }));
  const sandy = probe(cleanEnv({ STEERED_BLAS_CORETYPE: 'Sandybridge' }));
  assert.equal(sandy.core, 'Sandybridge');
  assert.notEqual(haswell.hash, sandy.hash);
});

test('a run records its numeric configuration in config.json and the run store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-numeric-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/steered.js'),
        'run',
        'metarl/bandit-independent',
        '--set',
        'updates=2',
        '--set',
        'episodes=5',
        '--quiet',
        '--json',
      ],
      { env: cleanEnv({ STEERED_RUNS_ROOT: dir }), encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const expDir = join(dir, 'metarl__bandit-independent');
    const runDir = join(expDir, readdirSync(expDir)[0]!);
    const info = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    const n = info.numeric as NumericConfig;
    assert.equal(n.gemm, 'blas');
    assert.equal(n.blas?.coreTypeSource, 'pinned');
    assert.equal(n.blas?.coreType.toLowerCase(), pinnedCoreType()?.toLowerCase());
    assert.match(n.blas?.build ?? '', /OpenBLAS \d+\.\d+/);
    assert.equal(n.node, process.version);
    const row = new RunStore(dir).list()[0]!;
    assert.deepEqual(row.numeric, n);
    assert.deepEqual(numericDifferences(n, n), []);
    assert.deepEqual(numericDifferences(n, { ...n, gemm: 'ts', blas: undefined }), ['gemm: blas → ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resuming under another numeric configuration warns that the continuation cannot be bit-identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-numeric-'));
  const out = join(dir, 'run');
  try {
    const args = [
      'run',
      'metarl/bandit-independent',
      '--set',
      'updates=100000',
      '--set',
      'checkpointEvery=1',
    ];
    const first = spawn(process.execPath, [join(ROOT, 'bin/steered.js'), ...args, '--out', out, '--quiet'], {
      env: cleanEnv({ STEERED_RUNS_ROOT: dir }),
      stdio: 'ignore',
    });
    const ckpt = join(out, 'checkpoints', 'latest');
    for (let i = 0; i < 600 && !existsSync(ckpt); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(ckpt), 'no checkpoint after 30 s');
    first.kill('SIGTERM');
    await once(first, 'exit');
    const second = spawn(
      process.execPath,
      [join(ROOT, 'bin/steered.js'), 'run', 'metarl/bandit-independent', '--resume', out],
      {
        env: cleanEnv({ STEERED_RUNS_ROOT: dir, STEERED_GEMM: 'ts' }),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    second.stderr.setEncoding('utf8');
    for await (const chunk of second.stderr) {
      err += chunk;
      if (err.includes('warning') || err.includes('Error')) break;
    }
    second.kill('SIGKILL');
    assert.match(err, /warning: resuming under a different numeric configuration \(gemm: blas → ts\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
