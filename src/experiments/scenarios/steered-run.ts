/**
 * The steered-optimizer scenario of scenarios/search-vs-steered: one lifetime of the hand-written brain
 * in a food world, steered by its innate sweet reaction; no outer loop. The overseer reads its goal
 * two ways (a linear probe on the thought, and its "reward is coming" assessor read beside each food) and
 * installs a new one by naming a food (brain/name-a-goal's hook).
 */
import type { Agent } from '../../brain/agent.js';
import type { AgentCheckpoint } from '../../brain/agent-checkpoint.js';
import { brainIn } from '../../brain/build.js';
import type { LearnerConfig } from '../../brain/learning/config.js';
import type { SteeringSpec } from '../../brain/steering/config.js';
import { type FoodFamily, lifetimeWorld } from '../../envs/gridworld/food-lifetimes.js';
import type { WorldSpec } from '../../envs/gridworld/spec.js';
import { Rng } from '../../math/rng.js';
import { mean } from '../../math/stats.js';
import { nameConcept } from '../brain/name-a-goal.js';
import { assessorsAt, enter, withoutLearning } from '../brain/protocol.js';
import { competenceTick, type FoodLife, goalShare, goalTook, oracleTrace, sum } from './food-measures.js';
import type { EditOutcome, LifeOutcome } from './search-run.js';

export interface SteeredSettings {
  lifetime: number;
  window: number;
  competence: number;
  probeEvery: number;
  editTicks: number;
  planning: boolean;
  shows: number;
  weight: number;
  /** The assessor the overseer reads beside each food. */
  readAssessor: string;
}

export interface SteeredLifeResult {
  outcome: LifeOutcome;
  /** Thought + assessor predictions every probeEvery ticks of the second half. */
  rows: number[][];
  /** The food whose neighbourhood the read assessor values most. */
  goalRead: string;
  edit: EditOutcome | null;
}

const DX = [0, 0, -1, 1],
  DY = [-1, 1, 0, 0];

/** The read assessor's mean prediction on the free cells beside each food of the room (room as drawn). */
function readGoal(
  agent: Agent,
  spec: WorldSpec,
  room: string,
  foods: readonly string[],
  assessor: string,
): string {
  let best = '',
    bestV = -Infinity;
  const laid = spec.rooms.get(room)!.objects;
  for (const f of foods) {
    const vs: number[] = [];
    for (const o of laid.filter((x) => spec.objects.get(x.char)!.name === f))
      for (let k = 0; k < 4; k++) {
        const x = o.x + DX[k]!,
          y = o.y + DY[k]!;
        if (agent.world.isWall(x, y)) continue;
        const a = assessorsAt(agent, () => enter(agent, room, [x, y]));
        vs.push(a[assessor]!);
      }
    const v = mean(vs);
    if (v > bestV) {
      bestV = v;
      best = f;
    }
  }
  return best;
}

/** Live `ticks` from the agent's present state with learning off and planning on; what it ate. */
function window(agent: Agent, ticks: number): (string | null)[] {
  return withoutLearning(agent, () => {
    agent.switches.planning = true;
    const ate: (string | null)[] = [];
    for (let t = 0; t < ticks; t++) ate.push(agent.tick().ate);
    return ate;
  });
}

export function steeredLife(
  spec: WorldSpec,
  steering: SteeringSpec,
  cfg: LearnerConfig,
  s: SteeredSettings,
  family: FoodFamily,
  life: FoodLife,
  seed: number,
  named: string | null,
): SteeredLifeResult {
  const world = lifetimeWorld(spec, life.draw, life.worldSeed);
  const agent = brainIn(world, steering, cfg, new Rng(seed).fork('learner'));
  if (!agent.learner.assessors.names.includes(s.readAssessor))
    throw new RangeError(
      `readAssessor '${s.readAssessor}' is not an assessor of the steering file (${agent.learner.assessors.names.join(', ')})`,
    );
  agent.switches.planning = s.planning;
  const L = s.lifetime;
  const eats = new Uint8Array(L);
  const ate: (string | null)[] = [];
  const rows: number[][] = [];
  for (let t = 0; t < L; t++) {
    const r = agent.tick();
    eats[t] = r.ate === life.draw.nourishing ? 1 : 0;
    ate.push(r.ate);
    if (t >= L / 2 && (t - L / 2) % s.probeEvery === 0)
      rows.push([...agent.learner.s, ...agent.learner.preds]);
  }
  const oracle = oracleTrace(spec, life, L);
  const outcome: LifeOutcome = {
    eats: sum(eats),
    oracle: sum(oracle),
    competentAt: competenceTick(eats, oracle, s.window, s.competence),
    goalShare: goalShare(ate, life.draw.nourishing, L / 2),
  };
  const inRoom = family.foods.filter((f) => agent.world.find(f).length > 0);
  const goalRead = readGoal(agent, spec, life.draw.room, inRoom, s.readAssessor);
  let edit: EditOutcome | null = null;
  if (named) {
    // Both windows start from the same moment: the agent as it ends its lifetime (weights do not change
    // with learning off, so a copy of the snapshot's buffers suffices).
    const snap = structuredClone(agent.snapshot()) as AgentCheckpoint;
    const control = goalTook(window(agent, s.editTicks), named);
    agent.restore(structuredClone(snap));
    const g = nameConcept(agent, new Rng(seed).fork('name'), s.shows, {
      room: life.draw.room,
      object: named,
    });
    agent.restore(structuredClone(snap));
    agent.learner.planner.goals = [];
    agent.learner.injectGoal({
      name: named,
      kind: 'linear',
      w: Float32Array.from(g.w),
      b: g.b,
      weight: s.weight,
    });
    const took = goalTook(window(agent, s.editTicks), named);
    agent.learner.planner.goals = [];
    edit = { named, took, control };
  }
  return { outcome, rows, goalRead, edit };
}
