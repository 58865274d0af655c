/**
 * What a brain senses of its world (docs/architecture.md §1): the Steering Subsystem's coarse channel —
 * blobs with a few innate flags, taste, pain, touch, room tags; crude but wired to meaning — and where
 * the blocks of the learner's rich observation sit. A world engine emits these (a BrainWorld, world.ts);
 * the engine itself need not know the brain, only produce data of this shape.
 */

/** Something in view, as the innate detectors see it. */
export interface Blob {
  dx: number;
  dy: number;
  /** Chebyshev distance. */
  dist: number;
  flags: readonly string[];
  moving: boolean;
}

/** What the Steering Subsystem's innate senses receive each tick. */
export interface CoarseChannel {
  blobs: Blob[];
  taste: Record<string, number>;
  pain: number;
  /** Number of objects sharing the agent's cell. */
  touch: number;
  room: readonly string[];
}

/** Offsets of the blocks of the learner's observation: [position one-hot | features | context | taste]. */
export interface ObsLayout {
  pos: number;
  features: number;
  context: number;
  taste: number;
  dim: number;
}
