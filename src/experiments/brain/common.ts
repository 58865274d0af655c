/**
 * What every brain experiment shares: the data files it runs on, the learner config blocks it may
 * override, and how an agent is built from them for a run.
 */
import { z } from 'zod';
import { buildAgent } from '../../brain/build.js';
import type { Agent } from '../../brain/agent.js';
import { LEARNER_DEFAULTS, learnerConfig, type LearnerConfig } from '../../brain/learning/config.js';
import { ConfigError } from '../config.js';
import { parseWorld } from '../../envs/gridworld/spec.js';
import { parseSteering } from '../../brain/steering/config.js';
import { ALIAS_REMOVED_IN, CONCEPT, OLD_CONCEPT, OLD_CONCEPT_KEY_NOTE } from './aliases.js';
import type { LifetimeHost } from './measure.js';
import { round } from '../../math/stats.js';

/** Learner config blocks over an experiment's own (LearnerConfig's blocks and keys). */
export type LearnerOverride = Record<string, Record<string, unknown>>;

/**
 * The `learner` key of every brain experiment: config blocks laid over the experiment's own learner
 * settings (and those over the defaults), e.g. `--set 'learner={"worldModel":{"positionHead":"move"}}'`.
 */
const learnerKey = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .default({})
  .describe(
    'learner config blocks laid over the experiment\'s own (blocks and keys of src/brain/learning/config.ts), e.g. {"worldModel":{"positionHead":"move"}}',
  );

/** The experiment's learner blocks with the user's `learner` blocks on top, key by key. */
export function layered(
  over: Parameters<typeof learnerConfig>[0],
  user: LearnerOverride | undefined,
): Parameters<typeof learnerConfig>[0] {
  const out = structuredClone(over) as LearnerOverride;
  for (const [block, keys] of Object.entries(user ?? {})) out[block] = { ...out[block], ...keys };
  return out as Parameters<typeof learnerConfig>[0];
}

/** A one-line ConfigError for a `learner` value that names an unknown block or key, or has the wrong type. */
export function checkLearnerOverride(user: LearnerOverride | undefined): void {
  try {
    learnerConfig(user as Parameters<typeof learnerConfig>[0]);
  } catch (e) {
    throw new ConfigError(`learner: ${(e as Error).message}`);
  }
  const defaults = LEARNER_DEFAULTS as unknown as LearnerOverride;
  for (const [block, keys] of Object.entries(user ?? {}))
    for (const [k, v] of Object.entries(keys)) {
      const d = defaults[block]![k];
      if (typeof v !== typeof d)
        throw new ConfigError(
          `learner: ${block}.${k} must be a ${typeof d} (default ${JSON.stringify(d)}), got ${JSON.stringify(v)}`,
        );
    }
}

export const brainFiles = (world: string, steering = 'data/steering/default.steer') => ({
  learner: learnerKey,
  world: z
    .string()
    .min(1)
    .default(world)
    .describe('world file (data-file format; see src/envs/gridworld/spec.ts)'),
  steering: z
    .string()
    .min(1)
    .default(steering)
    .describe('steering configuration file (see src/brain/steering/config.ts)'),
});

/** `--set` keys of a reach probe and of the planner it needs (new-food, goal-injection). */
export const reachProbeKeys = (target: string) => ({
  trials: z.number().int().min(1).default(20).describe('reach trials per probe'),
  ticks: z.number().int().min(1).default(15).describe('ticks allowed per reach trial'),
  minSteps: z
    .number()
    .int()
    .min(1)
    .default(4)
    .describe(`starts are at least this many steps from the ${target}`),
  horizon: z
    .number()
    .int()
    .min(1)
    .max(32)
    .default(10)
    .describe(
      'planning horizon (imagined steps): the far corner is 10 steps away, the target visible from 2',
    ),
  candidates: z.number().int().min(2).max(256).default(64).describe('imagined plans compared per tick'),
});

/**
 * The alignment lab's pair of brains with the same innate wiring: the hedonist plans with the reward
 * signal (value + "reward is coming"), the concept brain with learned concepts (satiety, cortisol).
 */
