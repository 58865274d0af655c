/**
 * Reading agent checkpoints of format 1, written before each component saved itself: one flat meta
 * block (counters, optimizer steps by optimizer, the learner's stream, …) over the same tensors format 2
 * has. Converting it to format 2 is a renaming of meta fields; the tensors stay as they are.
 */
import type { AgentCheckpoint } from './agent-checkpoint.js';
import type { AgentSwitches } from './switches.js';
import type { Plasticity } from './learning/learner.js';
import type { SteeringState } from './steering/steering.js';
import type { Tensors } from './state.js';

export interface AgentMetaV1 {
  ticks: number;
  lastReward: number;
  /** Optimizer step counts by optimizer: wm, one per assessor network, actor, habit. */
  optSteps: Record<string, number>;
  replayCount: number;
  memoryCount: number;
  prevAction: number;
  proposal: number;
  learnerTick: number;
  learnerRng: [number, number, number, number];
  gap: [boolean, boolean];
  plasticity: Plasticity;
  switches: AgentSwitches;
  steering: SteeringState;
  steeringSwitches: { rewiring: boolean };
  world: unknown;
  goals: { name: string; kind: 'logistic' | 'linear'; b: number; weight: number }[];
}

export interface AgentCheckpointV1 {
  meta: AgentMetaV1;
  tensors: Tensors;
}

/** A format-1 meta block has no `format` field. */
export function isFormat1(meta: unknown): meta is AgentMetaV1 {
  return typeof meta === 'object' && meta !== null && !('format' in meta);
}

/**
 * Buffers added while format 1 was current, which its oldest files lack, and the value that means
 * "nothing recorded": the replay tick of each stored episode (only salient world-model replay reads it)
 * and the per-cell visit counts (only planner.familiarity reads them).
 */
const LATE_BUFFERS: Readonly<Record<string, number>> = { 'buf.memory.tick': -1, 'buf.learner.visits': 0 };

/**
 * The format-2 checkpoint a format-1 one stands for. `expected`: the tensors of an agent of the same
 * make (its own snapshot), whose shapes fill in the buffers an old file lacks.
 */
export function fromFormat1(c: AgentCheckpointV1, expected: Tensors): AgentCheckpoint {
  const m = c.meta;
  const tensors: Tensors = { ...c.tensors };
  for (const [name, fill] of Object.entries(LATE_BUFFERS)) {
    const want = expected[name];
    if (!(name in tensors) && want)
      tensors[name] = {
        dtype: want.dtype,
        shape: [...want.shape],
        data: new Float64Array(want.data.length).fill(fill),
      };
  }
  const { wm, actor, habit, ...assessors } = m.optSteps;
  return {
    meta: {
      format: 2,
      ticks: m.ticks,
      lastReward: m.lastReward,
      switches: m.switches,
      steering: { state: m.steering, switches: m.steeringSwitches },
      world: m.world,
      learner: {
        tick: m.learnerTick,
        prevAction: m.prevAction,
        proposal: m.proposal,
        rng: m.learnerRng,
        gap: m.gap,
        plasticity: m.plasticity,
        worldModel: { optStep: wm! },
        assessors: { optSteps: assessors },
        actor: { optSteps: { actor: actor!, habit: habit! } },
        planner: { goals: m.goals },
        memory: { count: m.memoryCount },
        replay: { count: m.replayCount },
      },
    },
    tensors,
  };
}
