/**
 * Meta-RL task families: factories, and registration with the env registry (importing this module
 * registers the ids below, so `make('metarl/TwoArmedIndependent-v0')` works after it is imported).
 *
 *   metarl/TwoArmedIndependent-v0   {trials=100}
 *   metarl/TwoArmedDependent-v0     {trials=100, difficulty='uniform'|'easy'|'medium'|'hard'}
 *   metarl/KArmed-v0                {arms=5, trials=100}
 *   metarl/VolatileBandit-v0        {trials=200, pGood=0.8, blockLength=100, reversalMin=20, reversalMax=30}
 *   metarl/InformativeArm-v0        {trials=5, rewardCode=0}
 *   metarl/TwoStep-v0               {trials=100, stepsPerTrial=2, commonProb=0.8, rewardHigh=0.9, rewardLow=0.1, swapProb=0.025}
 *   metarl/Harlow-v0                {trials=6, featureDim=8, features='uniform'|'binary', poolSize=1000, poolSeed, pool='train'|'eval', feedback='none'|'chosen'|'objects', rewards…}
 *
 * Episodes end by termination after the last trial, so no TimeLimit is registered.
 */
import { z } from 'zod';
import { register } from '../registry.js';
import {
  InformativeArmBandit,
  KArmedBandit,
  TwoArmedDependentBandit,
  TwoArmedIndependentBandit,
  VolatileBandit,
  type VolatileBanditOptions,
} from './bandits.js';
import { HarlowTask, type HarlowOptions } from './harlow.js';
import { TwoStepTask, type TwoStepOptions } from './two-step.js';
import type { DependentDifficulty } from './bandits.js';

export * from './common.js';
export * from './bandits.js';
export * from './two-step.js';
export * from './harlow.js';

const trials = z.number().int().min(1).max(100000);

export const twoArmedIndependent = (o: { trials?: number } = {}): TwoArmedIndependentBandit =>
  new TwoArmedIndependentBandit(o);
export const twoArmedDependent = (
  o: { trials?: number; difficulty?: DependentDifficulty } = {},
): TwoArmedDependentBandit => new TwoArmedDependentBandit(o);
export const kArmed = (o: { arms?: number; trials?: number } = {}): KArmedBandit => new KArmedBandit(o);
export const volatileBandit = (o: VolatileBanditOptions = {}): VolatileBandit => new VolatileBandit(o);
export const informativeArm = (o: { trials?: number; rewardCode?: number } = {}): InformativeArmBandit =>
  new InformativeArmBandit(o);
export const twoStep = (o: TwoStepOptions = {}): TwoStepTask => new TwoStepTask(o);
export const harlow = (o: HarlowOptions = {}): HarlowTask => new HarlowTask(o);

register({
  id: 'metarl/TwoArmedIndependent-v0',
  entryPoint: twoArmedIndependent,
  description:
    'two-armed Bernoulli bandit, p1, p2 ~ U(0,1) redrawn each episode, 100 trials; obs [prev action, prev reward, t/T]',
  kwargsSchema: z.object({ trials: trials.default(100) }).strict(),
});
register({
  id: 'metarl/TwoArmedDependent-v0',
  entryPoint: twoArmedDependent,
  description:
    'two-armed Bernoulli bandit with p2 = 1 - p1 (difficulty uniform|easy|medium|hard), 100 trials',
  kwargsSchema: z
    .object({
      trials: trials.default(100),
      difficulty: z.enum(['uniform', 'easy', 'medium', 'hard']).default('uniform'),
    })
    .strict(),
});
register({
  id: 'metarl/KArmed-v0',
  entryPoint: kArmed,
  description: 'k-armed Bernoulli bandit, arm means ~ U(0,1), n pulls (RL² setting)',
  kwargsSchema: z
    .object({ arms: z.number().int().min(2).max(1000).default(5), trials: trials.default(100) })
    .strict(),
});
register({
  id: 'metarl/VolatileBandit-v0',
  entryPoint: volatileBandit,
  description:
    'two-armed 0.8/0.2 bandit alternating stable and volatile (reversal every 20-30 trials) blocks of 100',
  kwargsSchema: z
    .object({
      trials: trials.default(200),
      pGood: z.number().gt(0.5).max(1).default(0.8),
      blockLength: z.number().int().min(1).default(100),
      reversalMin: z.number().int().min(1).default(20),
      reversalMax: z.number().int().min(1).default(30),
    })
    .strict(),
});
register({
  id: 'metarl/InformativeArm-v0',
  entryPoint: informativeArm,
  description: '11-arm informative-arm bandit (Wang et al. 2016), 5 pulls, optimum 20.55',
  kwargsSchema: z
    .object({ trials: trials.default(5), rewardCode: z.number().int().min(0).max(1000).default(0) })
    .strict(),
});
register({
  id: 'metarl/TwoStep-v0',
  entryPoint: twoStep,
  description:
    'two-step task (Daw et al. 2011 / Wang et al. 2018): common 0.8, rewards 0.9/0.1 swapping w.p. 0.025, 100 trials',
  kwargsSchema: z
    .object({
      trials: trials.default(100),
      stepsPerTrial: z.union([z.literal(1), z.literal(2)]).default(2),
      commonProb: z.number().min(0).max(1).default(0.8),
      rewardHigh: z.number().min(0).max(1).default(0.9),
      rewardLow: z.number().min(0).max(1).default(0.1),
      swapProb: z.number().min(0).max(1).default(0.025),
    })
    .strict(),
});
register({
  id: 'metarl/Harlow-v0',
  entryPoint: harlow,
  description:
    'abstract Harlow task: two novel feature-vector objects per episode, 6 trials of fixate + choose',
  kwargsSchema: z
    .object({
      trials: trials.default(6),
      featureDim: z.number().int().min(1).max(1024).default(8),
      features: z.enum(['uniform', 'binary']).default('uniform'),
      feedback: z.enum(['none', 'chosen', 'objects']).default('none'),
      poolSize: z.number().int().min(2).max(1000000).default(1000),
      poolSeed: z.number().int().optional(),
      pool: z.enum(['train', 'eval']).default('train'),
      fixationReward: z.number().optional(),
      breakReward: z.number().optional(),
      correctReward: z.number().optional(),
      incorrectReward: z.number().optional(),
    })
    .strict(),
});
