/**
 * Building blocks of the brain experiments' protocols: live in a room for a while, place the agent for
 * a probe, freeze learning while measuring. A lifetime is one Agent; rooms change, the brain does not
 * reset.
 */
import type { Agent, TickRecord } from '../../brain/agent.js';
import type { Plasticity } from '../../brain/learning/learner.js';
import type { Rng } from '../../math/rng.js';
import type { BrainWorld } from '../../brain/world.js';
import { type SeedStream, spreadPick, streamSeed } from '../seeds.js';
import { tickLogOf } from './tick-log.js';

export interface LiveOptions<W extends BrainWorld = Agent['world']> {
  planning?: boolean;
  /** Called after every tick (recorders). */
  onTick?: (r: TickRecord, agent: Agent<W>) => void;
}

/** Move the lifetime into a room (the brain carries on; the world starts the room afresh). */
export function enter(agent: Agent, room: string, at?: [number, number], seed?: number): void {
  agent.world.reset({ seed, options: at ? { room, agentAt: at } : { room } });
  agent.refresh();
}

export function live<W extends BrainWorld>(agent: Agent<W>, ticks: number, o: LiveOptions<W> = {}): void {
  const prev = agent.switches.planning;
  if (o.planning !== undefined) agent.switches.planning = o.planning;
  const log = tickLogOf(agent);
  for (let i = 0; i < ticks; i++) {
    const r = agent.tick();
    log?.record(r);
    o.onTick?.(r, agent);
  }
  agent.switches.planning = prev;
}

/**
 * Run `fn` with all learning (and rewiring) off, then restore: probes measure without changing the
 * brain. The world's state (and its random stream) is restored too, so a probe that seeds its trials
 * (common random numbers: every condition faces the same spider moves) leaves no trace on the life.
 */
export function withoutLearning<T, W extends BrainWorld>(agent: Agent<W>, fn: () => T): T {
  const p: Plasticity = { ...agent.learner.plasticity };
  const rw = agent.steering.switches.rewiring;
  const world = agent.world.getState();
  Object.assign(agent.learner.plasticity, {
    worldModel: false,
    assessors: false,
    actor: false,
    habit: false,
    memory: false,
    replay: false,
    selfModel: false,
  });
  agent.steering.switches.rewiring = false;
  const log = tickLogOf(agent);
  if (log) log.probing++;
  try {
    return fn();
  } finally {
    if (log) log.probing--;
    Object.assign(agent.learner.plasticity, p);
    agent.steering.switches.rewiring = rw;
    agent.world.setState(world);
    agent.refresh();
  }
}

/** Free cells of the current room at exactly Chebyshev distance `d` from (x, y). */
export function cellsAt(agent: Agent, x: number, y: number, d: number): [number, number][] {
  return agent.world.freeCells().filter(([cx, cy]) => Math.max(Math.abs(cx - x), Math.abs(cy - y)) === d);
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  if (xs.length === 0) throw new RangeError('pick from an empty list');
  return xs[rng.int(xs.length)]!;
}

/** Free cells at least `minSteps` walking steps from the nearest object called `target`. */
export function startsAway(agent: Agent, target: string, minSteps: number): [number, number][] {
  return agent.world.freeCells().filter(([x, y]) => {
    const d = agent.world.distanceTo(target, { x, y });
    return d >= minSteps && Number.isFinite(d);
  });
}

export interface ReachResult {
  reached: number[];
  steps: number[];
}

/**
 * Reach probe: from each start (≥ minSteps away), plan for up to `ticks`; a trial succeeds when the
 * agent stands on the target. Learning off; the target is made inedible so probing is not tasting.
 * Trial i resets the world with member i of the `seeds` stream (the same trials before and after).
 */
export function reachProbe(
  agent: Agent,
  room: string,
  target: string,
  o: { trials: number; ticks: number; minSteps: number; seeds: SeedStream },
): ReachResult {
  return withoutLearning(agent, () => {
    const out: ReachResult = { reached: [], steps: [] };
    enter(agent, room);
    const starts = startsAway(agent, target, o.minSteps);
    if (starts.length === 0) throw new Error(`no cell in '${room}' is ${o.minSteps} steps from '${target}'`);
    for (let i = 0; i < o.trials; i++) {
      enter(agent, room, spreadPick(starts, i), streamSeed(o.seeds, i));
      for (const t of agent.world.find(target)) t.edible = false;
      agent.refresh();
      let steps = -1;
      for (let k = 1; k <= o.ticks && steps < 0; k++) {
        live(agent, 1, { planning: true });
        if (agent.world.distanceTo(target) === 0) steps = k;
      }
      out.reached.push(steps > 0 ? 1 : 0);
      if (steps > 0) out.steps.push(steps);
    }
    return out;
  });
}

/**
 * What the assessors say (predict mode) after `place` has put the agent somewhere: two frozen ticks
 * there, learning off, world restored afterwards. Keyed by assessor name.
 */
export function assessorsAt(agent: Agent, place: () => void): Record<string, number> {
  return withoutLearning(agent, () => {
    place();
    agent.switches.frozen = true;
    live(agent, 2);
    agent.switches.frozen = false;
    const out: Record<string, number> = {};
    agent.learner.assessors.names.forEach((n, i) => (out[n] = agent.learner.preds[i]!));
    return out;
  });
}

/**
 * The reward the Steering Subsystem would pay on the next tick for the world as it is now (e.g. the
 * taste of what was just eaten, which arrives a tick later): a peek — its state is restored.
 */
export function nextReward<W extends BrainWorld>(agent: Agent<W>): number {
  const S = agent.steering,
    st = S.getState();
  const r = S.step(agent.world.steeringChannel(), agent.last!.down).reward;
  S.setState(st);
  return r;
}
