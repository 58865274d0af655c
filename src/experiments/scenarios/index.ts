/** Experiments that set the two scenarios of seed 004 side by side. */
import type { Experiment } from '../experiment.js';
import { searchVsSteered } from './search-vs-steered.js';

export const scenarioExperiments: Experiment[] = [searchVsSteered as unknown as Experiment];
