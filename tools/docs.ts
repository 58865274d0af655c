/**
 * Generate docs/experiments/<id>.md for every registered experiment from its definition (what it
 * shows, expected outcome, `--set` keys, metric keys) and its stored measurements
 * (docs/experiments/<id>.results.json and figures, written by tools/measure.ts), plus an index page.
 *
 *   node dist/tools/docs.js           write the pages
 *   node dist/tools/docs.js --check   exit 1 (naming the files) when a page is missing or stale
 */
import { criterionText, withCriteriaMet } from '../src/experiments/criteria.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConfig, parseSets } from '../src/experiments/config.js';
import type { Experiment } from '../src/experiments/experiment.js';
import { listExperiments } from '../src/experiments/index.js';
import { type Measurement, readMeasurement } from './measurement.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = join(ROOT, 'docs', 'experiments');
/** At most this many metric columns in the per-seed table (the rest are in the results file). */
const MAX_COLUMNS = 8;

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3);
  }
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return `[${v.length} values]`;
  return String(v);
}

/** Mean ± sem of the runs where the metric is a finite number; says how many when some are not. */
function meanOfFinite(vs: unknown[]): string {
  const xs = vs.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return '—';
  return xs.length === vs.length ? meanSem(xs) : `${meanSem(xs)} (${xs.length} of ${vs.length})`;
}

function meanSem(xs: number[]): string {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return fmt(m);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return `${fmt(m)} ± ${fmt(sd / Math.sqrt(n))}`;
}

/** A stored metric that is a number, or a number JSON could not hold ('NaN': undefined for that run). */
const numberLike = (v: unknown) =>
  typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity';

/** Headline metrics: the experiment's own choice, else the first documented numeric ones. */
function headline(e: Experiment, m: Measurement): string[] {
  const numeric = (k: string) => m.runs.every((r) => numberLike(r.metrics[k]));
  const keys = (e.headline ?? Object.keys(e.metrics)).filter(numeric);
  const crit = e.criteria?.length && m.runs.every((r) => 'criteria_met' in r.metrics) ? ['criteria_met'] : [];
  return [...crit, ...keys.slice(0, MAX_COLUMNS)];
}

function resultsSection(e: Experiment, stored: Measurement | null, pageDir: string): string[] {
  const out = ['## Measured results', ''];
  // criteria_met is judged by the definition's current criteria table, not the one a run had.
  const m = stored && {
    ...stored,
    runs: stored.runs.map((r) => ({ ...r, metrics: withCriteriaMet(e.criteria, r.metrics) })),
  };
  if (!m) {
    out.push(
      'No measurement is stored for this experiment yet. Measure it (and regenerate this page) with:',
      '',
      '```sh',
      `npm run docs:measure -- ${e.id} --seeds 0-4`,
      '```',
      '',
    );
    return out;
  }
  const sets = m.sets.map((s) => ` --set ${s}`).join('');
  out.push(
    `${m.runs.length} lifetimes/runs, measured ${m.date} with steered ${m.version} (matrix kernel: ${m.gemm}). ` +
      'Each row is reproduced by:',
    '',
    '```sh',
    `node bin/steered.js run ${e.id} --seed <seed>${sets} --json`,
    '```',
    '',
  );
  const cols = headline(e, m);
  out.push(
    `| seed | ${cols.map(code).join(' | ')} | wall time |`,
    `|---|${cols.map(() => '---|').join('')}---|`,
  );
  for (const r of m.runs)
    out.push(
      `| ${r.seed} | ${cols.map((k) => fmt(r.metrics[k])).join(' | ')} | ${Math.round(r.wallSeconds)} s |`,
    );
  if (m.runs.length > 1)
    out.push(
      `| mean ± sem | ${cols
        .map((k) =>
          k === 'criteria_met'
            ? `${m.runs.filter((r) => r.metrics[k] === true).length} of ${m.runs.length}`
            : meanOfFinite(m.runs.map((r) => r.metrics[k])),
        )
        .join(' | ')} | |`,
    );
  if (e.criteria?.length) {
    const met = m.runs.filter((r) => r.metrics['criteria_met'] === true).length;
    out.push('', `Criteria met on ${met} of ${m.runs.length} seeds.`);
  }
  if (e.table) out.push('', ...tableOfMeans(e, m));
  out.push('', `All metrics of every run: [${m.file}](${relative(pageDir, join(ROOT, m.file))}).`, '');
  if (m.figures.length) {
    out.push(`### Figures (seed ${m.runs[0]?.seed})`, '');
    for (const f of m.figures) out.push(`![${f}](${relative(pageDir, join(ROOT, f))})`, '');
  }
  return out;
}

