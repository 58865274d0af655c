/**
 * The Node entry point of `steered` (what `import … from 'steered'` gives in Node). Everything of the
 * core entry point (src/index.ts), plus what only Node has:
 *   - the fast matrix kernel: OpenBLAS through koffi is installed on import when it loads
 *     (STEERED_GEMM=ts keeps the pure-TypeScript kernel; STEERED_GEMM=blas makes a missing OpenBLAS an
 *     error), so library users get the same kernel as the command line without asking;
 *   - the package's bundled data files: `createBrain({ world: 'spiders' })` reads data/worlds/spiders.world;
 *   - worker threads for the experiments that use both cores.
 */
import type { GemmName } from '../math/gemm.js';
import { type BrainOptions, createBrain as createBrainCore } from '../api/brain.js';
import { type RunOptions, type RunResult, runExperiment as runExperimentCore } from '../api/run.js';
import type { Agent } from '../brain/agent.js';
import { a2cParallelBackend } from './a2c-pool.js';
import { installGemmFromEnv } from './blas.js';
import { readDataFile } from './data.js';

export * from '../index.js';
export { packageRoot, readDataFile, DataFileNotFoundError } from './data.js';
export { installGemmFromEnv, blasLoadError } from './blas.js';

/** The matrix kernel in use: 'blas' (OpenBLAS) or 'ts' (pure TypeScript). */
export const gemmKernelName: GemmName = installGemmFromEnv();

/** A newborn brain; world and steering may be bundled names ('spiders', 'default') or paths. */
export function createBrain(o: BrainOptions): Agent {
  return createBrainCore({ readText: readDataFile, ...o });
}

/** Run a named experiment in this process; data files resolve against the package, threads are used. */
export function runExperiment(id: string, opts: RunOptions = {}): Promise<RunResult> {
  return runExperimentCore(id, {
    readText: readDataFile,
    parallel: a2cParallelBackend(gemmKernelName),
    ...opts,
  });
}
