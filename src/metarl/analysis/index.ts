/** Behavioural analyses of meta-RL agents and baselines (pure functions over recorded steps). */
export * from './common.js';
export * from './logistic.js';
export * from './twostep.js';
export * from './volatility.js';
export * from './curves.js';
export * from './figures.js';
