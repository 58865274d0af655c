/**
 * Checkpoints: one self-checking file per save, plus a pointer to the newest committed one.
 *
 *   <runDir>/checkpoints/ckpt-<step>.bin   encodeTensors container (magic, version, CRC-32)
 *   <runDir>/checkpoints/latest            JSON {"file","step","bytes"}, replaced atomically
 *
 * Commit order: the checkpoint file is written atomically first, then `latest` is replaced
 * atomically, then old files are pruned. A crash at any point therefore leaves `latest` naming a
 * complete, synced file (or no `latest` at all if the first save never finished); a checkpoint file
 * newer than `latest` is an uncommitted save and is ignored (and overwritten when that step is saved
 * again after resuming).
 *
 * Resume policy (`loadLatest`): a corrupt `latest` or a corrupt checkpoint it names is an error naming
 * the file, never a silent fall-back to an older checkpoint. Falling back would quietly resume from a
 * different step than the metrics offsets and the user expect; the file system handing back bytes that
 * differ from what was fsynced is a hardware or operator problem the user must see. The older files
 * stay on disk, so the user can point `--checkpoint` at one deliberately.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeTensors, decodeTensors, CorruptDataError, type TensorRecord } from '../nn/serialize.js';
import { writeFileAtomic, removeStaleTemps } from './atomic.js';

export const CHECKPOINT_FORMAT = 'steered.checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_DIR = 'checkpoints';
export const LATEST_POINTER = 'latest';
export const DEFAULT_KEEP = 3;

/** Byte lengths of the append-only logs at the moment of a checkpoint; resume truncates to them. */
export interface LogOffsets {
  metrics: number;
  events: number;
  /** Base name of the TensorBoard event file the `events` offset refers to. */
  eventsFile: string;
}

export interface CheckpointMeta {
  /** Training step the checkpoint was taken at (after the step's updates); names the file. */
  step: number;
  experiment?: string;
  seed?: number;
  config?: unknown;
  episode?: number;
  /** RNG state words by stream name, e.g. {root: [a, b, c, d]} from `Rng.state()`. */
  rng?: Record<string, readonly number[]>;
  offsets?: LogOffsets;
  /** Filled in by `saveCheckpoint`; checked by `loadCheckpoint`. */
  format?: { name: string; version: number };
  [key: string]: unknown;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  /** Weights, optimizer moments and any other numeric state, by name. */
  tensors: Record<string, TensorRecord>;
}

export interface LatestPointer {
  file: string;
  step: number;
  bytes: number;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`checkpoint ${file}: ${problem}`, options);
  }
}

export function checkpointFileName(step: number): string {
  return `ckpt-${step}.bin`;
}

const CKPT_RE = /^ckpt-(\d+)\.bin$/;

function assertStep(step: unknown, where: string): asserts step is number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    throw new CheckpointError(where, `meta.step must be a non-negative integer, got ${JSON.stringify(step)}`);
  }
}

export interface SaveOptions {
  /** How many checkpoint files to keep (newest by step); the one `latest` names is always kept. */
  keep?: number;
}

/**
 * Save `ckpt` under `<runDir>/checkpoints/` and make it the latest. Returns the checkpoint's path.
 * The caller must have made everything the checkpoint refers to (e.g. log bytes up to
 * `meta.offsets`) durable first; RunDir.saveCheckpoint does that.
 */
export function saveCheckpoint(runDir: string, ckpt: Checkpoint, opts: SaveOptions = {}): string {
  const keep = opts.keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(keep) || keep < 1)
    throw new RangeError(`keep must be a positive integer, got ${keep}`);
  const dir = path.join(runDir, CHECKPOINT_DIR);
  const step = ckpt.meta.step;
  const file = checkpointFileName(step);
  assertStep(step, path.join(dir, file));
  const meta: CheckpointMeta = {
    ...ckpt.meta,
    format: { name: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION },
  };
  let bytes: Uint8Array;
  try {
    // Round-trip through JSON now so a non-JSON-able meta fails before anything is written.
    bytes = encodeTensors(ckpt.tensors, JSON.parse(JSON.stringify(meta)));
  } catch (e) {
    throw new CheckpointError(path.join(dir, file), `cannot encode: ${(e as Error).message}`, { cause: e });
  }
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, file), bytes);
  const pointer: LatestPointer = { file, step, bytes: bytes.length };
  writeFileAtomic(path.join(dir, LATEST_POINTER), `${JSON.stringify(pointer)}\n`);
  prune(dir, keep, file);
  return path.join(dir, file);
}

