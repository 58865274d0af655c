/**
 * The `steered` command line (docs/cli.md). Output contract: with --json, the last line of stdout is
 * exactly one JSON object of metrics; everything else (progress, notes, the run directory) goes to
 * stderr. Exit codes: 0 ok, 1 the run failed, 2 bad arguments / config / checkpoint (one line on stderr).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { parseCommandLine } from './args.js';
import { experimentHelp, listText } from './help.js';
import { ConfigError, describeConfig } from '../experiments/config.js';
import { findExperiment, listExperiments } from '../experiments/index.js';
import { listEnvironments } from './envlist.js';
import { runCommand, evalCommand } from './session.js';
import { sweepCommand, workerCommand } from './sweep.js';
import { serveCommand, liveResumeCommand } from './serve.js';
import { LIVE_EXPERIMENT } from '../serve/session.js';
import { installGemmFromEnv } from '../node/blas.js';

const HELP = `steered — steered-optimizer agents: experiments, meta-RL, alignment instruments

Usage:
  steered list [--json]                       experiments and environments, one line each
  steered list <experiment> [--json]          one experiment: its --set keys, defaults and metric keys
  steered run <experiment> [options]          run an experiment; a run directory + database row record it
  steered run <experiment> --resume DIR       continue an interrupted run exactly where it stopped
  steered run live/lifetime --resume DIR      continue a live session from its last checkpoint, as recorded
  steered eval <experiment> [--checkpoint P]  frozen-weight evaluation (default: the shipped checkpoint);
                                              --out DIR keeps its figures and metrics.json
  steered sweep <experiment> [--seeds 0-9] [--set k=v] [--grid k=v1,v2] [--out DIR] [--jobs N]
                                              many runs, N processes at a time; the same command again
                                              finishes what is missing; ends with a summary per metric
  steered sweep collect DIR [--db FILE]       index a sweep's runs (SQLite) and summarise them again
  steered sweep status DIR                    how many of a sweep's runs are done, interrupted, missing
  steered sweep … --backend bullmq --redis URL  queue the runs on Redis (queue = sweep id) and wait
  steered worker --redis URL --queue Q [--jobs N]  run queued sweep jobs (any machine sharing the dir)
  steered sweep … --backend slurm [--pack K] [--sbatch OPT] [--dry-run]
                                              submit the missing runs as an sbatch array (K per task)
  steered serve [--port N] [--host H] [--token T] [--data DIR]
                                              the live lab in the browser (127.0.0.1:7357 by default;
                                              any other host needs a token, generated when not given)
  steered serve --replay RUN_DIR              live a recorded live session again; compare final metrics

Options:
  --seed N            seed of the run's single root RNG (default 0)
  --set key=value     config override, repeatable; validated against the experiment's schema
  --out DIR           run directory (default: runs/<experiment>/<time>-s<seed>-<id>)
  --runs-root DIR     where runs.db and default run directories live (default: $STEERED_RUNS_ROOT or ./runs)
  --json              last line of stdout is one JSON object of metrics
  --quiet             no progress or notes on stderr
  -h, --help          this text; after an experiment id, that experiment's --set keys and metrics

Environment: STEERED_GEMM=ts|wasm|blas forces a matrix kernel (default: OpenBLAS when it loads).
Exit codes: 0 ok, 1 run failed, 2 bad arguments, config or checkpoint.`;

function version(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const pkg = JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  // A run started by a sweep leaves with it: when the sweep dies its IPC channel closes.
  if (process.env.STEERED_SWEEP_CHILD === '1' && process.connected) {
    process.channel?.unref();
    process.once('disconnect', () => process.exit(137));
  }
  const parsed = parseCommandLine(argv);
  const { values: o, positionals } = parsed;
  if (o.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = positionals[0];
  // `run <experiment> --help` (and `eval`, and `help <experiment>`) describe that experiment.
  const helpFor =
    o.help && (cmd === 'run' || cmd === 'eval')
      ? positionals[1]
      : cmd === 'help'
        ? positionals[1]
        : undefined;
  if (helpFor) {
    process.stdout.write(`${experimentHelp(findExperiment(helpFor))}\n`);
    return 0;
  }
  if (o.help || !cmd || cmd === 'help') {
    process.stdout.write(`${HELP}\n`);
    return cmd || o.help ? 0 : 2;
  }
  let seed = 0;
  if (o.seed !== undefined) {
    if (!/^\d+$/.test(o.seed) || !Number.isSafeInteger(Number(o.seed)))
      throw new UsageError(`--seed must be a non-negative integer, got '${o.seed}'`);
    seed = Number(o.seed);
  }
  const runsRoot = o['runs-root'] ?? process.env.STEERED_RUNS_ROOT ?? 'runs';
  switch (cmd) {
    case 'list': {
      if (positionals.length > 2)
        throw new UsageError(`list takes at most one experiment id, got '${positionals[2]}'`);
      const describe = (e: ReturnType<typeof listExperiments>[number]) => ({
        id: e.id,
        title: e.title,
        description: e.description,
        expected: e.expected ?? null,
        config: describeConfig(e.config),
        metrics: e.metrics,
        shippedCheckpoint: e.shippedCheckpoint ?? null,
        shippedVariants: e.shippedVariants ?? [],
      });
      const one = positionals[1];
      if (one) {
        const exp = findExperiment(one);
        process.stdout.write(o.json ? `${JSON.stringify(describe(exp))}\n` : `${experimentHelp(exp)}\n`);
        return 0;
      }
      const exps = listExperiments();
      const envs = listEnvironments();
      process.stdout.write(
        o.json
          ? `${JSON.stringify({ experiments: exps.map(describe), environments: envs })}\n`
          : `${listText(exps, envs)}\n`,
      );
      return 0;
    }
    case 'run':
    case 'eval': {
      const id = positionals[1];
      if (!id) throw new UsageError(`${cmd} needs an experiment id (see steered list)`);
      if (positionals.length > 2) throw new UsageError(`unexpected argument '${positionals[2]}'`);
      if (cmd === 'run' && id === LIVE_EXPERIMENT) {
        // A live session is not an experiment to start headless; it can be continued from its checkpoint.
        if (!o.resume)
          throw new UsageError(
            `${id} is a live session: start one with steered serve; continue one with --resume DIR`,
          );
        if (o.set?.length || o.out || o.seed !== undefined)
          throw new UsageError(
            '--resume continues a live session as recorded: do not combine it with --set, --out or --seed',
          );
        return await liveResumeCommand(o, runsRoot);
      }
      const exp = findExperiment(id);
      const kernel = installGemmFromEnv();
      const common = {
        exp,
        seed,
        seedGiven: o.seed !== undefined,
        sets: o.set ?? [],
        json: Boolean(o.json),
        quiet: Boolean(o.quiet),
        runsRoot,
        kernel,
      };
      if (cmd === 'run') {
        if (o.checkpoint)
          throw new UsageError('--checkpoint belongs to eval; to continue a run use --resume DIR');
        if (o.resume && (o.set?.length || o.out))
          throw new UsageError(
            '--resume continues a run with its stored config: do not combine it with --set or --out',
          );
        return await runCommand({ ...common, out: o.out, resume: o.resume });
      }
      if (o.resume) throw new UsageError('eval does not take --resume');
      return await evalCommand({ ...common, checkpoint: o.checkpoint, out: o.out });
    }
    case 'sweep':
      return await sweepCommand(o, positionals.slice(1), version());
    case 'worker':
      return await workerCommand(o, positionals.slice(1));
    case 'serve':
      return await serveCommand(o, positionals.slice(1), version(), runsRoot);
    default:
      throw new UsageError(
        `unknown command '${cmd}' (commands: list, run, eval, sweep, worker, serve; see steered --help)`,
      );
  }
}

/** Map an error to the exit code contract; keeps the message to one line. */
export function exitCodeFor(e: unknown): number {
  const name = (e as Error)?.name;
  return e instanceof UsageError ||
    e instanceof ConfigError ||
    [
      'UnknownExperimentError',
      'CheckpointError',
      'CorruptDataError',
      'RunStoreError',
      'UnknownEnvError',
      'DataFileError',
      'SweepError',
      'LiveRunError',
      'CommandError',
    ].includes(name)
    ? 2
    : 1;
}

export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!;
}
