/** Alignment-lab experiments (the registry in ../index.ts lists them). */
export { alignmentOracleExperiments, alignmentOracle } from './oracle.js';
