import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { Rng } from '../src/math/rng.js';
import {
  RunStore,
  SCHEMA_VERSION,
  RunStoreError,
  CheckpointError,
  readEventFile,
  type RunDir,
  type Checkpoint,
} from '../src/runs/index.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'steered-store-'));

/** Every file under `dir` with a hash of its bytes: the "nothing changed" fingerprint. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${path.relative(dir, p)}/`] = 'dir';
        walk(p);
      } else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function rows(root: string): unknown[] {
  const db = new Database(path.join(root, 'runs.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM runs ORDER BY id').all();
  } finally {
    db.close();
  }
}

function oneLineError(cls: new (...a: never[]) => Error, re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'));
    return true;
  };
}

test('create makes the directory, config.json and a running row; the database is in WAL mode', () => {
  const root = tmp();
  const store = new RunStore(root);
  assert.equal(store.journalMode(), 'wal');
  assert.equal(store.schemaVersion(), 2);
  const run = store.create({
    experiment: 'alignment/wirehead',
    seed: 3,
    config: { lr: 0.01, layers: [8, 8] },
  });
  assert.ok(run.dir.startsWith(path.join(root, 'alignment__wirehead') + path.sep));
  assert.match(path.basename(run.dir), new RegExp(`^\\d{8}-\\d{6}-s3-${run.id}$`));
  const cfg = JSON.parse(fs.readFileSync(path.join(run.dir, 'config.json'), 'utf8'));
  assert.deepEqual(cfg, {
    id: run.id,
    experiment: 'alignment/wirehead',
    seed: 3,
    createdAt: run.createdAt,
    config: { lr: 0.01, layers: [8, 8] },
  });
  const row = store.get(run.id)!;
  assert.equal(row.status, 'running');
  assert.equal(row.dir, run.dir);
  assert.deepEqual(row.config, { lr: 0.01, layers: [8, 8] });
  assert.equal(row.finalMetrics, null);
  assert.deepEqual(
    fs
      .readdirSync(run.dir)
      .sort()
      .map((n) => n.replace(/tfevents\..*/, 'tfevents.*')),
    ['config.json', 'events.out.tfevents.*', 'metrics.jsonl', 'run.lock'],
  );
  run.close();
  store.close();
  // WAL is a property of the database file: a fresh connection sees it.
  const db = new Database(path.join(root, 'runs.db'), { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('logMetrics, figures and finish: metrics.jsonl, TensorBoard scalars, final.json and the row', () => {
  const root = tmp();
  const store = new RunStore(root);
  const out = path.join(root, 'custom', 'place');
  const run = store.create({ experiment: 'demo', seed: 1, config: {}, outDir: out });
  assert.equal(run.dir, out);
  run.logMetrics(1, { loss: 0.5, reward: 2 });
  run.logMetrics(2, { loss: Number.NaN, reward: -Infinity });
  assert.equal(
    fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8'),
    '{"step":1,"loss":0.5,"reward":2}\n{"step":2,"loss":"NaN","reward":"-Infinity"}\n',
  );
  const off = run.offsets();
  assert.equal(off.metrics, fs.statSync(path.join(out, 'metrics.jsonl')).size);
  assert.equal(off.events, fs.statSync(path.join(out, off.eventsFile)).size);
  const evs = readEventFile(path.join(out, off.eventsFile));
  assert.deepEqual(
    evs.slice(1).map((e) => [e.step, e.scalars.map((s) => s.tag)]),
    [
      [1, ['loss', 'reward']],
      [2, ['loss', 'reward']],
    ],
  );
  assert.throws(() => run.logMetrics(3, { step: 1 }), RangeError);
  assert.throws(() => run.writeFigure('../x', '<svg/>'), RangeError);
  const fig = run.writeFigure('curve', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  assert.equal(fig, path.join(out, 'figures', 'curve.svg'));
  run.finish('completed', { return: 12.5 });
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'final.json'), 'utf8')), {
    id: run.id,
    experiment: 'demo',
    seed: 1,
    status: 'completed',
    metrics: { return: 12.5 },
  });
  const row = store.get(run.id)!;
  assert.equal(row.status, 'completed');
  assert.deepEqual(row.finalMetrics, { return: 12.5 });
  assert.deepEqual(
    store.list({ experiment: 'demo' }).map((r) => r.id),
    [run.id],
  );
  assert.deepEqual(
    store.findByDir(out).map((r) => r.id),
    [run.id],
  );
  assert.throws(() => run.logMetrics(3, { x: 1 }), RunStoreError);
  assert.throws(() => store.open(out), oneLineError(RunStoreError, /already completed/));
  store.close();
});

