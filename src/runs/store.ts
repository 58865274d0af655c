/**
 * The run store: run directories under a root plus an index of them in `<root>/runs.db` (SQLite).
 *
 * The directories are the source of truth (each is self-describing through config.json); the
 * database is an index for listing and the dashboard. WAL journaling with synchronous=NORMAL keeps
 * the database consistent across a SIGKILL at any moment (a power cut may lose the last few
 * transactions, never corrupt the file).
 *
 * Default directory of a new run: <root>/<experiment>/<UTC yyyymmdd-HHMMSS>-s<seed>-<id>, where "/"
 * in the experiment name becomes "__" and other characters outside [A-Za-z0-9._-] become "_", so
 * runs of one experiment sort by start time and a glance at the name tells the seed.
 *
 * Schema versions live in `PRAGMA user_version`; `MIGRATIONS[i]` upgrades version i to i + 1 inside
 * one transaction. A database from a newer build is refused without touching it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { writeFileAtomic } from './atomic.js';
import { loadLatest } from './checkpoint.js';
import {
  RunDir,
  RunStoreError,
  checkOffsets,
  CONFIG_FILE,
  RUN_STATUSES,
  type RunInfo,
  type RunRowSink,
  type RunStatus,
} from './rundir.js';

export const DB_FILE = 'runs.db';

const MIGRATIONS: readonly string[] = [
  // 0 → 1
  `CREATE TABLE runs (
     id                 TEXT PRIMARY KEY,
     experiment         TEXT NOT NULL,
     seed               INTEGER NOT NULL,
     status             TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
     config_json        TEXT NOT NULL,
     created_at         TEXT NOT NULL,
     updated_at         TEXT NOT NULL,
     dir                TEXT NOT NULL,
     final_metrics_json TEXT
   );
   CREATE INDEX runs_by_experiment ON runs (experiment, created_at);
   CREATE INDEX runs_by_dir ON runs (dir);`,
  // 1 → 2: the numeric configuration a run was made under (see RunInfo.numeric)
  'ALTER TABLE runs ADD COLUMN numeric_json TEXT;',
];
export const SCHEMA_VERSION = MIGRATIONS.length;

export interface RunRow {
  id: string;
  experiment: string;
  seed: number;
  status: RunStatus;
  config: unknown;
  createdAt: string;
  updatedAt: string;
  dir: string;
  finalMetrics: Record<string, number | string> | null;
  /** The numeric configuration recorded at creation (null for runs made before it was recorded). */
  numeric: unknown;
}

interface RawRow {
  id: string;
  experiment: string;
  seed: number;
  status: RunStatus;
  config_json: string;
  created_at: string;
  updated_at: string;
  dir: string;
  final_metrics_json: string | null;
  numeric_json: string | null;
}

function fromRaw(r: RawRow): RunRow {
  return {
    id: r.id,
    experiment: r.experiment,
    seed: r.seed,
    status: r.status,
    config: JSON.parse(r.config_json),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    dir: r.dir,
    finalMetrics: r.final_metrics_json === null ? null : JSON.parse(r.final_metrics_json),
    numeric: r.numeric_json === null ? null : JSON.parse(r.numeric_json),
  };
}

export interface CreateRunOptions {
  experiment: string;
  seed: number;
  /** The resolved configuration; must be JSON-able. Snapshotted into config.json and the row. */
  config: unknown;
  /** Directory for the run (must not exist or be empty); default under the store root. */
  outDir?: string;
  /** What besides config and seed decides the numbers' last bits (kernel, BLAS build, threads); JSON-able. */
  numeric?: unknown;
}

