/**
 * Runs a conditioning model through a paradigm and scores it against the published figure: every
 * group is run on `subjects` fresh subjects (a subject = a reset model and its own draws of the
 * probabilistic trials), each point's response is the mean over subjects of the mean response to its
 * cues on its trials, mapped to the figure's measure; then Pearson r against the data and the
 * paradigm's ordinal checks.
 */
import type { Rng } from '../math/rng.js';
import { pearson as pearsonR } from '../math/stats.js';
import type { ConditioningModel } from './model.js';
import type { Check, Group, Measure, Paradigm, Point, TrialSpec } from './paradigm.js';

/** One presentation in a group's expanded schedule. */
export interface Presentation {
  readonly trial: TrialSpec;
  readonly phase: string;
  /** 1-based index among the group's trials of this phase. */
  readonly indexInPhase: number;
}

/** The group's schedule as one subject lives it (probabilistic slots drawn from `rng`). */
export function expandGroup(group: Group, rng: Rng): Presentation[] {
  const out: Presentation[] = [];
  const count = new Map<string, number>();
  for (const b of group.blocks) {
    const trials: TrialSpec[] = [];
    for (let r = 0; r < b.repeat; r++)
      for (const slot of b.slots) {
        if (slot.kind === 'fixed') trials.push(slot.trial);
        else {
          const w = slot.options.map((o) => o.weight);
          trials.push(slot.options[rng.categorical(w)]!.trial);
        }
      }
    if (b.shuffled) rng.shuffle(trials);
    for (const trial of trials) {
      const k = (count.get(b.phase) ?? 0) + 1;
      count.set(b.phase, k);
      out.push({ trial, phase: b.phase, indexInPhase: k });
    }
  }
  return out;
}

function sameCues(a: readonly string[], sortedB: readonly string[]): boolean {
  if (a.length !== sortedB.length) return false;
  const s = [...a].sort();
  return s.every((c, i) => c === sortedB[i]);
}

function inPoint(p: Point, pr: Presentation): boolean {
  return (
    pr.phase === p.phase &&
    (p.from === null || (pr.indexInPhase >= p.from && pr.indexInPhase <= p.to!)) &&
    sameCues(pr.trial.cues, p.cues)
  );
}

/** A response in units of the US mapped to the figure's measure. */
export function toMeasure(v: number, measure: Measure): number {
  const c = Math.min(1, Math.max(0, v));
  switch (measure) {
    case 'percent':
      return 100 * c;
    case 'suppression':
      // Baseline behaviour at rate 1, suppressed to 1 − v during the cue: B/(A + B) with A = 1.
      return (1 - c) / (2 - c);
    case 'score':
      return v;
  }
}

/** Pearson r of the model against the data; null when it is undefined (fewer than two points, or a flat side). */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) return null;
  const r = pearsonR(x, y);
  return Number.isFinite(r) ? r : null;
}

export interface CheckResult {
  readonly text: string;
  readonly pass: boolean;
}

export interface ParadigmResult {
  readonly model: string;
  /** Mean raw response (units of the US) per point, in the paradigm's point order. */
  readonly raw: number[];
  /** The same in the figure's measure. */
  readonly measured: number[];
  /** Per subject, raw response per point (NaN where a subject had no matching trial). */
  readonly perSubject: number[][];
  /** Pearson r of the measured values against the published data (points with data); null if < 2 or flat. */
  readonly r: number | null;
  readonly checks: CheckResult[];
  readonly ordinalPass: boolean;
}

export function evaluateChecks(paradigm: Paradigm, raw: readonly number[]): CheckResult[] {
  const pointValue = (g: string, k: number) =>
    raw[paradigm.points.findIndex((p) => p.group === g && p.k === k)]!;
  return paradigm.checks.map((c: Check) => {
    let pass = true;
    for (let i = 0; i < c.ops.length; i++) {
      const a = c.terms[i]!,
        b = c.terms[i + 1]!;
      const va = pointValue(a.group, a.k) + a.offset;
      const vb = pointValue(b.group, b.k) + b.offset;
      const op = c.ops[i]!;
      const ok = op === '<' ? va < vb : op === '<=' ? va <= vb : op === '>' ? va > vb : va >= vb;
      if (!ok) pass = false;
    }
    return { text: c.text, pass };
  });
}

/** Run `model` through every group of `paradigm` on `subjects` subjects each. */
export function runParadigm(
  paradigm: Paradigm,
  model: ConditioningModel,
  opts: { subjects: number; rng: Rng },
): ParadigmResult {
  const P = paradigm.points.length;
  const perSubject: number[][] = [];
  for (let s = 0; s < opts.subjects; s++) {
    const row = new Array<number>(P).fill(Number.NaN);
    for (const g of paradigm.groups) {
      const sched = expandGroup(g, opts.rng);
      const mine = paradigm.points.map((p, i) => (p.group === g.name ? i : -1)).filter((i) => i >= 0);
      const sum = new Map<number, number>();
      const cnt = new Map<number, number>();
      model.reset();
      for (const pr of sched) {
        const v = model.present(pr.trial);
        for (const i of mine)
          if (inPoint(paradigm.points[i]!, pr)) {
            sum.set(i, (sum.get(i) ?? 0) + v);
            cnt.set(i, (cnt.get(i) ?? 0) + 1);
          }
      }
      for (const i of mine) if (cnt.get(i)) row[i] = sum.get(i)! / cnt.get(i)!;
    }
    perSubject.push(row);
  }
  const raw = paradigm.points.map((_, i) => {
    const xs = perSubject.map((r) => r[i]!).filter((v) => !Number.isNaN(v));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  });
  const measured = raw.map((v) => toMeasure(v, paradigm.measure));
  const withData = paradigm.points.map((p, i) => [i, p.data] as const).filter(([, d]) => d !== null);
  // For `score` figures where lower means more conditioning, correlate against the flipped data.
  const flip = paradigm.measure === 'score' ? paradigm.direction : 1;
  const r = pearson(
    withData.map(([i]) => measured[i]!),
    withData.map(([, d]) => flip * d!),
  );
  const checks = evaluateChecks(paradigm, raw);
  return {
    model: model.name,
    raw,
    measured,
    perSubject,
    r,
    checks,
    ordinalPass: checks.every((c) => c.pass),
  };
}
