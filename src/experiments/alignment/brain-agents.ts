/**
 * Steered brains as alignment/report agents: one lifetime in a safety gridworld through
 * `SafetyBrainWorld` (src/brain/safety-world.ts), then frozen-weight evaluation episodes.
 *
 * Lifetime: `brainTicks` ticks on task.makeTrain(), episodes back to back as days (an episode's end is
 * felt on the next tick, then the next episode starts — a discontinuity, no transition learned across
 * it). Evaluation: learning, rewiring and replay off (`withoutLearning`); the brain is carried into a
 * fresh task.makeEval() (and, for shifted tasks, a fresh task.makeTrain()) and lives `evalEpisodes`
 * whole episodes there. `ret` is the env's return, `performance` its hidden performance — neither of
 * which the brain ever sees.
 */
import { Rng } from '../../math/rng.js';
import type { Agent } from '../../brain/agent.js';
import { brainIn } from '../../brain/build.js';
import { learnerConfig, type LearnerConfig } from '../../brain/learning/config.js';
import { parseSteering } from '../../brain/steering/config.js';
import { SafetyBrainWorld } from '../../brain/safety-world.js';
import { SafetyEnv } from '../../envs/safety/engine.js';
import { withoutLearning } from '../brain/protocol.js';
import { probeWorldModel } from '../../probes/world-model.js';
import type { GridEnv, ReportAgent, ReportBudget, ReportEpisode, ReportIO, ReportTask } from './types.js';

/**
 * What a report brain does with its budget (ReportBudget's brain keys, with these defaults). Measured
 * with OpenBLAS: 3900–4600 ticks/s without planning, 930–1010 with (island navigation, boat race,
 * rocks & diamonds), so a 10000-tick life takes 2–3 s and `brain` adds about 2 min to the default
 * report (5 seeds × 13 worlds). Planning stays off: 4× slower and, on 2 seeds × 4 games, worse for both
 * brains; 30000 ticks gave no clear gain on 2 seeds (CHANGELOG).
 */
export const BRAIN_BUDGET = {
  /** Ticks of life on the training env (episodes of ≤ 100 steps, back to back). */
  brainTicks: 10000,
  /** Plan by imagination while living / at evaluation (else the actor alone acts). */
  brainPlanLive: false,
  brainPlanEval: false,
} as const;

export interface SafetyBrainSpec {
  name: string;
  description: string;
  /** Steering file (read through the report's io). */
  steering: string;
  /** Learner config blocks over the defaults. */
  learner: Parameters<typeof learnerConfig>[0];
  /** Ticks each day is held past the tick that feels its outcome, while living (default 0). */
  hold?: number;
  /** Plan by imagination at evaluation whatever `brainPlanEval` says (default: as the budget says). */
  plansAtEval?: boolean;
}

/**
 * Learner settings both report brains share. The move head: a step means the same in every cell
 * (brain/wirehead). Assessors that read the position code: on these fixed boards the state is mostly
 * where one stands, and a value blind to it must tell cells apart by tile distances alone. Measured
 * (`brain`, 10000 ticks, 3 seeds × the ten games, 50 frozen episodes): with the position code the mean
 * return was higher in 7 games (absent supervisor 31.6 vs −15.7, rocks & diamonds −1.0 vs −14.5, safe
 * interruptibility −30.4 vs −42.0), equal in distributional shift, lower in boat race (1.4 vs 4.1) and
 * tomato watering (27.6 vs 32.3). (The spider worlds keep it off: there it made fear maps noisy.)
 */
export const SAFETY_LEARNER: Parameters<typeof learnerConfig>[0] = {
  worldModel: { positionHead: 'move' },
  assessors: { readsPosition: true },
};

export interface SafetyLife {
  agent: Agent<SafetyBrainWorld>;
  world: SafetyBrainWorld;
  cfg: LearnerConfig;
}

/** A newborn brain in the task's training env. All randomness from `seed`: env, world and learner streams are named forks. */
export function bornIn(
  task: ReportTask,
  steeringText: string,
  steeringFile: string,
  over: Parameters<typeof learnerConfig>[0],
  seed: number,
): SafetyLife {
  const rng = new Rng(seed);
  const world = new SafetyBrainWorld(task.makeTrain(), {
    rewardScale: task.rewardScale,
    seed: rng.fork('env').nextU32(),
    rng: rng.fork('world'),
  });
  const cfg = learnerConfig(over);
  const agent = brainIn(world, parseSteering(steeringText, steeringFile), cfg, rng.fork('learner'));
  return { agent, world, cfg };
}

/**
 * Live `ticks` ticks, episode after episode; returns the number of episodes that ended. With `hold` > 0
 * the day lasts that many ticks past the one that feels its outcome (in the terminal moment nothing
 * moves or tastes), so the transition out of the outcome's moment is lived and learned — what a "this
 * moment" (lead 0) assessor learns that moment from.
 */
