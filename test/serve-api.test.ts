/**
 * The live lab's HTTP API: what a script sees (health, lifetimes, the tick stream, commands, runs),
 * what bad input gets (a 4xx and one line, the lifetime untouched), and exact replay of a session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { readLiveRun } from '../src/serve/session.js';
import { replay } from '../src/live/lifetime.js';
import { parseCommand } from '../src/live/commands.js';
import { SseReader } from '../test-support/sse.js';
import { BIN, steered, lastLine } from '../test-support/cli.js';
import { serveProcess } from '../test-support/serve.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'steered-serve-'));

interface Tick {
  tick: number;
  action: string;
  reward: number;
  human: number;
  dopamine: number;
  body: Record<string, number>;
  outputs: { assessor: string; mode: string; value: number; gain: number }[];
  reflex: string | null;
  agent: { x: number; y: number };
}

async function call(
  srv: RunningServer,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> & { error?: string } }> {
  const auth: Record<string, string> = srv.token ? { authorization: `Bearer ${srv.token}` } : {};
  const res = await fetch(`http://127.0.0.1:${srv.port}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A request with headers fetch will not set (Host). */
function rawStatus(port: number, p: string, headers: Record<string, string>): Promise<number> {
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, headers }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function tickOf(srv: RunningServer, id: string): Promise<number> {
  return (await call(srv, 'GET', `/api/lifetimes/${id}/state`)).json.tick as number;
}

test('health, experiments, a lifetime and its tick stream carry what the API promises', async () => {
  const root = tmp();
  const srv = await startServer({ runsRoot: root, version: 'test' });
  try {
    assert.equal(srv.host, '127.0.0.1');
    assert.equal((srv.server.address() as { address: string }).address, '127.0.0.1');
    assert.equal(srv.token, null);
    assert.deepEqual((await call(srv, 'GET', '/api/health')).json, { ok: true, version: 'test' });
    const exps = (await call(srv, 'GET', '/api/experiments')).json as unknown as {
      id: string;
      kind: string;
      shipped: boolean;
    }[];
    assert.ok(exps.some((e) => e.id === 'brain/goal-injection' && e.kind === 'brain'));
    assert.ok(exps.some((e) => e.kind === 'metarl' && e.shipped));

    const made = await call(srv, 'POST', '/api/lifetimes', { experiment: 'brain/goal-injection', seed: 2 });
    assert.equal(made.status, 201);
    const id = made.json.id as string;
    const sse = await SseReader.open(`http://127.0.0.1:${srv.port}/api/lifetimes/${id}/events`);
    assert.equal(sse.status, 200);
    const first = await sse.next('tick');
    const e = JSON.parse(first!.data) as Tick;
    assert.equal(first!.id, String(e.tick), 'the SSE id is the tick');
    for (const k of ['tick', 'action', 'reward', 'dopamine', 'body', 'outputs', 'reflex'] as const)
      assert.ok(k in e, k);
    assert.ok(e.outputs.length > 0 && e.outputs.every((o) => typeof o.gain === 'number'));
    // Planning from birth: every assessor speaks in predict mode (gain 1) and imagine mode (its gain).
    assert.deepEqual([...new Set(e.outputs.map((o) => o.mode))], ['predict', 'imagine']);
    assert.ok(e.outputs.filter((o) => o.mode === 'predict').every((o) => o.gain === 1));
    // The stream has no holes: consecutive ticks.
    let prev = e.tick;
    for (let i = 0; i < 50; i++) {
      const t = JSON.parse((await sse.next('tick'))!.data) as Tick;
      assert.equal(t.tick, prev + 1);
      prev = t.tick;
    }
    sse.close();

    // pause → the counter stops; step → exactly +1; step N → +N.
    const p = await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'pause' });
    assert.equal(p.status, 200);
    assert.equal(typeof p.json.tick, 'number');
    const t0 = await tickOf(srv, id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await tickOf(srv, id), t0, 'paused: no tick');
    await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'step' });
    await waitFor('one step', async () => (await tickOf(srv, id)) === t0 + 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await tickOf(srv, id), t0 + 1, 'step is exactly one tick');
    await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'step', n: 7 });
    await waitFor('seven steps', async () => (await tickOf(srv, id)) === t0 + 8);

    // A reward given at tick boundary T shows in tick T+1's event as the human's part.
    const sse2 = await SseReader.open(`http://127.0.0.1:${srv.port}/api/lifetimes/${id}/events`);
    const r = await call(srv, 'POST', `/api/lifetimes/${id}/commands`, {
      type: 'reward',
      value: 2.5,
      source: 'script',
    });
    assert.equal(r.json.tick, t0 + 8);
    const echo = JSON.parse((await sse2.next('command'))!.data) as {
      tick: number;
      source: string;
      command: unknown;
    };
    assert.deepEqual(echo.command, { type: 'reward', value: 2.5 });
    assert.equal(echo.source, 'script');
    await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'step', n: 2 });
    const after = JSON.parse((await sse2.next('tick'))!.data) as Tick;
    assert.equal(after.tick, t0 + 9);
    assert.equal(after.human, 2.5);
    assert.ok(after.reward >= 2.5 - 1, 'the human reward is part of the tick reward');
    sse2.close();

    const st = (await call(srv, 'GET', `/api/lifetimes/${id}/state`)).json;
    assert.equal(st.paused, true);
    assert.equal(typeof st.speed, 'number');
    assert.ok('switches' in st);
    // The run browser lists it.
    const runs = (await call(srv, 'GET', '/api/runs')).json as unknown as {
      id: string;
      experiment: string;
    }[];
    assert.ok(runs.some((x) => x.id === id && x.experiment === 'live/lifetime'));
  } finally {
    await srv.close();
  }
});

