/**
 * Glue between an experiment (core, no I/O) and the edge: run store, checkpoints, progress, figures and
 * the stdout contract. Order matters for "nothing already stored is lost": everything that can be
 * rejected (config, resume target, checkpoint) is checked before a directory or a row is created.
 */
import type { GemmName } from '../math/gemm.js';
import { withCriteriaMet } from '../experiments/criteria.js';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import type { Experiment, Metrics, RunContext, Snapshot, EvalContext } from '../experiments/experiment.js';
import { parseSets, validateConfig } from '../experiments/config.js';
import { Rng } from '../math/rng.js';
import { RunStore } from '../runs/store.js';
import { loadCheckpoint } from '../runs/checkpoint.js';
import type { RunDir } from '../runs/rundir.js';
import { Progress } from './progress.js';
import { UsageError } from './errors.js';
import { a2cParallelBackend } from '../node/a2c-pool.js';
import { numericConfig, numericDifferences, type NumericConfig } from '../node/numeric.js';

interface Common {
  exp: Experiment;
  seed: number;
  seedGiven: boolean;
  sets: string[];
  json: boolean;
  quiet: boolean;
  runsRoot: string;
  kernel: GemmName;
}

/** The package root (where package.json and the shipped checkpoints/ live). */
export function packageRoot(): string {
  // dist/src/cli/session.js → ../../..
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function numericOnly(m: Metrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
    else if (Array.isArray(v)) v.forEach((x, i) => (out[`${k}.${i}`] = x));
  }
  return out;
}

function printResult(metrics: Metrics, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(metrics)}\n`);
    return;
  }
  const w = Math.max(...Object.keys(metrics).map((k) => k.length), 4);
  const lines = Object.entries(metrics).map(
    ([k, v]) =>
      `${k.padEnd(w)}  ${Array.isArray(v) ? v.map((x) => fmtNum(x)).join(' ') : typeof v === 'number' ? fmtNum(v) : String(v)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(5)).toString();
}

/** SVG → PNG with rsvg-convert when it is installed ("PNG where a tool exists"); silent otherwise. */
function svgToPng(svgPath: string): void {
  try {
    const r = spawnSync('rsvg-convert', ['-o', svgPath.replace(/\.svg$/, '.png'), svgPath], {
      stdio: 'ignore',
    });
    void r;
  } catch {
    /* no converter: SVG only */
  }
}

/** Data files named by a config: the current directory first, then the package root (where data/ ships). */
export function readText(p: string): string {
  const candidates = [resolve(p), resolve(packageRoot(), p)];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new UsageError(`data file '${p}' not found (looked in ${[...new Set(candidates)].join(' and ')})`);
  return readFileSync(found, 'utf8');
}

function makeContext<C>(
  common: Common,
  config: C,
  run: RunDir | null,
  resume: Snapshot | null,
  progress: Progress,
  figuresDir: string | null,
): RunContext<C> {
  const note = (msg: string) => {
    if (!common.quiet) {
      progress.done();
      process.stderr.write(`${msg}\n`);
    }
  };
  return {
    experiment: common.exp.id,
    config,
    seed: common.seed,
    rng: new Rng(common.seed),
    resume,
    log: (step, m) => run?.logMetrics(step, m),
    checkpoint: (step, snap) => {
      if (!run) return;
      run.saveCheckpoint({ meta: { ...snap.meta, step }, tensors: snap.tensors });
    },
    figure: (name, svg) => {
      let p: string | null = null;
      if (run) p = run.writeFigure(name, svg);
      else if (figuresDir) {
        mkdirSync(figuresDir, { recursive: true });
        p = join(figuresDir, name.endsWith('.svg') ? name : `${name}.svg`);
        writeFileSync(p, svg);
      }
      if (p) svgToPng(p);
    },
    progress: (done, total, label) => {
      if (!common.quiet) progress.update(done, total, label);
    },
    note,
    readText,
    // Threads start only when a run asks for them (and with this process's matrix kernel).
    parallel: a2cParallelBackend(common.kernel),
  };
}

/** The experiment's own words about its result, and where its figures are (stderr: stdout is the result). */
function printSummary(exp: Experiment, metrics: Metrics, figures: string | null): void {
  const lines = exp.summary?.(metrics) ?? [];
  if (figures && existsSync(figures)) lines.push(`figures: ${figures}`);
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}

function describeNumeric(n: NumericConfig): string {
  if (!n.blas) return `gemm: ${n.gemm}`;
  return `gemm: OpenBLAS, ${n.blas.coreType} kernels (${n.blas.coreTypeSource})`;
}

