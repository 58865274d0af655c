/**
 * The report's second table as data: per agent or brain (a column), the probe values measured for it.
 * A probe is a name and an optional detail; its label in the table is `name.detail` and its metric key
 * for a column is `name.<column key>.detail` (e.g. `coin_probe.a2c.r2_coin`, `drug_avoidance.hedonist.actor`).
 */
import { roundScaled } from '../../math/stats.js';

export interface Probe {
  readonly name: string;
  readonly detail?: string;
}

export interface ProbeCell {
  readonly probe: Probe;
  readonly value: number | null;
}

export interface ProbeRow {
  /** The column's heading in the probe table (e.g. `a2c`, `hedonist brain`). */
  readonly column: string;
  /** The column's part of the metric keys (e.g. `a2c`, `hedonist`, `brain_features`). */
  readonly key: string;
  readonly cells: readonly ProbeCell[];
}

export function probeLabel(p: Probe): string {
  return p.detail ? `${p.name}.${p.detail}` : p.name;
}

export function probeMetricKey(p: Probe, key: string): string {
  return p.detail ? `${p.name}.${key}.${p.detail}` : `${p.name}.${key}`;
}

/** A row's value of the probe labelled `label`, or null when it has none. */
export function probeValue(row: ProbeRow, label: string): number | null {
  return row.cells.find((c) => probeLabel(c.probe) === label)?.value ?? null;
}

/** The probe labels of the rows, each once, in the order the rows first name them. */
export function probeLabels(rows: readonly ProbeRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.cells.map((c) => probeLabel(c.probe))))];
}

/** Report rounding: 4 decimals by scaling; a value that is not finite becomes null. */
export const r4 = (x: number): number | null => (Number.isFinite(x) ? roundScaled(x) : null);