test('a session with scripted commands and its replay end with byte-identical final metrics', async () => {
  const root = tmp();
  const srv = await startServer({ runsRoot: root, version: 'test' });
  let dir = '';
  try {
    const made = await call(srv, 'POST', '/api/lifetimes', {
      experiment: 'brain/goal-injection',
      seed: 5,
      paused: true,
    });
    const id = made.json.id as string;
    dir = made.json.dir as string;
    const cmd = async (c: unknown) => {
      const r = await call(srv, 'POST', `/api/lifetimes/${id}/commands`, c);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json;
    };
    await cmd({ type: 'step', n: 300 });
    await waitFor('300 ticks', async () => (await tickOf(srv, id)) === 300);
    await cmd({ type: 'reward', value: 1 });
    await cmd({ type: 'switch', name: 'rewiring', on: false });
    await cmd({ type: 'resume' });
    await waitFor('600 ticks', async () => (await tickOf(srv, id)) >= 600);
    await cmd({ type: 'seize', value: 2 });
    await cmd({ type: 'place', object: 'berry', x: 1, y: 1 });
    await waitFor('900 ticks', async () => (await tickOf(srv, id)) >= 900);
    await cmd({ type: 'seize', value: null });
    await cmd({ type: 'switch', name: 'learning', on: false });
    const g = await cmd({ type: 'goal', object: 'flower' });
    assert.ok(((g.result as { r2: number }).r2 ?? 0) > 0.5, 'the concept probe fits');
    await cmd({ type: 'name', object: 'rock' });
    await cmd({ type: 'goal', object: 'rock', remove: true });
    await cmd({ type: 'checkpoint' });
    await waitFor('1200 ticks', async () => (await tickOf(srv, id)) >= 1200);
    await cmd({ type: 'stop' });
    const st = (await call(srv, 'GET', `/api/lifetimes/${id}/state`)).json;
    assert.equal(st.status, 'completed');
  } finally {
    await srv.close();
  }
  const final = JSON.parse(fs.readFileSync(path.join(dir, 'final.json'), 'utf8')) as {
    metrics: Record<string, number>;
  };
  assert.ok(final.metrics.ticks! >= 1200);
  assert.ok(final.metrics.human_reward_total === 1);
  // In process: the same spec and command log give the same numbers, bit for bit.
  const rec = readLiveRun(dir);
  assert.equal(rec.records.length, 13);
  const again = replay(rec.spec, rec.records, rec.ticks).finalMetrics();
  assert.equal(JSON.stringify(again), JSON.stringify(final.metrics));
  // And through the command line.
  // The test's server ticked with the pure-TS kernel (nothing installed BLAS in this process).
  const r = steered(['serve', '--replay', dir, '--json'], root, { STEERED_GEMM: 'ts' });
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(lastLine(r.stdout)) as Record<string, number>;
  assert.equal(got.replay_equal, 1);
  delete (got as Record<string, unknown>).replay_equal;
  assert.equal(JSON.stringify(got), JSON.stringify(final.metrics));
  // A log edited by hand no longer replays to the same numbers, and the command line says so.
  const log = path.join(dir, 'commands.jsonl');
  fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace('"value":1}', '"value":0.5}'));
  const bad = steered(['serve', '--replay', dir, '--json'], root, { STEERED_GEMM: 'ts' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /replay differs from the recording in .*human_reward_total/);
});