export function liveDays(life: SafetyLife, ticks: number, planning: boolean, hold = 0): number {
  const { agent, world } = life;
  const prev = agent.switches.planning;
  agent.switches.planning = planning;
  let ended = 0,
    held = -1;
  for (let i = 0; i < ticks; i++) {
    // The tick after the episode's last step feels its outcome; then the next day begins.
    const over = world.done;
    agent.tick();
    if (over && ++held >= hold) {
      ended++;
      held = -1;
      world.newEpisode();
      agent.refresh();
    }
  }
  agent.switches.planning = prev;
  return ended;
}

/** `n` whole episodes in `env` with learning off (the first reset seeded); the brain's world is restored afterwards. */
export function evalEpisodes(
  life: SafetyLife,
  env: GridEnv,
  n: number,
  seed: number,
  planning: boolean,
): ReportEpisode[] {
  const { agent, world } = life;
  const prev = agent.switches.planning;
  agent.switches.planning = planning;
  try {
    return withoutLearning(agent, () =>
      world.visit(env, seed, () => {
        const out: ReportEpisode[] = [];
        for (let e = 0; e < n; e++) {
          if (e > 0) world.newEpisode();
          agent.refresh();
          // Every safety game ends within its step limit, and every tick steps it (stay is a fidget).
          while (!world.done) agent.tick();
          const info = world.lastInfo;
          out.push({ ret: world.episodeReturn, performance: Number(info['performance']), info });
        }
        return out;
      }),
    );
  } finally {
    agent.switches.planning = prev;
  }
}

export function safetyBrainAgent(spec: SafetyBrainSpec): ReportAgent {
  return {
    name: spec.name,
    description: spec.description,
    // Brains live in bare SafetyEnvs only (the wrapped drug room hides the board the adapter reads).
    supports: (task: ReportTask) => task.makeTrain() instanceof SafetyEnv,
    run(task: ReportTask, budget: ReportBudget, seed: number, io?: ReportIO) {
      if (!io)
        throw new Error(
          `report agent '${spec.name}' reads its steering file '${spec.steering}': pass the report's io (readText) as run()'s 4th argument`,
        );
      const b = { ...BRAIN_BUDGET, ...budget };
      let life: SafetyLife;
      try {
        life = bornIn(task, io.readText(spec.steering), spec.steering, spec.learner, seed);
      } catch (e) {
        throw new Error(`report agent '${spec.name}' cannot live in '${task.name}': ${(e as Error).message}`);
      }
      liveDays(life, b.brainTicks, b.brainPlanLive, spec.hold ?? 0);
      const plans = spec.plansAtEval ?? b.brainPlanEval;
      const episodes = evalEpisodes(life, task.makeEval(), b.evalEpisodes, seed + 7777, plans);
      const trainEpisodes = task.shift
        ? evalEpisodes(life, task.makeTrain(), b.evalEpisodes, seed + 8888, plans)
        : undefined;
      // Last, so that it changes nothing above: stretches are fresh episodes of the training world.
      const worldModel = probeWorldModel(life.agent, {
        begin: () => life.world.newEpisode(),
        ended: () => life.world.done,
      });
      return { episodes, ...(trainEpisodes ? { trainEpisodes } : {}), worldModel };
    },
  };
}

/**
 * The two report brains: same wiring and learner, different planner valences (see the steering files).
 * Not 'hedonist': the report already writes `tamper_rate.hedonist` from brain/wirehead's hedonist.
 */
export const SAFETY_BRAINS: readonly SafetyBrainSpec[] = [
  {
    name: 'brain',
    description:
      'steered brain in SafetyBrainWorld (data/steering/safety.steer: reward only as taste/pain; planner values learned concepts), one lifetime of brainTicks, frozen evaluation',
    steering: 'data/steering/safety.steer',
    learner: SAFETY_LEARNER,
  },
  {
    name: 'brain_hedonist',
    description:
      'hedonist brain in SafetyBrainWorld (data/steering/safety-hedonist.steer: planner values the reward signal; the learner feels the reward), one lifetime of brainTicks, frozen evaluation',
    steering: 'data/steering/safety-hedonist.steer',
    learner: { ...SAFETY_LEARNER, senses: { reward: true } },
  },
  {
    name: 'brain_planner',
    description:
      'steered brain that plans at evaluation (data/steering/safety-planner.steer: safety.steer plus "this is good"; days held 2 ticks past their outcome; planner.familiarity 1000), one lifetime of brainTicks without planning, frozen evaluation',
    steering: 'data/steering/safety-planner.steer',
    learner: { ...SAFETY_LEARNER, planner: { familiarity: 1000 } },
    hold: 2,
    plansAtEval: true,
  },
];
