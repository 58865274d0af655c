/**
 * Run one bench case in a loop for profiling, e.g.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile.js lstm_h48_b32 blas 5
 *   node dist/bench/profile.js --summary /tmp/prof/<file>.cpuprofile
 * The summary lists self time per function (and per source line for the top ones), which is what
 * tells whether time goes to gemm, the elementwise cell loops or the optimizer.
 *   node dist/bench/profile.js --gemm mlp_b256 blas 5
 * times every gemm call instead (no profiler): µs per step for each product shape, their total, and the
 * rest of the step. Compare runs with STEERED_BLAS_THREADS / STEERED_BLAS_MT_MIN set differently to see
 * which shapes gain from a second thread.
 */
import { readFileSync } from 'node:fs';
import { setGemmKernel, tsGemm, type GemmKernel } from '../src/math/gemm.js';
import { loadBlas } from '../src/node/blas.js';
import { CASE_NAMES, makeCase, type CaseName } from './cases.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  positionTicks?: { line: number; ticks: number }[];
}

function summary(file: string): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const lines = new Map<string, Map<number, number>>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = prof.timeDeltas[i] ?? 0;
    total += dt;
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  for (const n of prof.nodes) {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
    for (const pt of n.positionTicks ?? []) {
      const m = lines.get(key) ?? new Map<number, number>();
      m.set(pt.line, (m.get(pt.line) ?? 0) + pt.ticks);
      lines.set(key, m);
    }
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  for (const [k, t] of top) {
    const hot = [...(lines.get(k) ?? new Map()).entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([l, c]) => `L${l}:${c}`)
      .join(' ');
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}   ${hot}`);
  }
}

/** The kernel, wrapped to add each call's wall time to `byShape` under "NN MxNxK". */
function timed(k: GemmKernel, byShape: Map<string, number>): GemmKernel {
  return {
    name: k.name,
    gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
      const t = performance.now();
      k.gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      const key = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}x${N}x${K}`;
      byShape.set(key, (byShape.get(key) ?? 0) + performance.now() - t);
    },
  };
}

const argv = process.argv.slice(2);
const gemmTimes = argv[0] === '--gemm';
if (gemmTimes) argv.shift();
if (argv[0] === '--summary') {
  summary(argv[1]!);
} else {
  const name = argv[0] as CaseName;
  if (!(CASE_NAMES as readonly string[]).includes(name))
    throw new Error(`case must be one of ${CASE_NAMES.join(', ')}`);
  const k = argv[1] === 'blas' ? loadBlas()?.kernel : tsGemm;
  if (!k) throw new Error('OpenBLAS unavailable');
  const byShape = new Map<string, number>();
  setGemmKernel(gemmTimes ? timed(k, byShape) : k);
  const secs = Number(argv[2] ?? 5);
  const c = makeCase(name);
  if (gemmTimes) {
    const w0 = performance.now();
    while (performance.now() - w0 < 500) c.step(); // JIT warm-up, not counted
    byShape.clear();
  }
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < secs * 1000) {
    c.step();
    n++;
  }
  const total = performance.now() - t0;
  console.log(`${name} ${k.name}: ${n} steps in ${secs} s = ${(n / secs).toFixed(1)} steps/s`);
  if (gemmTimes) {
    let g = 0;
    for (const [shape, t] of byShape) {
      console.log(`  ${shape.padEnd(22)} ${((1000 * t) / n).toFixed(1).padStart(8)} µs/step`);
      g += t;
    }
    console.log(
      `  step ${((1000 * total) / n).toFixed(0)} µs = gemm ${((1000 * g) / n).toFixed(0)} + rest ${((1000 * (total - g)) / n).toFixed(0)}`,
    );
  }
}
