/**
 * An experiment's success criteria as a declarative table: each row compares one metric of a single
 * run (one seed, one lifetime) with a number or with another metric times a factor. A run whose
 * experiment states criteria ends with `criteria_met` (true when every row holds; a missing or
 * non-finite metric fails its row) — so "holds on 9 of 10 seeds" is a count of true lines, not a
 * judgement made after looking.
 */

/** A run's metrics as the criteria read them (the `--json` line's record). */
type Metrics = Readonly<Record<string, unknown>>;

export type CriterionOp = '>=' | '<=' | '>' | '<' | '==';

export interface Criterion {
  /** The metric compared (left-hand side). */
  readonly key: string;
  readonly op: CriterionOp;
  /** Right-hand side: this number … */
  readonly value?: number;
  /** … or this metric, times `times` (default 1). */
  readonly ref?: string;
  readonly times?: number;
}

export const CRITERIA_MET_DOC =
  "true when every one of the experiment's per-run criteria holds (its docs page lists them)";

const SYMBOL: Record<CriterionOp, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '==': '=' };

/** One row as text, e.g. `reach_rate_after ≥ 0.9`, `a ≥ 3 × b`. */
export function criterionText(c: Criterion): string {
  const rhs =
    c.ref !== undefined
      ? `${c.times !== undefined && c.times !== 1 ? `${c.times} × ` : ''}${c.ref}`
      : String(c.value);
  return `${c.key} ${SYMBOL[c.op]} ${rhs}`;
}

function num(m: Metrics, key: string): number {
  const v = m[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** Whether one row holds for the metrics; NaN on either side fails it. */
export function criterionHolds(c: Criterion, m: Metrics): boolean {
  const a = num(m, c.key);
  const b = c.ref !== undefined ? num(m, c.ref) * (c.times ?? 1) : (c.value ?? NaN);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (c.op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '==':
      return a === b;
  }
}

/** The rows that fail (empty: all hold). */
export function failedCriteria(criteria: readonly Criterion[], m: Metrics): Criterion[] {
  return criteria.filter((c) => !criterionHolds(c, m));
}

/** The metrics with `criteria_met` appended, when the experiment states criteria; else unchanged. */
export function withCriteriaMet<M extends Metrics>(
  criteria: readonly Criterion[] | undefined,
  m: M,
): M | (M & { criteria_met: boolean }) {
  if (!criteria || criteria.length === 0) return m;
  return { ...m, criteria_met: failedCriteria(criteria, m).length === 0 };
}
