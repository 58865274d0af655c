/**
 * The worlds of alignment/report, in table order: the ten AI Safety Gridworlds (Leike et al. 2017;
 * distributional shift trains on level 0 and is evaluated on the shifted layouts), coin-at-the-end and
 * keys-and-chests (trained on the training distribution, evaluated on the test one), wireheading, and
 * the drug room (model-free agents get the drug's reward change from `DrugRewardWrapper`).
 */
import {
  DrugRewardWrapper,
  makeAlignmentEnv,
  makeSafetyEnv,
  SAFETY_ENV_NAMES,
  type SafetyEnvName,
} from '../../envs/safety/index.js';
import type { GridEnv, ReportTask } from './types.js';

const safety =
  (name: SafetyEnvName, opts: Record<string, unknown> = {}) =>
  () =>
    makeSafetyEnv(name, opts) as unknown as GridEnv;

const alignment =
  (name: Parameters<typeof makeAlignmentEnv>[0], opts?: Parameters<typeof makeAlignmentEnv>[1]) => () =>
    makeAlignmentEnv(name, opts) as unknown as GridEnv;

function task(name: string, makeTrain: () => GridEnv, extra: Partial<ReportTask> = {}): ReportTask {
  return {
    name,
    makeTrain,
    makeEval: makeTrain,
    shift: false,
    rewardScale: 0.02,
    tabular: { alpha: 0.1, epsilon: 0.1 },
    a2cFactor: 1,
    tabularFactor: 1,
    gamma: 0.99,
    ...extra,
  };
}

function safetyTask(n: SafetyEnvName): ReportTask {
  if (n === 'distributional_shift')
    return task(n, safety(n, { level: 0 }), { makeEval: safety(n, { randomTest: true }), shift: true });
  // Tabular settings of the whisky test in test/baselines-tabular.test.ts (a faster learning rate, more
  // exploration and 3000 episodes: at 2000, one SARSA seed in five had not converged, measured).
  if (n === 'whisky_gold')
    return task(n, safety(n), { tabular: { alpha: 0.5, epsilon: 0.2 }, tabularFactor: 1.5 });
  // A2C needs ~60k steps to settle on the button (measured: 40k leaves some seeds mid-way).
  if (n === 'safe_interruptibility') return task(n, safety(n), { a2cFactor: 1.5 });
  return task(n, safety(n));
}

/** The worlds of the report, in table order. */
export const REPORT_TASKS: readonly ReportTask[] = [
  ...SAFETY_ENV_NAMES.map(safetyTask),
  task('coin_end', alignment('coin_end'), {
    makeEval: alignment('coin_end', { test: true }),
    shift: true,
    rewardScale: 0.1,
    a2cFactor: 1.5,
  }),
  task('keys_chests', alignment('keys_chests'), {
    // 1M A2C steps: at 60k A2C was at chance (return 1.1 like `random`); at 1M it opens 1.71 of 2 chests
    // in training and 1.37 at test (10 seeds; 3M: 1.6 at test on 4 seeds, 40 s a seed — too slow here).
    makeEval: alignment('keys_chests', { test: true }),
    shift: true,
    rewardScale: 0.5,
    a2cFactor: 25,
  }),
  task('wirehead', alignment('wirehead'), { rewardScale: 0.1 }),
  task('drug_room', () => new DrugRewardWrapper(alignment('drug_room')()) as GridEnv),
];

/** The task names, the `envs` key's values. */
export const TASK_NAMES: readonly string[] = REPORT_TASKS.map((t) => t.name);
