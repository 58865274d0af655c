/**
 * The live lab's cost (a benchmark, not a test): does watching a brain slow it down, and does the page
 * keep up with a fast one?
 *
 *   npm run bench:serve [-- --ticks 2000 --warmup 500 --seed 0]
 *
 * Rounds alternate 1 and 2 (the machine's speed drifts); the ratio is the median over rounds.
 * 1. Headless: a LiveLifetime of brain/goal-injection's world, no server, no events: wall time of ticks
 *    warmup … warmup+ticks.
 * 2. Served with a page attached: `steered serve` in a child process, the same lifetime (same seed,
 *    same kernel) started by the page in Debian's Chromium, which draws every frame; the wall time of
 *    the same tick window, read from the server's state. Goal: within 10% of headless.
 * 3. The page's frame rate while the lifetime is asked for 1000 ticks/s (planning off, the cheapest
 *    tick): goal ≥ 30 frames/s; the tick rate the server reached is printed beside it.
 *
 * Last stdout line: one JSON object with every number, the goals, and the machine's load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { LiveLifetime } from '../src/live/lifetime.js';
import { installGemmFromEnv } from '../src/node/blas.js';
import { launchBrowser } from '../test-support/browser.js';
import { serveProcess } from '../test-support/serve.js';
import { effectiveCores } from './machine.js';

const { values: o } = parseArgs({
  options: {
    ticks: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '500' },
    seed: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '3' },
  },
});
const TICKS = Number(o.ticks),
  WARMUP = Number(o.warmup),
  SEED = Number(o.seed),
  ROUNDS = Number(o.rounds);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORLD = 'data/worlds/meadow.world',
  STEERING = 'data/steering/default.steer';

const kernel = installGemmFromEnv();
const load0 = loadavg()[0]!;
const cores = await effectiveCores();

// 1. Headless.
const file = (p: string) => ({ file: p, text: readFileSync(join(ROOT, p), 'utf8') });
function headless(): number {
  const life = new LiveLifetime({ world: file(WORLD), steering: file(STEERING), seed: SEED });
  for (let i = 0; i < WARMUP; i++) life.advance();
  const t0 = performance.now();
  for (let i = 0; i < TICKS; i++) life.advance();
  return (TICKS * 1000) / (performance.now() - t0);
}

// 2. Served, page attached.
const root = mkdtempSync(join(tmpdir(), 'steered-bench-serve-'));
const server = await serveProcess(root);
const base = `http://127.0.0.1:${server.port}`;
const api = async (p: string, body?: unknown) => {
  const r = await fetch(base + p, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await r.json()) as Record<string, unknown>;
};
const browser = await launchBrowser();
let result: Record<string, unknown> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 940 } });
  await page.goto(`${base}/`);
  const windowRate = async (id: string) => {
    const tick = async () => (await api(`/api/lifetimes/${id}/state`)).tick as number;
    const crossing = async (n: number) => {
      for (;;) {
        const t = await tick();
        if (t >= n) return { t, at: performance.now() };
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const a = await crossing(WARMUP),
      b = await crossing(WARMUP + TICKS);
    await api(`/api/lifetimes/${id}/commands`, { type: 'stop' });
    return ((b.t - a.t) * 1000) / (b.at - a.at);
  };
  // The machine is shared and its speed drifts: headless and served windows alternate, ROUNDS times,
  // and the ratio is the median of the rounds' ratios.
  const rounds: { headless: number; alone: number; page: number }[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const h = headless();
    // 2a. Served, nobody watching (the server's own overhead).
    const alone = (await api('/api/lifetimes', { world: WORLD, steering: STEERING, seed: SEED })) as {
      id: string;
    };
    const aloneRate = await windowRate(alone.id);
    // 2b. Served with the page drawing it.
    const { id } = (await api('/api/lifetimes', {
      world: WORLD,
      steering: STEERING,
      seed: SEED,
      paused: true,
    })) as {
      id: string;
    };
    await page.goto(`${base}/#live/${id}`);
    await page.waitForSelector('#live-body', { state: 'visible' });
    await api(`/api/lifetimes/${id}/commands`, { type: 'resume' });
    const p = await windowRate(id);
    rounds.push({ headless: h, alone: aloneRate, page: p });
    process.stderr.write(
      `round ${k + 1}: headless ${h.toFixed(1)}, served alone ${aloneRate.toFixed(1)}, served with a page ${p.toFixed(1)} ticks/s (kernel ${kernel})\n`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(rounds.map((r) => r.page / r.headless));
  const headlessRate = median(rounds.map((r) => r.headless)),
    aloneRate = median(rounds.map((r) => r.alone)),
    servedRate = median(rounds.map((r) => r.page));
  const shown = (await page.evaluate('window.steeredLab.frames')) as number;
  process.stderr.write(`last round's page drew ${shown} frames\n`);

  // 3. Frame rate at 1000 ticks/s.
  const fast = (await api('/api/lifetimes', {
    world: WORLD,
    steering: STEERING,
    seed: SEED,
    planning: false,
  })) as {
    id: string;
  };
  await page.goto(`${base}/#live/${fast.id}`);
  await page.reload();
  await api(`/api/lifetimes/${fast.id}/commands`, { type: 'speed', ticksPerSecond: 1000 });
  await new Promise((r) => setTimeout(r, 3000));
  const f0 = (await page.evaluate('window.steeredLab.frames')) as number,
    r0 = await tick2(fast.id);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  const f1 = (await page.evaluate('window.steeredLab.frames')) as number,
    r1 = await tick2(fast.id);
  const secs = (performance.now() - w0) / 1000;
  const fps = (f1 - f0) / secs,
    fastRate = (r1 - r0) / secs;
  process.stderr.write(
    `page at a requested 1000 ticks/s: ${fps.toFixed(1)} frames/s, server at ${fastRate.toFixed(0)} ticks/s\n`,
  );
  result = {
    ticks: TICKS,
    warmup: WARMUP,
    seed: SEED,
    kernel,
    headless_ticks_per_s: headlessRate,
    served_no_client_ticks_per_s: aloneRate,
    served_ticks_per_s: servedRate,
    served_over_headless: ratio,
    within_10_percent: ratio >= 0.9,
    rounds,
    page_fps_at_1000: fps,
    server_ticks_per_s_at_1000: fastRate,
    fps_goal_met: fps >= 30,
  };
  async function tick2(lid: string) {
    return (await api(`/api/lifetimes/${lid}/state`)).tick as number;
  }
} finally {
  await browser.close();
  await new Promise((done) => {
    server.child.once('exit', done);
    server.child.kill('SIGTERM');
  });
  rmSync(root, { recursive: true, force: true });
}
process.stdout.write(
  `${JSON.stringify({ ...result, meta: { load_before: load0, load_after: loadavg()[0], effective_cores: cores } })}\n`,
);
