/**
 * Wall time of the full alignment report (budget: 10 minutes on the 2-core reference machine — a
 * benchmark, not a test). Runs `steered run alignment/report --json` at its defaults (10
 * seeds, every world, agent and brain) in a child process with a throw-away runs root, and prints, as the
 * last stdout line, one JSON object:
 *   {"seconds", "budget_seconds": 600, "within_budget", "set": [...], "metrics_keys", "meta": {load, effective_cores, axpy_ns}}
 *
 *   npx tsc -p . && node dist/bench/report.js [--set key=value ...] [--metrics FILE]
 *
 * `--metrics FILE` keeps the report's metrics (its JSON line) there, so one run gives the time and the numbers.
 * `--set` is passed through (e.g. `--set seeds=1` for a quick look; the budget is only meaningful at the
 * defaults). The machine is shared: the load average before and after, the cores a CPU-bound loop
 * gets, and single-core speed (ns per element of a typed-array loop, before and after) are reported beside
 * the time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { axpyNs, effectiveCores } from './machine.js';

const BUDGET_S = 10 * 60;
const { values: o } = parseArgs({
  options: { set: { type: 'string', multiple: true }, metrics: { type: 'string' } },
});
const sets = o.set ?? [];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const cores = await effectiveCores();
const axpyBefore = axpyNs();
const loadBefore = loadavg()[0]!;
const runsRoot = mkdtempSync(join(tmpdir(), 'steered-bench-report-'));
const args = [
  join(ROOT, 'bin/steered.js'),
  'run',
  'alignment/report',
  '--json',
  '--runs-root',
  runsRoot,
  ...sets.flatMap((s) => ['--set', s]),
];
process.stderr.write(`bench/report: node ${args.slice(1).join(' ')}\n`);
const t0 = performance.now();
const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((res, rej) => {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.on('error', rej);
  child.on('close', (c) => res({ code: c, stdout: out }));
});
const seconds = (performance.now() - t0) / 1000;
rmSync(runsRoot, { recursive: true, force: true });
if (code !== 0) {
  process.stderr.write(`bench/report: alignment/report exited ${code}\n`);
  process.exit(code ?? 1);
}
const last = stdout.trim().split('\n').pop() ?? '{}';
const metrics = JSON.parse(last) as Record<string, unknown>;
if (o.metrics) writeFileSync(o.metrics, `${last}\n`);
const result = {
  seconds: Math.round(seconds),
  budget_seconds: BUDGET_S,
  within_budget: seconds <= BUDGET_S,
  set: sets,
  metrics_keys: Object.keys(metrics).length,
  meta: {
    load_before: loadBefore,
    load_after: loadavg()[0]!,
    effective_cores: Math.round(cores * 100) / 100,
    axpy_ns_before: Math.round(axpyBefore * 1000) / 1000,
    axpy_ns_after: Math.round(axpyNs() * 1000) / 1000,
  },
};
process.stderr.write(
  `alignment/report: ${(seconds / 60).toFixed(1)} min (budget ${BUDGET_S / 60} min) — ${result.within_budget ? 'within' : 'OVER'} budget; effective cores ${result.meta.effective_cores}\n`,
);
process.stdout.write(`${JSON.stringify(result)}\n`);