export async function runCommand(o: Common & { out?: string; resume?: string }): Promise<number> {
  const { exp } = o;
  let run: RunDir;
  let config: unknown;
  let resume: Snapshot | null = null;
  let seed = o.seed;
  if (o.resume) {
    const dir = resolve(o.resume);
    const cfgPath = join(dir, 'config.json');
    if (!existsSync(cfgPath))
      throw new UsageError(`--resume ${o.resume}: not a run directory (no config.json)`);
    let info: { experiment?: string; seed?: number; config?: Record<string, unknown> };
    try {
      info = JSON.parse(readFileSync(cfgPath, 'utf8'));
    } catch {
      throw new UsageError(`--resume ${o.resume}: config.json is not valid JSON`);
    }
    if (info.experiment !== exp.id)
      throw new UsageError(`--resume ${o.resume}: that run is '${info.experiment}', not '${exp.id}'`);
    if (o.seedGiven && info.seed !== o.seed)
      throw new UsageError(`--resume ${o.resume}: the run's seed is ${info.seed}; drop --seed`);
    config = validateConfig(exp.config, info.config ?? {}, exp.id);
    seed = info.seed ?? 0;
    const store = new RunStore(o.runsRoot);
    run = store.open(dir);
    const ck = run.resume();
    resume = { meta: ck.meta as Record<string, unknown>, tensors: ck.tensors };
    if (!o.quiet) process.stderr.write(`resuming ${run.dir} from step ${ck.meta.step}\n`);
    // Not an error: the run continues correctly, only not bit for bit as it would have (said even with --quiet).
    const diffs = numericDifferences(run.numeric, numericConfig());
    if (diffs.length)
      process.stderr.write(
        `steered: warning: resuming under a different numeric configuration (${diffs.join('; ')}); ` +
          'the continuation is valid but not bit-identical to an uninterrupted run (docs/reproducibility.md)\n',
      );
  } else {
    config = parseSets(exp.config, o.sets, exp.id);
    // Bad data files are bad config: reject them before a directory or a row exists.
    exp.validate?.(config as never, { readText });
    if (o.out && existsSync(o.out)) {
      // The store refuses a non-empty directory; say so before anything is created.
      const { readdirSync } = await import('node:fs');
      if (readdirSync(o.out).length > 0)
        throw new UsageError(`--out ${o.out} exists and is not empty; choose a new directory`);
    }
    const store = new RunStore(o.runsRoot);
    run = store.create({ experiment: exp.id, seed, config, outDir: o.out, numeric: numericConfig() });
  }
  if (!o.quiet) process.stderr.write(`run ${run.id} → ${run.dir} (${describeNumeric(numericConfig())})\n`);
  const progress = new Progress();
  const ctx = makeContext({ ...o, seed }, config, run, resume, progress, null);
  let metrics: Metrics;
  const onSignal = () => {
    progress.done();
    try {
      run.finish('interrupted', {});
    } catch {
      /* already closing */
    }
    process.stderr.write(`steered: interrupted; resume with: steered run ${exp.id} --resume ${run.dir}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    metrics = withCriteriaMet(exp.criteria, await exp.run(ctx as RunContext<never>));
  } catch (e) {
    progress.done();
    try {
      run.finish('failed', {});
    } catch {
      /* keep the original error */
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  progress.done();
  run.finish('completed', numericOnly(metrics));
  writeFileSync(join(run.dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  if (!o.quiet) printSummary(exp, metrics, join(run.dir, 'figures'));
  printResult(metrics, o.json);
  return 0;
}

export async function evalCommand(o: Common & { checkpoint?: string; out?: string }): Promise<number> {
  const { exp } = o;
  if (!exp.evaluate)
    throw new UsageError(`${exp.id} has nothing to evaluate (no trained agent); use steered run`);
  const base = parseSets(exp.config, o.sets, exp.id) as Record<string, unknown>;
  const given = new Set(o.sets.map((s) => s.slice(0, s.indexOf('='))));
  let path = o.checkpoint;
  if (!path) {
    if (!exp.shippedCheckpoint) throw new UsageError(`${exp.id} ships no checkpoint; pass --checkpoint PATH`);
    path = join(packageRoot(), exp.shippedCheckpoint);
    if (exp.shippedVariants?.length) {
      // A variant matches when each of its keys equals the --set value, or else the default checkpoint's stored one.
      const dflt = existsSync(path)
        ? ((loadCheckpoint(path).meta as { config?: Record<string, unknown> }).config ?? {})
        : {};
      const value = (k: string) => (given.has(k) || !(k in dflt) ? base[k] : dflt[k]);
      const v = exp.shippedVariants.find((x) =>
        Object.entries(x.when).every(([k, want]) => value(k) === want),
      );
      if (v) path = join(packageRoot(), v.path);
    }
  }
  const ck = loadCheckpoint(path);
  const ckExp = (ck.meta as { experiment?: string }).experiment;
  if (ckExp && ckExp !== exp.id)
    throw new UsageError(`checkpoint ${path} belongs to '${ckExp}', not '${exp.id}'`);
  // The trained config comes from the checkpoint; --set may change evaluation keys on top of it.
  const stored = (ck.meta as { config?: Record<string, unknown> }).config ?? {};
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(stored)) if (!given.has(k) && k in base) merged[k] = v;
  const config = validateConfig(exp.config, merged, exp.id);
  exp.validate?.(config as never, { readText });
  const progress = new Progress();
  // Without --out an evaluation stores nothing; with it, its figures and metrics land in DIR.
  const ctx = makeContext(o, config, null, null, progress, o.out ? join(o.out, 'figures') : null);
  const ectx: EvalContext<unknown> = {
    ...ctx,
    checkpoint: { meta: ck.meta as Record<string, unknown>, tensors: ck.tensors },
  };
  const metrics = await exp.evaluate(ectx as EvalContext<never>);
  progress.done();
  if (!o.quiet) printSummary(exp, metrics, o.out ? join(o.out, 'figures') : null);
  if (o.out) {
    mkdirSync(o.out, { recursive: true });
    writeFileSync(
      join(o.out, 'metrics.json'),
      `${JSON.stringify(
        { experiment: exp.id, checkpoint: resolve(path), seed: o.seed, config, metrics },
        null,
        2,
      )}\n`,
    );
  }
  printResult(metrics, o.json);
  return 0;
}
