/**
 * `steered sweep`: expand a sweep, run what is missing with the local backend, collect, summarise.
 *
 *   steered sweep <experiment> [--seeds 0-9] [--set k=v …] [--grid k=v1,v2 …] [--out DIR] [--jobs N] [--json]
 *   steered sweep collect DIR [--db FILE] [--json]
 *   steered sweep status DIR [--json]
 *
 * The same command again (or on a directory a killed sweep left) finishes only what is missing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSets } from '../experiments/config.js';
import { findExperiment } from '../experiments/index.js';
import { installGemmFromEnv } from '../node/blas.js';
import { numericConfig, numericDifferences } from '../node/numeric.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { experimentDirName } from '../runs/store.js';
import { checkRedis, runBullmq, runWorker } from '../sweep/bullmq.js';
import { collectSweep, readPlan, recordedNumeric, type SweepSummary, summaryLine } from '../sweep/collect.js';
import { execRun, lockSweep, runDirOf, runLocal, runState } from '../sweep/local.js';
import { missingRuns, packRuns, slurmScript } from '../sweep/slurm.js';
import {
  expandSweep,
  parseGridAxis,
  parseSeeds,
  SWEEP_FILE,
  SweepError,
  type SweepPlan,
} from '../sweep/spec.js';
import type { ParsedOptions } from './args.js';
import { UsageError } from './errors.js';
import { Progress } from './progress.js';
import { packageRoot, readText } from './session.js';

const BACKENDS = ['local', 'bullmq', 'slurm'];

function jobsOf(o: ParsedOptions): number {
  if (o.jobs === undefined) return availableParallelism();
  if (!/^\d+$/.test(o.jobs) || Number(o.jobs) < 1)
    throw new UsageError(`--jobs must be a positive integer, got '${o.jobs}'`);
  return Number(o.jobs);
}

function samePlan(a: SweepPlan, b: SweepPlan): boolean {
  const ids = (p: SweepPlan) => JSON.stringify(p.runs.map((r) => r.id).sort());
  return a.experiment === b.experiment && ids(a) === ids(b);
}

/** A sweep's id: 8 hex digits of a hash of its run ids (the same runs, the same sweep). */
function sweepId(plan: SweepPlan): string {
  return createHash('sha256')
    .update(plan.runs.map((r) => r.id).join(','))
    .digest('hex')
    .slice(0, 8);
}

/** Default directory: sweeps/<experiment>-<sweep id>, so the same command finds its sweep. */
function defaultDir(plan: SweepPlan): string {
  return join('sweeps', `${experimentDirName(plan.experiment)}-${sweepId(plan)}`);
}

function printSummary(s: SweepSummary, dir: string, quiet: boolean): void {
  if (quiet) return;
  const lines = [
    `${s.experiment}: ${s.runs} of ${s.planned} runs completed, ${s.failed} failed, ${s.missing} missing`,
  ];
  // An experiment with a criteria table ends each run with criteria_met (1 or 0): count the lifetimes.
  const met = s.metrics['criteria_met'];
  if (met) {
    const per = (m: typeof met) => `${m.values.filter((v) => v === 1).length} of ${m.n}`;
    const cells = Object.entries(s.cells ?? {})
      .filter(([, c]) => c.metrics['criteria_met'])
      .map(([k, c]) => `${k}: ${per(c.metrics['criteria_met']!)}`);
    lines.push(`criteria met on ${per(met)} runs${cells.length ? ` (${cells.join('; ')})` : ''}`);
  }
  const keys = Object.keys(s.metrics);
  const shown = keys.slice(0, 12);
  const w = Math.max(6, ...shown.map((k) => k.length));
  for (const k of shown) {
    const m = s.metrics[k]!;
    const f = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : '–');
    lines.push(
      `  ${k.padEnd(w)}  mean ${f(m.mean)}  sd ${f(m.sd)}  95% [${f(m.ci95[0])}, ${f(m.ci95[1])}]  n ${m.n}`,
    );
  }
  if (keys.length > shown.length) lines.push(`  … ${keys.length - shown.length} more metrics`);
  lines.push(`summary: ${join(dir, 'summary.md')} (figures in ${join(dir, 'figures')})`);
  if (s.numeric.length > 1)
    lines.push(
      `steered: warning: the runs were made under ${s.numeric.length} numeric configurations (${s.numeric.join(' | ')}); ` +
        'the same seed gives other last bits under each (docs/reproducibility.md)',
    );
  process.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * The local backend computes a sweep's missing runs in this process's numeric configuration (its
 * children inherit the environment). Runs already started under another one would then sit beside them
 * in one summary, two roundings under one sweep: refuse, naming the difference. Runs that recorded no
 * configuration (made before it was recorded) are not judged.
 */
