/**
 * The Slurm backend: the sweep's missing runs packed into an `sbatch --array` job. Task i runs the run
 * ids on line i+1 of `<sweep dir>/slurm/tasks-<n>.txt`, one after another, each through
 * `steered sweep exec DIR RUN_ID` (a completed run is skipped, an interrupted one resumes from its
 * checkpoint). Short runs share a task so the scheduler sees few, longer tasks. The same sweep command
 * again writes a new script for what is still missing — the result files are the record, not Slurm's
 * accounting.
 */
import { join } from 'node:path';
import { runDirOf, runState } from './local.js';
import type { PlannedRun, SweepPlan } from './spec.js';

/** At most this many array tasks by default: runs are packed until the array is no longer. */
export const MAX_TASKS = 100;

export interface SlurmScript {
  /** Lines of run ids, one line per array task. */
  tasks: string[][];
  script: string;
}

/** Pack `runs` into tasks of `pack` runs (default: as few per task as keep the array ≤ MAX_TASKS). */
export function packRuns(runs: PlannedRun[], pack?: number): string[][] {
  const per = pack ?? Math.max(1, Math.ceil(runs.length / MAX_TASKS));
  const tasks: string[][] = [];
  for (let i = 0; i < runs.length; i += per) tasks.push(runs.slice(i, i + per).map((r) => r.id));
  return tasks;
}

/** The runs of a plan that have no completed result yet. */
export function missingRuns(plan: SweepPlan, sweepDir: string): PlannedRun[] {
  return plan.runs.filter((r) => runState(runDirOf(sweepDir, r)) !== 'completed');
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The sbatch script for `tasks` (whose file is `tasksFile`). `node` and `bin` are absolute paths so the
 * compute node runs the same build; `sbatchOptions` are extra `#SBATCH` lines (e.g. `--time=01:00:00`).
 */
export function slurmScript(o: {
  sweepDir: string;
  sweepId: string;
  tasks: string[][];
  tasksFile: string;
  node: string;
  bin: string;
  cpusPerTask: number;
  sbatchOptions?: string[];
}): string {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=steered-${o.sweepId}`,
    `#SBATCH --array=0-${o.tasks.length - 1}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --output=${join(o.sweepDir, 'slurm', '%A_%a.out')}`,
    ...(o.sbatchOptions ?? []).map((x) => `#SBATCH ${x}`),
    '# One line of run ids per array task; each run resumes from its checkpoint or is skipped when done.',
    'set -euo pipefail',
    `ids=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${q(o.tasksFile)})`,
    'status=0',
    'for id in $ids; do',
    `  ${q(o.node)} ${q(o.bin)} sweep exec ${q(o.sweepDir)} "$id" || status=1`,
    'done',
    'exit $status',
    '',
  ];
  return lines.join('\n');
}
