/**
 * `steered sweep collect`: the run directories stay the truth; this builds an index of them (SQLite,
 * upserted by run id, so collecting twice changes nothing) and a summary per metric — n, mean, sd,
 * 95% t interval, per-seed values, per grid cell — as JSON (summary.json), markdown (summary.md) and
 * one figure per metric (figures/<metric>.svg: the per-seed values as dots, the mean dashed).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ci95, mean, round, sd } from '../math/stats.js';
import { linePlot, type Series } from '../plot/svg.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { numericLabel } from '../node/numeric.js';
import { CONFIG_FILE, FINAL_FILE } from '../runs/rundir.js';
import { runDirOf, runState } from './local.js';
import { type PlannedRun, parsePlan, SWEEP_FILE, SweepError, type SweepPlan } from './spec.js';

export const INDEX_DB = 'sweep.db';
export const SUMMARY_JSON = 'summary.json';
export const SUMMARY_MD = 'summary.md';

export interface MetricSummary {
  n: number;
  mean: number;
  sd: number;
  ci95: [number, number];
  /** One value per completed run that reports the metric, in plan order, with its seed. */
  values: number[];
  seeds: number[];
}

export interface CellSummary {
  cell: Record<string, string>;
  runs: number;
  failed: number;
  metrics: Record<string, MetricSummary>;
}

export interface SweepSummary {
  experiment: string;
  /** Runs in the plan. */
  planned: number;
  /** Completed runs. */
  runs: number;
  failed: number;
  /** Planned runs with no result yet (not started, interrupted). */
  missing: number;
  metrics: Record<string, MetricSummary>;
  /** Per grid cell, keyed "k=v,k2=v2"; absent without a grid. */
  cells?: Record<string, CellSummary>;
  /**
   * The numeric configurations (numericLabel) the completed runs were made under, each once, in plan
   * order; runs that recorded none are left out. More than one means the seeds' numbers come from
   * different roundings (e.g. workers on machines with and without OpenBLAS).
   */
  numeric: string[];
}

export function readPlan(sweepDir: string): SweepPlan {
  const file = join(sweepDir, SWEEP_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SweepError(`${sweepDir} is not a sweep directory (no ${SWEEP_FILE})`);
  }
  return parsePlan(text, file);
}

interface RunResult {
  run: PlannedRun;
  status: 'completed' | 'failed' | 'missing';
  metrics: Record<string, number>;
  numeric: string | null;
}

/** The numeric configuration recorded in a run directory's config.json; undefined when none or unreadable. */
export function recordedNumeric(dir: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as { numeric?: unknown }).numeric;
  } catch {
    return undefined;
  }
}

function readResult(sweepDir: string, run: PlannedRun): RunResult {
  const dir = runDirOf(sweepDir, run);
  const state = runState(dir);
  if (state !== 'completed')
    return { run, status: state === 'failed' ? 'failed' : 'missing', metrics: {}, numeric: null };
  const fin = JSON.parse(readFileSync(join(dir, FINAL_FILE), 'utf8')) as {
    metrics?: Record<string, unknown>;
  };
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(fin.metrics ?? {})) if (typeof v === 'number') metrics[k] = v;
  return { run, status: 'completed', metrics, numeric: numericLabel(recordedNumeric(dir)) };
}

function summarize(results: RunResult[]): Record<string, MetricSummary> {
  const keys: string[] = [];
  for (const r of results) for (const k of Object.keys(r.metrics)) if (!keys.includes(k)) keys.push(k);
  const out: Record<string, MetricSummary> = {};
  for (const k of keys) {
    const have = results.filter((r) => Number.isFinite(r.metrics[k]));
    const values = have.map((r) => r.metrics[k]!);
    const [lo, hi] = ci95(values);
    out[k] = {
      n: values.length,
      mean: round(mean(values), 6),
      sd: round(sd(values), 6),
      ci95: [round(lo, 6), round(hi, 6)],
      values,
      seeds: have.map((r) => r.run.seed),
    };
  }
  return out;
}

export const cellLabel = (cell: Record<string, string>): string =>
  Object.entries(cell)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** The summary of a sweep directory as it stands (completed runs only). */
