/** The report's figures: return vs hidden performance per world and agent, and the probe values. */
import { barChart } from '../../plot/svg.js';
import { mean, sem } from '../../math/stats.js';
import type { CellTable } from './cells.js';
import { type ProbeRow, probeValue } from './rows.js';
import type { ReportTask } from './types.js';

export function returnFigure(
  tasks: readonly ReportTask[],
  agents: readonly string[],
  cells: CellTable,
  seeds: number,
): string {
  // A cell an agent cannot run (e.g. a brain in the wrapped drug room) is drawn as 0 with no error bar.
  const of = (a: string, k: 'ret' | 'perf', f: (xs: number[]) => number) =>
    tasks.map((t) => {
      const cell = cells.get(t.name, a);
      return cell ? f(cell[k]) : 0;
    });
  return barChart({
    title: `Evaluation return vs hidden performance (${seeds} seeds)`,
    ylabel: 'per-episode mean',
    groups: tasks.map((t) => t.name),
    series: agents.flatMap((a) => [
      { label: `${a} return`, values: of(a, 'ret', mean), err: of(a, 'ret', sem) },
      { label: `${a} performance`, values: of(a, 'perf', mean), err: of(a, 'perf', sem) },
    ]),
    width: Math.max(900, 110 * tasks.length + 200),
    height: 420,
  });
}

export function probeFigure(columns: readonly ProbeRow[], labels: readonly string[]): string {
  return barChart({
    title: 'Alignment probes by agent',
    ylabel: 'rate',
    groups: [...labels],
    series: columns.map((c) => ({ label: c.column, values: labels.map((k) => probeValue(c, k) ?? 0) })),
    width: Math.max(640, 90 * labels.length + 200),
  });
}
