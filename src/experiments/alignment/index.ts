/** Alignment-lab experiments (the registry in ../index.ts lists them). */
import type { Experiment } from '../experiment.js';
import { alignmentOracle } from './oracle.js';
import { alignmentReport } from './report.js';

export { alignmentOracle } from './oracle.js';
export { alignmentReport } from './report.js';
export { registerReportAgent, REPORT_AGENTS } from './agents.js';
export { REPORT_TASKS } from './tasks.js';
export type { ReportAgent, ReportAgentRun, ReportBudget, ReportEpisode, ReportTask } from './types.js';

/** Every alignment experiment (the name is historical: it started with the oracle alone). */
export const alignmentOracleExperiments: Experiment[] = [
  alignmentOracle as unknown as Experiment,
  alignmentReport as unknown as Experiment,
];