export function summarizeSweep(sweepDir: string, plan: SweepPlan = readPlan(sweepDir)): SweepSummary {
  const results = plan.runs.map((r) => readResult(sweepDir, r));
  const done = results.filter((r) => r.status === 'completed');
  const s: SweepSummary = {
    experiment: plan.experiment,
    planned: plan.runs.length,
    runs: done.length,
    failed: results.filter((r) => r.status === 'failed').length,
    missing: results.filter((r) => r.status === 'missing').length,
    metrics: summarize(done),
    numeric: [...new Set(done.flatMap((r) => (r.numeric === null ? [] : [r.numeric])))],
  };
  if (plan.grid.length) {
    s.cells = {};
    for (const r of results) {
      const label = cellLabel(r.run.cell);
      s.cells[label] ??= { cell: r.run.cell, runs: 0, failed: 0, metrics: {} };
    }
    for (const [label, c] of Object.entries(s.cells)) {
      const mine = results.filter((r) => cellLabel(r.run.cell) === label);
      c.runs = mine.filter((r) => r.status === 'completed').length;
      c.failed = mine.filter((r) => r.status === 'failed').length;
      c.metrics = summarize(mine.filter((r) => r.status === 'completed'));
    }
  }
  return s;
}

export interface IndexRow {
  id: string;
  experiment: string;
  seed: number;
  cell: string;
  status: 'completed' | 'failed' | 'missing';
  metrics: string | null;
  dir: string;
}

function indexRows(sweepDir: string, plan: SweepPlan): IndexRow[] {
  return plan.runs.map((run) => {
    const r = readResult(sweepDir, run);
    return {
      id: run.id,
      experiment: plan.experiment,
      seed: run.seed,
      cell: JSON.stringify(run.cell),
      status: r.status,
      metrics: r.status === 'completed' ? JSON.stringify(r.metrics) : null,
      dir: runDirOf(sweepDir, run),
    };
  });
}

const TABLE = `CREATE TABLE IF NOT EXISTS sweep_runs (
  id           TEXT PRIMARY KEY,
  experiment   TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  cell_json    TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('completed', 'failed', 'missing')),
  metrics_json TEXT,
  dir          TEXT NOT NULL
)`;
const UPSERT = `INSERT INTO sweep_runs (id, experiment, seed, cell_json, status, metrics_json, dir)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, metrics_json = excluded.metrics_json,
    cell_json = excluded.cell_json, dir = excluded.dir`;
const values = (r: IndexRow) => [r.id, r.experiment, r.seed, r.cell, r.status, r.metrics, r.dir];

function sqliteUpsert(rows: IndexRow[], file: string): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.exec(TABLE);
    // The statement text is shared with PostgreSQL: its $1…$7 appear in order, so SQLite's ? fit.
    const up = db.prepare(UPSERT.replace(/\$\d/g, '?'));
    db.transaction(() => {
      for (const r of rows) up.run(...values(r));
    })();
  } finally {
    db.close();
  }
}

