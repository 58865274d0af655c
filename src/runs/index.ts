/** Run store: run directories, checkpoints, metrics logs, TensorBoard event files, SQLite index. Node-only. */
export { writeFileAtomic, fsyncDir, removeStaleTemps, type AtomicWriteOptions } from './atomic.js';
export {
  saveCheckpoint, loadCheckpoint, loadLatest, readLatestPointer, checkpointFileName, CheckpointError,
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CHECKPOINT_DIR, LATEST_POINTER, DEFAULT_KEEP,
  type Checkpoint, type CheckpointMeta, type LogOffsets, type LatestPointer, type SaveOptions,
} from './checkpoint.js';
export {
  EventFileWriter, readEventFile, readRecords, decodeEvent, encodeScalarEvent, encodeFileVersionEvent, frameRecord,
  ProtoWriter, FILE_VERSION, EVENT_FILE_PREFIX,
  type EventFileWriterOptions, type DecodedEvent, type Scalar,
} from './tensorboard.js';
export {
  RunDir, RunStoreError, RUN_STATUSES, CONFIG_FILE, METRICS_FILE, FINAL_FILE, FIGURES_DIR, LOCK_FILE, metricsLine,
  type RunStatus, type RunInfo,
} from './rundir.js';
export { RunStore, DB_FILE, SCHEMA_VERSION, experimentDirName, type RunRow, type CreateRunOptions } from './store.js';
