/**
 * Measure an experiment for its docs page: run it on several seeds through the command line (one
 * process per seed, one after another), keep every run's `--json` metrics and wall time in
 * docs/experiments/<id>.results.json and the first run's figures beside it, then regenerate the page
 * with `npm run docs`. With `--from`, the runs already stored (run directories, or folders of them, made
 * by `steered run`) are collected instead of run again: they must be completed runs of the same
 * experiment with one config; the `--set` list is read back as the keys that differ from the defaults,
 * and the wall time is the run's creation to its final.json.
 *
 *   node dist/tools/measure.js <experiment> [--seeds 0-4] [--set key=value ...]
 *   node dist/tools/measure.js <experiment> --from <run dir or runs folder> [--from ...]
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/experiments/config.js';
import { findExperiment } from '../src/experiments/index.js';
import { type Measurement, measurementPath } from './measurement.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'steered.js');

function fail(msg: string): never {
  process.stderr.write(`measure: ${msg}\n`);
  process.exit(2);
}

/** The run's matrix kernel as its config snapshot records it, e.g. "blas (OpenBLAS, Haswell kernels)". */
function numericOf(configFile: string): string | null {
  try {
    const n = (
      JSON.parse(readFileSync(configFile, 'utf8')) as {
        numeric?: { gemm?: string; blas?: { coreType?: string } };
      }
    ).numeric;
    if (!n?.gemm) return null;
    return n.blas?.coreType ? `${n.gemm} (OpenBLAS, ${n.blas.coreType} kernels)` : n.gemm;
  } catch {
    return null;
  }
}

function seedList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) fail(`--seeds expects e.g. 0-4 or 0,3,7; got '${s}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let x = lo; x <= hi; x++) out.push(x);
  }
  return out;
}

interface StoredRun {
  dir: string;
  seed: number;
  config: Record<string, unknown>;
  numeric: string | null;
  wallSeconds: number;
  metrics: Record<string, unknown>;
}

/** A completed run directory of `id`, or null when `dir` is not a run directory. */
function readRun(dir: string, id: string): StoredRun | null {
  const cfgFile = join(dir, 'config.json');
  if (!existsSync(cfgFile)) return null;
  const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as {
    experiment: string;
    seed: number;
    createdAt: string;
    config: Record<string, unknown>;
  };
  if (cfg.experiment !== id) fail(`${dir} is a run of ${cfg.experiment}, not ${id}`);
  const finalFile = join(dir, 'final.json');
  if (!existsSync(finalFile)) fail(`${dir} has no final.json (the run did not complete)`);
  const fin = JSON.parse(readFileSync(finalFile, 'utf8')) as {
    status: string;
    metrics: Record<string, unknown>;
  };
  if (fin.status !== 'completed') fail(`${dir} ended with status ${fin.status}`);
  const wallSeconds = (statSync(finalFile).mtimeMs - Date.parse(cfg.createdAt)) / 1000;
  return {
    dir,
    seed: cfg.seed,
    config: cfg.config,
    numeric: numericOf(cfgFile),
    wallSeconds,
    metrics: fin.metrics,
  };
}

function collect(id: string, dirs: string[]): StoredRun[] {
  const runs: StoredRun[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) fail(`no such directory: ${d}`);
    const r = readRun(d, id);
    if (r) runs.push(r);
    else
      for (const sub of readdirSync(d).sort()) {
        const rr = readRun(join(d, sub), id);
        if (rr) runs.push(rr);
      }
  }
  if (runs.length === 0) fail(`no runs of ${id} under ${dirs.join(', ')}`);
  const first = runs[0]!;
  const key = JSON.stringify(first.config);
  for (const r of runs) {
    if (JSON.stringify(r.config) !== key) fail(`${r.dir} has another config than ${first.dir}`);
    if (r.numeric !== first.numeric)
      fail(`${r.dir} ran under ${r.numeric}, ${first.dir} under ${first.numeric}`);
  }
  const seen = new Set<number>();
  for (const r of runs) {
    if (seen.has(r.seed)) fail(`seed ${r.seed} is stored twice`);
    seen.add(r.seed);
  }
  return runs.sort((a, b) => a.seed - b.seed);
}

/** The `--set` list that reproduces `config`: every key whose value is not the default. */
function setsOf(id: string, config: Record<string, unknown>): string[] {
  const exp = findExperiment(id);
  const defaults = validateConfig(exp.config, {}, id) as Record<string, unknown>;
  return Object.keys(config)
    .filter((k) => JSON.stringify(config[k]) !== JSON.stringify(defaults[k]))
    .map((k) => `${k}=${typeof config[k] === 'string' ? config[k] : JSON.stringify(config[k])}`);
}

function write(id: string, sets: string[], gemm: string, runs: Measurement['runs'], figSrc: string): void {
  const figDir = join(ROOT, 'docs', 'experiments', `${id}.figures`);
  rmSync(figDir, { recursive: true, force: true });
  const figures: string[] = [];
  if (existsSync(figSrc)) {
    mkdirSync(figDir, { recursive: true });
    for (const f of readdirSync(figSrc)
      .filter((x) => x.endsWith('.svg'))
      .sort()) {
      copyFileSync(join(figSrc, f), join(figDir, f));
      figures.push(join('docs', 'experiments', `${id}.figures`, f));
    }
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const m: Omit<Measurement, 'file'> = {
    format: 1,
    experiment: id,
    sets,
    date: new Date().toISOString().slice(0, 10),
    version: pkg.version,
    gemm,
    runs,
    figures,
  };
  const p = join(ROOT, measurementPath(id));
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${JSON.stringify(m, null, 1)}\n`);
  process.stderr.write(`wrote ${measurementPath(id)}; run npm run docs to regenerate the page\n`);
}

