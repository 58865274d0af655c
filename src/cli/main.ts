/**
 * The `steered` command line (DESIGN §3). Output contract: with --json, the last line of stdout is
 * exactly one JSON object of metrics; everything else (progress, notes, the run directory) goes to
 * stderr. Exit codes: 0 ok, 1 the run failed, 2 bad arguments / config / checkpoint (one line on stderr).
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { ConfigError, describeConfig } from '../experiments/config.js';
import { findExperiment, listExperiments } from '../experiments/index.js';
import { listEnvironments } from './envlist.js';
import { runCommand, evalCommand } from './session.js';
import { installGemmFromEnv } from '../node/blas.js';

const HELP = `steered — steered-optimizer agents: experiments, meta-RL, alignment instruments

Usage:
  steered list [--json]                       experiments (with --set keys and metric keys) and environments
  steered run <experiment> [options]          run an experiment; a run directory + database row record it
  steered run <experiment> --resume DIR       continue an interrupted run exactly where it stopped
  steered eval <experiment> [--checkpoint P]  frozen-weight evaluation (default: the shipped checkpoint);
                                              --out DIR keeps its figures and metrics.json

Options:
  --seed N            seed of the run's single root RNG (default 0)
  --set key=value     config override, repeatable; validated against the experiment's schema
  --out DIR           run directory (default: runs/<experiment>/<time>-s<seed>-<id>)
  --runs-root DIR     where runs.db and default run directories live (default: $STEERED_RUNS_ROOT or ./runs)
  --json              last line of stdout is one JSON object of metrics
  --quiet             no progress or notes on stderr

Environment: STEERED_GEMM=ts|blas forces a matrix kernel (default: OpenBLAS when it loads).
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
  const parsed = (() => {
    try {
      return parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          seed: { type: 'string' },
          set: { type: 'string', multiple: true },
          out: { type: 'string' },
          'runs-root': { type: 'string' },
          json: { type: 'boolean' },
          quiet: { type: 'boolean' },
          resume: { type: 'string' },
          checkpoint: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
          version: { type: 'boolean' },
        },
      });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split('\n')[0]} (see steered --help)`);
    }
  })();
  const { values: o, positionals } = parsed;
  if (o.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = positionals[0];
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
      if (positionals.length > 1) throw new UsageError(`list takes no arguments, got '${positionals[1]}'`);
      const exps = listExperiments().map((e) => ({
        id: e.id,
        title: e.title,
        description: e.description,
        expected: e.expected ?? null,
        config: describeConfig(e.config),
        metrics: e.metrics,
        shippedCheckpoint: e.shippedCheckpoint ?? null,
        shippedVariants: e.shippedVariants ?? [],
      }));
      const envs = listEnvironments();
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ experiments: exps, environments: envs })}\n`);
      } else {
        const lines: string[] = ['Experiments:'];
        for (const e of exps) {
          lines.push(`  ${e.id.padEnd(32)} ${e.title}`);
          if (e.config.length)
            lines.push(
              `      --set ${e.config.map((c) => `${c.key}=${c.allowed} (${JSON.stringify(c.default)})`).join(', ')}`,
            );
          lines.push(`      metrics: ${Object.keys(e.metrics).join(', ')}`);
        }
        lines.push('', 'Environments:');
        for (const v of envs) lines.push(`  ${v.id.padEnd(40)} ${v.description}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      return 0;
    }
    case 'run':
    case 'eval': {
      const id = positionals[1];
      if (!id) throw new UsageError(`${cmd} needs an experiment id (see steered list)`);
      if (positionals.length > 2) throw new UsageError(`unexpected argument '${positionals[2]}'`);
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
    default:
      throw new UsageError(`unknown command '${cmd}' (commands: list, run, eval; see steered --help)`);
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
    ].includes(name)
    ? 2
    : 1;
}

export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!;
}
