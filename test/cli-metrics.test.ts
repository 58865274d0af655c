/**
 * A brain lifetime's scalars reach the run's metrics log: metrics.jsonl and the TensorBoard event file
 * hold the reward, the dopamine error, every body variable and every thought assessor, decimated to a
 * bounded number of rows; a killed and resumed run logs exactly the rows of an uninterrupted one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventFile } from '../src/runs/tensorboard.js';
import { runExperiment } from '../src/api/run.js';
import { ROWS_PER_DOUBLING, WINDOW } from '../src/experiments/brain/tick-log.js';
import { lastLine, runUntilKilled, steered } from '../test-support/cli.js';

const SPIDER = ['explore=1000', 'condition=1000', 'probes=2'].flatMap((s) => ['--set', s]);

function rows(dir: string): Record<string, number>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);
}

test('a brain run logs reward, dopamine, body variables and assessors to metrics.jsonl and the event file', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-brainlog-'));
  const out = join(root, 'r');
  const r = steered(
    ['run', 'brain/spider-fear', '--seed', '2', ...SPIDER, '--out', out, '--json', '--quiet'],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(lastLine(r.stdout)) as { ticks: number };
  const log = rows(out);
  const signals = [
    'reward',
    'dopamine',
    'body/cortisol',
    'body/heart',
    'body/satiety',
    'assessor/value',
    'assessor/cortisol',
    'assessor/reward',
  ];
  for (const row of log)
    for (const k of signals) assert.equal(typeof row[k], 'number', `${k} in ${JSON.stringify(row)}`);
  // 2000 lived ticks (probe ticks are not lived) in rows of WINDOW ticks; the step counts lived ticks.
  assert.equal(log.length, 2000 / WINDOW);
  assert.deepEqual(
    log.map((x) => x.step),
    log.map((_, i) => (i + 1) * WINDOW),
  );
  assert.ok(m.ticks > 2000, 'the probes tick too, but are not logged');
  // The lifetime is visible in the log: cortisol rises when the moving spider arrives in conditioning.
  const peak = (a: Record<string, number>[]) => Math.max(...a.map((x) => x['body/cortisol']!));
  assert.ok(peak(log.slice(100)) > 2 * peak(log.slice(0, 100)), 'no cortisol response in the log');
  assert.ok(
    log.some((x) => x.reward! < 0),
    'the spider bites: some window has a negative reward',
  );

  const events = readdirSync(out).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.equal(events.length, 1);
  const scalars = readEventFile(join(out, events[0]!)).filter((e) => e.scalars.length > 0);
  assert.equal(scalars.length, log.length);
  scalars.forEach((e, i) => {
    assert.equal(e.step, log[i]!.step);
    const tags = e.scalars.map((s) => s.tag);
    for (const k of signals) assert.ok(tags.includes(k), `${k} missing at step ${e.step}`);
    // float32 in the event file
    const c = e.scalars.find((s) => s.tag === 'body/cortisol')!.value;
    assert.ok(Math.abs(c - log[i]!['body/cortisol']!) < 1e-6);
  });
});

test('two lifetimes in one run: steps keep rising and each row names its life', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-brainlog2-'));
  const out = join(root, 'r');
  const sets = ['explore=300', 'discoveries=1', 'trials=2'].flatMap((s) => ['--set', s]);
  const r = steered(['run', 'brain/wirehead', '--seed', '1', ...sets, '--out', out, '--quiet'], root);
  assert.equal(r.code, 0, r.stderr);
  const log = rows(out);
  for (let i = 1; i < log.length; i++) assert.ok(log[i]!.step! > log[i - 1]!.step!);
  assert.deepEqual([...new Set(log.map((x) => x.life))], [0, 1]);
  // The concept-valued brain's steering file has a satiety assessor; the hedonist's does not.
  assert.ok(log.filter((x) => x.life === 1).every((x) => 'assessor/satiety' in x));
  assert.ok(log.filter((x) => x.life === 0).every((x) => !('assessor/satiety' in x)));
});

test('the log is deterministic, in memory as on disk, and decimated to a bounded count', async () => {
  const readText = (p: string) => readFileSync(join(import.meta.dirname, '..', '..', p), 'utf8');
  const set = { explore: 200, condition: 200, probes: 2 };
  const a = await runExperiment('brain/spider-fear', { seed: 4, set, readText });
  // Same seed, same rows (the library API keeps them in memory).
  const b = await runExperiment('brain/spider-fear', { seed: 4, set, readText });
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.log, b.log);
  assert.equal(a.log.length, 400 / WINDOW);
  // Long lives: windows double every ROWS_PER_DOUBLING rows.
  const { TickLog } = await import('../src/experiments/brain/tick-log.js');
  const t = new TickLog(() => {}, 1, { ticks: 0, rows: 0 });
  assert.equal(t.window(), WINDOW);
  const later = new TickLog(() => {}, 1, { ticks: 0, rows: 3 * ROWS_PER_DOUBLING });
  assert.equal(later.window(), 8 * WINDOW);
});

test('a brain run killed mid-life and resumed logs exactly the rows of an uninterrupted one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-brainlog-resume-'));
  const ref = join(root, 'ref');
  const r = steered(['run', 'brain/spider-fear', '--seed', '3', ...SPIDER, '--out', ref, '--quiet'], root);
  assert.equal(r.code, 0, r.stderr);
  const out = join(root, 'killed');
  const args = ['run', 'brain/spider-fear', '--seed', '3', ...SPIDER, '--out', out, '--quiet'];
  assert.ok(await runUntilKilled(args, root, out, 13), 'the run finished before it could be killed');
  const res = steered(['run', 'brain/spider-fear', '--resume', out, '--quiet'], root);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(
    readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
    readFileSync(join(ref, 'metrics.jsonl'), 'utf8'),
  );
});
