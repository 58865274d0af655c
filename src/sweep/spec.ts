/**
 * A sweep is data: (experiment, seeds, --set values, --grid values) expands to a fixed list of runs.
 * Each run's id is a hash of (experiment, resolved config, seed, code version), so the same sweep
 * asked twice names the same runs, and a run already finished under that id is never computed again.
 *
 * The plan is stored as `<sweep dir>/sweep.json` (format 1); its run directories are
 * `<sweep dir>/runs/<run id>/`, ordinary run directories made by `steered run --out`.
 */
import { createHash } from 'node:crypto';
import { parseSets } from '../experiments/config.js';
import type { Experiment } from '../experiments/experiment.js';

export const SWEEP_FORMAT = 1;
export const SWEEP_FILE = 'sweep.json';
export const RUNS_DIR = 'runs';

/** A bad sweep specification or sweep directory: exit code 2, one line. */
export class SweepError extends Error {
  override name = 'SweepError';
}

export interface SweepSpec {
  experiment: string;
  seeds: number[];
  /** `key=value` overrides every run shares. */
  sets: string[];
  /** Grid axes in the order given: each key with its values (raw strings, as on the command line). */
  grid: { key: string; values: string[] }[];
}

export interface PlannedRun {
  id: string;
  seed: number;
  /** The grid cell's values (raw strings) by key; {} without a grid. */
  cell: Record<string, string>;
  /** The full `--set` list of this run: the shared sets, then the cell's. */
  sets: string[];
}

export interface SweepPlan extends SweepSpec {
  format: typeof SWEEP_FORMAT;
  /** The package version the run ids were made with. */
  version: string;
  runs: PlannedRun[];
}

/** `0-9`, `3`, `0,2,5-7` → the seeds in order given, each once. */
export function parseSeeds(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new SweepError(`--seeds expects e.g. 0-9 or 0,3,7; got '${s}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo)
      throw new SweepError(`--seeds: bad range '${part.trim()}' (low-high with low ≤ high)`);
    if (hi - lo >= 100000) throw new SweepError(`--seeds: range '${part.trim()}' has more than 100000 seeds`);
    for (let x = lo; x <= hi; x++) if (!out.includes(x)) out.push(x);
  }
  return out;
}

/** Split on commas outside brackets, braces and quotes, so JSON values may hold commas. */
function splitValues(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') {
        cur += c + (s[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** `key=v1,v2,…` → one grid axis. */
export function parseGridAxis(s: string): { key: string; values: string[] } {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new SweepError(`--grid expects key=v1,v2,…; got '${s}'`);
  const key = s.slice(0, eq).trim();
  const values = splitValues(s.slice(eq + 1)).map((v) => v.trim());
  if (values.some((v) => v === ''))
    throw new SweepError(
      `--grid ${key}: empty value in '${s.slice(eq + 1)}' (give at least one value, comma-separated)`,
    );
  if (new Set(values).size !== values.length) throw new SweepError(`--grid ${key}: a value is given twice`);
  return { key, values };
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The run id: 12 hex digits of sha256 over (experiment, resolved config, seed, version). */
export function runId(experiment: string, config: unknown, seed: number, version: string): string {
  const text = JSON.stringify(canonical({ experiment, config, seed, version }));
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Expand a spec into its runs: grid cells in row-major order of the axes as given, seeds within each
 * cell. Every run's config is validated (unknown key, bad value → ConfigError) before anything runs.
 */
export function expandSweep(exp: Experiment, spec: SweepSpec, version: string): SweepPlan {
  if (spec.seeds.length === 0) throw new SweepError('a sweep needs at least one seed');
  const shared = new Set(spec.sets.map((s) => s.slice(0, Math.max(0, s.indexOf('='))).trim()));
  const axes = new Set<string>();
  for (const a of spec.grid) {
    if (axes.has(a.key)) throw new SweepError(`--grid ${a.key} given twice`);
    if (shared.has(a.key)) throw new SweepError(`'${a.key}' is both a --set and a --grid key`);
    axes.add(a.key);
  }
  let cells: Record<string, string>[] = [{}];
  for (const a of spec.grid) cells = cells.flatMap((c) => a.values.map((v) => ({ ...c, [a.key]: v })));
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const cell of cells) {
    const sets = [...spec.sets, ...Object.entries(cell).map(([k, v]) => `${k}=${v}`)];
    const config = parseSets(exp.config, sets, exp.id);
    for (const seed of spec.seeds) {
      const id = runId(exp.id, config, seed, version);
      // Two grid values that resolve to one config (e.g. 1 and 1.0) would be one run counted twice.
      if (seen.has(id)) throw new SweepError(`two grid cells give the same config (run ${id}); drop one`);
      seen.add(id);
      runs.push({ id, seed, cell, sets });
    }
  }
  return { format: SWEEP_FORMAT, ...spec, version, runs };
}

/** A stored plan, checked for shape; SweepError naming the file otherwise. */
export function parsePlan(text: string, file: string): SweepPlan {
  let p: SweepPlan;
  try {
    p = JSON.parse(text) as SweepPlan;
  } catch {
    throw new SweepError(`${file} is not valid JSON`);
  }
  if (!p || typeof p !== 'object' || p.format !== SWEEP_FORMAT || !Array.isArray(p.runs))
    throw new SweepError(`${file} is not a sweep plan of format ${SWEEP_FORMAT}`);
  for (const r of p.runs)
    if (typeof r?.id !== 'string' || !/^[0-9a-f]{12}$/.test(r.id) || !Number.isSafeInteger(r.seed))
      throw new SweepError(`${file}: malformed run entry ${JSON.stringify(r).slice(0, 80)}`);
  return p;
}
