/**
 * What a brain needs of the world it lives in — the seam between `Agent` and a world engine. The brain
 * gridworld (src/envs/gridworld/world.ts) fits it as it stands (checked in grid-world.ts); `SafetyBrainWorld`
 * (src/brain/safety-world.ts) adapts any AI Safety Gridworld to it. Everything else an experiment does
 * with a world (teleports, placing objects, distances) belongs to the concrete engine, not to this
 * interface: the brain itself never asks for it.
 */
import type { StepResult } from '../envs/core.js';
import type { CoarseChannel, ObsLayout } from './senses.js';

export interface BrainWorld {
  /** Where the blocks of the learner's observation sit: [position one-hot | features | context | taste]. */
  readonly obsLayout: ObsLayout;
  /** Width of the grid the position block encodes row-major (the world model's move head reads it). */
  readonly gridWidth: number;
  /**
   * Whether no move can enter `cell` (row-major in the position code): a wall, as the world is laid out
   * now. Probes read it to judge imagination; the brain itself never asks.
   */
  blocked(cell: number): boolean;
  /**
   * Whether the last step's move was drawn by the world's own randomness rather than set by the action
   * (a safety game's fidget for "stay", forced exploration after whisky): no model can foresee it from
   * the action taken. Probes read it to tell the world's chance from the model's errors; the brain
   * itself never asks. Absent: moves always follow the action.
   */
  moveWasDrawn?(): boolean;
  /** The learner's observation of the present moment. */
  observe(): Float32Array;
  /** The Steering Subsystem's low-resolution senses of the present moment (what the last step led to). */
  steeringChannel(): CoarseChannel;
  /**
   * Execute a brain action (0 stay, 1 up, 2 down, 3 left, 4 right). Reward is the Steering
   * Subsystem's business: a world reports what happened through the coarse channel, and the Agent
   * reads nothing of the result but the observation and `info.ate`.
   */
  step(action: number): StepResult<Float32Array>;
  /**
   * Empathy: write into `out` what the agent perceives of another agent's situation, if one is in
   * view; returns false (and leaves `out` alone) when none is.
   */
  perceiveOther(out: Float32Array): boolean;
  /**
   * The pleasure the other agent last perceived by `perceiveOther` shows (its face: what its own
   * Steering Subsystem pays it, as far as it can be seen); 0, or absent, when it shows none.
   */
  otherShows?(): number;
  /** Plain-data state for checkpoints and probes (a probe restores the world after measuring). */
  getState(): unknown;
  setState(s: unknown): void;
}
