/**
 * The command line's contract, exercised through the real `steered` binary: determinism of the --json
 * line, exact resume after SIGKILL, and exit code 2 with one line (and nothing stored changed) for bad
 * arguments, unknown experiments and corrupt checkpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BIN, lastLine, runUntilKilled, steered } from '../test-support/cli.js';

// Small but real: an A2C-LSTM trained for a few dozen updates, then evaluated with frozen weights.
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
];

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      // The database is compared by its rows (dbRows): SQLite may checkpoint its WAL on any open.
      if (name.startsWith('runs.db')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(name).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

function dbRows(root: string): string {
  const db = new Database(join(root, 'runs.db'), { readonly: true });
  const rows = db
    .prepare(
      'SELECT id, experiment, seed, status, config_json, dir, final_metrics_json, updated_at FROM runs ORDER BY id',
    )
    .all();
  db.close();
  return JSON.stringify(rows);
}

test('same seed → identical --json line; another seed → a different one', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-cli-'));
  const a = steered(['run', 'metarl/bandit-dependent', '--seed', '3', ...SMALL, '--json'], root);
  const b = steered(['run', 'metarl/bandit-dependent', '--seed', '3', ...SMALL, '--json'], root);
  const c = steered(['run', 'metarl/bandit-dependent', '--seed', '4', ...SMALL, '--json'], root);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const ja = JSON.parse(lastLine(a.stdout));
  assert.equal(typeof ja.regret_mean, 'number');
  assert.equal(ja.episodes, 100);
  assert.equal(lastLine(a.stdout), lastLine(b.stdout));
  assert.notEqual(lastLine(a.stdout), lastLine(c.stdout));
});

test('a run SIGKILLed mid-way and resumed ends with exactly the metrics of an uninterrupted run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-kill-'));
  const ref = steered(
    ['run', 'metarl/bandit-independent', '--seed', '11', ...SMALL, '--out', join(root, 'ref'), '--json'],
    root,
  );
  assert.equal(ref.code, 0, ref.stderr);
  const out = join(root, 'killed');
  const args = ['run', 'metarl/bandit-independent', '--seed', '11', ...SMALL, '--out', out, '--json'];
  const killed = await runUntilKilled(args, root, out, 10);
  if (killed) {
    // Kill the resumed run too, once, then resume again to the end.
    const resumeArgs = ['run', 'metarl/bandit-independent', '--resume', out, '--json'];
    const again = await runUntilKilled(resumeArgs, root, out, 25);
    void again;
    const res = steered(resumeArgs, root);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(lastLine(res.stdout), lastLine(ref.stdout));
  }
  assert.ok(killed, 'the run finished before it could be killed; the test did not test anything');
  assert.equal(
    readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
    readFileSync(join(root, 'ref', 'metrics.jsonl'), 'utf8'),
  );
  const db = new Database(join(root, 'runs.db'), { readonly: true });
  const row = db.prepare('SELECT status FROM runs WHERE dir = ?').get(resolve(out)) as { status: string };
  db.close();
  assert.equal(row.status, 'completed');
});

test('bad arguments, unknown experiment and corrupt checkpoints → exit 2, one line, nothing stored changes', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-bad-'));
  const out = join(root, 'r');
  const ok = steered(['run', 'metarl/bandit-independent', ...SMALL, '--out', out], root);
  assert.equal(ok.code, 0, ok.stderr);
  const before = treeHash(root.replace(/$/, '')) + dbRows(root);
  const ckDir = join(out, 'checkpoints');
  const ck = join(
    ckDir,
    readdirSync(ckDir)
      .filter((f) => f.endsWith('.bin'))
      .sort()
      .pop()!,
  );
  const bytes = readFileSync(ck);
  const scratch = mkdtempSync(join(tmpdir(), 'steered-ck-'));
  const truncated = join(scratch, 'truncated.bin');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  const flipped = join(scratch, 'flipped.bin');
  const f = Buffer.from(bytes);
  f[Math.floor(f.length / 2)]! ^= 0x10;
  writeFileSync(flipped, f);
  const good = join(scratch, 'good.bin');
  copyFileSync(ck, good);

  const cases: [string[], RegExp][] = [
    [
      ['run', 'metarl/bandit-independent', '--set', 'nope=1'],
      /unknown --set key 'nope'.*known keys: updates/,
    ],
    [
      ['run', 'metarl/bandit-dependent', '--set', 'difficulty=extreme'],
      /'difficulty'.*allowed: uniform\|easy\|medium\|hard/,
    ],
    [['run', 'metarl/bandit-independent', '--set', 'updates=-3'], /'updates'.*integer ≥ 1/],
    [['run', 'metarl/bandit-independent', '--set', 'updates'], /key=value/],
    [['run', 'metarl/no-such-thing'], /unknown experiment 'metarl\/no-such-thing'/],
    [['frobnicate'], /unknown command/],
    [['run', 'metarl/bandit-independent', '--seed', 'abc'], /--seed/],
    [['run', 'metarl/bandit-independent', '--out', out], /not empty/],
    [['eval', 'metarl/bandit-independent', '--checkpoint', truncated], /truncated\.bin/],
    [['eval', 'metarl/bandit-independent', '--checkpoint', flipped], /flipped\.bin.*(checksum|corrupt)/],
    [['eval', 'metarl/bandit-independent', '--checkpoint', join(scratch, 'missing.bin')], /missing\.bin/],
    [['eval', 'metarl/bandit-dependent', '--checkpoint', good], /belongs to 'metarl\/bandit-independent'/],
    [['run', 'metarl/bandit-independent', '--resume', out], /already completed/],
    [['run', 'metarl/bandit-independent', '--resume', join(root, 'nowhere')], /nowhere/],
  ];
  for (const [args, re] of cases) {
    const r = steered(args, root);
    assert.equal(r.code, 2, `${args.join(' ')} → exit ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')} printed ${lines.length} lines: ${r.stderr}`);
    assert.match(lines[0]!, re, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')} wrote to stdout`);
  }
  assert.equal(
    treeHash(root) + dbRows(root),
    before,
    'a rejected command changed the run directory or the database',
  );
  // The good copy still evaluates: the checks above are about corruption, not about eval being broken.
  const e = steered(
    ['eval', 'metarl/bandit-independent', '--checkpoint', good, '--set', 'episodes=50', '--json'],
    root,
  );
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(lastLine(e.stdout)).episodes, 50);
});

test('resume of a run whose latest checkpoint is corrupt → exit 2 naming the file; directory and rows unchanged', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-rc-'));
  const out = join(root, 'r');
  const killed = await runUntilKilled(
    ['run', 'metarl/bandit-independent', '--seed', '2', ...SMALL, '--out', out],
    root,
    out,
    10,
  );
  assert.ok(killed, 'run finished before it could be killed');
  const ptr = JSON.parse(readFileSync(join(out, 'checkpoints', 'latest'), 'utf8')) as { file: string };
  const file = join(out, 'checkpoints', ptr.file);
  const b = readFileSync(file);
  b[b.length - 10]! ^= 0xff;
  writeFileSync(file, b);
  const before = treeHash(root) + dbRows(root);
  const r = steered(['run', 'metarl/bandit-independent', '--resume', out], root);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim(), new RegExp(ptr.file.replace('.', '\\.')));
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(treeHash(root) + dbRows(root), before);
});

test('list --json documents every experiment with its --set keys and metric keys', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-list-'));
  const r = steered(['list', '--json'], root);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(lastLine(r.stdout)) as {
    experiments: { id: string; config: { key: string }[]; metrics: Record<string, string> }[];
    environments: { id: string }[];
  };
  const ids = j.experiments.map((e) => e.id);
  for (const id of [
    'metarl/bandit-independent',
    'metarl/bandit-dependent',
    'metarl/bandit-k',
    'metarl/two-step',
    'metarl/harlow',
    'metarl/informative-arm',
  ])
    assert.ok(ids.includes(id), id);
  const dep = j.experiments.find((e) => e.id === 'metarl/bandit-dependent')!;
  assert.ok(dep.config.some((c) => c.key === 'difficulty'));
  assert.ok('regret_mean' in dep.metrics && 'reward_mean' in dep.metrics && 'episodes' in dep.metrics);
  assert.ok(j.environments.some((e) => e.id === 'metarl/TwoStep-v0'));
});

test('Ctrl-C (SIGINT) marks the run interrupted with exit 130, and --resume finishes it exactly', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-int-'));
  const ref = steered(
    ['run', 'metarl/bandit-independent', '--seed', '5', ...SMALL, '--out', join(root, 'ref'), '--json'],
    root,
  );
  assert.equal(ref.code, 0, ref.stderr);
  const out = join(root, 'int');
  const child = spawn(
    process.execPath,
    [BIN, 'run', 'metarl/bandit-independent', '--seed', '5', ...SMALL, '--out', out, '--json'],
    {
      env: { ...process.env, STEERED_RUNS_ROOT: root },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const latest = join(out, 'checkpoints', 'latest');
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !existsSync(latest)) await new Promise((r) => setTimeout(r, 2));
  assert.ok(!done, 'run finished before it could be interrupted');
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; resume with: steered run metarl\/bandit-independent --resume /);
  const db = new Database(join(root, 'runs.db'), { readonly: true });
  const row = db.prepare('SELECT status FROM runs WHERE dir = ?').get(resolve(out)) as { status: string };
  db.close();
  assert.equal(row.status, 'interrupted');
  const res = steered(['run', 'metarl/bandit-independent', '--resume', out, '--json'], root);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(lastLine(res.stdout), lastLine(ref.stdout));
  assert.equal(
    readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
    readFileSync(join(root, 'ref', 'metrics.jsonl'), 'utf8'),
  );
});

test('list prints one readable line per experiment and environment, none longer than 120 characters', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-table-'));
  const r = steered(['list'], root);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  for (const l of lines) assert.ok(l.length <= 120, `${l.length} characters: ${l}`);
  const j = JSON.parse(steered(['list', '--json'], root).stdout) as {
    experiments: { id: string; title: string }[];
    environments: { id: string }[];
  };
  for (const e of j.experiments) {
    const row = lines.filter((l) => l.startsWith(`  ${e.id} `));
    assert.equal(row.length, 1, `${e.id} has ${row.length} lines`);
    // The summary is the title, cut with "…" when the line would be too long.
    const summary = row[0]!.slice(2 + e.id.length).trim();
    assert.ok(summary.length > 10, row[0]);
    assert.ok(e.title.startsWith(summary.replace(/…$/, '')), `${row[0]} vs ${e.title}`);
  }
  for (const v of j.environments)
    assert.ok(
      lines.some((l) => l.startsWith(`  ${v.id} `)),
      v.id,
    );
  assert.equal(lines.length, j.experiments.length + j.environments.length + 3);
});

test('list <experiment> and run <experiment> --help show its --set keys with description and default', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-help-'));
  const j = JSON.parse(steered(['list', '--json'], root).stdout) as {
    experiments: { id: string; config: { key: string; default?: unknown; description?: string }[] }[];
  };
  for (const id of ['brain/spider-fear', 'metarl/bandit-dependent', 'alignment/report']) {
    const a = steered(['list', id], root);
    const b = steered(['run', id, '--help'], root);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.stdout, b.stdout, `${id}: list and run --help differ`);
    assert.equal(a.stderr + b.stderr, '');
    const text = a.stdout;
    for (const l of text.trimEnd().split('\n')) assert.ok(l.length <= 120, `${id}: ${l.length}: ${l}`);
    assert.ok(text.startsWith(`${id} — `), text.slice(0, 80));
    // Joined back, the wrapped help holds every key=default and the first words of its description.
    const flat = text.replace(/\s+/g, ' ');
    for (const c of j.experiments.find((e) => e.id === id)!.config) {
      const dflt =
        c.default === undefined
          ? '(none)'
          : typeof c.default === 'string'
            ? c.default
            : JSON.stringify(c.default);
      assert.ok(text.includes(`  ${c.key}=${dflt.slice(0, 40)}`), `${id}: ${c.key}=${dflt}`);
      if (c.description)
        assert.ok(flat.includes(c.description.split(' ').slice(0, 4).join(' ')), `${id}: ${c.description}`);
    }
    assert.match(text, /Metrics \(keys of the --json line\):/);
  }
  const one = JSON.parse(steered(['list', 'brain/wirehead', '--json'], root).stdout) as { id: string };
  assert.equal(one.id, 'brain/wirehead');
});

test('a reader that stops early (list --json | head -1) ends the command cleanly: exit 0, no stack trace', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-pipe-'));
  for (const reader of ['head -1', 'head -c 100', 'true']) {
    for (const args of ['list --json', 'list']) {
      const r = spawnSync(
        'bash',
        ['-c', `"$NODE" "$BIN" ${args} 2>"$ERR" | ${reader} >/dev/null; echo "$\{PIPESTATUS[0]}"`],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            NODE: process.execPath,
            BIN,
            ERR: join(root, 'err'),
            STEERED_RUNS_ROOT: root,
          },
        },
      );
      assert.equal(r.stdout.trim(), '0', `${args} | ${reader}: exit ${r.stdout.trim()}`);
      assert.equal(readFileSync(join(root, 'err'), 'utf8'), '', `${args} | ${reader}`);
    }
  }
});

test('an unknown or malformed flag, and a bad --set key or value: one line naming it, exit 2', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-flags-'));
  const cases: [string[], RegExp][] = [
    [['run', 'brain/wirehead', '--frobnicate'], /^steered: unknown option '--frobnicate'/],
    [['run', 'brain/wirehead', '--sed', '1'], /^steered: unknown option '--sed'; did you mean --seed\?/],
    [['list', '--jsn'], /^steered: unknown option '--jsn'; did you mean --json\?/],
    [['list', '-x'], /^steered: unknown option '-x'/],
    [['run', 'brain/wirehead', '--frobnicate=3'], /^steered: unknown option '--frobnicate'/],
    [['list', '--json=yes'], /^steered: option '--json' takes no value/],
    [['run', 'brain/wirehead', '--seed'], /^steered: option '--seed' needs a value/],
    [['run', 'brain/wirehead', '--out', '--json'], /^steered: option '--out' needs a value/],
    [['run', 'brain/wirehead', '--seed', '1', '--seed', '2'], /^steered: option '--seed' given twice/],
    [['run', 'brain/wirehead', '--set', 'nope=1'], /^steered: unknown --set key 'nope' for brain\/wirehead/],
    [
      ['run', 'brain/wirehead', '--set', 'explore=many'],
      /^steered: bad value for 'explore': "many"; allowed: integer ≥ 0$/,
    ],
    [
      ['run', 'brain/wirehead', '--set', 'explore=1e400'],
      /^steered: bad value for 'explore': Infinity; allowed/,
    ],
    [
      ['run', 'brain/wirehead', '--set', 'valueAt=middle'],
      /^steered: bad value for 'valueAt': "middle"; allowed: end\|peak$/,
    ],
    [['run', 'brain/wirehead', '--set', 'explore=1', '--set', 'explore=2'], /'explore' given twice/],
    [['run', 'brain/wirehead', '--set', '=1'], /--set expects key=value/],
    [
      ['run', 'alignment/report', '--set', 'envs=["nowhere"]'],
      /^steered: bad value for 'envs': \["nowhere"\]/,
    ],
    [['list', 'brain/nope'], /^steered: unknown experiment 'brain\/nope'/],
    [['run', 'brain/nope', '--help'], /^steered: unknown experiment 'brain\/nope'/],
  ];
  for (const [args, re] of cases) {
    const r = steered(args, root);
    const what = args.join(' ');
    assert.equal(r.code, 2, `${what} → exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${what} wrote to stdout`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${what} printed ${lines.length} lines: ${r.stderr}`);
    assert.match(lines[0]!, re, what);
    assert.doesNotMatch(lines[0]!, /positional|ERR_PARSE_ARGS|\bat \w+ \(/, what);
  }
  assert.deepEqual(readdirSync(root), [], 'a rejected command created something');
});
