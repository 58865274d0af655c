/**
 * steered — brain-like steered-optimizer agents. This is the core entry point: it runs anywhere
 * JavaScript runs (no file system, no native code). In Node, `import … from 'steered'` resolves to
 * src/node/index.ts instead, which adds the package's bundled data files and the OpenBLAS kernel.
 *
 * The common path: `createBrain` (a world and a steering file → an agent to tick), `make` (an
 * environment by id), `runExperiment` (a named experiment, its metrics returned). Deeper parts have
 * their own entry points: steered/brain, steered/envs, steered/metarl, steered/nn, steered/experiments.
 */
export { createBrain, bundledPath, type BrainOptions, type Source } from './api/brain.js';
export { Agent, type TickRecord, type AgentSwitches } from './brain/agent.js';
export type { BrainWorld } from './brain/world.js';
export { learnerConfig, LEARNER_DEFAULTS, type LearnerConfig } from './brain/learning/config.js';
export { make, registry, register, type EnvSpec } from './envs/index.js';
export type { Env, Space, StepResult, ResetResult } from './envs/core.js';
import './api/envs.js';
export {
  runExperiment,
  listExperiments,
  findExperiment,
  defineExperiment,
  ConfigError,
  type RunOptions,
  type RunResult,
  type Experiment,
  type Metrics,
} from './api/experiments.js';
export { Rng } from './math/rng.js';