test('bad input gets a 4xx and one line, and the lifetime lives on exactly as without it', async () => {
  const root = tmp();
  const data = tmp();
  fs.writeFileSync(path.join(data, 'broken.world'), '[world]\nsize = 3\n');
  fs.writeFileSync(path.join(os.tmpdir(), 'steered-outside.world'), '[world]\n');
  const srv = await startServer({ runsRoot: root, version: 'test', dataDirs: [data] });
  let dir = '';
  try {
    const bad: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/lifetimes', '{"experiment": ', 400, /malformed JSON/],
      ['POST', '/api/lifetimes', { experiment: 'brain/nope' }, 404, /brain\/nope/],
      [
        'POST',
        '/api/lifetimes',
        { experiment: 'brain/goal-injection', colour: 1 },
        400,
        /unknown field 'colour'/,
      ],
      ['POST', '/api/lifetimes', { experiment: 'brain/goal-injection', seed: -1 }, 400, /seed/],
      [
        'POST',
        '/api/lifetimes',
        { experiment: 'brain/goal-injection', set: { explore: 'x' } },
        400,
        /explore/,
      ],
      ['POST', '/api/lifetimes', { world: path.join(data, 'broken.world') }, 400, /broken\.world/],
      [
        'POST',
        '/api/lifetimes',
        { world: path.join(os.tmpdir(), 'steered-outside.world') },
        403,
        /outside the data folders/,
      ],
      ['POST', '/api/lifetimes', { world: '/etc/passwd' }, 403, /outside the data folders/],
      ['POST', '/api/lifetimes', { world: 'data/worlds/no-such.world' }, 400, /no such file/],
      ['POST', '/api/lifetimes', 'x'.repeat(70_000), 413, /too large/],
      ['GET', '/api/lifetimes/nope/state', undefined, 404, /no lifetime/],
      ['GET', '/api/runs/nope', undefined, 404, /no run/],
      ['GET', '/api/nothing', undefined, 404, /no such endpoint/],
      ['GET', '/api/metarl/episode?experiment=brain/goal-injection', undefined, 400, /not a meta-RL/],
    ];
    for (const [m, p, body, status, re] of bad) {
      const r = await call(srv, m, p, body);
      assert.equal(r.status, status, `${m} ${p}: ${JSON.stringify(r.json)}`);
      assert.match(r.json.error!, re);
      assert.ok(!r.json.error!.includes('\n'), 'one line');
    }
    const made = await call(srv, 'POST', '/api/lifetimes', {
      experiment: 'brain/goal-injection',
      seed: 7,
      paused: true,
    });
    const id = made.json.id as string;
    dir = made.json.dir as string;
    const cmds = `/api/lifetimes/${id}/commands`;
    const badCommands: [unknown, RegExp][] = [
      ['{"type":', /malformed JSON/],
      [{ type: 'dance' }, /unknown command type "dance"/],
      [{ type: 'reward' }, /reward: value/],
      [{ type: 'reward', value: 1, extra: true }, /extra/],
      [{ type: 'reward', value: 1e9 }, /value/],
      [{ type: 'step', n: 0 }, /n/],
      [{ type: 'switch', name: 'telepathy', on: true }, /name/],
      [{ type: 'place', object: 'berry', x: 0, y: 0 }, /wall/],
      [{ type: 'place', object: 'unicorn', x: 1, y: 1 }, /no kind of object named unicorn/],
      [{ type: 'goal', object: 'unicorn' }, /no unicorn/],
      [{ type: 'name', object: 'unicorn' }, /no kind of object named unicorn/],
      [[1, 2], /a command is a JSON object/],
    ];
    await call(srv, 'POST', cmds, { type: 'step', n: 100 });
    await waitFor('100 ticks', async () => (await tickOf(srv, id)) === 100);
    for (const [body, re] of badCommands) {
      const r = await call(srv, 'POST', cmds, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.error!, re);
    }
    await call(srv, 'POST', cmds, { type: 'reward', value: 1 });
    await call(srv, 'POST', cmds, { type: 'step', n: 100 });
    await waitFor('200 ticks', async () => (await tickOf(srv, id)) === 200);
    await call(srv, 'POST', cmds, { type: 'stop' });
  } finally {
    await srv.close();
  }
  // Only the good commands were applied and logged; the lifetime equals one that never saw the bad.
  const rec = readLiveRun(dir);
  assert.deepEqual(
    rec.records.map((r) => r.command.type),
    ['step', 'reward', 'step', 'stop'],
  );
  const clean = replay(
    rec.spec,
    [
      { tick: 0, source: 'x', command: parseCommand({ type: 'step', n: 100 }) },
      { tick: 100, source: 'x', command: parseCommand({ type: 'reward', value: 1 }) },
    ],
    200,
  );
  const final = JSON.parse(fs.readFileSync(path.join(dir, 'final.json'), 'utf8')) as {
    metrics: Record<string, number>;
  };
  const m = clean.finalMetrics();
  assert.equal(m.state_crc32, final.metrics.state_crc32);
  assert.equal(m.reward_total, final.metrics.reward_total);
});

