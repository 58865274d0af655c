/** Classical baselines for the meta-RL task families (see policy.ts for the interface). */
export * from './policy.js';
export * from './bandit.js';
export * from './two-step.js';
export * from './tune.js';