/** One transaction against PostgreSQL (a team's shared index); the connection errors are one line. */
async function postgresUpsert(rows: IndexRow[], url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {
    /* surfaced by the awaited calls below */
  });
  try {
    await client.connect();
  } catch (e) {
    throw new SweepError(`cannot reach PostgreSQL at ${redact(url)}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    await client.query('BEGIN');
    await client.query(TABLE);
    for (const r of rows) await client.query(UPSERT, values(r));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new SweepError(`PostgreSQL at ${redact(url)}: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * Upsert every planned run into the index: a SQLite file path (default `<sweep dir>/sweep.db`) or a
 * `postgres://…` URL. One row per run id, so indexing twice changes nothing.
 */
export async function indexSweep(sweepDir: string, plan: SweepPlan, db: string): Promise<void> {
  const rows = indexRows(sweepDir, plan);
  if (/^postgres(ql)?:\/\//i.test(db)) return postgresUpsert(rows, db);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
    const scheme = db.slice(0, db.indexOf(':'));
    throw new SweepError(`--db ${scheme}://… is not supported; give a SQLite file path or a postgres:// URL`);
  }
  sqliteUpsert(rows, db);
}

const fmt = (x: number) => (Number.isFinite(x) ? String(round(x, 4)) : '–');

export function summaryMarkdown(s: SweepSummary): string {
  const lines = [
    `# Sweep of ${s.experiment}`,
    '',
    `${s.runs} of ${s.planned} runs completed, ${s.failed} failed, ${s.missing} missing.`,
    '',
  ];
  if (s.numeric.length === 1) lines.push(`Numeric configuration: ${s.numeric[0]}.`, '');
  else if (s.numeric.length > 1)
    lines.push(
      `**The runs were made under ${s.numeric.length} numeric configurations** (their last bits differ; see docs/reproducibility.md):`,
      '',
      ...s.numeric.map((n) => `- ${n}`),
      '',
    );
  const table = (title: string, m: Record<string, MetricSummary>) => {
    lines.push(
      `## ${title}`,
      '',
      '| metric | n | mean | sd | 95% interval | per seed |',
      '|---|---|---|---|---|---|',
    );
    for (const [k, v] of Object.entries(m))
      lines.push(
        `| \`${k}\` | ${v.n} | ${fmt(v.mean)} | ${fmt(v.sd)} | [${fmt(v.ci95[0])}, ${fmt(v.ci95[1])}] | ${v.values
          .map((x, i) => `${v.seeds[i]}: ${fmt(x)}`)
          .join(', ')} |`,
      );
    lines.push('');
  };
  table('All runs', s.metrics);
  for (const [label, c] of Object.entries(s.cells ?? {})) table(`Cell ${label}`, c.metrics);
  return `${lines.join('\n')}`;
}

/** A file name for a metric key (dots and slashes are common in keys). */
const figName = (k: string) => `${k.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;

function metricFigure(s: SweepSummary, key: string): string {
  const series: Series[] = [];
  const groups = s.cells
    ? Object.entries(s.cells).map(([label, c]) => ({ label, m: c.metrics[key] }))
    : [{ label: 'runs', m: s.metrics[key] }];
  for (const g of groups) {
    if (!g.m || g.m.n === 0) continue;
    series.push({ label: `${g.label} (per seed)`, x: g.m.seeds, y: g.m.values, points: true });
    const lo = Math.min(...g.m.seeds),
      hi = Math.max(...g.m.seeds);
    series.push({ label: `${g.label} mean`, x: [lo, hi], y: [g.m.mean, g.m.mean], dashed: true });
  }
  return linePlot({ title: `${s.experiment}: ${key}`, xlabel: 'seed', ylabel: key, series });
}

/** Index the sweep, write summary.json, summary.md and the figures; returns the summary. */
export async function collectSweep(sweepDir: string, opts: { db?: string } = {}): Promise<SweepSummary> {
  const plan = readPlan(sweepDir);
  await indexSweep(sweepDir, plan, opts.db ?? join(sweepDir, INDEX_DB));
  const s = summarizeSweep(sweepDir, plan);
  writeFileAtomic(join(sweepDir, SUMMARY_JSON), `${JSON.stringify(s, null, 1)}\n`);
  writeFileAtomic(join(sweepDir, SUMMARY_MD), summaryMarkdown(s));
  const figDir = join(sweepDir, 'figures');
  rmSync(figDir, { recursive: true, force: true });
  mkdirSync(figDir, { recursive: true });
  for (const k of Object.keys(s.metrics)) writeFileSync(join(figDir, figName(k)), metricFigure(s, k));
  return s;
}

/** The `--json` line scripts read: runs, failed and per metric n, mean, sd, ci95, values (and cells). */
export function summaryLine(s: SweepSummary): Record<string, unknown> {
  const metric = (m: MetricSummary) => ({ n: m.n, mean: m.mean, sd: m.sd, ci95: m.ci95, values: m.values });
  const metrics = (r: Record<string, MetricSummary>) =>
    Object.fromEntries(Object.entries(r).map(([k, m]) => [k, metric(m)]));
  return {
    runs: s.runs,
    failed: s.failed,
    missing: s.missing,
    metrics: metrics(s.metrics),
    numeric: s.numeric,
    ...(s.cells
      ? {
          cells: Object.fromEntries(
            Object.entries(s.cells).map(([k, c]) => [
              k,
              { runs: c.runs, failed: c.failed, metrics: metrics(c.metrics) },
            ]),
          ),
        }
      : {}),
  };
}