test('create refuses a non-empty directory and leaves it and the database untouched', () => {
  const root = tmp();
  const store = new RunStore(root);
  const out = path.join(root, 'taken');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'precious.txt'), 'keep me');
  const before = snapshot(out);
  assert.throws(
    () => store.create({ experiment: 'e', seed: 0, config: {}, outDir: out }),
    oneLineError(RunStoreError, /not an empty directory/),
  );
  assert.deepEqual(snapshot(out), before);
  assert.deepEqual(store.list(), []);
  assert.throws(() => store.create({ experiment: 'e', seed: 0, config: { f: 1n } }), RunStoreError);
  assert.throws(() => store.create({ experiment: '', seed: 0, config: {} }), RunStoreError);
  assert.deepEqual(store.list(), []);
  store.close();
});

test('open: unknown directory, non-run directory, run without a checkpoint are one-line RunStoreErrors', () => {
  const root = tmp();
  const store = new RunStore(root);
  assert.throws(
    () => store.open(path.join(root, 'nope')),
    oneLineError(RunStoreError, /no such run directory/),
  );
  const plain = path.join(root, 'plain');
  fs.mkdirSync(plain);
  assert.throws(() => store.open(plain), oneLineError(RunStoreError, /not a run directory/));
  const run = store.create({ experiment: 'e', seed: 0, config: {} });
  run.logMetrics(1, { a: 1 });
  run.close();
  const before = snapshot(run.dir);
  const rowsBefore = rows(root);
  assert.throws(() => store.open(run.dir), oneLineError(RunStoreError, /no committed checkpoint/));
  assert.deepEqual(snapshot(run.dir), before);
  assert.deepEqual(rows(root), rowsBefore);
  store.close();
});

/** A deterministic stand-in for training: the RNG drives weights and metrics. */
function train(run: RunDir, from: Checkpoint | null, until: number, every: number): void {
  const rng = from
    ? Rng.fromState(from.meta.rng!.root as [number, number, number, number])
    : new Rng(run.seed);
  const w = from ? Float64Array.from(from.tensors.w!.data) : new Float64Array(16);
  for (let step = (from?.meta.step ?? 0) + 1; step <= until; step++) {
    for (let i = 0; i < w.length; i++) w[i]! += rng.nextU32() / 2 ** 32 - 0.5;
    run.logMetrics(step, { w0: w[0]!, norm: Math.hypot(...w) });
    if (step % every === 0) {
      run.saveCheckpoint({
        meta: { step, rng: { root: rng.state() } },
        tensors: { w: { dtype: 'f64', shape: [16], data: w } },
      });
    }
  }
}

