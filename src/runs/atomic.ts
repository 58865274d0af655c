/**
 * Crash-safe replacement of small and medium files.
 *
 * A reader of `path` sees either the complete old content or the complete new content, never a mix,
 * even if the process is SIGKILLed or the machine loses power at any instant: the new bytes go to a
 * temporary file in the same directory (rename is only atomic within one file system), are fsynced,
 * renamed over the target, and then the directory is fsynced so the rename itself is durable.
 *
 * A process killed between open and rename leaves a `.<name>.tmp-*` file behind; it is harmless and
 * `removeStaleTemps` sweeps such files when the owner of the directory next writes there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /**
   * Fault-injection point, called after the temporary file is complete and synced but before the
   * rename. Tests throw from here to prove a failed write leaves the old file and no temp file.
   */
  beforeRename?: (tmpPath: string) => void;
}

const TMP_MARK = '.tmp-';

export function tempNameFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.includes(TMP_MARK);
}

/** fsync a directory so that entries created or renamed in it survive a power cut. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return; // some platforms (Windows) cannot open directories; the rename is still atomic there
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    // EINVAL/EISDIR/EPERM: file systems that do not support syncing directories; nothing more we can do.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

export function writeFileAtomic(
  target: string,
  data: Uint8Array | string,
  opts: AtomicWriteOptions = {},
): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = tempNameFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    opts.beforeRename?.(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing; report the original error */
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw e;
  }
  fsyncDir(path.dirname(target));
}

/** Remove temp files left in `dir` by killed writers (only ours: dot-prefixed with the temp marker). */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!isTempName(n)) continue;
    // A temp of a live writer in this very process could be mid-flight only inside writeFileAtomic,
    // which is synchronous, so anything seen here is stale.
    try {
      fs.unlinkSync(path.join(dir, n));
    } catch {
      /* raced with another sweeper */
    }
  }
}
