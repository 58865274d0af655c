/**
 * Rewiring rules: the only way the Steering Subsystem changes. Each rule edits a reaction's gain when an
 * event happens (habituation/sensitization: one reaction followed by another within a window; install:
 * a reaction fires), and the gain relaxes back toward the reaction's birth gain over time.
 *
 * - habituation: `reaction` followed within `within` ticks by `after` (e.g. spider-fear then
 *   safe-and-calm) multiplies the reaction's gain by `factor` < 1; the gain recovers toward the
 *   reaction's birth gain at `recovery` per tick (spontaneous recovery after a delay).
 * - sensitization: the same with `factor` > 1 (e.g. spider-fear followed by pain), capped at `maxGain`.
 * - install: whenever `after` fires, the reaction's gain is set to `factor` (whether or not the reaction
 *   fired): a new reward source switched on by an event, e.g. a drug that installs a craving. It relaxes
 *   back to the reaction's birth gain at `recovery` per tick (0: for good); `within` and `maxGain` are
 *   ignored.
 *
 * Gains relax toward each reaction's birth gain (1 unless the file gives `gain`).
 */

export interface RewiringRule {
  name: string;
  kind: 'habituation' | 'sensitization' | 'install';
  reaction: string;
  after: string;
  within: number;
  factor: number;
  recovery: number;
  maxGain: number;
  /** Birth gain of `reaction` (what recovery relaxes toward). */
  birthGain: number;
}

export interface RewiringState {
  /** Gain of each reaction (by name); a missing entry means the reaction's birth gain. */
  gains: Record<string, number>;
  /** Tick each reaction last fired (-Infinity never). */
  lastFired: Record<string, number>;
  /** Tick at which each rule last applied, so one pairing changes the gain once. */
  lastApplied: Record<string, number>;
}

/** Apply rules after this tick's reactions fired (`fired` = names), then recovery. */
export function applyRewiring(
  rules: readonly RewiringRule[],
  st: RewiringState,
  fired: readonly string[],
  tick: number,
  enabled: boolean,
): void {
  if (enabled) {
    for (const r of rules) {
      if (!fired.includes(r.after)) continue;
      if (r.kind === 'install') {
        st.gains[r.reaction] = r.factor;
        st.lastApplied[r.name] = tick;
        continue;
      }
      const last = st.lastFired[r.reaction] ?? -Infinity;
      if (tick - last > r.within) continue;
      if ((st.lastApplied[r.name] ?? -Infinity) >= last) continue; // this pairing was already counted
      st.lastApplied[r.name] = tick;
      const g = (st.gains[r.reaction] ?? r.birthGain) * r.factor;
      st.gains[r.reaction] = Math.min(r.maxGain, g);
    }
  }
  for (const r of rules) {
    const g = st.gains[r.reaction] ?? r.birthGain;
    st.gains[r.reaction] = g + (r.birthGain - g) * r.recovery;
  }
}
