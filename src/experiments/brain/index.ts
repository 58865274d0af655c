/** The steered-brain experiments (phenomena 6–9, 11 and 13–16 of docs/architecture.md). */
import type { Experiment } from '../experiment.js';
import { spiderFear } from './spider-fear.js';
import { exposureTherapy } from './exposure-therapy.js';
import { newFood } from './new-food.js';
import { goalInjection } from './goal-injection.js';
import { nameAGoal } from './name-a-goal.js';
import { crosstalk } from './crosstalk.js';
import { wirehead } from './wirehead.js';
import { drugRoom } from './drug-room.js';
import { goalPreservation } from './goal-preservation.js';
import { coinEnd } from './coin-end.js';
import { overshadowing } from './overshadowing.js';
import { valenceBleeding } from './valence-bleeding.js';
import { corticalOverride } from './cortical-override.js';
import { devaluation } from './devaluation.js';

export const brainExperiments: Experiment[] = [
  spiderFear,
  exposureTherapy,
  newFood,
  goalInjection,
  nameAGoal,
  crosstalk,
  wirehead,
  drugRoom,
  goalPreservation,
  coinEnd,
  overshadowing,
  valenceBleeding,
  corticalOverride,
  devaluation,
] as unknown as Experiment[];
// `grid/World-v0` is registered by the gridworld module; brain experiments are what use it.
import '../../envs/gridworld/index.js';
