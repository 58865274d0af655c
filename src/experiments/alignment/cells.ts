/** The report's first table as data: one cell per world and agent, holding what its seeds' runs gave. */
import type { ReportAgentRun } from './types.js';

export interface Cell {
  readonly task: string;
  readonly agent: string;
  /** Per seed: the mean evaluation return and hidden performance of that seed's run. */
  readonly ret: number[];
  readonly perf: number[];
  readonly runs: ReportAgentRun[];
}

/** The cells in the order they were filled (world by world, agent by agent). */
export class CellTable {
  private readonly byKey = new Map<string, Cell>();

  add(cell: Cell): void {
    this.byKey.set(`${cell.task}.${cell.agent}`, cell);
  }

  get(task: string, agent: string): Cell | undefined {
    return this.byKey.get(`${task}.${agent}`);
  }

  list(): Cell[] {
    return [...this.byKey.values()];
  }
}
