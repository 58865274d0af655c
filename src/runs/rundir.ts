/**
 * One run's directory and the append-only logs in it.
 *
 *   <dir>/config.json                          {id, experiment, seed, createdAt, config}; atomic, written once
 *   <dir>/metrics.jsonl                        one JSON object per logMetrics call: {"step":N, ...record}
 *   <dir>/events.out.tfevents.<secs>.<host>    TensorBoard scalars, same records as metrics.jsonl
 *   <dir>/checkpoints/ckpt-<step>.bin          last K checkpoints (see checkpoint.ts)
 *   <dir>/checkpoints/latest                   pointer to the newest committed checkpoint
 *   <dir>/figures/<name>.svg                   figures; atomic
 *   <dir>/final.json                           {id, experiment, seed, status, metrics}; atomic, at finish
 *   <dir>/run.lock                             {pid, host} of the process writing the run, while it does
 *
 * Exact resume: every checkpoint stores the byte lengths of both logs (`offsets()`), taken after
 * syncing them. Resuming cuts the logs back to those lengths, so whatever a killed process logged
 * after its last checkpoint is dropped and logged again by the deterministic replay. metrics.jsonl
 * holds no wall-clock data and is therefore byte-identical to an uninterrupted run's; the event file
 * is identical except for wall_time fields, which record when the replayed steps actually ran.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, removeStaleTemps } from './atomic.js';
import {
  saveCheckpoint as saveCkptFile,
  loadLatest,
  CHECKPOINT_DIR,
  type Checkpoint,
  type LogOffsets,
  type SaveOptions,
} from './checkpoint.js';
import { EventFileWriter, EVENT_FILE_PREFIX } from './tensorboard.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'interrupted'];

export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.jsonl';
export const FINAL_FILE = 'final.json';
export const FIGURES_DIR = 'figures';
export const LOCK_FILE = 'run.lock';

export class RunStoreError extends Error {
  override name = 'RunStoreError';
}

/** Contents of config.json: enough to identify the run without the database. */
export interface RunInfo {
  id: string;
  experiment: string;
  seed: number;
  createdAt: string;
  config: unknown;
  /** The numeric configuration the run was made under (absent in runs made before 0.2.0). */
  numeric?: unknown;
}

/** What a RunDir needs from the database; implemented by RunStore. */
export interface RunRowSink {
  touch(id: string): void;
  setFinished(id: string, status: RunStatus, finalMetricsJson: string): void;
}

/**
 * JSON has no NaN or Infinity; JSON.stringify would turn them into null and hide a diverged loss.
 * They are written as the strings "NaN", "Infinity" and "-Infinity" instead.
 */
