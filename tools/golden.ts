/**
 * Golden `--json` lines: one short run of each experiment family under each matrix kernel. Same
 * command + same numeric configuration → the same line, bit for bit, on any machine; the test
 * (test/golden.test.ts) checks that. When an intended change moves the numbers, regenerate with
 *
 *   npm run golden            (then state the change in CHANGELOG.md)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLatest } from '../src/runs/checkpoint.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GOLDEN_FILE = join(ROOT, 'test', 'golden', 'lines.json');
export const KERNELS = ['ts', 'wasm', 'blas'] as const;

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

/**
 * What a golden run must reproduce: its `--json` line and, where it checkpoints, a digest of every
 * tensor of its last checkpoint. The line's metrics are rounded; the digest sees the last bit.
 */
export interface GoldenRecord {
  line: string;
  /** sha256 over the last checkpoint's tensors (names, dtypes, shapes, bytes); null without one. */
  state: string | null;
}

export interface GoldenFile {
  format: 2;
  cases: Record<string, Record<string, GoldenRecord>>;
}

/** sha256 of the tensors of the last checkpoint of the only run under `runsRoot`, or null. */
export function stateDigest(runsRoot: string): string | null {
  const dirs: string[] = [];
  for (const e of readdirSync(runsRoot, { withFileTypes: true }))
    if (e.isDirectory())
      for (const r of readdirSync(join(runsRoot, e.name), { withFileTypes: true }))
        if (r.isDirectory()) dirs.push(join(runsRoot, e.name, r.name));
  if (dirs.length !== 1) throw new Error(`expected one run under ${runsRoot}, found ${dirs.length}`);
  if (!existsSync(join(dirs[0]!, 'checkpoints'))) return null;
  const latest = loadLatest(dirs[0]!);
  if (!latest) return null;
  const h = createHash('sha256');
  const tensors = latest.checkpoint.tensors;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    h.update(`${name}:${t.dtype}:${t.shape.join('x')}:`);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex');
}

/**
 * The environment of a golden run: the caller's, without any OpenBLAS or steered setting, so the
 * default numeric configuration (the pinned kernel family) is what is checked.
 */
function goldenEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OPENBLAS_') && !k.startsWith('STEERED_') && !k.startsWith('OMP_')) env[k] = v;
  return { ...env, ...extra };
}

/** Run one case under one kernel in a fresh `runsRoot`: its last stdout line (the metrics) and state digest. */
export function runCase(id: string, kernel: (typeof KERNELS)[number], runsRoot: string): GoldenRecord {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'steered.js'), 'run', id, ...(GOLDEN_CASES[id] ?? []), '--json', '--quiet'],
    {
      encoding: 'utf8',
      env: goldenEnv({ STEERED_GEMM: kernel, STEERED_RUNS_ROOT: runsRoot }),
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`${id} (${kernel}) exited ${r.status}: ${r.stderr.trim()}`);
  return { line: r.stdout.trim().split('\n').pop() ?? '', state: stateDigest(runsRoot) };
}

function main(): void {
  const tmp = mkdtempSync(join(ROOT, '.golden-'));
  try {
    const out: GoldenFile = { format: 2, cases: {} };
    for (const id of Object.keys(GOLDEN_CASES)) {
      const byKernel: Record<string, GoldenRecord> = {};
      for (const k of KERNELS) {
        process.stderr.write(`${id} (${k}) …\n`);
        byKernel[k] = runCase(id, k, join(tmp, `${id.replace(/\//g, '_')}-${k}`));
      }
      out.cases[id] = byKernel;
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
