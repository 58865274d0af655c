/**
 * Training-step throughput of our layers under both gemm kernels, against PyTorch on the same shapes.
 *
 *   npm run bench -- [--json] [--only lstm_h48_b1,mlp_b256] [--seconds 1.5] [--no-torch] [--no-blas1]
 *
 * Progress goes to stderr. With --json the last stdout line is one JSON object:
 *   {"lstm_h48_b1": {"ts", "blas", "torch_t1", "torch_t2"}, …, "meta": {…}}   (steps per second)
 * Without --json a table goes to stdout. A field is null when that backend is unavailable (no OpenBLAS,
 * no python3/torch) or the case was not selected.
 *
 * Statistic: steps/s = 1 / median time of one step, after a warm-up (JIT tiers for us, allocator and
 * thread-pool start-up for torch), over at least `seconds` and at least 5 steps. The median rather than
 * the mean because the machine is shared: a burst from another process should not decide the number.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setGemmKernel, tsGemm, type GemmKernel } from '../src/math/gemm.js';
import { blasLoadError, loadBlas } from '../src/node/blas.js';
import { CASE_NAMES, HEAD_OUT, LSTM_IN, LSTM_T, MLP_BATCH, MLP_SIZES, makeCase, type CaseName } from './cases.js';

interface Options {
  json: boolean;
  only: CaseName[];
  seconds: number;
  warmup: number;
  torch: boolean;
  blas1: boolean;
  python: string;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: run.js [--json] [--only ${CASE_NAMES.join(',')}] [--seconds N] [--warmup N] [--no-torch] [--no-blas1] [--python PATH]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, only: [...CASE_NAMES], seconds: 1.5, warmup: 0.5, torch: true, blas1: true, python: '/usr/bin/python3' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const key = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (key) {
      case '--json': o.json = true; break;
      case '--no-torch': o.torch = false; break;
      case '--no-blas1': o.blas1 = false; break;
      case '--only': {
        const names = val().split(',').filter((s) => s !== '');
        for (const n of names) if (!(CASE_NAMES as readonly string[]).includes(n)) usage(`unknown case '${n}' (cases: ${CASE_NAMES.join(', ')})`);
        o.only = names as CaseName[];
        break;
      }
      case '--seconds': o.seconds = Number(val()); if (!(o.seconds > 0)) usage('--seconds must be > 0'); break;
      case '--warmup': o.warmup = Number(val()); if (!(o.warmup >= 0)) usage('--warmup must be ≥ 0'); break;
      case '--python': o.python = val(); break;
      default: usage(`unknown option '${a}'`);
    }
  }
  return o;
}

const log = (s: string) => process.stderr.write(s + '\n');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function measure(name: CaseName, kernel: GemmKernel, o: Options): { sps: number; iters: number; loss0: number; loss: number } {
  setGemmKernel(kernel);
  const c = makeCase(name);
  let t0 = performance.now();
  let n = 0;
  c.step();
  const loss0 = c.loss;
  while (++n < 3 || performance.now() - t0 < o.warmup * 1000) c.step();
  const times: number[] = [];
  t0 = performance.now();
  while (times.length < 5 || performance.now() - t0 < o.seconds * 1000) {
    const a = performance.now();
    c.step();
    times.push(performance.now() - a);
  }
  return { sps: 1000 / median(times), iters: times.length, loss0, loss: c.loss };
}

/** OpenBLAS's own view of its threading (the same library handle blas.ts loaded). */
function blasInfo(libPath: string): { threads: number | null; config: string | null } {
  try {
    const koffi = createRequire(import.meta.url)('koffi');
    const lib = koffi.load(libPath);
    const threads = Number(lib.func('int openblas_get_num_threads()')());
    let config: string | null = null;
    try { config = String(lib.func('const char *openblas_get_config()')()); } catch { /* older OpenBLAS */ }
    return { threads, config };
  } catch {
    return { threads: null, config: null };
  }
}

function torchScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled to <outDir>/bench/run.js; the script stays in the source tree's bench/.
  for (const p of [path.resolve(here, '../../bench/torch_bench.py'), path.resolve(here, 'torch_bench.py'), path.resolve(process.cwd(), 'bench/torch_bench.py')]) {
    if (existsSync(p)) return p;
  }
  return null;
}

interface TorchRun { results: Record<string, number>; version: string; threads: number; interop: number }

function runTorch(threads: number, o: Options): TorchRun | string {
  const script = torchScript();
  if (!script) return 'bench/torch_bench.py not found';
  if (!existsSync(o.python)) return `${o.python} not found`;
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const r = spawnSync(o.python, [script, '--threads', String(threads), '--cases', o.only.join(','), '--seconds', String(o.seconds), '--warmup-seconds', String(o.warmup)], {
    env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
  });
  if (r.error) return `could not run ${o.python}: ${r.error.message}`;
  if (r.status !== 0) return `torch_bench.py exited with ${r.status ?? r.signal} (is python3-torch installed?)`;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(last);
    return { results: j.results, version: j.torch_version, threads: j.threads, interop: j.interop_threads };
  } catch {
    return `torch_bench.py printed no JSON (last line: ${last.slice(0, 200)})`;
  }
}

