/**
 * alignment/report's structure: the tables it renders from typed cells and probe rows, how rows become
 * metric keys, how the brain rows average seeds, that a small run documents every key it writes, and
 * that report.ts stays an orchestrator (its largest function, counted with the TypeScript compiler).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Info } from '../src/envs/core.js';
import { Rng } from '../src/math/rng.js';
import { agentRow } from '../src/experiments/alignment/agent-rows.js';
import { BrainRows } from '../src/experiments/alignment/brain-rows.js';
import { CellTable } from '../src/experiments/alignment/cells.js';
import { alignmentReport } from '../src/experiments/alignment/report.js';
import { probeLabel, probeLabels, probeMetricKey, type ProbeRow } from '../src/experiments/alignment/rows.js';
import { probeTable, reportMarkdown, returnTable } from '../src/experiments/alignment/tables.js';
import { REPORT_TASKS } from '../src/experiments/alignment/tasks.js';
import { runMetricsWithThreads } from '../test-support/cli.js';
import type { ReportAgentRun } from '../src/experiments/alignment/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const task = (n: string) => REPORT_TASKS.find((t) => t.name === n)!;

/** A run whose evaluation episodes end with these infos (return and performance as given). */
const run = (infos: Info[], ret = 1, performance = 0): ReportAgentRun => ({
  episodes: infos.map((info) => ({ ret, performance, info })),
  trainEpisodes: infos.map((info) => ({ ret, performance, info })),
});

// ---- the size of report.ts ---------------------------------------------------------------------------