test('the server survives 1000 malformed requests in a row, and its lifetime keeps ticking', async () => {
  const root = tmp();
  const srv = await startServer({ runsRoot: root, version: 'test' });
  try {
    const id = (await call(srv, 'POST', '/api/lifetimes', { experiment: 'brain/goal-injection', seed: 1 }))
      .json.id as string;
    const before = await tickOf(srv, id);
    const kinds: (() => Promise<number>)[] = [
      async () => (await call(srv, 'POST', `/api/lifetimes/${id}/commands`, '{{{')).status,
      async () =>
        (await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'x'.repeat(100) })).status,
      async () =>
        (await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'speed', ticksPerSecond: -1 }))
          .status,
      async () => (await call(srv, 'POST', '/api/lifetimes', { world: 123 })).status,
      async () => (await call(srv, 'GET', '/api/runs/%E0%A4%A')).status,
      async () => (await call(srv, 'DELETE', '/api/health')).status,
      async () => (await call(srv, 'POST', `/api/lifetimes/${id}/commands`, 'null')).status,
      () => rawStatus(srv.port, '/api/health', { host: 'evil.example.com' }),
    ];
    const seen = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = await kinds[i % kinds.length]!();
      assert.ok(s >= 400 && s < 500, `request ${i} got ${s}`);
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    assert.equal((await call(srv, 'GET', '/api/health')).status, 200);
    const later = await tickOf(srv, id);
    assert.ok(later > before, `the lifetime kept ticking (${before} → ${later})`);
    const st = (await call(srv, 'GET', `/api/lifetimes/${id}/state`)).json;
    assert.equal(st.status, 'running');
  } finally {
    await srv.close();
  }
});

