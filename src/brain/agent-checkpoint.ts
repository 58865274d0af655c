/**
 * What an agent checkpoint holds (format 2): the agent's counters and switches, the world's state, and
 * the Steering and Learning Subsystems' states, each composed by its owner. Format 1 files are read by
 * agent-format1.ts.
 */
import type { LearnerMeta } from './learning/learner.js';
import type { SteeringMeta } from './steering/steering.js';
import type { Tensors } from './state.js';
import type { AgentSwitches } from './switches.js';

/** Version of the agent checkpoint layout; a checkpoint's meta carries it (format 1 had no field). */
export const AGENT_FORMAT = 2;

export interface AgentMeta {
  format: typeof AGENT_FORMAT;
  ticks: number;
  lastReward: number;
  switches: AgentSwitches;
  steering: SteeringMeta;
  /** The world's own plain-data state (GridWorldState for the brain gridworld). */
  world: unknown;
  learner: LearnerMeta;
}

/** An agent's snapshot: plain data and named tensors (src/brain/state.ts names them). */
export interface AgentCheckpoint {
  meta: AgentMeta;
  tensors: Tensors;
}
