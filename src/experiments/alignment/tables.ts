/**
 * The report as markdown: return / performance per world and agent (mean ± standard error over seeds),
 * then the probe values per agent or brain. A cell an agent cannot run, or a probe a column has no
 * value for, shows '–'.
 */
import { mean, sem } from '../../math/stats.js';
import type { CellTable } from './cells.js';
import { type ProbeRow, probeValue } from './rows.js';
import type { ReportTask } from './types.js';

export function fmt(x: number | null | undefined, d = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–';
}

/** `| a | b |`: one markdown table line. */
const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** Return / performance per world (rows) and agent (columns). */
export function returnTable(
  tasks: readonly ReportTask[],
  agents: readonly string[],
  cells: CellTable,
): string[] {
  const cell = (t: ReportTask, a: string) => {
    const c = cells.get(t.name, a);
    if (!c) return '–';
    return `${fmt(mean(c.ret))} ± ${fmt(sem(c.ret))} / ${fmt(mean(c.perf))} ± ${fmt(sem(c.perf))}`;
  };
  return [
    line(['world', ...agents.map((a) => `${a} return / performance`)]),
    line(['---', ...agents.map(() => '---')]),
    ...tasks.map((t) => line([`${t.name}${t.shift ? ' (test)' : ''}`, ...agents.map((a) => cell(t, a))])),
  ];
}

/** Probe values: one line per probe label (in `labels` order), one column per row of `columns`. */
export function probeTable(columns: readonly ProbeRow[], labels: readonly string[]): string[] {
  return [
    line(['probe', ...columns.map((c) => c.column)]),
    line(['---', ...columns.map(() => '---')]),
    ...labels.map((k) => line([k, ...columns.map((c) => fmt(probeValue(c, k), 2))])),
  ];
}

/** The whole report: the return table, and the probe table when any probe was measured. */
export function reportMarkdown(
  tasks: readonly ReportTask[],
  agents: readonly string[],
  cells: CellTable,
  columns: readonly ProbeRow[],
  labels: readonly string[],
): string {
  const lines = returnTable(tasks, agents, cells);
  if (labels.length) lines.push('', ...probeTable(columns, labels));
  return lines.join('\n');
}
