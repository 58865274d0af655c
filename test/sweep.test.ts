/**
 * Sweeps: a plan is deterministic data; the local backend runs each planned run exactly once even when
 * the sweep or one of its worker processes is SIGKILLed, and the resumed sweep's results equal an
 * uninterrupted one's; collecting is idempotent; a bad spec is one line and exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { findExperiment } from '../src/experiments/index.js';
import { readLatestPointer } from '../src/runs/checkpoint.js';
import { expandSweep, parseGridAxis, parseSeeds } from '../src/sweep/spec.js';
import { ci95, sd, tQuantile975 } from '../src/math/stats.js';
import { BIN, lastLine, steered } from '../test-support/cli.js';

const EXP = 'metarl/bandit-independent';
// Each run: ~1500 small updates with a checkpoint every 20, a few seconds; long enough to be killed mid-way.
const SETS = ['updates=1500', 'numEnvs=2', 'hidden=8', 'episodes=50', 'checkpointEvery=20', 'workers=1'];
const ARGS = ['sweep', EXP, '--seeds', '0-3', ...SETS.flatMap((s) => ['--set', s]), '--jobs', '2', '--json'];

function finals(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of readdirSync(join(dir, 'runs')).sort()) {
    // The run store's own id in final.json is random per run directory; the rest must match.
    const f = JSON.parse(readFileSync(join(dir, 'runs', id, 'final.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    out[id] = JSON.stringify({ ...f, id: undefined });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid in the lock of a run that has a committed checkpoint and no final.json yet (mid-run), or null. */
function midRunPid(dir: string): number | null {
  const runs = join(dir, 'runs');
  if (!existsSync(runs)) return null;
  for (const id of readdirSync(runs)) {
    const d = join(runs, id);
    try {
      if (existsSync(join(d, 'final.json')) || !readLatestPointer(d)) continue;
      return (JSON.parse(readFileSync(join(d, 'run.lock'), 'utf8')) as { pid: number }).pid;
    } catch {
      /* lock or pointer not (fully) written yet, or the run just ended */
    }
  }
  return null;
}

/** Start a sweep; resolve once `ready(dir)` holds (polled), then SIGKILL the sweep or a worker. */
async function startAndKill(dir: string, root: string, target: 'sweep' | 'worker'): Promise<void> {
  const p = spawn(process.execPath, [BIN, ...ARGS, '--out', dir], {
    env: { ...process.env, STEERED_RUNS_ROOT: root },
    stdio: 'ignore',
  });
  let ended = false;
  const exited = new Promise<void>((r) =>
    p.once('exit', () => {
      ended = true;
      r();
    }),
  );
  // Wait until some run has a committed checkpoint but has not finished: the kill lands mid-run.
  const deadline = Date.now() + 120_000;
  let victim: number | null = null;
  while (Date.now() < deadline && victim === null && !ended) {
    await sleep(50);
    victim = midRunPid(dir);
  }
  assert.ok(victim !== null, 'no run was caught mid-way');
  if (target === 'sweep') {
    p.kill('SIGKILL');
    await exited;
    // The workers leave with the sweep (their IPC channel closes).
    const gone = Date.now() + 20_000;
    while (Date.now() < gone) {
      try {
        process.kill(victim!, 0);
        await sleep(50);
      } catch {
        break;
      }
    }
    assert.throws(() => process.kill(victim!, 0), 'a worker outlived its sweep');
  } else {
    process.kill(victim!, 'SIGKILL');
    await exited;
  }
}

test('sweep plan: same spec → same run ids; grid × seeds in order; ids change with config and seed', () => {
  const exp = findExperiment(EXP);
  const spec = {
    experiment: EXP,
    seeds: parseSeeds('0-2'),
    sets: ['hidden=8'],
    grid: [parseGridAxis('numEnvs=2,4')],
  };
  const a = expandSweep(exp, spec, '0.0.0');
  const b = expandSweep(exp, spec, '0.0.0');
  assert.deepEqual(a, b);
  assert.equal(a.runs.length, 6);
  assert.deepEqual(
    a.runs.map((r) => `${r.cell['numEnvs']}:${r.seed}`),
    ['2:0', '2:1', '2:2', '4:0', '4:1', '4:2'],
  );
  assert.equal(new Set(a.runs.map((r) => r.id)).size, 6);
  // The id is of the resolved config: `hidden=8` and `hidden=8.0` are one run.
  const c = expandSweep(exp, { ...spec, sets: ['hidden=8.0'] }, '0.0.0');
  assert.deepEqual(
    c.runs.map((r) => r.id),
    a.runs.map((r) => r.id),
  );
  const d = expandSweep(exp, spec, '0.0.1');
  assert.notEqual(d.runs[0]!.id, a.runs[0]!.id, 'a new code version is a new run');
  assert.deepEqual(parseSeeds('0,3,5-6'), [0, 3, 5, 6]);
  assert.deepEqual(parseGridAxis('learner={"a":1,"b":2},{"a":3}').values, ['{"a":1,"b":2}', '{"a":3}']);
});

