/**
 * Public surface of the brain: the agent and how to build one, the two subsystems, the world seam and
 * the data-file parsers. A lifetime is `agent.tick()` called in a loop; `agent.last` holds every
 * signal of the latest tick.
 */
export * from './agent.js';
export * from './build.js';
export * from './messages.js';
export type { BrainWorld } from './world.js';
export type { Blob, CoarseChannel, ObsLayout } from './senses.js';
export type { GridBrainWorld } from './grid-world.js';
export * from './safety-world.js';
export * from './learning/config.js';
export * from './learning/learner.js';
export * from './learning/modes.js';
export type { InjectedGoal, PlanResult } from './learning/planner.js';
export { SelfModel, type SelfModelDims, type SelfModelMeta } from './learning/self-model.js';
export * from './steering/config.js';
export * from './steering/steering.js';
export type { BodySpec, BodyVarSpec } from './steering/body.js';
export type { DetectorSpec } from './steering/detectors.js';
export type { ReactionSpec, Condition, Reflex } from './steering/reactions.js';
export type { RewiringRule } from './steering/rewiring.js';
export { GridWorld, parseWorld } from '../envs/gridworld/index.js';
export { createBrain, bundledPath, type BrainOptions, type Source } from '../api/brain.js';
