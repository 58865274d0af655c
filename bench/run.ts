/**
 * Training-step throughput of our layers under each gemm kernel, against PyTorch on the same shapes.
 *
 *   npm run bench -- [--json] [--only lstm_h48_b1,mlp_b256] [--seconds 1.5] [--rounds 2] [--no-torch] [--no-blas-alt]
 *
 * Progress goes to stderr. With --json the last stdout line is one JSON object:
 *   {"lstm_h48_b1": {"ts", "wasm", "blas", "torch_t1", "torch_t2"}, …, "meta": {…}}   (steps per second)
 * Without --json a table goes to stdout. A field is null when that backend is unavailable (no OpenBLAS,
 * no python3/torch) or the case was not selected.
 *
 * Statistic: steps/s = 1 / median time of one step, after a warm-up (JIT tiers for us, allocator and
 * thread-pool start-up for torch), over at least `seconds` and at least 5 steps; the best of `--rounds`
 * (default 2) such measurements. The machine is shared, so the bench is built to let every backend see
 * the same load: PyTorch runs as two long-lived subprocesses (1 and 2 threads, `torch_bench.py --serve`)
 * and each case is measured in all backends back to back before moving on; median and best-of-rounds
 * keep a burst from another process from deciding a number. Load averages go into meta.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setGemmKernel, tsGemm, type GemmKernel } from '../src/math/gemm.js';
import { blasLoadError, loadBlas } from '../src/node/blas.js';
import { wasmGemm } from '../src/math/gemm-wasm.js';
import {
  CASE_NAMES,
  HEAD_OUT,
  LSTM_IN,
  LSTM_T,
  MLP_BATCH,
  MLP_SIZES,
  makeCase,
  type CaseName,
} from './cases.js';

interface Options {
  json: boolean;
  only: CaseName[];
  seconds: number;
  warmup: number;
  torch: boolean;
  blasAlt: boolean;
  rounds: number;
  python: string;
}

function usage(msg: string): never {
  process.stderr.write(
    `bench: ${msg}\nusage: run.js [--json] [--only ${CASE_NAMES.join(',')}] [--seconds N] [--rounds N] [--warmup N] [--no-torch] [--no-blas-alt] [--python PATH]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false,
    only: [...CASE_NAMES],
    seconds: 1.5,
    warmup: 0.5,
    torch: true,
    blasAlt: true,
    rounds: 2,
    python: '/usr/bin/python3',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const key = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (key) {
      case '--json':
        o.json = true;
        break;
      case '--no-torch':
        o.torch = false;
        break;
      case '--no-blas-alt':
        o.blasAlt = false;
        break;
      case '--only': {
        const names = val()
          .split(',')
          .filter((s) => s !== '');
        for (const n of names)
          if (!(CASE_NAMES as readonly string[]).includes(n))
            usage(`unknown case '${n}' (cases: ${CASE_NAMES.join(', ')})`);
        o.only = names as CaseName[];
        break;
      }
      case '--seconds':
        o.seconds = Number(val());
        if (!(o.seconds > 0)) usage('--seconds must be > 0');
        break;
      case '--warmup':
        o.warmup = Number(val());
        if (!(o.warmup >= 0)) usage('--warmup must be ≥ 0');
        break;
      case '--rounds':
        o.rounds = Number(val());
        if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) usage('--rounds must be a positive integer');
        break;
      case '--python':
        o.python = val();
        break;
      default:
        usage(`unknown option '${a}'`);
    }
  }
  return o;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function measure(
  name: CaseName,
  kernel: GemmKernel,
  o: Options,
): { sps: number; iters: number; loss0: number; loss: number } {
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
    try {
      config = String(lib.func('const char *openblas_get_config()')());
    } catch {
      /* older OpenBLAS */
    }
    return { threads, config };
  } catch {
    return { threads: null, config: null };
  }
}

function torchScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled to <outDir>/bench/run.js; the script stays in the source tree's bench/.
  for (const p of [
    path.resolve(here, '../../bench/torch_bench.py'),
    path.resolve(here, 'torch_bench.py'),
    path.resolve(process.cwd(), 'bench/torch_bench.py'),
  ]) {
    if (existsSync(p)) return p;
  }
  return null;
}

