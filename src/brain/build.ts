/**
 * Build an agent from its three ingredients — a world file, a steering file, a learner config — and a
 * seed. All randomness flows from the one Rng: the world's stream and the learner's are named forks.
 */
import { Rng } from '../math/rng.js';
import { parseWorld } from '../envs/gridworld/spec.js';
import { GridWorld } from '../envs/gridworld/world.js';
import { Agent } from './agent.js';
import { parseSteering } from './steering/config.js';
import { SteeringSubsystem } from './steering/steering.js';
import { LearningSubsystem } from './learning/learner.js';
import type { LearnerConfig } from './learning/config.js';
import type { SteeringSpec } from './steering/config.js';
import type { BrainWorld } from './world.js';

export interface BrainSources {
  world: { text: string; file: string };
  steering: { text: string; file: string };
}

export function buildAgent(src: BrainSources, cfg: LearnerConfig, seed: number, room?: string): Agent {
  const rng = new Rng(seed);
  const spec = parseWorld(src.world.text, src.world.file);
  const steeringSpec = parseSteering(src.steering.text, src.steering.file);
  const world = new GridWorld(spec, room);
  world.reset({ seed: rng.fork('world').nextU32(), options: room ? { room } : {} });
  return brainIn(world, steeringSpec, cfg, rng.fork('learner'));
}

/** A newborn brain in a world that is already set up (any BrainWorld); `rng` is the learner's stream. */
export function brainIn<W extends BrainWorld>(
  world: W,
  steeringSpec: SteeringSpec,
  cfg: LearnerConfig,
  rng: Rng,
): Agent<W> {
  const steering = new SteeringSubsystem(steeringSpec);
  const L = world.obsLayout;
  const learner = new LearningSubsystem(
    steeringSpec.assessors,
    {
      obs: L.dim,
      body: steeringSpec.body.vars.length,
      pos: { start: L.pos, len: L.features - L.pos, width: world.gridWidth },
      context: { start: L.context, len: L.taste - L.context },
      features: { start: L.features, len: L.context - L.features },
    },
    cfg,
    rng,
  );
  return new Agent(world, steering, learner);
}
