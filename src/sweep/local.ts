/**
 * The local sweep backend: a pool of `jobs` child processes, one `steered run` per run, each in its
 * own run directory under `<sweep dir>/runs/<run id>/`.
 *
 * Exactly once: a run whose final.json says "completed" is never started again; a run with a committed
 * checkpoint continues from it (`steered run --resume`, which equals an uninterrupted run); a run
 * without one starts afresh in an emptied directory. A child that dies (killed, crashed) is retried
 * from its checkpoint, up to `attempts` times; a child that exits 2 (bad config or data) is not. The
 * children leave with the sweep: each holds an IPC channel to it and exits when the channel closes,
 * so a SIGKILLed sweep leaves no orphan computing a run twice.
 *
 * One sweep process per directory: `<sweep dir>/sweep.lock` holds its pid; a lock whose process is
 * gone (the sweep was killed) is taken over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readLatestPointer } from '../runs/checkpoint.js';
import { CONFIG_FILE, FINAL_FILE } from '../runs/rundir.js';
import { type PlannedRun, RUNS_DIR, SweepError, type SweepPlan } from './spec.js';

export const LOCK = 'sweep.lock';

export type RunState = 'completed' | 'failed' | 'resumable' | 'fresh';

export function runDirOf(sweepDir: string, run: PlannedRun): string {
  return join(sweepDir, RUNS_DIR, run.id);
}

/** Where a planned run stands, from its directory alone. */
export function runState(dir: string): RunState {
  const fin = join(dir, FINAL_FILE);
  if (existsSync(fin)) {
    try {
      const s = (JSON.parse(readFileSync(fin, 'utf8')) as { status?: string }).status;
      if (s === 'completed') return 'completed';
      if (s === 'failed') return 'failed';
    } catch {
      /* final.json is written atomically: unreadable means tampered; start over */
    }
  }
  if (existsSync(join(dir, CONFIG_FILE)) && readLatestPointer(dir)) return 'resumable';
  return 'fresh';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the sweep directory's lock; SweepError when a live sweep holds it. Returns the release. */
export function lockSweep(sweepDir: string): () => void {
  const p = join(sweepDir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(p, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(p, 'utf8').trim() === String(process.pid)) unlinkSync(p);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(p, 'utf8'), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new SweepError(`another sweep (pid ${pid}) is working in ${sweepDir}`);
      rmSync(p, { force: true });
    }
  }
  throw new SweepError(`could not lock ${sweepDir}`);
}

export interface RunOutcome {
  run: PlannedRun;
  status: 'completed' | 'failed' | 'skipped';
  seconds: number;
  /** The last stderr line of a failed run. */
  error?: string;
}

export interface LocalOptions {
  sweepDir: string;
  /** Path of bin/steered.js. */
  bin: string;
  jobs: number;
  /** Starts of one run before it counts as failed (a retry continues from the checkpoint). */
  attempts?: number;
  /** Called as runs start and end, for progress. */
  onUpdate?: (s: { done: number; total: number; running: number; failed: number }) => void;
  onRunEnd?: (o: RunOutcome) => void;
}

export interface LocalResult {
  outcomes: RunOutcome[];
  /** Runs that were already completed before this call. */
  skipped: number;
}

function childArgs(
  experiment: string,
  run: PlannedRun,
  dir: string,
  resume: boolean,
  root: string,
): string[] {
  const tail = ['--runs-root', root, '--json', '--quiet'];
  return resume
    ? ['run', experiment, '--resume', dir, ...tail]
    : [
        'run',
        experiment,
        '--seed',
        String(run.seed),
        ...run.sets.flatMap((s) => ['--set', s]),
        '--out',
        dir,
        ...tail,
      ];
}

export interface ExecResult {
  completed: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last stderr line (or the exit status) when the run did not complete. */
  error?: string;
}

/**
 * One start of one planned run in a child process: nothing when it is completed already, a resume when
 * it has a committed checkpoint, else a fresh start in an emptied directory.
 */
export function execRun(
  experiment: string,
  run: PlannedRun,
  sweepDir: string,
  bin: string,
  hooks: { started?: (c: ChildProcess) => void; ended?: (c: ChildProcess) => void } = {},
): Promise<ExecResult> {
  const dir = runDirOf(sweepDir, run);
  const state = runState(dir);
  if (state === 'completed') return Promise.resolve({ completed: true, code: 0, signal: null });
  // A run without a checkpoint (or one that failed) starts over in an empty directory.
  if (state !== 'resumable') rmSync(dir, { recursive: true, force: true });
  const args = childArgs(experiment, run, dir, state === 'resumable', sweepDir);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, STEERED_SWEEP_CHILD: '1' },
    });
    hooks.started?.(child);
    let err = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      err = (err + d).slice(-4000);
    });
    child.on('close', (code, signal) => {
      hooks.ended?.(child);
      const completed = code === 0 && runState(dir) === 'completed';
      const last = err.trim().split('\n').pop() ?? '';
      resolve({ completed, code, signal, ...(completed ? {} : { error: last || `exit ${code ?? signal}` }) });
    });
  });
}

/** Run every planned run that is not completed; resolves when all have ended. */
export async function runLocal(plan: SweepPlan, o: LocalOptions): Promise<LocalResult> {
  const attempts = o.attempts ?? 3;
  const jobs = Math.max(1, Math.floor(o.jobs));
  mkdirSync(join(o.sweepDir, RUNS_DIR), { recursive: true });
  const todo: PlannedRun[] = [];
  let skipped = 0;
  for (const r of plan.runs) {
    if (runState(runDirOf(o.sweepDir, r)) === 'completed') skipped++;
    else todo.push(r);
  }
  const outcomes: RunOutcome[] = [];
  const total = plan.runs.length;
  const children = new Set<ChildProcess>();
  let failed = 0;
  const update = () =>
    o.onUpdate?.({ done: skipped + outcomes.length, total, running: children.size, failed });
  // SIGINT/SIGTERM: start nothing new and pass the signal on (each run then marks itself interrupted).
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  update();

  const runOne = (run: PlannedRun): Promise<RunOutcome> => {
    const t0 = Date.now();
    const attempt = async (n: number): Promise<RunOutcome> => {
      const r = await execRun(plan.experiment, run, o.sweepDir, o.bin, {
        started: (c) => {
          children.add(c);
          update();
        },
        ended: (c) => children.delete(c),
      });
      const seconds = (Date.now() - t0) / 1000;
      if (r.completed) return { run, status: 'completed', seconds };
      // Exit 2 is a bad config or data file: the same command would fail the same way.
      if (r.code === 2 || n + 1 >= attempts || stopping)
        return { run, status: 'failed', seconds, error: r.error };
      return attempt(n + 1);
    };
    return attempt(0);
  };

  try {
    let next = 0;
    const worker = async () => {
      while (!stopping && next < todo.length) {
        const run = todo[next++]!;
        const out = await runOne(run);
        if (out.status === 'failed') failed++;
        outcomes.push(out);
        o.onRunEnd?.(out);
        update();
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, worker));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return { outcomes, skipped };
}
