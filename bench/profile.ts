/**
 * Run one bench case in a loop for profiling, e.g.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile.js lstm_h48_b32 blas 5
 *   node dist/bench/profile.js --summary /tmp/prof/<file>.cpuprofile
 * The summary lists self time per function (and per source line for the top ones), which is what
 * tells whether time goes to gemm, the elementwise cell loops or the optimizer.
 */
import { readFileSync } from 'node:fs';
import { setGemmKernel, tsGemm } from '../src/math/gemm.js';
import { loadBlas } from '../src/node/blas.js';
import { CASE_NAMES, makeCase, type CaseName } from './cases.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; positionTicks?: { line: number; ticks: number }[] }

function summary(file: string): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
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
    const hot = [...(lines.get(k) ?? new Map()).entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([l, c]) => `L${l}:${c}`).join(' ');
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}   ${hot}`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--summary') {
  summary(argv[1]!);
} else {
  const name = argv[0] as CaseName;
  if (!(CASE_NAMES as readonly string[]).includes(name)) throw new Error(`case must be one of ${CASE_NAMES.join(', ')}`);
  const k = argv[1] === 'blas' ? loadBlas()?.kernel : tsGemm;
  if (!k) throw new Error('OpenBLAS unavailable');
  setGemmKernel(k);
  const secs = Number(argv[2] ?? 5);
  const c = makeCase(name);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < secs * 1000) { c.step(); n++; }
  console.log(`${name} ${k.name}: ${n} steps in ${secs} s = ${(n / secs).toFixed(1)} steps/s`);
}
