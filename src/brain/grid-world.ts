/**
 * The brain gridworld (src/envs/gridworld) as the world of a brain. The engine knows nothing of the
 * brain: its coarse channel and observation layout are its own types, which match the brain's senses
 * (senses.ts) field for field, so a GridWorld is a BrainWorld as it stands. This is where that match is
 * checked: if the engine's output drifts from what the brain senses, this file stops compiling.
 */
import type { GridWorld } from '../envs/gridworld/world.js';
import type { BrainWorld } from './world.js';

type IsBrainWorld<W extends BrainWorld> = W;

/** The world an Agent lives in unless told otherwise. */
export type GridBrainWorld = IsBrainWorld<GridWorld>;
