/**
 * A brain experiment's typed `measure` gives the numbers of its run's `--json` line: the same lifetimes,
 * seeded alike, at one small setting per experiment, under the pure-TypeScript kernel in both (the
 * command line is told so by STEERED_GEMM). Every key of the line is accounted for by a field, and the
 * concept brain's deprecated keys repeat its fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setGemmKernel, tsGemm } from '../src/math/gemm.js';
import { coinEnd } from '../src/experiments/brain/coin-end.js';
import type { CoinLifeMeasure } from '../src/experiments/brain/coin-corridor.js';
import { drugRoom } from '../src/experiments/brain/drug-room.js';
import type { MeasureIO } from '../src/experiments/brain/measure.js';
import { overshadowing } from '../src/experiments/brain/overshadowing.js';
import { wirehead } from '../src/experiments/brain/wirehead.js';
import { BIN, lastLine } from '../test-support/cli.js';

setGemmKernel(tsGemm);

const io: MeasureIO = { readText: (p) => readFileSync(p, 'utf8') };
type Line = Record<string, unknown>;

/** The run's `--json` line for `settings` (values as `--set` takes them). */
function runLine(id: string, seed: number, settings: Record<string, unknown>): Line {
  const root = mkdtempSync(join(tmpdir(), 'steered-measure-'));
  try {
    const sets = Object.entries(settings).flatMap(([k, v]) => [
      '--set',
      `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
    ]);
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', id, '--seed', String(seed), ...sets, '--json', '--quiet'],
      {
        env: { ...process.env, STEERED_RUNS_ROOT: root, STEERED_GEMM: 'ts' },
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    // The run's verdict on its criteria table (src/experiments/criteria.ts) is not a measurement.
    const { criteria_met: _verdict, ...line } = JSON.parse(lastLine(r.stdout)) as Line;
    return line;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The typed numbers as metric keys, as the line writes them (NaN as null). */
function asLine(entries: [string, number | null][]): Line {
  return JSON.parse(JSON.stringify(Object.fromEntries(entries))) as Line;
}

const each = (prefix: string, xs: Record<string, number>): [string, number][] =>
  Object.entries(xs).map(([k, v]) => [`${prefix}.${k}`, v]);

/** The line without the deprecated aliases, which must repeat the concept brain's keys. */
function withoutAliases(line: Line): Line {
  const out: Line = {};
  for (const [k, v] of Object.entries(line)) {
    const parts = k.split('.');
    if (!parts.includes('steered')) out[k] = v;
    else assert.deepEqual(v, line[parts.map((p) => (p === 'steered' ? 'concept' : p)).join('.')], k);
  }
  return out;
}

test('brain/wirehead: measure gives the run’s numbers (seed 1, short life)', async () => {
  const settings = { explore: 400, discoveries: 1, trials: 3 };
  const r = await wirehead.measure(settings, 1, io);
  const want: [string, number | null][] = [];
  for (const b of ['hedonist', 'concept'] as const) {
    const x = r[b];
    want.push([`tamper_rate.${b}`, x.tamperRate], [`berry_rate.${b}`, x.berryRate]);
    want.push([`tamper_by_planner.${b}`, x.tamperByPlanner]);
    want.push(...each(`lever.${b}`, x.lever), ...each(`lever_on.${b}`, x.leverOn));
    want.push(...each(`seized.${b}`, x.seized), ...each(`imagined.${b}`, x.imagined));
  }
  want.push(...Object.entries(r.wm));
  const line = runLine('brain/wirehead', 1, settings);
  assert.ok('tamper_rate.steered' in line, 'the deprecated key is still written');
  assert.deepEqual(withoutAliases(line), { ...withoutAliases(line), ...asLine(want) });
  assert.equal(Object.keys(withoutAliases(line)).length, want.length, 'every key is a field');
});

test('brain/drug-room: measure gives the run’s numbers (seed 1, short life)', async () => {
  const settings = { explore: 300, drugDays: 1, trials: 2 };
  const r = await drugRoom.measure(settings, 1, io);
  const want: [string, number | null][] = [];
  for (const b of ['hedonist', 'concept'] as const) {
    const x = r[b];
    want.push([`drug_avoidance.${b}`, x.avoidance], [`drug_avoidance.${b}.actor`, x.avoidanceActor]);
    want.push(
      [`berry_rate.${b}`, x.berryRate],
      ...each(`haze.${b}`, x.haze),
      ...each(`detour.${b}`, x.detour),
    );
  }
  want.push(...Object.entries(r.wm));
  const line = withoutAliases(runLine('brain/drug-room', 1, settings));
  assert.deepEqual(line, { ...line, ...asLine(want) });
  assert.equal(Object.keys(line).length, want.length, 'every key is a field');
});

function corridorKeys(n: string, x: CoinLifeMeasure): [string, number][] {
  return [
    [`coin_rate.${n}`, x.coinRate],
    [`end_rate.${n}`, x.endRate],
    [`coin_rate_train.${n}`, x.coinRateTrain],
    [`planner_share.${n}`, x.plannerShare],
    [`probe.${n}.r2_coin`, x.probe.r2Coin],
    [`probe.${n}.r2_end`, x.probe.r2End],
    [`grid.${n}.r2_coin`, x.grid.r2Coin],
    [`grid.${n}.r2_end`, x.grid.r2End],
    [`wm_right.${n}.imagined`, x.wmRight.imagined],
    [`wm_right.${n}.real`, x.wmRight.real],
    [`coin_rate_frozen.${n}`, x.coinRateFrozen],
    [`inner.${n}.spearman_train`, x.inner.spearmanTrain],
    [`inner.${n}.rmse_train`, x.inner.rmseTrain],
    [`inner.${n}.spearman_test`, x.inner.spearmanTest],
    [`inner.${n}.rmse_test`, x.inner.rmseTest],
  ];
}

/** A coin-corridor experiment's measurement against its line: every lifetime's keys and the grid's correlation. */
function corridorCase(
  r: { lives: Partial<Record<string, CoinLifeMeasure>>; conceptCorr: number; wm: Record<string, number> },
  line: Line,
  id: string,
): void {
  const want: [string, number][] = [['grid.concept_corr', r.conceptCorr]];
  for (const [n, x] of Object.entries(r.lives)) want.push(...corridorKeys(n, x!));
  want.push(...Object.entries(r.wm));
  assert.deepEqual(line, { ...line, ...asLine(want) }, id);
  assert.equal(Object.keys(line).length, want.length, `${id}: every key is a field`);
}

test('brain/coin-end and brain/overshadowing: measure gives the run’s numbers (seed 2, one short life each)', async () => {
  const base = { days: 5, dayTicks: 15, trials: 2, ticks: 10, candidates: 16 };
  const coin = { ...base, brains: ['flagged' as const] };
  corridorCase(await coinEnd.measure(coin, 2, io), runLine(coinEnd.id, 2, coin), coinEnd.id);
  const over = { ...base, saliences: [0.25] };
  corridorCase(
    await overshadowing.measure(over, 2, io),
    runLine(overshadowing.id, 2, over),
    overshadowing.id,
  );
});

test('--set steered=FILE (deprecated) still names the concept brain’s steering file, with one note', async () => {
  const settings = { explore: 200, discoveries: 1, trials: 2 };
  const notes: string[] = [];
  const old = await wirehead.measure({ ...settings, steered: 'data/steering/concepts.steer' }, 4, {
    ...io,
    note: (m) => notes.push(m),
  });
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /--set steered=FILE is deprecated and removed in 0\.3\.0; use --set concept=FILE/);
  assert.deepEqual(old, await wirehead.measure(settings, 4, io));
  // It wins over `concept`: another file gives another brain.
  const other = await wirehead.measure({ ...settings, steered: 'data/steering/default.steer' }, 4, io);
  assert.deepEqual(other.concept.lever, other.hedonist.lever);
});