test('resume after a crash past the last checkpoint reproduces metrics.jsonl byte for byte', () => {
  const root = tmp();
  const store = new RunStore(root);
  const ref = store.create({ experiment: 'e', seed: 9, config: {} });
  train(ref, null, 40, 10);
  ref.finish('completed', {});
  const run = store.create({ experiment: 'e', seed: 9, config: {} });
  train(run, null, 27, 10); // "killed" at step 27, last checkpoint at 20
  run.close();
  const resumed = store.open(run.dir);
  assert.equal(resumed.id, run.id);
  assert.equal(resumed.resumed!.meta.step, 20);
  assert.equal(resumed.resumed!.meta.experiment, 'e');
  assert.equal(resumed.resumed!.meta.seed, 9);
  assert.throws(() => resumed.logMetrics(21, { a: 1 }), oneLineError(RunStoreError, /opened for resume/));
  const ckpt = resumed.resume();
  train(resumed, ckpt, 40, 10);
  resumed.finish('completed', {});
  const read = (r: RunDir) => fs.readFileSync(path.join(r.dir, 'metrics.jsonl'));
  assert.equal(read(resumed).length, read(ref).length);
  assert.ok(read(resumed).equals(read(ref)));
  // The event file holds the same scalars (wall times differ: they record when steps actually ran).
  const scalars = (r: RunDir) => {
    const f = fs.readdirSync(r.dir).find((n) => n.startsWith('events.out.tfevents.'))!;
    return readEventFile(path.join(r.dir, f)).map((e) => [e.step, e.scalars]);
  };
  assert.deepEqual(scalars(resumed), scalars(ref));
  assert.equal(fs.readdirSync(run.dir).filter((n) => n.startsWith('events.')).length, 1);
  assert.deepEqual(fs.readdirSync(path.join(run.dir, 'checkpoints')).sort(), [
    'ckpt-20.bin',
    'ckpt-30.bin',
    'ckpt-40.bin',
    'latest',
  ]);
  store.close();
});

test('opening a run whose latest checkpoint is corrupt changes neither the directory nor the database', () => {
  const root = tmp();
  const store = new RunStore(root);
  const run = store.create({ experiment: 'e', seed: 2, config: {} });
  train(run, null, 25, 10);
  run.close();
  const f = path.join(run.dir, 'checkpoints', 'ckpt-20.bin');
  const bytes = fs.readFileSync(f);
  bytes[100]! ^= 0x01;
  fs.writeFileSync(f, bytes);
  const before = snapshot(run.dir);
  const rowsBefore = rows(root);
  assert.throws(() => store.open(run.dir), oneLineError(CheckpointError, /ckpt-20\.bin: checksum mismatch/));
  fs.truncateSync(f, 50);
  assert.throws(() => store.open(run.dir), oneLineError(CheckpointError, /ckpt-20\.bin: truncated/));
  fs.writeFileSync(f, 'garbage');
  assert.throws(() => store.open(run.dir), oneLineError(CheckpointError, /ckpt-20\.bin/));
  fs.writeFileSync(f, bytes);
  assert.deepEqual(snapshot(run.dir), before);
  fs.writeFileSync(
    f,
    bytes.map((b, i) => (i === 100 ? b ^ 1 : b)),
  );
  // Logs shorter than the checkpoint says (data lost behind our back) are refused, not papered over.
  fs.truncateSync(path.join(run.dir, 'metrics.jsonl'), 10);
  const shortened = snapshot(run.dir);
  assert.throws(() => store.open(run.dir), oneLineError(RunStoreError, /lost data/));
  assert.deepEqual(snapshot(run.dir), shortened);
  assert.deepEqual(rows(root), rowsBefore);
  store.close();
});

test('a database from a newer schema is refused without being modified', () => {
  const root = tmp();
  new RunStore(root).close();
  const db = new Database(path.join(root, 'runs.db'));
  db.pragma('user_version = 99');
  db.close();
  const before = fs.readFileSync(path.join(root, 'runs.db'));
  assert.throws(() => new RunStore(root), oneLineError(RunStoreError, /schema version 99, newer/));
  assert.ok(fs.readFileSync(path.join(root, 'runs.db')).equals(before));
});

