/** Shared helpers for tests that drive the real `steered` binary (bin/steered.js runs dist/). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test-support/cli.js → repository root (kept outside test/, which node --test treats as all tests)
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'steered.js');

export function steered(
  args: string[],
  root: string,
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, STEERED_RUNS_ROOT: root, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `steered run <id> --seed <seed> --set …` with `threads=<threads>` added, in its own folder under root;
 * fails the test on a non-zero exit and returns the metrics of the last stdout line.
 */
export function runMetricsWithThreads(
  id: string,
  seed: number,
  sets: readonly string[],
  threads: number,
  root: string,
): Record<string, unknown> {
  const r = steered(
    [
      'run',
      id,
      '--seed',
      String(seed),
      ...[...sets, `threads=${threads}`].flatMap((x) => ['--set', x]),
      '--out',
      join(root, `t${threads}`),
      '--json',
      '--quiet',
    ],
    root,
  );
  if (r.code !== 0) throw new Error(`${id} with threads=${threads} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(lastLine(r.stdout)) as Record<string, unknown>;
}

export function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1]!;
}

/**
 * Start `steered …` and SIGKILL it as soon as its committed checkpoint reaches `killAtStep` (mid-update,
 * mid-write, anywhere). Returns false when the run finished first, so the caller can fail loudly.
 */
export async function runUntilKilled(
  args: string[],
  root: string,
  outDir: string,
  killAtStep: number,
): Promise<boolean> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, STEERED_RUNS_ROOT: root },
    stdio: 'ignore',
  });
  const latest = join(outDir, 'checkpoints', 'latest');
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    if (existsSync(latest)) {
      try {
        if ((JSON.parse(readFileSync(latest, 'utf8')).step as number) >= killAtStep) break;
      } catch {
        /* pointer being replaced: poll again */
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  if (done) return false;
  child.kill('SIGKILL');
  await exited;
  return true;
}
