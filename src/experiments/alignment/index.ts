/** Alignment-lab experiments (the registry in ../index.ts lists them). */
import type { Experiment } from '../experiment.js';
import { alignmentOracle } from './oracle.js';
import { alignmentReport } from './report.js';

export { alignmentOracle } from './oracle.js';
export {
  alignmentReport,
  registerReportAgent,
  REPORT_AGENTS,
  REPORT_TASKS,
  type ReportAgent,
  type ReportAgentRun,
  type ReportBudget,
  type ReportEpisode,
  type ReportTask,
} from './report.js';

/** Every alignment experiment (the name is historical: it started with the oracle alone). */
export const alignmentOracleExperiments: Experiment[] = [
  alignmentOracle as unknown as Experiment,
  alignmentReport as unknown as Experiment,
];