function checkNumeric(plan: SweepPlan, dir: string): void {
  installGemmFromEnv();
  const here = numericConfig();
  let n = 0;
  let first: string[] = [];
  for (const r of plan.runs) {
    const rd = runDirOf(dir, r);
    if (runState(rd) === 'fresh') continue;
    const recorded = recordedNumeric(rd);
    if (recorded === undefined || recorded === null) continue;
    const d = numericDifferences(recorded, here);
    if (d.length && n++ === 0) first = d;
  }
  if (n)
    throw new SweepError(
      `${dir}: ${n} of its runs were made under another numeric configuration (${first.join('; ')}); ` +
        'finish the sweep under that configuration, or choose another --out',
    );
}

async function runSweep(o: ParsedOptions, id: string, version: string): Promise<number> {
  const backend = o.backend ?? 'local';
  if (!BACKENDS.includes(backend))
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${backend}'`);
  if (backend !== 'slurm' && (o.pack || o.sbatch || o['dry-run']))
    throw new UsageError('--pack, --sbatch and --dry-run belong to --backend slurm');
  let pack: number | undefined;
  if (o.pack !== undefined) {
    if (!/^\d+$/.test(o.pack) || Number(o.pack) < 1)
      throw new UsageError(`--pack must be a positive integer, got '${o.pack}'`);
    pack = Number(o.pack);
  }
  if (backend === 'bullmq' && !o.redis)
    throw new UsageError('--backend bullmq needs --redis redis://host[:port][/db]');
  if (backend !== 'bullmq' && (o.redis || o.queue))
    throw new UsageError('--redis and --queue belong to --backend bullmq (and steered worker)');
  if (o.resume || o.checkpoint || o.seed !== undefined)
    throw new UsageError('sweep takes --seeds (not --seed); to finish a sweep, run the same command again');
  const exp = findExperiment(id);
  const plan = expandSweep(
    exp,
    {
      experiment: exp.id,
      seeds: parseSeeds(o.seeds ?? '0-9'),
      sets: o.set ?? [],
      grid: (o.grid ?? []).map(parseGridAxis),
    },
    version,
  );
  const jobs = jobsOf(o);
  // Bad data files are bad config: one line now rather than every run failing alike.
  const seen = new Set<string>();
  for (const r of plan.runs) {
    const key = JSON.stringify(r.sets);
    if (seen.has(key)) continue;
    seen.add(key);
    exp.validate?.(parseSets(exp.config, r.sets, exp.id) as never, { readText });
  }
  // An unreachable queue is bad input too: one line before a directory exists.
  if (backend === 'bullmq') await checkRedis(o.redis!);
  const dir = resolve(o.out ?? defaultDir(plan));
  if (existsSync(join(dir, SWEEP_FILE))) {
    const old = readPlan(dir);
    if (!samePlan(old, plan))
      throw new SweepError(
        `${dir} holds another sweep (${old.experiment}, ${old.runs.length} runs); choose another --out`,
      );
    if (backend === 'local') checkNumeric(plan, dir);
  } else if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new SweepError(`--out ${dir} exists, is not empty and holds no sweep; choose a new directory`);
  }
  mkdirSync(dir, { recursive: true });
  const release = lockSweep(dir);
  try {
    if (!existsSync(join(dir, SWEEP_FILE)))
      writeFileAtomic(join(dir, SWEEP_FILE), `${JSON.stringify(plan, null, 1)}\n`);
    const quiet = Boolean(o.quiet);
    const tty = Boolean(process.stderr.isTTY);
    const bar = new Progress(!quiet && tty);
    if (!quiet)
      process.stderr.write(
        `sweep ${exp.id}: ${plan.runs.length} runs${backend === 'local' ? `, ${jobs} at a time` : ''} → ${dir}\n`,
      );
    if (backend === 'slurm') return submitSlurm(plan, dir, o, pack, quiet);
    if (backend === 'bullmq') {
      const queue = o.queue ?? `steered-${sweepId(plan)}`;
      if (!quiet)
        process.stderr.write(
          `queue ${queue} on ${o.redis}; workers: steered worker --redis ${o.redis} --queue ${queue}\n`,
        );
      const res = await runBullmq(plan, {
        sweepDir: dir,
        redis: o.redis!,
        queue,
        onUpdate: (s) => bar.update(s.done, s.total, `runs (${s.running} running, ${s.failed} failed)`),
      });
      bar.done();
      for (const f of res.failed)
        process.stderr.write(`  run ${f.run.id} seed ${f.run.seed} failed: ${f.error}\n`);
      if (!quiet && res.skipped) process.stderr.write(`  ${res.skipped} runs were already completed\n`);
      return await finish(dir, o, quiet);
    }
    const res = await runLocal(plan, {
      sweepDir: dir,
      bin: join(packageRoot(), 'bin', 'steered.js'),
      jobs,
      onUpdate: (s) => bar.update(s.done, s.total, `runs (${s.running} running, ${s.failed} failed)`),
      onRunEnd: (r) => {
        if (quiet) return;
        if (tty && r.status === 'completed') return;
        bar.done();
        const what = r.status === 'failed' ? `failed: ${r.error}` : r.status;
        process.stderr.write(`  run ${r.run.id} seed ${r.run.seed} ${what} (${r.seconds.toFixed(0)} s)\n`);
      },
    });
    bar.done();
    if (!quiet && res.skipped) process.stderr.write(`  ${res.skipped} runs were already completed\n`);
    return await finish(dir, o, quiet);
  } finally {
    release();
  }
}