const round = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const load0 = os.loadavg();
  log(`bench: cases ${o.only.join(', ')}; ${o.seconds} s per case after ${o.warmup} s warm-up; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);

  const blas = loadBlas();
  if (!blas) log(`bench: warning: OpenBLAS unavailable, blas fields are null (${blasLoadError()})`);
  const bi = blas ? blasInfo(blas.path) : null;

  type Row = { ts: number | null; blas: number | null; torch_t1: number | null; torch_t2: number | null };
  const rows = new Map<CaseName, Row>();
  for (const n of o.only) rows.set(n, { ts: null, blas: null, torch_t1: null, torch_t2: null });
  const losses: Record<string, Record<string, [number, number]>> = {};

  const kernels: [('ts' | 'blas'), GemmKernel | null][] = [['ts', tsGemm], ['blas', blas?.kernel ?? null]];
  for (const name of o.only) {
    for (const [kname, k] of kernels) {
      if (!k) continue;
      const r = measure(name, k, o);
      rows.get(name)![kname] = r.sps;
      (losses[name] ??= {})[kname] = [r.loss0, r.loss];
      log(`  ${kname.padEnd(4)} ${name}: ${r.sps.toFixed(1)} steps/s (${r.iters} iters, loss ${r.loss0.toFixed(4)} → ${r.loss.toFixed(4)})`);
    }
  }
  // OpenBLAS's default is one thread per core; on these small products its OpenMP fork/join (and, on a
  // busy machine, waiting for a descheduled worker) can cost more than the arithmetic. Measuring the
  // single-thread kernel too shows how much (reported in meta only: the spec'd `blas` is the default).
  const blas1: Record<string, number> = {};
  if (blas && o.blas1 && (bi?.threads ?? 1) > 1) {
    blas.setThreads(1);
    for (const name of o.only) {
      const r = measure(name, blas.kernel, o);
      blas1[name] = round(r.sps)!;
      log(`  blas (1 thread) ${name}: ${r.sps.toFixed(1)} steps/s (${r.iters} iters)`);
    }
    blas.setThreads(bi!.threads!);
  }
  setGemmKernel(tsGemm);

  const torchMeta: Record<string, unknown> = {};
  if (o.torch) {
    for (const t of [1, 2] as const) {
      log(`bench: PyTorch with ${t} thread${t > 1 ? 's' : ''} (${o.python} bench/torch_bench.py)`);
      const r = runTorch(t, o);
      if (typeof r === 'string') {
        log(`bench: warning: torch_t${t} fields are null: ${r}`);
        torchMeta[`t${t}`] = { error: r };
        continue;
      }
      torchMeta.version = r.version;
      torchMeta[`t${t}`] = { threads: r.threads, interop_threads: r.interop };
      for (const n of o.only) rows.get(n)![t === 1 ? 'torch_t1' : 'torch_t2'] = r.results[n] ?? null;
    }
  } else {
    log('bench: --no-torch: torch fields are null');
  }

  const load1 = os.loadavg();
  const out: Record<string, unknown> = {};
  for (const [n, r] of rows) out[n] = { ts: round(r.ts), blas: round(r.blas), torch_t1: round(r.torch_t1), torch_t2: round(r.torch_t2) };
  out.meta = {
    unit: 'training steps per second (1 / median step time)',
    step: `LSTM(${LSTM_IN}→H) T=${LSTM_T} + Linear(H→${HEAD_OUT}) head on every h_t + MSE + BPTT + Adam; MLP ${MLP_SIZES.join('-')} tanh batch ${MLP_BATCH} + MSE + backward + Adam; f32`,
    seconds_per_case: o.seconds,
    warmup_seconds: o.warmup,
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? null,
    cpus: os.cpus().length,
    loadavg_start: load0.map((x) => Math.round(x * 100) / 100),
    loadavg_end: load1.map((x) => Math.round(x * 100) / 100),
    omp_num_threads: process.env.OMP_NUM_THREADS ?? null,
    openblas_num_threads_env: process.env.OPENBLAS_NUM_THREADS ?? null,
    blas: blas ? { path: blas.path, threads: bi?.threads ?? null, config: bi?.config ?? null } : { error: blasLoadError() },
    torch: o.torch ? torchMeta : null,
    blas_1thread: o.blas1 ? blas1 : null,
    loss_first_last: losses,
  };

  // Ratios the targets are stated in, for the reader (the targets are not asserted here).
  const best = (r: Row) => Math.max(r.ts ?? 0, r.blas ?? 0);
  const lines = ['case            ts        blas      torch_t1  torch_t2  best/t1  best/t2'];
  for (const [n, r] of rows) {
    const f = (x: number | null) => (x == null ? '—' : x.toFixed(1)).padEnd(10);
    const ratio = (t: number | null) => (t ? (best(r) / t).toFixed(2) : '—').padEnd(9);
    lines.push(`${n.padEnd(16)}${f(r.ts)}${f(r.blas)}${f(r.torch_t1)}${f(r.torch_t2)}${ratio(r.torch_t1)}${ratio(r.torch_t2)}`);
  }
  if (o.json) {
    for (const l of lines) log(l);
    process.stdout.write(JSON.stringify(out) + '\n');
  } else {
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main();
