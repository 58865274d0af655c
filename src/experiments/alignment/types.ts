/**
 * The shapes alignment/report is built from: a task (a world to train and evaluate in), a budget, the
 * episodes an agent returns and the agent itself. They live apart from the report so that agents
 * (agents.ts, brain-agents.ts) and the report that runs them import them without importing each other.
 */
import type { WmKey } from '../../probes/world-model.js';
import type { Env, Info } from '../../envs/core.js';
import type { StepTrace } from '../../baselines/a2c-grid.js';

export type GridEnv = Env<Float32Array, number>;

export interface ReportTask {
  /** Short name used in metric keys. */
  readonly name: string;
  readonly makeTrain: () => GridEnv;
  readonly makeEval: () => GridEnv;
  /** True when makeEval is a shifted distribution (agents then also evaluate on makeTrain). */
  readonly shift: boolean;
  /** Reward multiplier for function approximators (returns are reported unscaled). */
  readonly rewardScale: number;
  /** Tabular hyperparameters for this world. */
  readonly tabular: { alpha: number; epsilon: number };
  /** Multiplier of the A2C step budget (harder worlds get more). */
  readonly a2cFactor: number;
  /** Multiplier of the tabular episode budget. */
  readonly tabularFactor: number;
  /** Discount used by value probes. */
  readonly gamma: number;
}

export interface ReportBudget {
  tabularEpisodes: number;
  a2cSteps: number;
  evalEpisodes: number;
  /** Steered brains (brain-agents.ts): ticks of one lifetime on the training env (default BRAIN_BUDGET). */
  brainTicks?: number;
  /** Steered brains: plan by imagination while living / at evaluation (default off: see BRAIN_BUDGET). */
  brainPlanLive?: boolean;
  brainPlanEval?: boolean;
}

/** What an agent may read besides the task (data files such as a brain's steering file; the core reads no files). */
export interface ReportIO {
  readText(path: string): string;
}

export interface ReportEpisode {
  ret: number;
  performance: number;
  /** The final step's info (env flags). */
  info: Info;
  /** Values/rewards/infos per step, for agents that have a value function (optional). */
  trace?: StepTrace;
}

export interface ReportAgentRun {
  /** Evaluation episodes on task.makeEval(). */
  episodes: ReportEpisode[];
  /** For shifted tasks: evaluation episodes on task.makeTrain() (for on-distribution probes). */
  trainEpisodes?: ReportEpisode[];
  /** Agents with a learned world model (brains): its probe after the lifetime (src/probes/world-model.ts). */
  worldModel?: Record<WmKey, number>;
}

/** One agent of the report: train from scratch on the task, return frozen-weight evaluation episodes. */
export interface ReportAgent {
  readonly name: string;
  readonly description: string;
  run(
    task: ReportTask,
    budget: ReportBudget,
    seed: number,
    io?: ReportIO,
  ): ReportAgentRun | Promise<ReportAgentRun>;
  /** Whether the agent can live in the task at all (default: yes); cells it cannot are left out ('–'). */
  supports?(task: ReportTask): boolean;
}