export function experimentDirName(experiment: string): string {
  return experiment.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_');
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function isEmptyDir(dir: string): boolean | null {
  try {
    if (!fs.statSync(dir).isDirectory()) return false;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return fs.readdirSync(dir).length === 0;
}

function readRunInfo(dir: string): RunInfo {
  const p = path.join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new RunStoreError(`${dir} is not a run directory (no ${CONFIG_FILE})`);
    throw new RunStoreError(`cannot read ${p}: ${(e as Error).message}`);
  }
  let info: RunInfo;
  try {
    info = JSON.parse(text) as RunInfo;
  } catch {
    throw new RunStoreError(`${p} is not valid JSON`);
  }
  if (
    !info ||
    typeof info.id !== 'string' ||
    !info.id ||
    typeof info.experiment !== 'string' ||
    !Number.isSafeInteger(info.seed) ||
    typeof info.createdAt !== 'string' ||
    !('config' in info)
  ) {
    throw new RunStoreError(`${p} is malformed (expected {id, experiment, seed, createdAt, config})`);
  }
  return info;
}

/** How long an open that finds the new database locked keeps trying. */
const OPEN_RETRY_MS = 15_000;

/** Block this thread for `ms` (an open runs inside a constructor, so it cannot await). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class RunStore implements RunRowSink {
  readonly root: string;
  readonly dbPath: string;
  private db!: Database.Database;

  constructor(root = './runs') {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true });
    this.dbPath = path.join(this.root, DB_FILE);
    // Processes that open a new database at the same moment (a sweep's first runs) can find it locked
    // while one of them switches it to WAL or recovers its index: SQLite answers that at once, without
    // the busy handler. Such an open is tried again for a while; any other failure is reported at once.
    const deadline = Date.now() + OPEN_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      const db = new Database(this.dbPath);
      try {
        db.pragma('busy_timeout = 5000');
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        this.db = db;
        this.migrate();
        break;
      } catch (e) {
        db.close();
        if (e instanceof RunStoreError) throw e;
        const busy = /database is locked|SQLITE_BUSY/i.test((e as Error).message);
        if (!busy || Date.now() > deadline)
          throw new RunStoreError(`cannot open run database ${this.dbPath}: ${(e as Error).message}`);
        sleepSync(Math.min(200, 10 * 2 ** attempt));
      }
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new RunStoreError(
        `run database ${this.dbPath} has schema version ${version}, newer than this build's ${SCHEMA_VERSION}; upgrade steered`,
      );
    }
    // Several processes may open a new database at once (a sweep's runs): each step re-reads the
    // version under the write lock, so a migration another process just applied is not applied twice.
    for (let v = version; v < SCHEMA_VERSION; ) {
      v = this.db
        .transaction(() => {
          const cur = this.db.pragma('user_version', { simple: true }) as number;
          if (cur >= SCHEMA_VERSION) return cur;
          this.db.exec(MIGRATIONS[cur]!);
          this.db.pragma(`user_version = ${cur + 1}`);
          return cur + 1;
        })
        .immediate();
    }
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  journalMode(): string {
    return this.db.pragma('journal_mode', { simple: true }) as string;
  }

  /** Make a new run directory and its row. On failure nothing is left behind. */
  create(opts: CreateRunOptions): RunDir {
    const { experiment, seed } = opts;
    if (typeof experiment !== 'string' || experiment.trim() === '')
      throw new RunStoreError('create: experiment must be a non-empty string');
    if (!Number.isSafeInteger(seed)) throw new RunStoreError(`create: seed must be an integer, got ${seed}`);
    let configJson: string;
    try {
      configJson = JSON.stringify(opts.config);
    } catch (e) {
      throw new RunStoreError(`create: config is not JSON-serializable: ${(e as Error).message}`);
    }
    if (configJson === undefined) throw new RunStoreError('create: config is not JSON-serializable');
    const now = new Date();
    let id = '';
    do id = randomBytes(4).toString('hex');
    while (this.get(id));
    const dir = path.resolve(
      opts.outDir ?? path.join(this.root, experimentDirName(experiment), `${stamp(now)}-s${seed}-${id}`),
    );
    const empty = isEmptyDir(dir);
    if (empty === false) {
      throw new RunStoreError(
        `${dir} already exists and is not an empty directory (to continue a run, resume it)`,
      );
    }
    const createdDir = empty === null;
    const info: RunInfo = {
      id,
      experiment,
      seed,
      createdAt: now.toISOString(),
      config: JSON.parse(configJson),
      ...(opts.numeric === undefined ? {} : { numeric: JSON.parse(JSON.stringify(opts.numeric)) }),
    };
    let run: RunDir | undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      writeFileAtomic(path.join(dir, CONFIG_FILE), `${JSON.stringify(info, null, 2)}\n`);
      run = new RunDir(this, dir, info, null);
      this.db
        .prepare(
          `INSERT INTO runs (id, experiment, seed, status, config_json, created_at, updated_at, dir, numeric_json)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          experiment,
          seed,
          configJson,
          info.createdAt,
          info.createdAt,
          dir,
          info.numeric === undefined ? null : JSON.stringify(info.numeric),
        );
      return run;
    } catch (e) {
      run?.close();
      // Only what this call created is removed: the directory was absent or empty before.
      if (createdDir) fs.rmSync(dir, { recursive: true, force: true });
      else
        for (const n of fs.readdirSync(dir)) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
      if (e instanceof RunStoreError) throw e;
      throw new RunStoreError(`create ${dir}: ${(e as Error).message}`);
    }
  }

  /**
   * Open an existing run for resuming. Everything is validated first (config.json, the latest
   * checkpoint, the logs against its offsets); only then is the row marked running again. Throws
   * RunStoreError for a missing/unknown/finished run or one without a committed checkpoint, and
   * CheckpointError (naming the file) for a corrupt checkpoint; either way nothing is modified.
   * A valid run directory with no row in this database (e.g. created under another root) is
   * adopted: a row is inserted.
   */
  open(dirArg: string): RunDir {
    const dir = path.resolve(dirArg);
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      throw new RunStoreError(`no such run directory: ${dir}`);
    }
    if (!st.isDirectory()) throw new RunStoreError(`${dir} is not a directory`);
    const info = readRunInfo(dir);
    const row = this.get(info.id);
    if (row?.status === 'completed')
      throw new RunStoreError(`run ${dir} already completed; nothing to resume`);
    const latest = loadLatest(dir);
    if (!latest) {
      throw new RunStoreError(
        `run ${dir} has no committed checkpoint (stopped before its first save); start it again instead`,
      );
    }
    const problem = checkOffsets(dir, latest.checkpoint.meta.offsets);
    if (problem) throw new RunStoreError(`cannot resume ${dir}: ${problem}`);
    // Takes the writer lock (a live holder is an error) before the row says "running".
    const run = new RunDir(this, dir, info, latest.checkpoint);
    const now = new Date().toISOString();
    try {
      this.db
        .transaction(() => {
          if (row) {
            this.db
              .prepare(`UPDATE runs SET status = 'running', updated_at = ?, dir = ? WHERE id = ?`)
              .run(now, dir, info.id);
          } else {
            this.db
              .prepare(
                `INSERT INTO runs (id, experiment, seed, status, config_json, created_at, updated_at, dir, numeric_json)
             VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
              )
              .run(
                info.id,
                info.experiment,
                info.seed,
                JSON.stringify(info.config),
                info.createdAt,
                now,
                dir,
                info.numeric === undefined ? null : JSON.stringify(info.numeric),
              );
          }
        })
        .immediate();
    } catch (e) {
      run.close();
      throw new RunStoreError(`open ${dir}: cannot update ${this.dbPath}: ${(e as Error).message}`);
    }
    return run;
  }

  get(id: string): RunRow | undefined {
    const r = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RawRow | undefined;
    return r && fromRaw(r);
  }

  /** Rows whose directory is `dir` (newest first). */
  findByDir(dir: string): RunRow[] {
    return (
      this.db
        .prepare(`SELECT * FROM runs WHERE dir = ? ORDER BY created_at DESC`)
        .all(path.resolve(dir)) as RawRow[]
    ).map(fromRaw);
  }

  list(filter: { experiment?: string; status?: RunStatus } = {}): RunRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.experiment !== undefined) {
      where.push('experiment = ?');
      args.push(filter.experiment);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (this.db.prepare(sql).all(...args) as RawRow[]).map(fromRaw);
  }

  /** Mark a run interrupted (e.g. on SIGINT) without writing final.json. */
  markInterrupted(id: string): void {
    this.db
      .prepare(`UPDATE runs SET status = 'interrupted', updated_at = ? WHERE id = ? AND status = 'running'`)
      .run(new Date().toISOString(), id);
  }

  /** @internal RunRowSink */
  touch(id: string): void {
    this.db.prepare(`UPDATE runs SET updated_at = ? WHERE id = ?`).run(new Date().toISOString(), id);
  }

  /** @internal RunRowSink */
  setFinished(id: string, status: RunStatus, finalMetricsJson: string): void {
    if (!RUN_STATUSES.includes(status)) throw new RangeError(`invalid status '${status}'`);
    this.db
      .prepare(`UPDATE runs SET status = ?, final_metrics_json = ?, updated_at = ? WHERE id = ?`)
      .run(status, finalMetricsJson, new Date().toISOString(), id);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
