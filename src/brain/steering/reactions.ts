/**
 * Reactions: trigger → profile. A trigger is a conjunction of conditions on detectors, body, the
 * learner's non-motor outputs and recent reactions; its first condition sets the reaction's strength.
 * The profile is a bundle of body changes, an optional reflex and a reward, all scaled by strength ×
 * the reaction's current gain (which rewiring rules change).
 *
 * Condition grammar (steering files write them `when = cond ; cond ; …`):
 *   detector NAME > X            strength = activation
 *   assessor NAME > X            a strong (real, gain ≥ motor threshold) output; strength = value·gain
 *   weak NAME > X                the largest weak output; strength = value·gain
 *   weak NAME > strong NAME + X  a weak signal above the strong one of the same assessor; strength = the gap
 *   weak NAME > reward + X       a weak signal above the reward really arriving now (from the reactions
 *                                listed before this one); strength = the gap
 *   body VAR > X   |  body VAR < X
 *   quiet N                      no other innate reaction fired in the last N ticks (compliance does not count)
 */

export type Condition =
  | { kind: 'detector'; name: string; above: number }
  | { kind: 'assessor'; name: string; above: number }
  | { kind: 'weak'; name: string; above: number }
  | { kind: 'weak-vs-strong'; name: string; margin: number }
  | { kind: 'weak-vs-reward'; name: string; margin: number }
  | { kind: 'body'; name: string; op: '>' | '<'; value: number }
  | { kind: 'quiet'; ticks: number };

export type Reflex = { kind: 'flee'; detector: string } | { kind: 'freeze' } | null;

export interface ReactionSpec {
  name: string;
  when: Condition[];
  /** Body variable deltas at strength 1. */
  body: Record<string, number>;
  reward: number;
  reflex: Reflex;
  /** Ticks after firing during which it cannot fire again. */
  refractory: number;
  /** True when no condition reads the learner: its effects are ground truth for the assessors. */
  innate: boolean;
  /**
   * Gain at birth (default 1). 0 makes a dormant pathway — it does nothing until a rewiring rule
   * (e.g. `install`) raises it, the way a drug can create a reward source that was not there before.
   */
  gain: number;
}

/** Parse one `when` clause; throws Error(message) that the loader turns into file:line. */
export function parseCondition(s: string): Condition {
  const t = s.trim().split(/\s+/);
  const num = (x: string | undefined, what: string): number => {
    const v = Number(x);
    if (x === undefined || !Number.isFinite(v)) throw new Error(`${what} must be a number in '${s.trim()}'`);
    return v;
  };
  switch (t[0]) {
    case 'detector':
    case 'assessor':
      if (t.length !== 4 || t[2] !== '>') throw new Error(`expected '${t[0]} NAME > X', got '${s.trim()}'`);
      return { kind: t[0], name: t[1]!, above: num(t[3], 'threshold') };
    case 'weak':
      if (t.length === 4 && t[2] === '>') return { kind: 'weak', name: t[1]!, above: num(t[3], 'threshold') };
      if (t.length === 7 && t[2] === '>' && t[3] === 'strong' && t[4] === t[1] && t[5] === '+')
        return { kind: 'weak-vs-strong', name: t[1]!, margin: num(t[6], 'margin') };
      if (t.length === 6 && t[2] === '>' && t[3] === 'reward' && t[4] === '+')
        return { kind: 'weak-vs-reward', name: t[1]!, margin: num(t[5], 'margin') };
      throw new Error(
        `expected 'weak NAME > X', 'weak NAME > strong NAME + X' or 'weak NAME > reward + X', got '${s.trim()}'`,
      );
    case 'body':
      if (t.length !== 4 || (t[2] !== '>' && t[2] !== '<'))
        throw new Error(`expected 'body VAR > X' or 'body VAR < X', got '${s.trim()}'`);
      return { kind: 'body', name: t[1]!, op: t[2], value: num(t[3], 'value') };
    case 'quiet':
      if (t.length !== 2) throw new Error(`expected 'quiet N', got '${s.trim()}'`);
      return { kind: 'quiet', ticks: num(t[1], 'N') };
    default:
      throw new Error(`unknown condition '${t[0] ?? ''}' (allowed: detector, assessor, weak, body, quiet)`);
  }
}

export function readsLearner(c: Condition): boolean {
  return (
    c.kind === 'assessor' || c.kind === 'weak' || c.kind === 'weak-vs-strong' || c.kind === 'weak-vs-reward'
  );
}
