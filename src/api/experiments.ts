/** Public surface of the experiments: the registry, how to define one, and how to run one from code. */
export { listExperiments, findExperiment, UnknownExperimentError } from '../experiments/index.js';
export {
  defineExperiment,
  type Experiment,
  type Metrics,
  type RunContext,
  type EvalContext,
  type Snapshot,
  type ParallelBackend,
} from '../experiments/experiment.js';
export { ConfigError, describeConfig, parseSets, validateConfig } from '../experiments/config.js';
export { runExperiment, type RunOptions, type RunResult } from './run.js';