/** The experiment's own result table, built from the means over the measured seeds. */
function tableOfMeans(e: Experiment, m: Measurement): string[] {
  const means: Record<string, number> = {};
  for (const k of Object.keys(m.runs[0]?.metrics ?? {})) {
    const xs = m.runs
      .map((r) => r.metrics[k])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (xs.length) means[k] = xs.reduce((a, b) => a + b, 0) / xs.length;
  }
  const config = parseSets(e.config, m.sets, e.id);
  return [
    `### The table, mean over ${m.runs.length} seeds`,
    '',
    `Each cell is the mean over seeds ${m.runs.map((r) => r.seed).join(', ')} of what one run measures (its own count in the cell).`,
    '',
    e.table!(means, config as never),
  ];
}

function page(e: Experiment): string {
  const file = join(DOCS, `${e.id}.md`);
  const pageDir = dirname(file);
  const m = readMeasurement(ROOT, e.id);
  const lines = [
    '<!-- generated by `npm run docs` from the experiment definition and its stored measurement; do not edit -->',
    `# ${e.title}`,
    '',
    `\`${e.id}\``,
    '',
    e.description,
    '',
  ];
  if (e.expected) lines.push('## Expected outcome', '', e.expected, '');
  if (e.criteria?.length) {
    lines.push(
      '## Criteria (per run)',
      '',
      'A run meets its criteria (`criteria_met: true`) when every row holds for its own metrics:',
      '',
    );
    for (const c of e.criteria) lines.push(`- \`${criterionText(c)}\``);
    lines.push('');
  }
  lines.push('## Run it', '', '```sh', `node bin/steered.js run ${e.id} --seed 0 --json`);
  if (e.evaluate) lines.push(`node bin/steered.js eval ${e.id} --json    # frozen weights`);
  lines.push('```', '');
  lines.push(
    'From code (Node):',
    '',
    '```ts',
    "import { runExperiment } from 'steered';",
    `const { metrics } = await runExperiment('${e.id}', { seed: 0, set: {} });`,
    '```',
    '',
  );
  lines.push(
    '## Settings (`--set key=value`)',
    '',
    '| key | default | allowed | meaning |',
    '|---|---|---|---|',
  );
  for (const k of describeConfig(e.config))
    lines.push(`| \`${k.key}\` | ${code(k.default)} | ${esc(k.allowed)} | ${esc(k.description ?? '')} |`);
  lines.push('', '## Metrics (`--json`)', '', '| key | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(e.metrics)) lines.push(`| \`${k}\` | ${esc(v)} |`);
  lines.push('');
  if (e.notes) lines.push('## How to read the results', '', e.notes.trim(), '');
  if (e.shippedCheckpoint) {
    lines.push('## Shipped checkpoint', '', `\`${e.shippedCheckpoint}\` (used by \`steered eval\`)`);
    for (const v of e.shippedVariants ?? []) lines.push(`- \`${v.path}\` for ${code(v.when)}`);
    lines.push('');
  }
  lines.push(...resultsSection(e, m, pageDir));
  return `${lines.join('\n').trimEnd()}\n`;
}

function index(exps: readonly Experiment[]): string {
  const lines = [
    '<!-- generated by `npm run docs`; do not edit -->',
    '# Experiments',
    '',
    'Every experiment is a named, seeded run with documented settings and metrics. Each page says what it',
    'shows, how to run it, and what was measured.',
    '',
    '| experiment | what it shows | measured |',
    '|---|---|---|',
  ];
  for (const e of exps) {
    const m = readMeasurement(ROOT, e.id);
    lines.push(`| [${e.id}](${e.id}.md) | ${esc(e.title)} | ${m ? `${m.runs.length} seeds` : '—'} |`);
  }
  return `${lines.join('\n')}\n`;
}

function main(): number {
  const check = process.argv.includes('--check');
  const exps = listExperiments();
  const want = new Map<string, string>([[join(DOCS, 'index.md'), index(exps)]]);
  for (const e of exps) want.set(join(DOCS, `${e.id}.md`), page(e));
  const stale: string[] = [];
  for (const [f, text] of want) {
    const have = existsSync(f) ? readFileSync(f, 'utf8') : null;
    if (have === text) continue;
    stale.push(relative(ROOT, f));
    if (!check) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, text);
    }
  }
  // Pages of experiments that no longer exist are stale too.
  const walk = (d: string): string[] =>
    existsSync(d)
      ? readdirSync(d, { withFileTypes: true }).flatMap((x) =>
          x.isDirectory() ? walk(join(d, x.name)) : x.name.endsWith('.md') ? [join(d, x.name)] : [],
        )
      : [];
  const orphans = walk(DOCS).filter((f) => !want.has(f));
  if (check) {
    if (stale.length || orphans.length) {
      process.stderr.write(
        `docs/experiments is stale (${[...stale, ...orphans.map((o) => relative(ROOT, o))].join(', ')}); run npm run docs\n`,
      );
      return 1;
    }
    return 0;
  }
  for (const o of orphans) process.stderr.write(`orphan page (experiment gone?): ${relative(ROOT, o)}\n`);
  process.stderr.write(`${stale.length} page(s) written, ${want.size - stale.length} unchanged\n`);
  return 0;
}

process.exitCode = main();
