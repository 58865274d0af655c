/**
 * Scaling of the BullMQ sweep backend (a benchmark, not a test): the same 20-run meta-RL sweep through
 * a Redis queue with one worker process, then with two; target: two workers take ≤ 0.6× the time of one.
 * Starts its own redis-server on a free port of 127.0.0.1 and prints, as the last stdout line, one JSON
 * object: {"runs", "one_worker_s", "two_workers_s", "ratio", "within_target", "set", "meta": {load, effective_cores}}.
 *
 *   npx tsc -p . && node dist/bench/sweep-bullmq.js [--runs 20]
 *
 * Each run is single-threaded (`workers=1`, OpenBLAS's thread cap does not engage at these sizes), so a
 * second worker can use the second core.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { effectiveCores } from './machine.js';

const { values: o } = parseArgs({ options: { runs: { type: 'string' } } });
const RUNS = Number(o.runs ?? 20);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'steered.js');
const SET = ['updates=1500', 'numEnvs=8', 'hidden=16', 'episodes=500', 'workers=1'];

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

const port = await freePort();
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  {
    stdio: 'ignore',
  },
);
for (let i = 0; i < 100; i++) {
  if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG')
    break;
  await new Promise((r) => setTimeout(r, 100));
}
const url = `redis://127.0.0.1:${port}`;
const root = mkdtempSync(join(tmpdir(), 'steered-bench-bullmq-'));

async function timed(workers: number): Promise<number> {
  const queue = `bench-${workers}`;
  const args = [
    BIN,
    'sweep',
    'metarl/bandit-independent',
    '--seeds',
    `0-${RUNS - 1}`,
    ...SET.flatMap((s) => ['--set', s]),
    '--backend',
    'bullmq',
    '--redis',
    url,
    '--queue',
    queue,
    '--out',
    join(root, `w${workers}`),
    '--quiet',
  ];
  const t0 = performance.now();
  const sweep = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, STEERED_RUNS_ROOT: root },
  });
  const ws = Array.from({ length: workers }, () =>
    spawn(process.execPath, [BIN, 'worker', '--redis', url, '--queue', queue, '--quiet'], {
      stdio: 'inherit',
    }),
  );
  const code = await new Promise<number | null>((r) => sweep.once('exit', r));
  const s = (performance.now() - t0) / 1000;
  for (const w of ws) w.kill('SIGTERM');
  if (code !== 0) throw new Error(`sweep with ${workers} worker(s) exited ${code}`);
  process.stderr.write(`bench/sweep-bullmq: ${workers} worker(s): ${s.toFixed(1)} s\n`);
  return s;
}

try {
  const loadBefore = loadavg()[0]!;
  const cores = await effectiveCores();
  const one = await timed(1);
  const two = await timed(2);
  const ratio = two / one;
  process.stdout.write(
    `${JSON.stringify({
      runs: RUNS,
      one_worker_s: Number(one.toFixed(1)),
      two_workers_s: Number(two.toFixed(1)),
      ratio: Number(ratio.toFixed(3)),
      within_target: ratio <= 0.6,
      set: SET,
      meta: { load_before: loadBefore, load_after: loadavg()[0], effective_cores: Number(cores.toFixed(2)) },
    })}\n`,
  );
} finally {
  redis.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
