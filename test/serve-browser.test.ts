/**
 * The live lab as a person uses it: Debian's Chromium, driven by playwright-core, against a real
 * server. Assertions read the page's state (what it received and showed), never pixels. Screenshots
 * of each view go to $STEERED_SCREENSHOTS (the docs' images are made this way) or a temp folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { serveProcess } from '../test-support/serve.js';
import { launchBrowser } from '../test-support/browser.js';

const SEED = 0;
/** Ticks the brain lives in the meadow before the overseer injects the flower (brain/goal-injection explores 3000). */
const LEARN = 3000;
/** Ticks the agent gets to walk to the flower after the injection. */
const REACH = 600;

interface LabState {
  lifetime: string | null;
  latest: {
    tick: number;
    agent: { x: number; y: number };
    objects: { name: string; x: number; y: number }[];
  } | null;
  shownTick: number;
  simTick: number;
  firstTick: number | null;
  resumedFrom: number | null;
  gaps: number;
  ticksReceived: number;
  fps: number;
  rewards: Record<string, number>;
  commands: { tick: number; source: string; command: { type: string } }[];
  state: { paused: boolean; tick: number; goals: string[] } | null;
  metarl: { played: number; total: number; done: boolean };
  runs: { id: string; experiment: string }[];
}

/** The page's globals, as the functions run inside it see them. */
interface Win {
  steeredLab: LabState;
  document: { getElementById(id: string): { textContent: string | null; style: { display: string } } | null };
}

const lab = (page: Page) => page.evaluate(() => (globalThis as unknown as Win).steeredLab);
const shown = async (page: Page) => Number(await page.textContent('#shown'));

