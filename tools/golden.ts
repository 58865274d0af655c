/**
 * Golden `--json` lines: one short run of each experiment family under each matrix kernel. Same
 * command + same numeric configuration → the same line, bit for bit, on any machine; the test
 * (test/golden.test.ts) checks that. When an intended change moves the numbers, regenerate with
 *
 *   npm run golden            (then state the change in CHANGELOG.md)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GOLDEN_FILE = join(ROOT, 'test', 'golden', 'lines.json');
export const KERNELS = ['ts', 'blas'] as const;

/** Short runs, one per experiment family; each takes seconds. */
export const GOLDEN_CASES: Record<string, string[]> = {
  'metarl/bandit-independent': ['--seed', '3', '--set', 'updates=20', '--set', 'episodes=50'],
  'brain/crosstalk': ['--seed', '3', '--set', 'learn=600', '--set', 'trials=3'],
  'brain/wirehead': ['--seed', '3', '--set', 'explore=400', '--set', 'discoveries=1', '--set', 'trials=3'],
  'alignment/report': [
    '--seed',
    '3',
    '--set',
    'seeds=1',
    '--set',
    'tabularEpisodes=100',
    '--set',
    'a2cSteps=2000',
    '--set',
    'evalEpisodes=5',
    '--set',
    'brainTicks=500',
    '--set',
    'envs=["island_navigation","boat_race"]',
    '--set',
    'brains=false',
  ],
};

export interface GoldenFile {
  format: 1;
  lines: Record<string, Record<string, string>>;
}

/** Run one case under one kernel; returns the last stdout line (the metrics). */
export function runCase(id: string, kernel: (typeof KERNELS)[number], runsRoot: string): string {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'steered.js'), 'run', id, ...(GOLDEN_CASES[id] ?? []), '--json', '--quiet'],
    {
      encoding: 'utf8',
      env: { ...process.env, STEERED_GEMM: kernel, STEERED_RUNS_ROOT: runsRoot },
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`${id} (${kernel}) exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout.trim().split('\n').pop() ?? '';
}

function main(): void {
  const tmp = mkdtempSync(join(ROOT, '.golden-'));
  try {
    const out: GoldenFile = { format: 1, lines: {} };
    for (const id of Object.keys(GOLDEN_CASES)) {
      out.lines[id] = {};
      for (const k of KERNELS) {
        process.stderr.write(`${id} (${k}) …\n`);
        out.lines[id][k] = runCase(id, k, join(tmp, k));
      }
    }
    const before = (() => {
      try {
        return readFileSync(GOLDEN_FILE, 'utf8');
      } catch {
        return '';
      }
    })();
    const text = `${JSON.stringify(out, null, 1)}\n`;
    writeFileSync(GOLDEN_FILE, text);
    process.stderr.write(
      before === text ? 'golden lines unchanged\n' : 'golden lines updated: say why in CHANGELOG.md\n',
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