test('a schema-1 database is migrated in place: its rows keep their data and get numeric = null', () => {
  const root = tmp();
  const db = new Database(path.join(root, 'runs.db'));
  db.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, experiment TEXT NOT NULL, seed INTEGER NOT NULL,
    status TEXT NOT NULL, config_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    dir TEXT NOT NULL, final_metrics_json TEXT)`);
  db.prepare(
    `INSERT INTO runs VALUES ('abcd1234', 'e', 3, 'completed', '{"k":1}', 't0', 't1', '/x', '{"m":2}')`,
  ).run();
  db.pragma('user_version = 1');
  db.close();
  const store = new RunStore(root);
  assert.equal(store.schemaVersion(), 2);
  const row = store.get('abcd1234')!;
  assert.deepEqual([row.config, row.finalMetrics, row.numeric], [{ k: 1 }, { m: 2 }, null]);
  const run = store.create({ experiment: 'e', seed: 1, config: {}, numeric: { gemm: 'ts' } });
  assert.deepEqual(store.get(run.id)!.numeric, { gemm: 'ts' });
  run.close();
  store.close();
});

test('a valid run directory unknown to this database is adopted on open', () => {
  const a = tmp(),
    b = tmp();
  const sa = new RunStore(a);
  const run = sa.create({ experiment: 'e', seed: 4, config: { k: 1 } });
  train(run, null, 10, 5);
  run.close();
  sa.close();
  const sb = new RunStore(b);
  const r = sb.open(run.dir);
  assert.equal(sb.get(run.id)!.status, 'running');
  assert.deepEqual(sb.get(run.id)!.config, { k: 1 });
  r.close();
  sb.markInterrupted(run.id);
  assert.equal(sb.get(run.id)!.status, 'interrupted');
  sb.close();
});

test('a run held by a live process cannot be opened; a lock left by a killed process is taken over', () => {
  const root = tmp();
  const store = new RunStore(root);
  const run = store.create({ experiment: 'e', seed: 5, config: {} });
  train(run, null, 10, 5);
  const rowsBefore = rows(root);
  const before = snapshot(run.dir);
  assert.throws(
    () => store.open(run.dir),
    oneLineError(RunStoreError, new RegExp(`in use by process ${process.pid}`)),
  );
  assert.deepEqual(snapshot(run.dir), before);
  assert.deepEqual(rows(root), rowsBefore);
  run.close();
  assert.equal(fs.existsSync(path.join(run.dir, 'run.lock')), false);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  fs.writeFileSync(path.join(run.dir, 'run.lock'), JSON.stringify({ pid: dead, host: os.hostname() }));
  const again = store.open(run.dir);
  assert.equal(JSON.parse(fs.readFileSync(path.join(run.dir, 'run.lock'), 'utf8')).pid, process.pid);
  const c = again.resume();
  assert.equal(c.meta.step, 10);
  assert.deepEqual(c.meta.config, {});
  again.close();
  store.close();
});

test('several processes opening a new run database at once: each opens it, the schema is applied once', async () => {
  const { spawn } = await import('node:child_process');
  const root = tmp();
  const storeUrl = new URL('../src/runs/store.js', import.meta.url).href;
  const script = `import { RunStore } from ${JSON.stringify(storeUrl)};
const s = new RunStore(process.argv[1]); s.create({ experiment: 'e', seed: 1, config: {} }).close(); s.close();`;
  const codes = await Promise.all(
    Array.from(
      { length: 8 },
      () =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const p = spawn(process.execPath, ['--input-type=module', '-e', script, root], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          p.stderr.on('data', (d) => (err += d));
          p.on('close', (code) => resolve({ code, err }));
        }),
    ),
  );
  for (const c of codes) assert.equal(c.code, 0, c.err);
  const s = new RunStore(root);
  assert.equal(s.schemaVersion(), SCHEMA_VERSION);
  s.close();
  assert.equal(rows(root).length, 8);
});

test('a store opened while another process holds the new database locked past the busy timeout opens once it is released', async () => {
  const root = tmp();
  const db = path.join(root, 'runs.db');
  const { spawn } = await import('node:child_process');
  // Another process creates the database and holds it exclusively for 7 s (the busy timeout is 5 s).
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import Database from 'better-sqlite3'; const d = new Database(process.argv[1]); d.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setTimeout(() => { d.exec('COMMIT'); d.close(); }, 7000);",
      db,
    ],
    {
      cwd: path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((res, rej) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && res());
    holder.on('exit', (c) => rej(new Error(`the lock holder exited (${c}) before locking`)));
  });
  const t0 = Date.now();
  const store = new RunStore(root);
  const waited = Date.now() - t0;
  assert.ok(waited >= 5000, `opened after ${waited} ms: the lock was not held past the busy timeout`);
  assert.equal(store.journalMode(), 'wal');
  const run = store.create({ experiment: 'bandit', seed: 1, config: {} });
  assert.ok(fs.existsSync(run.dir));
  await new Promise((res) => holder.on('close', res));
});
