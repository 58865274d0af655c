/**
 * What `steered list` and `steered run <experiment> --help` print for a person (the --json forms are
 * for scripts). Lines stay within WIDTH so the output reads in an 80–120 column terminal and in a log.
 */
import { describeConfig } from '../experiments/config.js';
import type { Experiment } from '../experiments/experiment.js';

export const WIDTH = 120;

/** Cut `s` to at most `n` characters, at a word boundary when one is near, marking the cut with "…". */
export function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  if (one.length <= n) return one;
  const cut = one.slice(0, n - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > n * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:(—–-]+$/, '')}…`;
}

/** A word too long for a line, cut after separators (| , ]) where it has them, else hard. */
function split(word: string, width: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > width) {
    const head = rest.slice(0, width);
    const at = Math.max(head.lastIndexOf('|'), head.lastIndexOf(','), head.lastIndexOf(']'));
    const cut = at > 0 ? at + 1 : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Greedy word wrap into lines of at most `width` characters. A bracketed phrase ("[integer ≥ 1]") stays
 * on one line; a word longer than a line is cut.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of (text.match(/\[[^\]\s]*(?:\s+[^\]\s]+)*\]\S*|\S+/g) ?? []).flatMap((t) =>
    split(t, width),
  )) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Two columns: `left` padded to `leftWidth`, `right` wrapped beside it (below it when `left` is wider). */
function twoColumns(indent: number, left: string, right: string, leftWidth: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const col = indent + leftWidth + 2;
  const body = wrap(right, Math.max(20, width - col));
  if (left.length > leftWidth) {
    const first = split(left, width - indent - 2).map((l, i) => (i === 0 ? pad : `${pad}  `) + l);
    return [...first, ...body.map((l) => ' '.repeat(col) + l)];
  }
  if (body.length === 0) return [pad + left];
  return body.map((l, i) => (i === 0 ? `${pad}${left.padEnd(leftWidth)}  ${l}` : ' '.repeat(col) + l));
}

function table(rows: readonly { id: string; text: string }[], width: number): string[] {
  const w = Math.max(...rows.map((r) => r.id.length));
  return rows.map((r) => `  ${r.id.padEnd(w)}  ${truncate(r.text, width - w - 4)}`);
}

/** `steered list`: one line per experiment and per environment. */
export function listText(
  exps: readonly Pick<Experiment, 'id' | 'title'>[],
  envs: readonly { id: string; description: string }[],
  width = WIDTH,
): string {
  return [
    'Experiments (steered list <experiment> shows its --set keys and metric keys):',
    ...table(
      exps.map((e) => ({ id: e.id, text: e.title })),
      width,
    ),
    '',
    'Environments:',
    ...table(
      envs.map((e) => ({ id: e.id, text: e.description })),
      width,
    ),
  ].join('\n');
}

function showDefault(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `steered list <experiment>` and `steered run <experiment> --help`. */
export function experimentHelp(exp: Experiment, width = WIDTH): string {
  const out: string[] = [`${exp.id} — ${exp.title}`, '', ...wrap(exp.description, width)];
  if (exp.expected) out.push('', ...wrap(`Expected: ${exp.expected}`, width));
  out.push(
    '',
    `Usage: steered run ${exp.id} [--seed N] [--set key=value ...] [--out DIR] [--json]`,
    ...(exp.evaluate
      ? [`       steered eval ${exp.id} [--checkpoint PATH] [--set key=value ...] [--json]`]
      : []),
  );
  const keys = describeConfig(exp.config);
  out.push('', `Settings (--set key=value; default, then what it accepts):`);
  if (keys.length === 0) out.push('  (none)');
  const left = keys.map((k) => `${k.key}=${showDefault(k.default)}`);
  const lw = Math.min(36, Math.max(0, ...left.map((l) => l.length)));
  keys.forEach((k, i) => {
    const about = k.description ? `${k.description} [${k.allowed}]` : `[${k.allowed}]`;
    out.push(...twoColumns(2, left[i]!, about, lw, width));
  });
  const metrics = Object.entries(exp.metrics);
  out.push('', 'Metrics (keys of the --json line):');
  const mw = Math.min(36, Math.max(0, ...metrics.map(([k]) => k.length)));
  for (const [k, v] of metrics) out.push(...twoColumns(2, k, v, mw, width));
  if (exp.shippedCheckpoint) out.push('', `Shipped checkpoint (steered eval): ${exp.shippedCheckpoint}`);
  return out.join('\n');
}