/** A long-lived `torch_bench.py --serve` process: one request line in, one JSON line out. */
class TorchServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((l: string | null) => void) | null = null;
  private closed = false;

  constructor(
    python: string,
    script: string,
    readonly threads: number,
  ) {
    const env = {
      ...process.env,
      OMP_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
    };
    this.proc = spawn(python, [script, '--threads', String(threads), '--serve'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    const rl = createInterface({ input: this.proc.stdout });
    rl.on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(l);
      } else this.lines.push(l);
    });
    const done = () => {
      this.closed = true;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(null);
      }
    };
    rl.on('close', done);
    this.proc.on('error', done);
  }

  private next(): Promise<string | null> {
    if (this.lines.length) return Promise.resolve(this.lines.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((res) => {
      this.waiting = res;
    });
  }

  async hello(): Promise<{ torch_version: string; threads: number; interop_threads: number } | string> {
    const l = await this.next();
    if (l === null)
      return `torch_bench.py --serve exited (exit code ${this.proc.exitCode ?? this.proc.signalCode}; is python3-torch installed?)`;
    try {
      return JSON.parse(l);
    } catch {
      return `torch_bench.py printed '${l.slice(0, 200)}' instead of its JSON hello`;
    }
  }

  async measure(name: CaseName, o: Options): Promise<number | null> {
    if (this.closed) return null;
    this.proc.stdin.write(`${name} ${o.seconds} ${o.warmup}\n`);
    const l = await this.next();
    if (l === null) return null;
    const r = JSON.parse(l) as { sps?: number; iters?: number; loss?: number; error?: string };
    if (r.sps === undefined) {
      log(`bench: warning: torch t${this.threads} ${name}: ${r.error}`);
      return null;
    }
    log(
      `  torch t${this.threads} ${name}: ${r.sps.toFixed(1)} steps/s (${r.iters} iters, loss ${r.loss!.toFixed(4)})`,
    );
    return r.sps;
  }

  close(): void {
    if (!this.closed) this.proc.stdin.end();
  }
}

async function startTorch(
  o: Options,
): Promise<{ servers: (TorchServer | null)[]; meta: Record<string, unknown> }> {
  const meta: Record<string, unknown> = {};
  const servers: (TorchServer | null)[] = [];
  const script = torchScript();
  for (const t of [1, 2]) {
    const why = !script
      ? 'bench/torch_bench.py not found'
      : !existsSync(o.python)
        ? `${o.python} not found`
        : null;
    if (why) {
      log(`bench: warning: torch_t${t} fields are null: ${why}`);
      meta[`t${t}`] = { error: why };
      servers.push(null);
      continue;
    }
    const s = new TorchServer(o.python, script!, t);
    const h = await s.hello();
    if (typeof h === 'string') {
      log(`bench: warning: torch_t${t} fields are null: ${h}`);
      meta[`t${t}`] = { error: h };
      servers.push(null);
      continue;
    }
    meta.version = h.torch_version;
    meta[`t${t}`] = { threads: h.threads, interop_threads: h.interop_threads };
    servers.push(s);
  }
  return { servers, meta };
}

