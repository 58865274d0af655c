/**
 * The agents of alignment/report, the extension point: name → `run(task, budget, seed)`, which trains
 * from scratch on `task.makeTrain()` and returns frozen-weight evaluation episodes on `task.makeEval()`
 * (and, for tasks with a distribution shift, on the training distribution too). Built in: `a2c`
 * (src/baselines/a2c-grid.ts), `q_learning` and `sarsa` (src/baselines/tabular.ts), the `random` and
 * `scripted` references, and the steered brains of brain-agents.ts. `registerReportAgent()` adds more;
 * `--set agents=[...]` picks which run.
 */
import type { Info } from '../../envs/core.js';
import { KeysChestsGame, SafetyEnv, type KCState } from '../../envs/safety/index.js';
import { evaluate as evaluateTabular, train as trainTabular, TabularAgent } from '../../baselines/tabular.js';
import { evaluateA2C, trainA2C } from '../../baselines/a2c-grid.js';
import { SAFETY_BRAINS, safetyBrainAgent } from './brain-agents.js';
import type { GridEnv, ReportAgent, ReportAgentRun, ReportEpisode, ReportTask } from './types.js';

/** The agents table: name → train/evaluate. Add agents with registerReportAgent(). */
export const REPORT_AGENTS = new Map<string, ReportAgent>();

export function registerReportAgent(a: ReportAgent): void {
  REPORT_AGENTS.set(a.name, a);
}

/** The agents defined here (the brains of brain-agents.ts aside). */
export const BUILTIN_AGENTS = ['a2c', 'q_learning', 'sarsa', 'random', 'scripted'];
/** The default agents: the baselines and the steered brain (brain_hedonist is opt-in: see brain-agents.ts). */
export const DEFAULT_AGENTS = [...BUILTIN_AGENTS, 'brain'];
/** Every built-in agent, the order metric keys are documented in. */
export const ALL_BUILTIN_AGENTS = [...BUILTIN_AGENTS, ...SAFETY_BRAINS.map((b) => b.name)];

/** Evaluation on the task's eval env and, for shifted tasks, on its training env (fixed seed offsets). */
function evaluated(
  t: ReportTask,
  seed: number,
  evaluate: (make: () => GridEnv, seed: number) => ReportEpisode[],
): ReportAgentRun {
  const episodes = evaluate(t.makeEval, seed + 7777);
  const trainEpisodes = t.shift ? evaluate(t.makeTrain, seed + 8888) : undefined;
  return { episodes, ...(trainEpisodes ? { trainEpisodes } : {}) };
}

function fromTabular(recs: { ret: number; performance: number; info: Info }[]): ReportEpisode[] {
  return recs.map((r) => ({ ret: r.ret, performance: r.performance, info: r.info }));
}

function tabularAgent(name: string, algorithm: 'q' | 'sarsa', description: string): ReportAgent {
  return {
    name,
    description,
    run(t, b, seed) {
      const r = trainTabular(t.makeTrain(), {
        algorithm,
        episodes: Math.round(b.tabularEpisodes * t.tabularFactor),
        alpha: t.tabular.alpha,
        epsilon: t.tabular.epsilon,
        gamma: t.gamma,
        seed,
      });
      return evaluated(t, seed, (make, s) =>
        fromTabular(evaluateTabular(make(), r.agent, { episodes: b.evalEpisodes, seed: s })),
      );
    },
  };
}

const a2c: ReportAgent = {
  name: 'a2c',
  description:
    'feed-forward A2C (MLP 64, n-step 8, 8 envs, Adam 3e-3, entropy 0.05→0.005), sampled actions at evaluation',
  run(t, b, seed) {
    const r = trainA2C(t.makeTrain, {
      steps: Math.round(b.a2cSteps * t.a2cFactor),
      lr: 3e-3,
      gamma: t.gamma,
      rewardScale: t.rewardScale,
      seed,
    });
    // Value traces only where the value probe reads them (tasks with a shift).
    return evaluated(t, seed, (make, s) =>
      evaluateA2C(make(), r.agent, { episodes: b.evalEpisodes, seed: s, record: t.shift }),
    );
  },
};

// The control every probe rate is read against: what acting at random gives (e.g. extra keys in
// keys_chests, the coin in one's path in coin_end). Nothing is trained; ε = 1 on an empty table.
const random: ReportAgent = {
  name: 'random',
  description:
    'uniformly random policy (no training): the chance level of every return, performance and probe rate',
  run(t, b, seed) {
    const none = new TabularAgent(4);
    return evaluated(t, seed, (make, s) =>
      fromTabular(evaluateTabular(make(), none, { episodes: b.evalEpisodes, seed: s, epsilon: 1 })),
    );
  },
};

// The other reference: the intended goal pursued competently by a script that reads the game state —
// what "no misgeneralization" looks like. Only where a task has a script (keys_chests: open chests).
function scriptedEpisodes(make: () => GridEnv, episodes: number, seed: number): ReportEpisode[] {
  const env = make() as unknown as SafetyEnv<KCState>;
  if (!(env instanceof SafetyEnv) || !(env.game instanceof KeysChestsGame))
    throw new TypeError('scripted: keys_chests needs a bare SafetyEnv around KeysChestsGame');
  const game = env.game;
  const out: ReportEpisode[] = [];
  for (let e = 0; e < episodes; e++) {
    env.reset(e === 0 ? { seed } : {});
    let ret = 0,
      info: Info = {};
    for (let done = false; !done; ) {
      const r = env.step(game.intendedAction(env.getState().state));
      ret += r.reward;
      info = r.info;
      done = r.terminated || r.truncated;
    }
    out.push({ ret, performance: Number(info['performance']), info });
  }
  return out;
}

const scripted: ReportAgent = {
  name: 'scripted',
  description:
    'the intended goal scripted with full state (keys_chests only: holding a key, the nearest chest by a path that picks up no spare key where there is one; else the nearest key): the no-misgeneralization reference',
  supports: (t) => t.name === 'keys_chests',
  run(t, b, seed) {
    return {
      episodes: scriptedEpisodes(t.makeEval, b.evalEpisodes, seed + 7777),
      trainEpisodes: scriptedEpisodes(t.makeTrain, b.evalEpisodes, seed + 8888),
    };
  },
};

registerReportAgent(a2c);
registerReportAgent(
  tabularAgent(
    'q_learning',
    'q',
    'tabular Q-learning on the rendered board (ε-greedy 0.1, α 0.1, γ 0.99), greedy evaluation',
  ),
);
registerReportAgent(
  tabularAgent(
    'sarsa',
    'sarsa',
    'tabular SARSA on the rendered board (ε-greedy 0.1, α 0.1, γ 0.99), greedy evaluation',
  ),
);
for (const b of SAFETY_BRAINS) registerReportAgent(safetyBrainAgent(b));
registerReportAgent(random);
registerReportAgent(scripted);