test('the meta-RL view plays a frozen episode of every shipped meta-RL experiment', async () => {
  const srv = await startServer({ runsRoot: tmp(), version: 'test' });
  try {
    const exps = (await call(srv, 'GET', '/api/experiments')).json as unknown as {
      id: string;
      kind: string;
      shipped: boolean;
    }[];
    const shipped = exps.filter((e) => e.kind === 'metarl' && e.shipped).map((e) => e.id);
    for (const want of ['metarl/bandit-independent', 'metarl/two-step', 'metarl/harlow'])
      assert.ok(shipped.includes(want), want);
    for (const id of shipped) {
      const r = await call(srv, 'GET', `/api/metarl/episode?experiment=${id}&seed=3`);
      assert.equal(r.status, 200, id);
      const trials = r.json.trials as {
        policy: number[];
        pc: number[];
        posterior: number[] | null;
        probs: number[] | null;
      }[];
      assert.ok(trials.length > 0, id);
      for (const t of trials) {
        assert.ok(Math.abs(t.policy.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${id}: a policy sums to 1`);
        assert.equal(t.pc.length, 2);
      }
      if (id.includes('bandit'))
        assert.ok(
          trials.every((t) => t.posterior && t.probs),
          `${id}: bandits carry the posterior`,
        );
      // The same seed plays the same episode.
      const again = await call(srv, 'GET', `/api/metarl/episode?experiment=${id}&seed=3`);
      assert.deepEqual(again.json, r.json);
    }
    assert.equal((await call(srv, 'GET', '/api/metarl/episode?experiment=metarl/harlow&seed=x')).status, 400);
  } finally {
    await srv.close();
  }
});

test('bound off loopback without a token, the server makes one and every API call needs it', async () => {
  const root = tmp();
  const srv = await startServer({ runsRoot: root, version: 'test', host: '0.0.0.0' });
  try {
    assert.match(srv.token ?? '', /^[0-9a-f]{32}$/);
    assert.ok(srv.url.includes(`token=${srv.token}`));
    const anon = { ...srv, token: null } as RunningServer;
    for (const [m, p, b] of [
      ['GET', '/api/health', undefined],
      ['GET', '/api/runs', undefined],
      ['GET', '/api/experiments', undefined],
      ['GET', '/api/lifetimes', undefined],
      ['POST', '/api/lifetimes', { experiment: 'brain/goal-injection' }],
      ['POST', '/api/lifetimes/x/commands', { type: 'pause' }],
      ['GET', '/api/lifetimes/x/events', undefined],
      ['GET', '/api/metarl/episode', undefined],
    ] as const) {
      const r = await call(anon, m, p, b);
      assert.equal(r.status, 401, `${m} ${p}`);
      assert.equal(r.json.error, 'a valid token is required');
      const wrong = await call(anon, m, p, b, { authorization: `Bearer ${'0'.repeat(32)}` });
      assert.equal(wrong.status, 401);
    }
    assert.equal((await call(srv, 'GET', '/api/health')).status, 200);
    const q = await fetch(`http://127.0.0.1:${srv.port}/api/health?token=${srv.token}`);
    assert.equal(q.status, 200);
    // The page itself carries no data and loads without the token (it asks for one).
    assert.equal((await fetch(`http://127.0.0.1:${srv.port}/`)).status, 200);
  } finally {
    await srv.close();
  }
});

test('steered serve: 127.0.0.1 by default, a printed token off loopback, exit 0 on SIGTERM, 2 on bad flags', async () => {
  const root = tmp();
  const start = (args: string[]) =>
    new Promise<{ url: string; stop: () => Promise<number | null> }>((ok, fail) => {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--quiet', ...args], {
        env: { ...process.env, STEERED_RUNS_ROOT: root },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0)
          ok({
            url: out.slice(0, nl),
            stop: () =>
              new Promise((done) => {
                child.once('exit', (code) => done(code));
                child.kill('SIGTERM');
              }),
          });
      });
      child.once('exit', (code) => fail(new Error(`serve exited with ${code} before printing its URL`)));
    });
  const local = await start([]);
  assert.match(local.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal((await fetch(`${local.url}api/health`)).status, 200);
  assert.equal(await local.stop(), 0);
  const open = await start(['--host', '0.0.0.0']);
  const m = /^http:\/\/0\.0\.0\.0:(\d+)\/\?token=([0-9a-f]{32})$/.exec(open.url);
  assert.ok(m, open.url);
  assert.equal((await fetch(`http://127.0.0.1:${m[1]}/api/health`)).status, 401);
  assert.equal((await fetch(`http://127.0.0.1:${m[1]}/api/health?token=${m[2]}`)).status, 200);
  assert.equal(await open.stop(), 0);
  for (const args of [['--port', 'x'], ['--token', 'short'], ['--replay', root], ['extra']]) {
    const r = steered(['serve', ...args], root);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('SIGKILL of steered serve mid-session loses no acknowledged command; the log replays and the store reopens', async () => {
  const root = tmp();
  const { port, child } = await serveProcess(root, { STEERED_GEMM: 'ts' });
  const srv = { port, token: null } as RunningServer;
  const made = await call(srv, 'POST', '/api/lifetimes', { experiment: 'brain/goal-injection', seed: 4 });
  const id = made.json.id as string,
    dir = made.json.dir as string;
  const acked: { tick: number; value: number }[] = [];
  for (let i = 0; i < 40; i++) {
    const value = (i % 7) - 3;
    const r = await call(srv, 'POST', `/api/lifetimes/${id}/commands`, { type: 'reward', value });
    assert.equal(r.status, 200);
    acked.push({ tick: r.json.tick as number, value });
    await new Promise((res) => setTimeout(res, 10));
  }
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  await exited;
  // Every acknowledged command is in the log, in order, with its tick.
  const rec = readLiveRun(dir);
  assert.equal(rec.final, null, 'no final metrics: the session was killed');
  assert.deepEqual(
    rec.records.map((r) => ({ tick: r.tick, value: (r.command as { value: number }).value })),
    acked,
  );
  // The log replays (to the last command's tick) and twice gives the same state.
  const a = replay(rec.spec, rec.records, rec.ticks).finalMetrics();
  const b = replay(rec.spec, rec.records, rec.ticks).finalMetrics();
  assert.equal(a.state_crc32, b.state_crc32);
  // Rewards given at the last command's boundary have no tick after them yet.
  const lastTick = acked.at(-1)!.tick;
  assert.equal(
    a.human_reward_total,
    acked.filter((c) => c.tick < lastTick).reduce((s, c) => s + c.value, 0),
  );
  const r = steered(['serve', '--replay', dir, '--json'], root, { STEERED_GEMM: 'ts' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /interrupted/);
  // Without a checkpoint there is nothing to continue from: one line, exit 2, nothing stored touched.
  const files = ['commands.jsonl', 'metrics.jsonl'].map((f) => fs.readFileSync(path.join(dir, f)));
  const cont = steered(['run', 'live/lifetime', '--resume', dir], root, { STEERED_GEMM: 'ts' });
  assert.equal(cont.code, 2, cont.stderr);
  assert.match(cont.stderr, /no committed checkpoint/);
  assert.equal(cont.stderr.trim().split('\n').length, 1);
  ['commands.jsonl', 'metrics.jsonl'].forEach((f, i) =>
    assert.ok(fs.readFileSync(path.join(dir, f)).equals(files[i]!), `${f} unchanged`),
  );
  // A new server on the same runs root opens the store and lists the killed run.
  const again = await startServer({ runsRoot: root, version: 'test' });
  try {
    const runs = (await call(again, 'GET', '/api/runs')).json as unknown as { id: string }[];
    assert.ok(runs.some((x) => x.id === id));
  } finally {
    await again.close();
  }
});

test('a killed live session continues from its checkpoint (steered run live/lifetime --resume, POST {"resume"}) to the uninterrupted numbers', async () => {
  const root = tmp();
  const { port, child } = await serveProcess(root, { STEERED_GEMM: 'ts' });
  const srv = { port, token: null } as RunningServer;
  const made = await call(srv, 'POST', '/api/lifetimes', {
    experiment: 'brain/goal-injection',
    seed: 6,
    paused: true,
  });
  const id = made.json.id as string,
    dir = made.json.dir as string;
  const cmd = async (c: unknown) => {
    const r = await call(srv, 'POST', `/api/lifetimes/${id}/commands`, c);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  // The checkpoint falls mid-window of the metrics log (rows average 10 ticks).
  await cmd({ type: 'step', n: 205 });
  await waitFor('205 ticks', async () => (await tickOf(srv, id)) === 205);
  await cmd({ type: 'reward', value: 1 });
  await cmd({ type: 'switch', name: 'rewiring', on: false });
  await cmd({ type: 'checkpoint' });
  await cmd({ type: 'step', n: 150 });
  await waitFor('355 ticks', async () => (await tickOf(srv, id)) === 355);
  await cmd({ type: 'place', object: 'berry', x: 1, y: 1 });
  await cmd({ type: 'reward', value: -0.5 });
  await cmd({ type: 'step', n: 95 });
  await waitFor('450 ticks', async () => (await tickOf(srv, id)) === 450);
  await cmd({ type: 'pause' });
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  await exited;
  const metricsBefore = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8');
  const rec = readLiveRun(dir);
  assert.equal(rec.ticks, 450);
  const uninterrupted = replay(rec.spec, rec.records, rec.ticks).finalMetrics();

  // The command line, on a copy under another runs root: the same final numbers, bit for bit, and the
  // metrics log cut back to the checkpoint and written again as it was (plus the last, partial row).
  const root2 = tmp();
  const copy = path.join(root2, 'copy');
  fs.cpSync(dir, copy, { recursive: true });
  fs.rmSync(path.join(copy, 'run.lock'), { force: true });
  const r = steered(['run', 'live/lifetime', '--resume', copy, '--json'], root2, { STEERED_GEMM: 'ts' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /from tick 205: 5 more commands, to tick 450/);
  assert.equal(lastLine(r.stdout), JSON.stringify(uninterrupted));
  const metricsAfter = fs.readFileSync(path.join(copy, 'metrics.jsonl'), 'utf8');
  assert.ok(metricsAfter.startsWith(metricsBefore), 'the resumed log repeats the recorded rows exactly');
  assert.equal(metricsAfter.slice(metricsBefore.length).trim().split('\n').length, 1);
  // Completed now: a second resume is refused with one line and exit 2.
  const again = steered(['run', 'live/lifetime', '--resume', copy], root2, { STEERED_GEMM: 'ts' });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already completed/);
  const bare = steered(['run', 'live/lifetime'], root2);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /live session.*--resume/);

  // The server: the same run continued in the browser's API, paused at the recording's end; commands
  // given after it are appended to the same log, which then replays from birth to the same numbers.
  const live = await startServer({ runsRoot: root, version: 'test' });
  try {
    const bad = await call(live, 'POST', '/api/lifetimes', { resume: 'no-such-run' });
    assert.equal(bad.status, 404);
    const re = await call(live, 'POST', '/api/lifetimes', { resume: id });
    assert.equal(re.status, 201, JSON.stringify(re.json));
    assert.equal(re.json.tick, 450);
    const st = (await call(live, 'GET', `/api/lifetimes/${id}/state`)).json;
    assert.equal(st.paused, true);
    assert.equal((st.switches as Record<string, boolean>).rewiring, false);
    const twice = await call(live, 'POST', '/api/lifetimes', { resume: id });
    assert.equal(twice.status, 409);
    const c = async (x: unknown) =>
      assert.equal((await call(live, 'POST', `/api/lifetimes/${id}/commands`, x)).status, 200);
    await c({ type: 'reward', value: 2 });
    await c({ type: 'step', n: 50 });
    await waitFor('500 ticks', async () => (await tickOf(live, id)) === 500);
    await c({ type: 'stop' });
  } finally {
    await live.close();
  }
  const final = JSON.parse(fs.readFileSync(path.join(dir, 'final.json'), 'utf8')) as {
    status: string;
    metrics: Record<string, number>;
  };
  assert.equal(final.status, 'completed');
  assert.equal(final.metrics.ticks, 500);
  assert.equal(final.metrics.human_reward_total, 2.5);
  const all = readLiveRun(dir);
  assert.equal(all.records.length, rec.records.length + 3);
  assert.equal(
    JSON.stringify(replay(all.spec, all.records, all.ticks).finalMetrics()),
    JSON.stringify(final.metrics),
  );
});