const round = (x: number | null | undefined) =>
  x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const load0 = os.loadavg();
  log(
    `bench: cases ${o.only.join(', ')}; ${o.rounds} round(s) of ${o.seconds} s per case and backend after ${o.warmup} s warm-up; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`,
  );

  const blas = loadBlas();
  if (!blas) log(`bench: warning: OpenBLAS unavailable, blas fields are null (${blasLoadError()})`);
  const bi = blas ? blasInfo(blas.path) : null;
  const defaultThreads = bi?.threads ?? null;
  // The specified `blas` field is the kernel as loadBlas() configures it (STEERED_BLAS_THREADS, default
  // 1). The other thread count (1 ↔ all cores) is measured too and reported in meta, because on these
  // small products OpenMP fork/join, and on a shared machine waiting for a descheduled worker, can cost
  // more than the arithmetic: the number shows what the default choice is worth.
  const altThreads = defaultThreads === null ? null : defaultThreads > 1 ? 1 : os.cpus().length;
  const doAlt = !!blas && o.blasAlt && altThreads !== null && altThreads !== defaultThreads;

  let torch: { servers: (TorchServer | null)[]; meta: Record<string, unknown> } = { servers: [], meta: {} };
  if (o.torch) torch = await startTorch(o);
  else log('bench: --no-torch: torch fields are null');

  type Row = {
    ts: number | null;
    wasm: number | null;
    blas: number | null;
    torch_t1: number | null;
    torch_t2: number | null;
    blas_alt: number | null;
  };
  const rows = new Map<CaseName, Row>();
  for (const n of o.only)
    rows.set(n, { ts: null, wasm: null, blas: null, torch_t1: null, torch_t2: null, blas_alt: null });
  const better = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  const losses: Record<string, Record<string, [number, number]>> = {};

  const ours = (name: CaseName, label: string, k: GemmKernel): number => {
    const r = measure(name, k, o);
    (losses[name] ??= {})[label] = [r.loss0, r.loss];
    log(
      `  ${label.padEnd(4)} ${name}: ${r.sps.toFixed(1)} steps/s (${r.iters} iters, loss ${r.loss0.toFixed(4)} → ${r.loss.toFixed(4)})`,
    );
    return r.sps;
  };

  for (let round = 0; round < o.rounds; round++) {
    if (o.rounds > 1)
      log(`bench: round ${round + 1}/${o.rounds} (load average ${os.loadavg()[0]!.toFixed(2)})`);
    for (const name of o.only) {
      const row = rows.get(name)!;
      row.ts = better(row.ts, ours(name, 'ts', tsGemm));
      const w = wasmGemm();
      if (w) row.wasm = better(row.wasm, ours(name, 'wasm', w));
      if (blas) {
        row.blas = better(row.blas, ours(name, 'blas', blas.kernel));
        if (doAlt) {
          blas.setThreads(altThreads);
          row.blas_alt = better(row.blas_alt, ours(name, `blas${altThreads}`, blas.kernel));
          blas.setThreads(defaultThreads!);
        }
      }
      setGemmKernel(tsGemm);
      const [t1, t2] = torch.servers;
      if (t1) row.torch_t1 = better(row.torch_t1, await t1.measure(name, o));
      if (t2) row.torch_t2 = better(row.torch_t2, await t2.measure(name, o));
    }
  }
  for (const s of torch.servers) s?.close();
  const torchMeta = torch.meta;

  const load1 = os.loadavg();
  const out: Record<string, unknown> = {};
  for (const [n, r] of rows)
    out[n] = {
      ts: round(r.ts),
      wasm: round(r.wasm),
      blas: round(r.blas),
      torch_t1: round(r.torch_t1),
      torch_t2: round(r.torch_t2),
    };
  out.meta = {
    unit: 'training steps per second (1 / median step time)',
    step: `LSTM(${LSTM_IN}→H) T=${LSTM_T} + Linear(H→${HEAD_OUT}) head on every h_t + MSE + BPTT + Adam; MLP ${MLP_SIZES.join('-')} tanh batch ${MLP_BATCH} + MSE + backward + Adam; f32`,
    seconds_per_case: o.seconds,
    rounds: o.rounds,
    warmup_seconds: o.warmup,
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? null,
    cpus: os.cpus().length,
    loadavg_start: load0.map((x) => Math.round(x * 100) / 100),
    loadavg_end: load1.map((x) => Math.round(x * 100) / 100),
    omp_num_threads: process.env.OMP_NUM_THREADS ?? null,
    openblas_num_threads_env: process.env.OPENBLAS_NUM_THREADS ?? null,
    blas: blas
      ? { path: blas.path, threads: bi?.threads ?? null, config: bi?.config ?? null }
      : { error: blasLoadError() },
    torch: o.torch ? torchMeta : null,
    blas_alt_threads: doAlt
      ? {
          threads: altThreads,
          results: Object.fromEntries([...rows].map(([n, r]) => [n, round(r.blas_alt)])),
        }
      : null,
    loss_first_last: losses,
  };

  // Ratios the speed targets are stated in, for the reader (the targets are not asserted here).
  // best = max(ts, wasm, blas), the specified fields; blasN (other OpenBLAS thread count, meta only) for comparison.
  const best = (r: Row) => Math.max(r.ts ?? 0, r.wasm ?? 0, r.blas ?? 0);
  const an = `blas${altThreads ?? '?'}`;
  const lines = [
    `case            ts        wasm      blas      ${an.padEnd(10)}torch_t1  torch_t2  best/t1  best/t2  `,
  ];
  for (const [n, r] of rows) {
    const f = (x: number | null) => (x == null ? '—' : x.toFixed(1)).padEnd(10);
    const ratio = (x: number | null, t: number | null) => (x && t ? (x / t).toFixed(2) : '—').padEnd(9);
    lines.push(
      `${n.padEnd(16)}${f(r.ts)}${f(r.wasm)}${f(r.blas)}${f(r.blas_alt)}${f(r.torch_t1)}${f(r.torch_t2)}` +
        `${ratio(best(r), r.torch_t1)}${ratio(best(r), r.torch_t2)}`,
    );
  }
  if (o.json) {
    for (const l of lines) log(l);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
