/**
 * Public surface of prefrontal meta-RL (Wang et al. 2018): the recurrent actor-critic, its A2C trainer,
 * frozen-weight evaluation, Bayesian references and classical baselines. The task families are
 * environments (`steered/envs`: metarl.*).
 */
export * from './a2c.js';
export * from './network.js';
export * from './bayes.js';
export * from './baselines/index.js';