function main(): void {
  let a: { values: { seeds?: string; set?: string[]; from?: string[] }; positionals: string[] };
  try {
    a = parseArgs({
      allowPositionals: true,
      options: {
        seeds: { type: 'string' },
        set: { type: 'string', multiple: true },
        from: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    fail((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const id = a.positionals[0];
  if (!id || a.positionals.length > 1)
    fail('usage: measure <experiment> [--seeds 0-4] [--set key=value ...] | --from <dir> ...');
  try {
    findExperiment(id);
  } catch (e) {
    fail((e as Error).message);
  }
  if (a.values.from) {
    if (a.values.seeds || a.values.set) fail('--from collects stored runs; it takes no --seeds or --set');
    const stored = collect(id, a.values.from);
    for (const r of stored)
      process.stderr.write(`${id} seed ${r.seed}: ${r.wallSeconds.toFixed(0)} s (${r.dir})\n`);
    write(
      id,
      setsOf(id, stored[0]!.config),
      stored[0]!.numeric ?? 'unknown',
      stored.map((r) => ({ seed: r.seed, wallSeconds: r.wallSeconds, metrics: r.metrics })),
      join(stored[0]!.dir, 'figures'),
    );
    return;
  }
  const seeds = seedList(a.values.seeds ?? '0-4');
  const sets = a.values.set ?? [];
  const tmp = mkdtempSync(join(tmpdir(), 'steered-measure-'));
  const runs: Measurement['runs'] = [];
  let gemm = 'unknown';
  try {
    for (const [i, seed] of seeds.entries()) {
      process.stderr.write(`[${i + 1}/${seeds.length}] ${id} seed ${seed} …\n`);
      const out = join(tmp, `seed-${seed}`);
      const t0 = Date.now();
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'run',
          id,
          '--seed',
          String(seed),
          ...sets.flatMap((s) => ['--set', s]),
          '--json',
          '--out',
          out,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 },
      );
      const wallSeconds = (Date.now() - t0) / 1000;
      if (r.status !== 0)
        fail(`seed ${seed} failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
      gemm = numericOf(join(out, 'config.json')) ?? gemm;
      const last = r.stdout.trim().split('\n').pop() ?? '';
      runs.push({ seed, wallSeconds, metrics: JSON.parse(last) as Record<string, unknown> });
      process.stderr.write(`    ${wallSeconds.toFixed(0)} s\n`);
    }
    write(id, sets, gemm, runs, join(tmp, `seed-${seeds[0]}`, 'figures'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
