/**
 * Crash safety: a child process trains, logs and checkpoints in a loop and is SIGKILLed at random
 * moments, then resumed, several times. After every kill the latest checkpoint must load and the
 * database must open and pass its integrity check; at the end metrics.jsonl must equal, byte for
 * byte, that of a run that was never interrupted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { RunStore, loadLatest } from '../src/runs/index.js';

const TOTAL = 300;
const EVERY = 7;
const CHILD = `
import { RunStore } from ${JSON.stringify(new URL('../src/runs/index.js', import.meta.url).href)};
import { Rng } from ${JSON.stringify(new URL('../src/math/rng.js', import.meta.url).href)};
const [root, mode, dir] = process.argv.slice(2);
const N = 8192;
const store = new RunStore(root);
let run, rng, w, start;
if (mode === 'new') {
  run = store.create({ experiment: 'crash/test', seed: 11, config: { total: ${TOTAL} }, outDir: dir });
  rng = new Rng(11); w = new Float64Array(N); start = 0;
} else {
  run = store.open(dir);
  const c = run.resume();
  rng = Rng.fromState(c.meta.rng.root); w = Float64Array.from(c.tensors.w.data); start = c.meta.step;
}
process.stdout.write('ready ' + start + '\\n');
for (let step = start + 1; step <= ${TOTAL}; step++) {
  let s = 0;
  for (let i = 0; i < N; i++) { w[i] += rng.nextU32() / 4294967296 - 0.5; s += w[i] * w[i]; }
  run.logMetrics(step, { w0: w[0], norm: Math.sqrt(s) });
  if (step % ${EVERY} === 0) {
    run.saveCheckpoint({ meta: { step, rng: { root: rng.state() } }, tensors: { w: { dtype: 'f64', shape: [N], data: w } } });
    process.stdout.write('ckpt ' + step + '\\n');
  }
}
run.finish('completed', { w0: w[0] });
store.close();
`;

interface Child {
  exit: Promise<{ code: number | null; signal: string | null }>;
  kill(): void;
  waitFor(re: RegExp): Promise<void>;
}

function start(script: string, args: string[]): Child {
  const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  p.stdout.on('data', (d) => {
    out += d;
    for (const w of waiters.splice(0))
      if (w.re.test(out)) w.resolve();
      else waiters.push(w);
  });
  p.stderr.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    p.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(err);
      for (const w of waiters.splice(0)) w.resolve();
      resolve({ code, signal });
    });
  });
  return {
    exit,
    kill: () => {
      p.kill('SIGKILL');
    },
    waitFor: (re) =>
      new Promise<void>((resolve) => {
        if (re.test(out)) resolve();
        else waiters.push({ re, resolve });
      }),
  };
}

function checkConsistent(root: string, dir: string): number {
  const latest = loadLatest(dir); // throws if the committed checkpoint is damaged
  assert.ok(latest, 'a checkpoint was committed before the kill');
  const db = new Database(path.join(root, 'runs.db'));
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
  const store = new RunStore(root);
  assert.ok(store.findByDir(dir).length === 1);
  store.close();
  const tmpLeft = fs.readdirSync(path.join(dir, 'checkpoints')).filter((n) => n.startsWith('.'));
  assert.ok(tmpLeft.length <= 1, `at most the one temp file of the killed write: ${tmpLeft}`);
  return latest.checkpoint.meta.step;
}

test('SIGKILL at random moments, resumed each time: checkpoints load, the db opens, final metrics are exact', {
  timeout: 120_000,
}, async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steered-crash-'));
  const script = path.join(root, 'child.mjs');
  fs.writeFileSync(script, CHILD);

  const refDir = path.join(root, 'reference');
  const ref = spawnSync(process.execPath, [script, root, 'new', refDir], { encoding: 'utf8' });
  assert.equal(ref.status, 0, ref.stderr);

  const dir = path.join(root, 'crashy');
  let child = start(script, [root, 'new', dir]);
  await child.waitFor(/ckpt/);
  const log: string[] = [];
  let kills = 0;
  for (let round = 0; round < 8; round++) {
    const delay = Math.floor(Math.random() * 80);
    await new Promise((r) => setTimeout(r, delay));
    child.kill();
    const { code, signal } = await child.exit;
    if (code === 0) break; // finished before the kill landed
    assert.equal(code, null, 'the child failed on its own (its stderr is above)');
    assert.equal(signal, 'SIGKILL');
    kills++;
    const step = checkConsistent(root, dir);
    log.push(`killed after ${delay} ms, latest checkpoint step ${step}`);
    child = start(script, [root, 'resume', dir]);
    // Every other round the kill may also land during start-up, open() or the log truncation.
    if (round % 2 === 0) await child.waitFor(/ready/);
  }
  const last = await child.exit;
  t.diagnostic(log.join('; '));
  assert.equal(last.code, 0, log.join('; '));
  assert.ok(kills >= 3, `only ${kills} kills landed: ${log.join('; ')}`);

  const a = fs.readFileSync(path.join(refDir, 'metrics.jsonl'));
  const b = fs.readFileSync(path.join(dir, 'metrics.jsonl'));
  assert.equal(b.toString().split('\n').length, TOTAL + 1);
  assert.ok(a.equals(b), `metrics differ after ${log.join('; ')}`);
  const fa = JSON.parse(fs.readFileSync(path.join(refDir, 'final.json'), 'utf8'));
  const fb = JSON.parse(fs.readFileSync(path.join(dir, 'final.json'), 'utf8'));
  assert.deepEqual(fb.metrics, fa.metrics);
  const store = new RunStore(root);
  assert.equal(store.findByDir(dir)[0]!.status, 'completed');
  store.close();
});