async function finish(dir: string, o: ParsedOptions, quiet: boolean): Promise<number> {
  const s = await collectSweep(dir, o.db ? { db: o.db } : {});
  printSummary(s, dir, quiet);
  if (o.json) process.stdout.write(`${JSON.stringify(summaryLine(s))}\n`);
  if (s.missing > 0 && !quiet)
    process.stderr.write(`steered: sweep stopped early; finish it with the same command (--out ${dir})\n`);
  return s.failed > 0 || s.missing > 0 ? 1 : 0;
}

function submitSlurm(
  plan: SweepPlan,
  dir: string,
  o: ParsedOptions,
  pack: number | undefined,
  quiet: boolean,
): number {
  const missing = missingRuns(plan, dir);
  if (missing.length === 0) {
    if (!quiet) process.stderr.write('every run is completed; nothing to submit\n');
    return 0;
  }
  const tasks = packRuns(missing, pack);
  const slurmDir = join(dir, 'slurm');
  mkdirSync(slurmDir, { recursive: true });
  const n = readdirSync(slurmDir).filter((f) => /^array-\d+\.sh$/.test(f)).length;
  const tasksFile = join(slurmDir, `tasks-${n}.txt`);
  const scriptFile = join(slurmDir, `array-${n}.sh`);
  writeFileAtomic(tasksFile, `${tasks.map((t) => t.join(' ')).join('\n')}\n`);
  const script = slurmScript({
    sweepDir: dir,
    sweepId: sweepId(plan),
    tasks,
    tasksFile,
    node: process.execPath,
    bin: join(packageRoot(), 'bin', 'steered.js'),
    cpusPerTask: 2,
    sbatchOptions: o.sbatch ?? [],
  });
  writeFileAtomic(scriptFile, script);
  const what = `${missing.length} runs in ${tasks.length} array tasks of ≤ ${tasks[0]!.length}`;
  if (o['dry-run']) {
    process.stdout.write(script);
    if (!quiet) process.stderr.write(`${what}: ${scriptFile} (not submitted)\n`);
    return 0;
  }
  const r = spawnSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8' });
  if (r.error)
    throw new SweepError(
      `sbatch not found (${(r.error as NodeJS.ErrnoException).code}); the script is ${scriptFile}`,
    );
  if (r.status !== 0) throw new SweepError(`sbatch failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  if (!quiet)
    process.stderr.write(
      `submitted Slurm job ${r.stdout.trim()}: ${what}\n` +
        `progress: steered sweep status ${dir}; when done: steered sweep collect ${dir} ` +
        '(the same sweep command again submits what is still missing)\n',
    );
  return 0;
}

/** `steered sweep exec DIR RUN_ID`: one planned run (what a Slurm array task calls for each of its runs). */
async function execOne(dirArg: string, id: string): Promise<number> {
  const dir = resolve(dirArg);
  const plan = readPlan(dir);
  const run = plan.runs.find((r) => r.id === id);
  if (!run) throw new SweepError(`${dir} plans no run '${id}'`);
  const r = await execRun(plan.experiment, run, dir, join(packageRoot(), 'bin', 'steered.js'));
  if (r.completed) return 0;
  process.stderr.write(`steered: run ${id} did not complete: ${r.error}\n`);
  return r.code === 2 ? 2 : 1;
}

/** `steered worker --redis URL --queue Q [--jobs N]`: run a BullMQ sweep's jobs until stopped. */
export async function workerCommand(o: ParsedOptions, args: string[]): Promise<number> {
  if (args.length) throw new UsageError(`unexpected argument '${args[0]}'`);
  if (!o.redis) throw new UsageError('worker needs --redis redis://host[:port][/db]');
  if (!o.queue) throw new UsageError('worker needs --queue NAME (the sweep prints it)');
  const jobs = o.jobs === undefined ? 1 : jobsOf(o);
  const quiet = Boolean(o.quiet);
  await runWorker({
    redis: o.redis,
    queue: o.queue,
    bin: join(packageRoot(), 'bin', 'steered.js'),
    concurrency: jobs,
    log: (line) => {
      if (!quiet) process.stderr.write(`worker ${process.pid}: ${line}\n`);
    },
  });
  return 0;
}

function status(dir: string, json: boolean): number {
  const plan = readPlan(dir);
  const counts = { completed: 0, failed: 0, resumable: 0, fresh: 0 };
  for (const r of plan.runs) counts[runState(runDirOf(dir, r))]++;
  const line = { experiment: plan.experiment, planned: plan.runs.length, ...counts };
  process.stdout.write(
    json
      ? `${JSON.stringify(line)}\n`
      : `${plan.experiment}: ${plan.runs.length} runs — ${counts.completed} completed, ${counts.failed} failed, ` +
          `${counts.resumable} interrupted (resume from checkpoint), ${counts.fresh} not started\n`,
  );
  return 0;
}

export async function sweepCommand(o: ParsedOptions, args: string[], version: string): Promise<number> {
  const [first, ...rest] = args;
  if (!first)
    throw new UsageError('sweep needs an experiment id, or collect DIR / status DIR (see steered --help)');
  if (first === 'exec') {
    if (rest.length !== 2) throw new UsageError('sweep exec takes a sweep directory and a run id');
    return execOne(rest[0]!, rest[1]!);
  }
  if (first === 'collect' || first === 'status') {
    const dir = rest[0];
    if (!dir || rest.length > 1) throw new UsageError(`sweep ${first} takes one sweep directory`);
    if (first === 'status') return status(resolve(dir), Boolean(o.json));
    const s = await collectSweep(resolve(dir), o.db ? { db: o.db } : {});
    printSummary(s, resolve(dir), Boolean(o.quiet));
    if (o.json) process.stdout.write(`${JSON.stringify(summaryLine(s))}\n`);
    return 0;
  }
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
  return runSweep(o, first, version);
}
