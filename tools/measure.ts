/**
 * Measure an experiment for its docs page: run it on several seeds through the command line (one
 * process per seed, one after another), keep every run's `--json` metrics and wall time in
 * docs/experiments/<id>.results.json and the first run's figures beside it, then regenerate the page
 * with `npm run docs`.
 *
 *   node dist/tools/measure.js <experiment> [--seeds 0-4] [--set key=value ...]
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
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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

function main(): void {
  let a: { values: { seeds?: string; set?: string[] }; positionals: string[] };
  try {
    a = parseArgs({
      allowPositionals: true,
      options: { seeds: { type: 'string' }, set: { type: 'string', multiple: true } },
    });
  } catch (e) {
    fail((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const id = a.positionals[0];
  if (!id || a.positionals.length > 1)
    fail('usage: measure <experiment> [--seeds 0-4] [--set key=value ...]');
  try {
    findExperiment(id);
  } catch (e) {
    fail((e as Error).message);
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
    const figDir = join(ROOT, 'docs', 'experiments', `${id}.figures`);
    rmSync(figDir, { recursive: true, force: true });
    const figures: string[] = [];
    const src = join(tmp, `seed-${seeds[0]}`, 'figures');
    if (existsSync(src)) {
      mkdirSync(figDir, { recursive: true });
      for (const f of readdirSync(src)
        .filter((x) => x.endsWith('.svg'))
        .sort()) {
        copyFileSync(join(src, f), join(figDir, f));
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
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
