/**
 * Where the package's shipped files live (data/ worlds and steering files, checkpoints/), and how a
 * path named by a config value is resolved: the current directory first, then the package root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json, data/ and checkpoints/ are). */
export function packageRoot(): string {
  // dist/src/node/data.js → ../../..
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export class DataFileNotFoundError extends Error {
  override name = 'DataFileNotFoundError';
}

/** Read a data file: relative to the current directory, else to the package root. */
export function readDataFile(p: string): string {
  const candidates = [...new Set([resolve(p), resolve(packageRoot(), p)])];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new DataFileNotFoundError(`data file '${p}' not found (looked in ${candidates.join(' and ')})`);
  return readFileSync(found, 'utf8');
}
