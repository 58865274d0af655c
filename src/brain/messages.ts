/**
 * The only traffic between the two subsystems: one message each way per tick (docs/architecture.md §1–§2).
 *
 * Down (learning → steering): a motor command and the non-motor outputs — every thought assessor's
 * prediction, each with the gain of the mode that produced it. The mode itself is deliberately absent
 * from these types: `Gain` is a number, and nothing in a `DownMessage` names predict / imagine /
 * remember / empathize. So the Steering Subsystem can tell a strong (real) signal from a weak one, but
 * cannot tell memory from imagination from empathy — the precondition of mode crosstalk (phenomenon 8).
 *
 * Up (steering → learning): reward, dopamine, body state, a reflex that overrides the motor command,
 * and for each assessor its training target (ground truth, or "defer": use your own later prediction).
 */

/** Output strength of the mode that produced a signal, in (0, 1]. */
export type Gain = number;

export interface NonMotorOutput {
  /** Thought-assessor name, e.g. "cortisol", "reward", "value". */
  readonly assessor: string;
  /** The assessor's prediction, before the gain. */
  readonly value: number;
  readonly gain: Gain;
}

export interface MotorCommand {
  readonly action: number;
  readonly gain: Gain;
}

export interface DownMessage {
  readonly motor: MotorCommand;
  readonly outputs: readonly NonMotorOutput[];
}

/** What the Steering Subsystem tells an assessor to learn from this tick. */
export type AssessorTarget =
  /** Ground truth: the signal's innate value at this tick (supervised; overrides the prediction). */
  | { readonly kind: 'truth'; readonly value: number }
  /** No ground truth: train toward your own later prediction (TD-like). */
  | { readonly kind: 'defer' };

export interface UpMessage {
  readonly reward: number;
  /** Reward-prediction error r + γ·V_now − V_before, computed by the Steering Subsystem from the value output. */
  readonly dopamine: number;
  /** Body variables, normalised to [0, 1], in the body spec's order. */
  readonly body: Float32Array;
  /** A reflex motor command that overrides the learner's, or -1. */
  readonly reflex: number;
  /** Per assessor (by name): its target for this tick. */
  readonly targets: Readonly<Record<string, AssessorTarget>>;
}
