/** The stored measurement of an experiment (docs/experiments/<id>.results.json), format version 1. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measurement {
  format: 1;
  experiment: string;
  /** `--set` arguments every run used (key=value), beyond the seed. */
  sets: string[];
  date: string;
  version: string;
  gemm: string;
  runs: { seed: number; wallSeconds: number; metrics: Record<string, unknown> }[];
  /** Repository-relative paths of the figures kept from the first run. */
  figures: string[];
  /** Repository-relative path of this file. */
  file: string;
}

export function measurementPath(id: string): string {
  return join('docs', 'experiments', `${id}.results.json`);
}

export function readMeasurement(root: string, id: string): Measurement | null {
  const p = join(root, measurementPath(id));
  if (!existsSync(p)) return null;
  const m = JSON.parse(readFileSync(p, 'utf8')) as Measurement;
  if (m.format !== 1) throw new Error(`${p}: unknown measurement format ${m.format}`);
  return { ...m, file: measurementPath(id) };
}