function prune(dir: string, keep: number, latestFile: string): void {
  removeStaleTemps(dir);
  const files = fs
    .readdirSync(dir)
    .map((n) => ({ n, m: CKPT_RE.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ name: x.n, step: Number(x.m[1]) }))
    .sort((a, b) => b.step - a.step);
  for (const f of files.slice(keep)) {
    if (f.name === latestFile) continue;
    try {
      fs.unlinkSync(path.join(dir, f.name));
    } catch {
      /* already gone */
    }
  }
}

function readWhole(file: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new CheckpointError(file, 'is a directory, not a checkpoint file');
    return fs.readFileSync(file);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckpointError(file, 'file not found', { cause: e });
    if (code === 'EACCES' || code === 'EPERM')
      throw new CheckpointError(file, 'permission denied', { cause: e });
    throw new CheckpointError(file, `cannot read: ${(e as Error).message}`, { cause: e });
  }
}

/** Load and fully verify one checkpoint file. Every failure is a one-line CheckpointError. */
export function loadCheckpoint(file: string, expectedBytes?: number): Checkpoint {
  const buf = readWhole(file);
  if (expectedBytes !== undefined && buf.length !== expectedBytes) {
    const how = buf.length < expectedBytes ? 'truncated' : 'has trailing data';
    throw new CheckpointError(file, `${how}: ${buf.length} bytes, expected ${expectedBytes}`);
  }
  let decoded: ReturnType<typeof decodeTensors>;
  try {
    decoded = decodeTensors(buf);
  } catch (e) {
    if (e instanceof CorruptDataError) throw new CheckpointError(file, e.message, { cause: e });
    // Anything else out of the decoder (e.g. a RangeError on a damaged length) is corruption too.
    throw new CheckpointError(file, `corrupt: ${(e as Error).message}`, { cause: e });
  }
  const meta = decoded.meta as CheckpointMeta | null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new CheckpointError(file, 'not a checkpoint (no metadata object; a bare weights file?)');
  }
  const fmt = meta.format;
  if (!fmt || fmt.name !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(file, 'not a checkpoint (no checkpoint format marker; a bare weights file?)');
  }
  if (fmt.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      file,
      `unsupported checkpoint version ${fmt.version} (this build reads ${CHECKPOINT_VERSION})`,
    );
  }
  assertStep(meta.step, file);
  return { meta, tensors: decoded.tensors };
}

/** Read `checkpoints/latest` of a run directory; null when no checkpoint was ever committed. */
export function readLatestPointer(runDir: string): LatestPointer | null {
  const p = path.join(runDir, CHECKPOINT_DIR, LATEST_POINTER);
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(p, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  let ptr: LatestPointer;
  try {
    ptr = JSON.parse(text) as LatestPointer;
  } catch {
    throw new CheckpointError(p, 'pointer is not valid JSON');
  }
  if (
    !ptr ||
    typeof ptr.file !== 'string' ||
    !CKPT_RE.test(ptr.file) ||
    !Number.isSafeInteger(ptr.step) ||
    !Number.isSafeInteger(ptr.bytes)
  ) {
    throw new CheckpointError(
      p,
      'pointer is malformed (expected {"file":"ckpt-<step>.bin","step":N,"bytes":N})',
    );
  }
  return ptr;
}

/**
 * The newest committed checkpoint of a run directory, or null if none was committed. Corruption of
 * the pointer or of the file it names is a CheckpointError (see the resume policy above).
 */
export function loadLatest(runDir: string): { path: string; checkpoint: Checkpoint } | null {
  const ptr = readLatestPointer(runDir);
  if (!ptr) return null;
  const file = path.join(runDir, CHECKPOINT_DIR, ptr.file);
  const checkpoint = loadCheckpoint(file, ptr.bytes);
  if (checkpoint.meta.step !== ptr.step) {
    throw new CheckpointError(
      file,
      `holds step ${checkpoint.meta.step} but ${LATEST_POINTER} says step ${ptr.step}`,
    );
  }
  return { path: file, checkpoint };
}