export function metricValueToJson(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function metricsLine(step: number, record: Record<string, number>): string {
  const obj: Record<string, number | string> = { step };
  for (const [k, v] of Object.entries(record)) obj[k] = metricValueToJson(v);
  return `${JSON.stringify(obj)}\n`;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

function fileSize(p: string): number | null {
  try {
    return fs.statSync(p).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Check, without changing anything, that both logs of `dir` can be cut back to `offsets`. Returns a
 * one-line problem or null.
 */
export function checkOffsets(dir: string, offsets: unknown): string | null {
  const o = offsets as Partial<LogOffsets> | undefined;
  if (
    !o ||
    !Number.isSafeInteger(o.metrics) ||
    !Number.isSafeInteger(o.events) ||
    typeof o.eventsFile !== 'string'
  ) {
    return 'checkpoint has no valid log offsets (meta.offsets {metrics, events, eventsFile}); was it saved through RunDir.saveCheckpoint?';
  }
  if (path.basename(o.eventsFile) !== o.eventsFile || !o.eventsFile.startsWith(EVENT_FILE_PREFIX)) {
    return `checkpoint names an invalid event file '${o.eventsFile}'`;
  }
  const mPath = path.join(dir, METRICS_FILE);
  const mSize = fileSize(mPath);
  if (mSize === null) return `${mPath} is missing`;
  if (mSize < o.metrics!)
    return `${mPath} has ${mSize} bytes but the checkpoint recorded ${o.metrics}; the log lost data`;
  if (o.metrics! > 0) {
    const fd = fs.openSync(mPath, 'r');
    try {
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, o.metrics! - 1);
      if (b[0] !== 0x0a) return `${mPath}: checkpoint offset ${o.metrics} is not at a line boundary`;
    } finally {
      fs.closeSync(fd);
    }
  }
  const ePath = path.join(dir, o.eventsFile);
  const eSize = fileSize(ePath);
  if (eSize === null) return `${ePath} is missing`;
  if (eSize < o.events!)
    return `${ePath} has ${eSize} bytes but the checkpoint recorded ${o.events}; the log lost data`;
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Take the run's single-writer lock. Two processes appending to the same logs would interleave
 * records and break exact resume, so a lock held by a live process is an error. A lock left by a
 * killed process (dead pid on this host, or an empty file from a kill mid-write) is taken over.
 * Best effort: it guards against the usual mistake (resuming a run that is still going), not
 * against two processes racing for the same stale lock within microseconds.
 */
export function acquireLock(dir: string): void {
  const p = path.join(dir, LOCK_FILE);
  const host = os.hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(p, 'wx', 0o644);
      try {
        fs.writeSync(fd, `${JSON.stringify({ pid: process.pid, host })}\n`);
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new RunStoreError(`cannot lock ${dir}: ${(e as Error).message}`);
    }
    let holder: { pid?: unknown; host?: unknown } | null = null;
    try {
      holder = JSON.parse(fs.readFileSync(p, 'utf8'));
    } catch {
      holder = null; // vanished or half-written: its writer is gone
    }
    if (holder && typeof holder.pid === 'number') {
      const live = holder.host !== host || processAlive(holder.pid);
      if (live)
        throw new RunStoreError(
          `run ${dir} is in use by process ${holder.pid} on ${String(holder.host)} (delete ${p} if that process is gone)`,
        );
    }
    fs.rmSync(p, { force: true });
  }
  throw new RunStoreError(`cannot lock ${dir}: another process keeps taking the lock`);
}

function releaseLock(dir: string): void {
  const p = path.join(dir, LOCK_FILE);
  try {
    const holder = JSON.parse(fs.readFileSync(p, 'utf8'));
    if (holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(p, { force: true });
  } catch {
    /* not ours or already gone */
  }
}

type Mode = 'writable' | 'needs-truncate' | 'closed';

export class RunDir {
  readonly dir: string;
  readonly id: string;
  readonly experiment: string;
  readonly seed: number;
  readonly config: unknown;
  /** The numeric configuration recorded at creation (undefined for older runs). */
  readonly numeric: unknown;
  readonly createdAt: string;
  /** For a run opened for resume: the checkpoint validated at open time. Null for a new run. */
  readonly resumed: Checkpoint | null;

  private mode: Mode;
  private metricsFd = -1;
  private metricsSize = 0;
  private events: EventFileWriter | null = null;
  private locked = false;

  /** Use RunStore.create / RunStore.open. */
  constructor(
    private readonly sink: RunRowSink,
    dir: string,
    info: RunInfo,
    resumed: Checkpoint | null,
  ) {
    this.dir = dir;
    this.id = info.id;
    this.experiment = info.experiment;
    this.seed = info.seed;
    this.config = info.config;
    this.numeric = info.numeric;
    this.createdAt = info.createdAt;
    this.resumed = resumed;
    acquireLock(dir);
    this.locked = true;
    if (resumed) {
      // Nothing is opened for writing until the logs are cut back: appending to a log that still
      // holds a killed process's post-checkpoint tail would duplicate those steps.
      this.mode = 'needs-truncate';
    } else {
      this.openLogs();
      this.mode = 'writable';
    }
  }

  private openLogs(eventsFile?: string): void {
    this.metricsFd = fs.openSync(path.join(this.dir, METRICS_FILE), 'a');
    this.metricsSize = fs.fstatSync(this.metricsFd).size;
    this.events = new EventFileWriter(this.dir, eventsFile === undefined ? {} : { filename: eventsFile });
  }

  private requireWritable(what: string): void {
    if (this.mode === 'needs-truncate') {
      throw new RunStoreError(
        `${what}: run ${this.dir} was opened for resume; call resume() or truncateTo(checkpoint offsets) first`,
      );
    }
    if (this.mode === 'closed') throw new RunStoreError(`${what}: run ${this.dir} is closed`);
  }

  /** Append one record to metrics.jsonl and one scalar event to the TensorBoard file. */
  logMetrics(step: number, record: Record<string, number>): void {
    this.requireWritable('logMetrics');
    if (!Number.isSafeInteger(step) || step < 0)
      throw new RangeError(`logMetrics: step must be a non-negative integer, got ${step}`);
    if ('step' in record) throw new RangeError(`logMetrics: 'step' is reserved and cannot be a metric name`);
    for (const [k, v] of Object.entries(record)) {
      if (typeof v !== 'number')
        throw new TypeError(`logMetrics: metric '${k}' must be a number, got ${typeof v}`);
    }
    const line = Buffer.from(metricsLine(step, record), 'utf8');
    writeAll(this.metricsFd, line);
    this.metricsSize += line.length;
    this.events!.writeScalars(step, record);
  }

  /** Current byte lengths of both logs; RunDir.saveCheckpoint stores them in the checkpoint. */
  offsets(): LogOffsets {
    this.requireWritable('offsets');
    return { metrics: this.metricsSize, events: this.events!.size, eventsFile: this.events!.filename };
  }

  /**
   * Cut both logs back to `offsets` (from a checkpoint's meta) and make the run writable. Validates
   * everything before changing anything, so a failure leaves the directory as it was.
   */
  truncateTo(offsets: LogOffsets): void {
    if (this.mode === 'closed') throw new RunStoreError(`truncateTo: run ${this.dir} is closed`);
    const problem = checkOffsets(this.dir, offsets);
    if (problem) throw new RunStoreError(`cannot resume ${this.dir}: ${problem}`);
    if (this.mode === 'writable' && offsets.eventsFile !== this.events!.filename) {
      throw new RunStoreError(
        `truncateTo: offsets refer to ${offsets.eventsFile} but this run writes ${this.events!.filename}`,
      );
    }
    if (this.mode === 'needs-truncate') this.openLogs(offsets.eventsFile);
    // Temp files of writes the killed process never finished; sweeping here keeps repeated crashes
    // during a save from accumulating them.
    removeStaleTemps(this.dir);
    removeStaleTemps(path.join(this.dir, CHECKPOINT_DIR));
    fs.ftruncateSync(this.metricsFd, offsets.metrics);
    this.metricsSize = offsets.metrics;
    this.events!.truncate(offsets.events);
    fs.fsyncSync(this.metricsFd);
    this.events!.sync();
    this.mode = 'writable';
  }

  /** Cut the logs back to the checkpoint this run was opened from and return that checkpoint. */
  resume(): Checkpoint {
    if (!this.resumed) throw new RunStoreError(`resume: run ${this.dir} was not opened from a checkpoint`);
    this.truncateTo(this.resumed.meta.offsets!);
    return this.resumed;
  }

  /**
   * Sync the logs, then save `ckpt` with the log offsets (and experiment/seed/config if absent) filled in.
   * The sync comes first so the offsets never point past bytes that could be lost in a power cut.
   */
  saveCheckpoint(ckpt: Checkpoint, opts: SaveOptions = {}): string {
    this.requireWritable('saveCheckpoint');
    fs.fsyncSync(this.metricsFd);
    this.events!.sync();
    // experiment/seed/config make a checkpoint self-describing for `steered eval --checkpoint`.
    const meta = {
      experiment: this.experiment,
      seed: this.seed,
      config: this.config,
      ...ckpt.meta,
      offsets: this.offsets(),
    };
    const file = saveCkptFile(this.dir, { meta, tensors: ckpt.tensors }, opts);
    this.sink.touch(this.id);
    return file;
  }

  /** The newest committed checkpoint on disk now, or null. Corruption throws CheckpointError. */
  latestCheckpoint(): Checkpoint | null {
    return loadLatest(this.dir)?.checkpoint ?? null;
  }

  /** Write `figures/<name>` (".svg" appended if there is no extension) atomically; returns its path. */
  writeFigure(name: string, svg: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new RangeError(`writeFigure: '${name}' is not a plain file name (letters, digits, . _ -)`);
    }
    const file = path.extname(name) ? name : `${name}.svg`;
    const dir = path.join(this.dir, FIGURES_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const p = path.join(dir, file);
    writeFileAtomic(p, svg);
    return p;
  }

  /** Record the outcome: final.json (atomic), the database row, and close the logs. */
  finish(status: Exclude<RunStatus, 'running'>, finalMetrics: Record<string, number>): void {
    if (!RUN_STATUSES.includes(status) || (status as RunStatus) === 'running')
      throw new RangeError(`finish: invalid status '${status}'`);
    if (this.mode === 'closed') throw new RunStoreError(`finish: run ${this.dir} is closed`);
    const metrics: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(finalMetrics)) metrics[k] = metricValueToJson(v);
    // No timestamps in final.json: two runs with the same seed produce the same file.
    const final = { id: this.id, experiment: this.experiment, seed: this.seed, status, metrics };
    if (this.mode === 'writable') {
      fs.fsyncSync(this.metricsFd);
      this.events!.sync();
    }
    writeFileAtomic(path.join(this.dir, FINAL_FILE), `${JSON.stringify(final, null, 2)}\n`);
    this.sink.setFinished(this.id, status, JSON.stringify(metrics));
    this.close();
  }

  /** Close the log files without changing the run's status (e.g. before exiting on a signal). */
  close(): void {
    if (this.metricsFd >= 0) {
      fs.closeSync(this.metricsFd);
      this.metricsFd = -1;
    }
    this.events?.close();
    this.events = null;
    if (this.locked) releaseLock(this.dir);
    this.locked = false;
    this.mode = 'closed';
  }
}
