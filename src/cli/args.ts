/**
 * The command line's options, parsed by hand rather than with node:util parseArgs: a mistake must be
 * one line that names the offending flag (and the flag probably meant), not parseArgs' multi-clause
 * message about positionals and `--`.
 */
import { UsageError } from './errors.js';

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
}

export const OPTIONS = {
  seed: { type: 'string' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
  'runs-root': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  resume: { type: 'string' },
  checkpoint: { type: 'string' },
  seeds: { type: 'string' },
  grid: { type: 'string', multiple: true },
  jobs: { type: 'string' },
  db: { type: 'string' },
  backend: { type: 'string' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  pack: { type: 'string' },
  sbatch: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  replay: { type: 'string' },
  data: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

type Options = typeof OPTIONS;
export type ParsedOptions = {
  -readonly [K in keyof Options]?: Options[K] extends { multiple: true }
    ? string[]
    : Options[K] extends { type: 'string' }
      ? string
      : boolean;
};

export interface ParsedArgs {
  values: ParsedOptions;
  positionals: string[];
}

/** Edit distance, for suggesting the option a typo probably meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function unknown(raw: string): UsageError {
  const name = raw.replace(/^-+/, '');
  const near = Object.keys(OPTIONS)
    .map((k) => ({ k, d: distance(name, k) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(x.k.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  const hint = near ? `; did you mean --${near.k}?` : '';
  return new UsageError(`unknown option '${raw}'${hint} (see steered --help)`);
}

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const values: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  const shorts = new Map<string, string>();
  for (const [k, s] of Object.entries(OPTIONS) as [string, OptionSpec][]) if (s.short) shorts.set(s.short, k);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string, inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = arg.length === 2 ? shorts.get(arg[1]!) : undefined;
      if (!long) throw unknown(arg);
      name = long;
    }
    const spec = (OPTIONS as Record<string, OptionSpec>)[name];
    if (!spec || !Object.hasOwn(OPTIONS, name)) throw unknown(arg.split('=')[0]!);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value, got '${arg}'`);
      values[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`option '--${name}' needs a value (see steered --help)`);
      value = next;
      i++;
    }
    if (spec.multiple) ((values[name] ??= []) as string[]).push(value);
    else if (name in values) throw new UsageError(`option '--${name}' given twice`);
    else values[name] = value;
  }
  return { values: values as ParsedOptions, positionals };
}