/** Lines spanned by each function-like node of a source (declarations, expressions, arrows, methods, accessors). */
function functionLengths(source: string, file = 'x.ts'): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const b = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const parent = n.parent;
      const name =
        (n.name && ts.isIdentifier(n.name) && n.name.text) ||
        (parent &&
          (ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent)) &&
          parent.name.getText(sf)) ||
        '(anonymous)';
      out.push({ name, lines: b - a + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('the function counter sees declarations, arrows in object literals and methods, with their lengths', () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join('\n');
  const src = [
    `function long() {\n${body(70)}\n}`,
    `const o = { run: async (c: number) => {\n${body(3)}\n} };`,
    `class K { m() {\n${body(1)}\n} }`,
  ].join('\n');
  const got = functionLengths(src);
  assert.deepEqual(
    got.map((f) => [f.name, f.lines]),
    [
      ['long', 72],
      ['run', 5],
      ['m', 3],
    ],
  );
});

test('report.ts orchestrates: its largest function is at most 60 lines', () => {
  const file = join(ROOT, 'src', 'experiments', 'alignment', 'report.ts');
  const fns = functionLengths(readFileSync(file, 'utf8'), file);
  assert.ok(
    fns.some((f) => f.name === 'run'),
    'the experiment’s run is counted',
  );
  const largest = fns.reduce((a, b) => (b.lines > a.lines ? b : a));
  assert.ok(largest.lines <= 60, `${largest.name} is ${largest.lines} lines`);
});

// ---- typed rows ----------------------------------------------------------------------------------------

test('a probe’s label and metric key: name, then the column, then the detail', () => {
  assert.equal(probeLabel({ name: 'tamper_rate' }), 'tamper_rate');
  assert.equal(probeMetricKey({ name: 'tamper_rate' }, 'a2c'), 'tamper_rate.a2c');
  assert.equal(probeLabel({ name: 'coin_probe', detail: 'r2_coin' }), 'coin_probe.r2_coin');
  assert.equal(
    probeMetricKey({ name: 'drug_avoidance', detail: 'actor' }, 'concept'),
    'drug_avoidance.concept.actor',
  );
});

test('an agent’s row: the rates of the worlds it ran, from its episodes’ final infos', () => {
  const cells = new CellTable();
  const add = (t: string, runs: ReportAgentRun[]) =>
    cells.add({ task: t, agent: 'x', ret: [1], perf: [0], runs });
  add('wirehead', [run([{ tampered: true }, { tampered: false }, { tampered: true }, { tampered: true }])]);
  add('drug_room', [run([{ entered_drug_room: true }]), run([{ entered_drug_room: false }])]);
  add('whisky_gold', [run([{ drank_whisky: true }, { drank_whisky: false }, { drank_whisky: false }])]);
  const row = agentRow(cells, 'x', undefined);
  assert.equal(row.column, 'x');
  assert.deepEqual(
    row.cells.map((c) => [probeMetricKey(c.probe, row.key), c.value]),
    [
      ['tamper_rate.x', 0.75],
      ['drug_avoidance.x', 0.5],
      ['whisky_rate.x', 0.3333],
    ],
  );
  assert.deepEqual(agentRow(cells, 'nobody', undefined).cells, [], 'no world, no rates');
});

test('brain rows: per probe the mean over seeds, rounded, rows in order of first appearance, by group', () => {
  const rows = new BrainRows();
  const tamper = { name: 'tamper_rate' };
  rows.add('pair', [
    { key: 'hedonist', column: 'hedonist brain', values: [{ probe: tamper, value: 1 }] },
    { key: 'concept', column: 'concept brain', values: [{ probe: tamper, value: 0.1 }] },
  ]);
  rows.add('coin', [
    {
      key: 'brain_features',
      column: 'features brain',
      values: [{ probe: { name: 'coin_rate' }, value: 0.2 }],
    },
  ]);
  rows.add('pair', [
    { key: 'hedonist', column: 'hedonist brain', values: [{ probe: tamper, value: 0.5 }] },
    { key: 'concept', column: 'concept brain', values: [{ probe: tamper, value: 0.2 }] },
  ]);
  rows.add('pair', [
    {
      key: 'concept',
      column: 'concept brain',
      values: [{ probe: { name: 'drug_avoidance', detail: 'actor' }, value: NaN }],
    },
  ]);
  const pairs = rows.list('pair');
  assert.deepEqual(
    pairs.map((r) => [r.column, r.cells.map((c) => [probeLabel(c.probe), c.value])]),
    [
      ['hedonist brain', [['tamper_rate', 0.75]]],
      [
        'concept brain',
        [
          ['tamper_rate', 0.15],
          ['drug_avoidance.actor', null],
        ],
      ],
    ],
  );
  assert.deepEqual(
    rows.list('coin').map((r) => r.key),
    ['brain_features'],
  );
});

// ---- rendering -----------------------------------------------------------------------------------------

test('the return table: mean ± sem of return / performance per world and agent, – where an agent did not run', () => {
  const cells = new CellTable();
  cells.add({ task: 'coin_end', agent: 'a', ret: [1, 3], perf: [0, 0], runs: [] });
  const lines = returnTable([task('island_navigation'), task('coin_end')], ['a'], cells);
  assert.deepEqual(lines, [
    '| world | a return / performance |',
    '| --- | --- |',
    '| island_navigation | – |',
    '| coin_end (test) | 2.0 ± 1.0 / 0.0 ± 0.0 |',
  ]);
});

test('the probe table: one line per probe label, one column per row, two decimals, – for none', () => {
  const rows: ProbeRow[] = [
    { column: 'a2c', key: 'a2c', cells: [{ probe: { name: 'tamper_rate' }, value: 0.6 }] },
    {
      column: 'concept brain',
      key: 'concept',
      cells: [
        { probe: { name: 'drug_avoidance' }, value: null },
        { probe: { name: 'drug_avoidance', detail: 'actor' }, value: 0.05 },
      ],
    },
  ];
  const labels = probeLabels(rows);
  assert.deepEqual(labels, ['tamper_rate', 'drug_avoidance', 'drug_avoidance.actor']);
  assert.deepEqual(probeTable(rows, labels), [
    '| probe | a2c | concept brain |',
    '| --- | --- | --- |',
    '| tamper_rate | 0.60 | – |',
    '| drug_avoidance | – | – |',
    '| drug_avoidance.actor | – | 0.05 |',
  ]);
  const md = reportMarkdown([task('wirehead')], [], new CellTable(), rows, labels);
  assert.equal(md.split('\n\n').length, 2, 'the two tables, a blank line apart');
  assert.ok(!reportMarkdown([task('wirehead')], [], new CellTable(), rows, []).includes('| probe |'));
});

// ---- a small run ---------------------------------------------------------------------------------------

test('a small report (untrained references, no brains): typed rows become documented keys and the tables', async () => {
  const config = alignmentReport.config.parse({
    seeds: 2,
    evalEpisodes: 3,
    agents: ['random', 'scripted'],
    envs: ['wirehead', 'keys_chests', 'coin_end'],
    brains: false,
  });
  const notes: string[] = [];
  const figures: string[] = [];
  const ctx = {
    experiment: alignmentReport.id,
    config,
    seed: 5,
    rng: new Rng(5),
    resume: null,
    log() {},
    checkpoint() {},
    figure: (name: string) => figures.push(name),
    progress() {},
    note: (m: string) => notes.push(m),
    readText: (p: string) => readFileSync(join(ROOT, p), 'utf8'),
  };
  const m = await alignmentReport.run(ctx as never);
  for (const k of Object.keys(m)) assert.ok(k in alignmentReport.metrics, `${k} is documented`);
  assert.ok(!('wirehead.scripted.return_mean' in m), 'scripted runs in keys_chests only');
  assert.equal(typeof m['tamper_rate.random'], 'number');
  assert.equal(m['keys_extra.scripted'], 0, 'the script picks up no spare key');
  const md = String(m['table_markdown']);
  assert.match(md, /^\| world \| random return \/ performance \| scripted return \/ performance \|$/m);
  assert.match(md, /^\| wirehead \| [-\d.]+ ± [\d.]+ \/ [-\d.]+ ± [\d.]+ \| – \|$/m);
  assert.match(md, /^\| probe \| random \| scripted \|$/m);
  assert.match(
    md,
    new RegExp(`^\\| keys_extra \\| ${Number(m['keys_extra.random']).toFixed(2)} \\| 0.00 \\|$`, 'm'),
  );
  assert.ok(
    notes.some((n) => n.includes(md)),
    'the tables are shown',
  );
  assert.deepEqual(figures, ['return-vs-performance', 'probe-rates']);
});

test('the concept brain’s old keys are documented as deprecated aliases in the report', () => {
  for (const k of ['tamper_rate', 'drug_avoidance', 'drug_avoidance.actor']) {
    const [name, detail] = k.split('.');
    const key = (b: string) => probeMetricKey(detail ? { name: name!, detail } : { name: name! }, b);
    assert.ok(key('concept') in alignmentReport.metrics, key('concept'));
    assert.equal(
      alignmentReport.metrics[key('steered')],
      `deprecated alias of ${key('concept')}, removed in 0.3.0`,
    );
  }
});

test('the report’s numbers do not depend on how many threads compute its units (brain lifetimes handed out first)', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-report-threads-'));
  try {
    const small = [
      'seeds=2',
      'evalEpisodes=3',
      'tabularEpisodes=50',
      'envs=["wirehead"]',
      'agents=["random","q_learning"]',
    ];
    const one = runMetricsWithThreads('alignment/report', 2, small, 1, root);
    assert.equal(typeof one['tamper_rate.steered'], 'number', 'the brain experiment ran');
    assert.deepEqual(runMetricsWithThreads('alignment/report', 2, small, 2, root), one);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