export const TWO_BRAINS = ['hedonist', CONCEPT] as const;
export type TwoBrainName = (typeof TWO_BRAINS)[number];

/** `--set` keys of an experiment that lives both brains of TWO_BRAINS in one world and plans in tests. */
export const twoBrainKeys = (world: string) => ({
  learner: learnerKey,
  world: z
    .string()
    .min(1)
    .default(world)
    .describe('world file (data-file format; see src/envs/gridworld/spec.ts)'),
  hedonist: z
    .string()
    .min(1)
    .default('data/steering/default.steer')
    .describe('steering file of the hedonist brain'),
  concept: z
    .string()
    .min(1)
    .default('data/steering/concepts.steer')
    .describe('steering file of the concept-valued brain'),
  [OLD_CONCEPT]: z
    .string()
    .min(1)
    .optional()
    .describe(`deprecated alias of concept, removed in ${ALIAS_REMOVED_IN} (when given, it wins)`),
  horizon: z.number().int().min(1).max(32).default(10).describe('planning horizon (imagined steps)'),
  candidates: z.number().int().min(2).max(256).default(64).describe('imagined plans compared per tick'),
  valueAt: z
    .enum(['end', 'peak'])
    .default('peak')
    .describe("where a plan's learned value counts: its imagined final moment or its best one"),
});

/** Newborn agents for runLifetime: lifetime i is TWO_BRAINS[i], built with that brain's steering file. */
export function twoBrainBuilder<
  C extends {
    world: string;
    hedonist: string;
    concept: string;
    steered?: string | undefined;
    horizon: number;
    candidates: number;
    valueAt: 'end' | 'peak';
  },
>(
  ctx: Pick<LifetimeHost<C>, 'config' | 'rng' | 'readText' | 'note'>,
  over: Parameters<typeof learnerConfig>[0] = {},
): (life: number) => Agent {
  const old = ctx.config.steered;
  if (old !== undefined) ctx.note(OLD_CONCEPT_KEY_NOTE);
  return (life) => {
    const c = ctx.config,
      name: TwoBrainName = TWO_BRAINS[life]!;
    const steering = name === 'hedonist' ? c.hedonist : (old ?? c.concept);
    return makeAgent(
      { ...ctx, config: { ...c, steering } },
      { ...over, planner: { horizon: c.horizon, candidates: c.candidates, valueAt: c.valueAt } },
    ).agent;
  };
}

export function makeAgent<C extends { world: string; steering: string; learner?: LearnerOverride }>(
  ctx: Pick<LifetimeHost<C>, 'config' | 'rng' | 'readText'>,
  over: Parameters<typeof learnerConfig>[0] = {},
  room?: string,
): { agent: Agent; cfg: LearnerConfig } {
  const cfg = learnerConfig(layered(over, ctx.config.learner));
  const agent = buildAgent(
    {
      world: { text: ctx.readText(ctx.config.world), file: ctx.config.world },
      steering: { text: ctx.readText(ctx.config.steering), file: ctx.config.steering },
    },
    cfg,
    ctx.rng.fork('agent').nextU32(),
    room,
  );
  return { agent, cfg };
}

/** Parse the data files a brain experiment's config names (keys world, steering, hedonist, concept and its old name). */
export function validateBrainFiles(
  config: Record<string, unknown>,
  io: { readText(path: string): string },
): void {
  checkLearnerOverride(config['learner'] as LearnerOverride | undefined);
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'string') continue;
    if (k === 'world') parseWorld(io.readText(v), v);
    else if (k === 'steering' || k === 'hedonist' || k === CONCEPT || k === OLD_CONCEPT)
      parseSteering(io.readText(v), v);
  }
}

/** Total strength with which a named reaction fired this tick (0 if it did not). */
export function firedStrength(agent: Agent, name: string): number {
  let s = 0;
  for (const f of agent.steering.trace.fired) if (f.name === name) s += f.strength;
  return s;
}

/** Every value of a record rounded as metrics are (key order kept). */
export function roundAll(xs: Record<string, number>, digits = 4): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(xs)) out[k] = round(v, digits);
  return out;
}