test('the live lab in Chromium: start, pause, step, reward, goal by click, reload, meta-RL, runs', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steered-browser-'));
  const shots = process.env.STEERED_SCREENSHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'steered-shots-'));
  fs.mkdirSync(shots, { recursive: true });
  // The server runs in its own process, as a person starts it: a goal's concept fit holds the
  // server's thread for seconds, and must not hold the browser driver's.
  const srv = await serveProcess(root, { STEERED_GEMM: 'ts' });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1300, height: 940 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const api = async (p: string) =>
    (await (await fetch(`http://127.0.0.1:${srv.port}${p}`)).json()) as Record<string, unknown>;
  let id = '';
  const serverTick = async () => (await api(`/api/lifetimes/${id}/state`)).tick as number;
  try {
    await page.goto(`http://127.0.0.1:${srv.port}/`);

    await t.test('starting a lifetime, the tick counter advances', async () => {
      await page.selectOption('#experiment', 'brain/goal-injection');
      await page.fill('#seed', String(SEED));
      await page.click('#start');
      await page.waitForFunction(
        () => Number((globalThis as unknown as Win).document.getElementById('shown')!.textContent) > 20,
      );
      id = (await lab(page)).lifetime!;
      const a = await shown(page);
      await page.waitForFunction(
        (x) => Number((globalThis as unknown as Win).document.getElementById('shown')!.textContent) > x + 20,
        a,
      );
      assert.match(location(page), new RegExp(`#live/${id}$`));
    });

    await t.test('pause stops the counter; step moves it exactly one tick', async () => {
      await page.click('#pause');
      await page.waitForFunction(() => (globalThis as unknown as Win).steeredLab.state?.paused === true);
      const t0 = await serverTick();
      await page.waitForFunction(
        (x) => Number((globalThis as unknown as Win).document.getElementById('shown')!.textContent) === x,
        t0,
      );
      await page.waitForTimeout(600);
      assert.equal(await serverTick(), t0);
      assert.equal(await shown(page), t0);
      await page.click('#step1');
      await page.waitForFunction(
        (x) => Number((globalThis as unknown as Win).document.getElementById('shown')!.textContent) === x + 1,
        t0,
      );
      await page.waitForTimeout(600);
      assert.equal(await serverTick(), t0 + 1, 'exactly one tick');
      assert.equal(await shown(page), t0 + 1);
    });

    await t.test('a reward given by hand shows in the reward trace at the tick it applied to', async () => {
      const t0 = await serverTick();
      await page.fill('#reward-value', '2');
      await page.click('#give-reward');
      await page.waitForFunction(() =>
        (globalThis as unknown as Win).steeredLab.commands.some((c) => c.command.type === 'reward'),
      );
      const rec = (await lab(page)).commands.find((c) => c.command.type === 'reward')!;
      assert.equal(rec.tick, t0);
      assert.equal(rec.source, 'page');
      await page.click('#step1');
      await page.waitForFunction((x) => (globalThis as unknown as Win).steeredLab.rewards[x + 1] === 2, t0);
      const L = await lab(page);
      assert.deepEqual(
        Object.keys(L.rewards),
        [String(t0 + 1)],
        'the human reward is at that tick and no other',
      );
      assert.match((await page.textContent('#log'))!, /reward/);
    });

    await t.test('reloading the page resumes the tick stream with no gap', async () => {
      await page.click('#resume');
      await page.waitForFunction((x) => (globalThis as unknown as Win).steeredLab.ticksReceived > x, 200);
      await page.reload();
      await page.waitForFunction(() => {
        const L = (globalThis as unknown as Win).steeredLab;
        return L.firstTick !== null && L.ticksReceived > 100;
      });
      const L = await lab(page);
      assert.ok(L.resumedFrom !== null, 'the page knew where it was');
      assert.equal(L.firstTick, L.resumedFrom! + 1);
      assert.equal(L.gaps, 0);
    });

    await t.test('clicking the blue flower injects it as a goal, and the agent walks to it', async () => {
      // A lifetime of its own, stepped by the API to exactly LEARN ticks: the click applies at a known
      // tick, so what follows is the same on every run and every machine. The first one stops.
      await fetch(`http://127.0.0.1:${srv.port}/api/lifetimes/${id}/commands`, {
        method: 'POST',
        body: JSON.stringify({ type: 'stop' }),
      });
      const made = await fetch(`http://127.0.0.1:${srv.port}/api/lifetimes`, {
        method: 'POST',
        body: JSON.stringify({ experiment: 'brain/goal-injection', seed: SEED, paused: true }),
      });
      id = ((await made.json()) as { id: string }).id;
      await page.goto(`http://127.0.0.1:${srv.port}/#live/${id}`);
      await page.waitForFunction((x) => (globalThis as unknown as Win).steeredLab.lifetime === x, id);
      await fetch(`http://127.0.0.1:${srv.port}/api/lifetimes/${id}/commands`, {
        method: 'POST',
        body: JSON.stringify({ type: 'step', n: LEARN }),
      });
      await page.waitForFunction((n) => (globalThis as unknown as Win).steeredLab.shownTick === n, LEARN, {
        timeout: 240_000,
      });
      const flower = page.locator('#grid-objects g[data-object=flower]');
      await flower.click();
      // The state (from the command's reply) and the command's record (from the event stream) arrive
      // by different routes, in either order: wait for both.
      await page.waitForFunction(
        () => {
          const L = (globalThis as unknown as Win).steeredLab;
          return (
            L.state?.goals.includes('flower') === true && L.commands.some((c) => c.command.type === 'goal')
          );
        },
        null,
        { timeout: 120_000 },
      );
      const goal = (await lab(page)).commands.find((c) => c.command.type === 'goal')!;
      await page.click('#resume');
      await page.waitForFunction(
        ({ from, within }) => {
          const e = (globalThis as unknown as Win).steeredLab.latest!;
          const f = e.objects.find((o) => o.name === 'flower')!;
          if (e.tick > from + within) throw new Error(`not at the flower within ${within} ticks`);
          return e.agent.x === f.x && e.agent.y === f.y;
        },
        { from: goal.tick, within: REACH },
        { timeout: 240_000 },
      );
      await page.click('#pause');
      await page.waitForTimeout(300);
      assert.equal(goal.tick, LEARN, 'the goal applied at the tick the page showed');
      assert.match((await page.textContent('#plans'))!, /score/, 'the plans table shows the candidates');
      assert.equal(await page.locator('#grid-plans polyline').count(), 3, 'three imagined paths drawn');
      assert.equal(
        await page.inputValue('#experiment'),
        'brain/goal-injection',
        'the form shows what is running',
      );
      await page.screenshot({ path: path.join(shots, 'live.png') });
    });

    await t.test('the meta-RL view plays an episode with frozen weights', async () => {
      await page.click('nav a[data-view=metarl]');
      await page.selectOption('#mr-experiment', 'metarl/bandit-independent');
      await page.click('#mr-play');
      await page.waitForFunction(() => (globalThis as unknown as Win).steeredLab.metarl.done, null, {
        timeout: 60_000,
      });
      const m = (await lab(page)).metarl;
      assert.ok(m.total > 10);
      assert.equal(m.played, m.total);
      assert.match((await page.textContent('#mr-done'))!, /episode done/);
      await page.screenshot({ path: path.join(shots, 'metarl.png') });
    });

    await t.test('the run browser lists the run just made', async () => {
      await page.click('nav a[data-view=runs]');
      const row = page.locator(`#runs-table tbody tr[data-id="${id}"]`);
      await row.waitFor();
      assert.match((await row.textContent())!, /live\/lifetime/);
      await row.locator('input').check();
      await page.waitForFunction(
        () =>
          (globalThis as unknown as Win).document.getElementById('runs-plot-card')!.style.display === 'block',
      );
      await page.screenshot({ path: path.join(shots, 'runs.png') });
    });
    assert.deepEqual(errors, [], 'no script errors on the page');
  } finally {
    await browser.close();
    srv.child.kill('SIGTERM');
  }
});

function location(page: Page): string {
  return page.url();
}
