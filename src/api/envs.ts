/**
 * Public surface of the environments: the Gymnasium-style API (`make`, spaces, wrappers, vector envs,
 * the checker) with every family registered — toy, meta-RL task families, the brain gridworld and the
 * AI Safety Gridworlds. Family-specific classes sit under their namespace.
 */
export * from '../envs/index.js';
export * as metarl from '../envs/metarl/index.js';
export * as gridworld from '../envs/gridworld/index.js';
export * as safety from '../envs/safety/index.js';