test('summary statistics: sd, t quantile, 95% interval', () => {
  assert.equal(sd([1, 2, 3, 4]).toFixed(6), '1.290994');
  assert.equal(tQuantile975(9), 2.262);
  assert.ok(Math.abs(tQuantile975(1000) - 1.9623) < 1e-3);
  const [lo, hi] = ci95([1, 2, 3, 4]);
  assert.ok(
    Math.abs(lo - (2.5 - (3.182 * 1.290994) / 2)) < 1e-5 &&
      Math.abs(hi - (2.5 + (3.182 * 1.290994) / 2)) < 1e-5,
  );
  assert.ok(ci95([1]).every(Number.isNaN));
});

test('bad sweep specs: exit 2 and one line each', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-sweep-bad-'));
  try {
    const cases: [string[], RegExp][] = [
      [['sweep', EXP, '--set', 'nosuchkey=1'], /unknown --set key 'nosuchkey'/],
      [['sweep', EXP, '--grid', 'numEnvs='], /--grid numEnvs: empty value/],
      [['sweep', EXP, '--grid', 'numEnvs=2,'], /--grid numEnvs: empty value/],
      [['sweep', EXP, '--grid', 'numEnvs=0,2'], /bad value for 'numEnvs'/],
      [['sweep', EXP, '--seeds', '5-2'], /--seeds: bad range '5-2'/],
      [['sweep', EXP, '--seeds', 'x'], /--seeds expects/],
      [['sweep', EXP, '--jobs', '0'], /--jobs must be a positive integer/],
      [['sweep', EXP, '--backend', 'spark'], /--backend must be one of/],
      [['sweep', 'no/such'], /unknown experiment/i],
      [['sweep', 'collect', join(root, 'nothing')], /not a sweep directory/],
      [['sweep', EXP, '--backend', 'bullmq'], /--backend bullmq needs --redis/],
      [
        ['sweep', EXP, '--backend', 'bullmq', '--redis', 'redis://127.0.0.1:1'],
        /cannot reach Redis at redis:\/\/127.0.0.1:1: .*ECONNREFUSED/,
      ],
      [['sweep', EXP, '--backend', 'bullmq', '--redis', 'http://x'], /--redis expects redis:\/\//],
      [['worker', '--redis', 'redis://127.0.0.1:1', '--queue', 'q'], /cannot reach Redis/],
      [['worker', '--redis', 'redis://127.0.0.1:1'], /worker needs --queue/],
    ];
    for (const [args, re] of cases) {
      const r = steered([...args, '--out', join(root, 'out')], root);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
      assert.match(lines[0]!, re, args.join(' '));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('local sweep: SIGKILL of the sweep, then of one worker; resumed → every run once, results of an uninterrupted sweep', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-sweep-'));
  try {
    const ref = join(root, 'ref');
    const r0 = steered([...ARGS, '--out', ref], root);
    assert.equal(r0.code, 0, r0.stderr);
    const want = finals(ref);
    assert.equal(Object.keys(want).length, 4);
    const line = JSON.parse(lastLine(r0.stdout)) as {
      runs: number;
      failed: number;
      metrics: Record<string, { n: number; mean: number; values: number[] }>;
    };
    assert.equal(line.runs, 4);
    assert.equal(line.failed, 0);
    assert.equal(line.metrics['regret_mean']!.n, 4);

    // Sweep killed mid-way: the same command finishes only what is missing.
    const a = join(root, 'a');
    await startAndKill(a, root, 'sweep');
    const st = steered(['sweep', 'status', a, '--json'], root);
    assert.equal(st.code, 0, st.stderr);
    assert.ok(
      (JSON.parse(lastLine(st.stdout)) as { completed: number }).completed < 4,
      'the kill came too late',
    );
    const r1 = steered([...ARGS, '--out', a], root);
    assert.equal(r1.code, 0, r1.stderr);
    assert.deepEqual(finals(a), want);
    assert.equal(lastLine(r1.stdout), lastLine(r0.stdout));

    // One worker killed: the sweep retries that run from its checkpoint and still finishes.
    const b = join(root, 'b');
    await startAndKill(b, root, 'worker');
    assert.deepEqual(finals(b), want);

    // A finished sweep asked again computes nothing and says the same.
    const r2 = steered([...ARGS, '--out', a], root);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /4 runs were already completed/);
    assert.equal(lastLine(r2.stdout), lastLine(r0.stdout));

    // Collect is idempotent: same summary, one index row per run.
    const c1 = steered(['sweep', 'collect', a, '--json'], root);
    const s1 = readFileSync(join(a, 'summary.json'), 'utf8');
    const c2 = steered(['sweep', 'collect', a, '--json'], root);
    assert.equal(c1.code, 0, c1.stderr);
    assert.equal(lastLine(c1.stdout), lastLine(c2.stdout));
    assert.equal(readFileSync(join(a, 'summary.json'), 'utf8'), s1);
    const db = new Database(join(a, 'sweep.db'), { readonly: true });
    const n = (
      db.prepare('SELECT count(*) AS n FROM sweep_runs WHERE status = ?').get('completed') as { n: number }
    ).n;
    db.close();
    assert.equal(n, 4);
    assert.ok(existsSync(join(a, 'figures', 'regret_mean.svg')));

    // Another spec in the same directory is refused.
    const other = steered(['sweep', EXP, '--seeds', '0-1', '--out', a], root);
    assert.equal(other.code, 2);
    assert.match(other.stderr.trim(), /holds another sweep/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A free TCP port on 127.0.0.1 (bound, then released). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The parent pid of a process (Linux /proc). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

test('BullMQ sweep on redis-server: a worker SIGKILLed mid-job → another finishes it; every run once, same results', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-bullmq-'));
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const workers: ReturnType<typeof spawn>[] = [];
  try {
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const { spawnSync } = await import('node:child_process');
      if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG')
        break;
      await sleep(100);
    }
    const ref = join(root, 'ref');
    const r0 = steered([...ARGS, '--out', ref], root);
    assert.equal(r0.code, 0, r0.stderr);
    const want = finals(ref);

    const dir = join(root, 'q');
    const sweep = spawn(
      process.execPath,
      [BIN, ...ARGS, '--backend', 'bullmq', '--redis', url, '--out', dir],
      {
        env: { ...process.env, STEERED_RUNS_ROOT: root },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    sweep.stdout!.on('data', (d) => (out += d));
    sweep.stderr!.on('data', (d) => (err += d));
    const done = new Promise<number | null>((r) => sweep.once('exit', (code) => r(code)));
    const t0 = Date.now();
    while (!/queue (\S+) on/.test(err) && Date.now() - t0 < 30_000) await sleep(50);
    const queue = /queue (\S+) on/.exec(err)?.[1];
    assert.ok(queue, `no queue name in: ${err}`);
    const startWorker = () => {
      const w = spawn(process.execPath, [BIN, 'worker', '--redis', url, '--queue', queue!, '--quiet'], {
        env: { ...process.env, STEERED_RUNS_ROOT: root },
        stdio: 'ignore',
      });
      workers.push(w);
      return w;
    };
    startWorker();
    startWorker();
    // Kill the worker whose child is mid-run (a committed checkpoint, no final.json).
    let killed = false;
    const deadline = Date.now() + 120_000;
    while (!killed && Date.now() < deadline) {
      await sleep(50);
      const child = midRunPid(dir);
      if (child === null) continue;
      try {
        const owner = workers.find((w) => w.pid === parentOf(child));
        if (!owner) continue;
        owner.kill('SIGKILL');
        killed = true;
      } catch {
        /* the run just ended */
      }
    }
    assert.ok(killed, 'no worker was caught mid-job');
    const code = await Promise.race([done, sleep(180_000).then(() => 'timeout')]);
    assert.equal(code, 0, `sweep: ${code}\n${err}`);
    assert.deepEqual(finals(dir), want);
    assert.equal(lastLine(out), lastLine(r0.stdout));
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    redis.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * A throwaway PostgreSQL server for the test: its own cluster in a temp directory, reachable only by a
 * Unix socket there (nothing listens on the network). Run as the `postgres` user when the test is root.
 */
async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const { spawnSync } = await import('node:child_process');
  const { chownSync, readdirSync: ls } = await import('node:fs');
  const versions = existsSync('/usr/lib/postgresql') ? ls('/usr/lib/postgresql').sort() : [];
  assert.ok(versions.length, 'PostgreSQL is not installed (apt-get install -y postgresql)');
  const bin = `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'steered-pg-'));
  const root = process.getuid?.() === 0;
  if (root) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id.stdout), Number(gid.stdout));
  }
  const run = (cmd: string, args: string[]) => {
    const r = root
      ? spawnSync('runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args], { encoding: 'utf8' })
      : spawnSync(`${bin}/${cmd}`, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'steered', '--no-sync']);
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-k ${dir} -c listen_addresses='' -p 5432 -F`,
    '-w',
    '-l',
    join(dir, 'log'),
    'start',
  ]);
  return {
    url: `postgres://steered@localhost/postgres?host=${encodeURIComponent(dir)}&port=5432`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('sweep collect --db postgres://…: the index in PostgreSQL, upserted by run id (twice → same rows)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-sweep-pg-'));
  const pgServer = await startPostgres();
  try {
    const dir = join(root, 's');
    const small = [
      'sweep',
      EXP,
      '--seeds',
      '0-1',
      '--set',
      'updates=20',
      '--set',
      'episodes=20',
      '--set',
      'hidden=8',
    ];
    const r = steered([...small, '--out', dir, '--jobs', '2', '--json'], root);
    assert.equal(r.code, 0, r.stderr);
    const c1 = steered(['sweep', 'collect', dir, '--db', pgServer.url, '--json'], root);
    assert.equal(c1.code, 0, c1.stderr);
    const c2 = steered(['sweep', 'collect', dir, '--db', pgServer.url, '--json'], root);
    assert.equal(c2.code, 0, c2.stderr);
    assert.equal(lastLine(c1.stdout), lastLine(c2.stdout));
    assert.equal(lastLine(c1.stdout), lastLine(r.stdout));
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    const rows = (await client.query('SELECT id, seed, status, metrics_json FROM sweep_runs ORDER BY seed'))
      .rows as {
      id: string;
      seed: number;
      status: string;
      metrics_json: string;
    }[];
    await client.end();
    assert.deepEqual(
      rows.map((x) => [x.seed, x.status]),
      [
        [0, 'completed'],
        [1, 'completed'],
      ],
    );
    const line = JSON.parse(lastLine(r.stdout)) as { metrics: { regret_mean: { values: number[] } } };
    assert.deepEqual(
      rows.map((x) => (JSON.parse(x.metrics_json) as { regret_mean: number }).regret_mean),
      line.metrics.regret_mean.values,
    );
    // An unreachable server is one line, exit 2.
    const bad = steered(['sweep', 'collect', dir, '--db', 'postgres://nobody@localhost:1/x'], root);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /cannot reach PostgreSQL at postgres:\/\/nobody@localhost:1\/x/);
  } finally {
    pgServer.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('Slurm backend: --dry-run writes an sbatch array packing runs per task; its tasks (run here as Slurm would) give the local results', async () => {
  const { spawnSync } = await import('node:child_process');
  const root = mkdtempSync(join(tmpdir(), 'steered-slurm-'));
  try {
    const small = [
      'sweep',
      EXP,
      '--seeds',
      '0-4',
      '--set',
      'updates=20',
      '--set',
      'episodes=20',
      '--set',
      'hidden=8',
    ];
    const ref = steered([...small, '--out', join(root, 'ref'), '--json'], root);
    assert.equal(ref.code, 0, ref.stderr);
    const dir = join(root, 's');
    const dry = steered(
      [...small, '--out', dir, '--backend', 'slurm', '--pack', '2', '--sbatch=--time=00:10:00', '--dry-run'],
      root,
    );
    assert.equal(dry.code, 0, dry.stderr);
    const script = dry.stdout;
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(script, /#SBATCH --array=0-2\n/, 'five runs, two per task → three tasks');
    assert.match(script, /#SBATCH --time=00:10:00\n/);
    const tasks = readFileSync(join(dir, 'slurm', 'tasks-0.txt'), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(
      tasks.map((t) => t.split(' ').length),
      [2, 2, 1],
    );
    // Task 1 first, then a repeat of it (a requeued task): completed runs are skipped, not recomputed.
    for (const i of [1, 1, 0, 2]) {
      const r = spawnSync('bash', [join(dir, 'slurm', 'array-0.sh')], {
        env: { ...process.env, SLURM_ARRAY_TASK_ID: String(i), STEERED_RUNS_ROOT: root },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
    }
    const st = JSON.parse(lastLine(steered(['sweep', 'status', dir, '--json'], root).stdout)) as {
      completed: number;
    };
    assert.equal(st.completed, 5);
    const c = steered(['sweep', 'collect', dir, '--json'], root);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(lastLine(c.stdout), lastLine(ref.stdout));
    // Nothing missing: the same command submits nothing.
    const again = steered([...small, '--out', dir, '--backend', 'slurm', '--dry-run'], root);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to submit/);
    // No sbatch on the PATH: one line, exit 2.
    rmSync(join(dir, 'runs'), { recursive: true, force: true });
    const nob = steered([...small, '--out', dir, '--backend', 'slurm'], root, { PATH: '/nonexistent' });
    assert.equal(nob.code, 2, nob.stderr);
    assert.match(lastLine(nob.stderr), /^steered: sbatch not found \(ENOENT\); the script is .*array-1\.sh$/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a sweep of a brain experiment counts the lifetimes that meet its criteria', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-sweep-criteria-'));
  try {
    const r = steered(
      [
        'sweep',
        'brain/crosstalk',
        '--seeds',
        '0-1',
        '--set',
        'learn=600',
        '--set',
        'trials=3',
        '--out',
        join(root, 's'),
        '--json',
      ],
      root,
    );
    assert.equal(r.code, 0, r.stderr);
    const met = (JSON.parse(lastLine(r.stdout)) as { metrics: { criteria_met: { values: number[] } } })
      .metrics.criteria_met.values;
    assert.equal(met.length, 2);
    const k = met.filter((v) => v === 1).length;
    assert.match(r.stderr, new RegExp(`criteria met on ${k} of 2 runs`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('one sweep, one numeric configuration: finishing it under another kernel is refused; a mix is reported', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-sweep-numeric-'));
  const dir = join(root, 's');
  const args = (seeds: string) => [
    'sweep',
    EXP,
    '--seeds',
    seeds,
    ...['updates=3', 'numEnvs=2', 'hidden=4', 'episodes=5', 'workers=1'].flatMap((s) => ['--set', s]),
    '--out',
    dir,
    '--jobs',
    '1',
    '--json',
  ];
  try {
    const first = steered(args('0-1'), root, { STEERED_GEMM: 'ts' });
    assert.equal(first.code, 0, first.stderr);
    const s1 = JSON.parse(lastLine(first.stdout)) as { runs: number; numeric: string[] };
    assert.equal(s1.runs, 2);
    assert.equal(s1.numeric.length, 1);
    assert.match(s1.numeric[0]!, /^ts, node v\d+/);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /Numeric configuration: ts, node/);

    // The same sweep again under the wasm kernel would compute nothing new but summarise ts runs as its own.
    const other = steered(args('0-1'), root, { STEERED_GEMM: 'wasm' });
    assert.equal(other.code, 2, other.stderr);
    const lines = other.stderr.trim().split('\n');
    assert.equal(lines.length, 1, other.stderr);
    assert.match(
      lines[0]!,
      /2 of its runs were made under another numeric configuration \(gemm: ts → wasm\)/,
    );
    assert.equal(other.stdout, '');

    // Under the configuration it was made with, the same command is a no-op that finds both runs done.
    const again = steered(args('0-1'), root, { STEERED_GEMM: 'ts' });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 runs were already completed/);

    // Runs from elsewhere (e.g. BullMQ workers on machines with another kernel): collect says so.
    const ids = readdirSync(join(dir, 'runs')).sort();
    const cfgFile = join(dir, 'runs', ids[0]!, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as { numeric: { gemm: string } };
    cfg.numeric.gemm = 'wasm';
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const col = steered(['sweep', 'collect', dir, '--json'], root);
    assert.equal(col.code, 0, col.stderr);
    const s2 = JSON.parse(lastLine(col.stdout)) as { numeric: string[] };
    assert.equal(s2.numeric.length, 2);
    assert.match(col.stderr, /warning: the runs were made under 2 numeric configurations/);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /made under 2 numeric configurations/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
