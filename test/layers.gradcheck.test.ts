// Float64 central-difference gradient checks for Linear, MLP, LSTM and GRU (BPTT over ≥ 20 steps,
// masks with mid-sequence resets, initial-state and input gradients, truncated and chunked BPTT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/math/rng.js';
import type { Vec } from '../src/math/gemm.js';
import { makeParam, type Param } from '../src/nn/param.js';
import { gradCheck, type GradCheckResult } from '../src/nn/gradcheck.js';
import { Linear } from '../src/nn/linear.js';
import { MLP } from '../src/nn/mlp.js';
import { LSTM } from '../src/nn/lstm.js';
import { GRU } from '../src/nn/gru.js';

const TOL = 1e-4;

function randParam(name: string, shape: number[], rng: Rng, scale = 1): Param {
  const p = makeParam(name, shape, 'f64');
  for (let i = 0; i < p.data.length; i++) p.data[i] = scale * rng.normal();
  return p;
}

function randArr(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

function dot(a: Vec, b: Vec, n: number, bo = 0): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[bo + i]!;
  return s;
}

function report(label: string, r: GradCheckResult): void {
  console.log(
    `# gradcheck ${label}: maxRelError=${r.maxRelError.toExponential(2)} checked=${r.checked} skipped=${r.skipped} ` +
      `maxAbsErrSkipped=${r.maxAbsErrorSkipped.toExponential(1)} worst=${r.worst ? `${r.worst.param}[${r.worst.index}]` : '-'}`,
  );
}

function expectOk(label: string, r: GradCheckResult, minChecked: number): void {
  report(label, r);
  assert.ok(r.checked >= minChecked, `${label}: only ${r.checked} entries checked`);
  assert.ok(
    r.maxRelError < TOL,
    `${label}: max relative error ${r.maxRelError} at ${JSON.stringify(r.worst)}`,
  );
  assert.ok(r.maxAbsErrorSkipped < 1e-7, `${label}: skipped entries differ by ${r.maxAbsErrorSkipped}`);
}

test('Linear gradients (weights, bias, input)', () => {
  const rng = new Rng(1);
  const I = 4,
    O = 3,
    B = 5;
  for (const bias of [true, false]) {
    const lin = new Linear('lin', I, O, { dtype: 'f64', rng, bias, maxBatch: B });
    const x = randParam('x', [B, I], rng);
    const wy = randArr(B * O, rng);
    const y = new Float64Array(B * O);
    const loss = () => {
      lin.forward(x.data, B, y);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += wy[i]! * y[i]! + 0.5 * y[i]! * y[i]!;
      return s;
    };
    const r = gradCheck({
      params: [...lin.params(), x],
      loss,
      analytic: () => {
        loss();
        const dy = new Float64Array(B * O);
        for (let i = 0; i < dy.length; i++) dy[i] = wy[i]! + y[i]!;
        lin.backward(x.data, dy, B, x.grad);
      },
    });
    expectOk(`Linear bias=${bias}`, r, (I + 1) * O + B * I - (bias ? 0 : O) - 2);
  }
});

test('MLP gradients for each activation and output activation', () => {
  const rng = new Rng(2);
  const B = 4,
    sizes = [3, 6, 5, 2];
  for (const [act, outAct] of [
    ['tanh', 'none'],
    ['relu', 'tanh'],
    ['sigmoid', 'sigmoid'],
    ['tanh', 'relu'],
  ] as const) {
    const mlp = new MLP('mlp', sizes, {
      dtype: 'f64',
      rng,
      activation: act,
      outputActivation: outAct,
      maxBatch: 8,
    });
    // Nonzero biases: with zero biases a row whose relu inputs are all dead sits exactly on the kink.
    for (const l of mlp.layers)
      for (let i = 0; i < l.b!.data.length; i++)
        l.b!.data[i] = 0.3 * rng.normal() + (outAct === 'relu' && l === mlp.layers[2] ? 0.5 : 0);
    const x = randParam('x', [B, 3], rng);
    const wy = randArr(B * 2, rng);
    const loss = () => dot(wy, mlp.forward(x.data, B), B * 2);
    const r = gradCheck({
      params: [...mlp.params(), x],
      loss,
      analytic: () => {
        loss();
        mlp.backward(wy, B, x.grad);
      },
    });
    expectOk(`MLP ${act}/${outAct}`, r, 20);
  }
});

// ---------------------------------------------------------------------------------------------------
// Recurrent layers. Shared set-up: input 3, hidden 5, batch 3, T steps; loss = Σ_t W_t·h_t + u·h_T (+ w·c_T).

interface Seq {
  I: number;
  H: number;
  B: number;
  T: number;
}
const SEQ: Seq = { I: 3, H: 5, B: 3, T: 22 };

/** Masks [T×B] with mid-sequence resets, plus one reset at t = 0 (kills the gradient into that row of h0). */
function makeMasks(s: Seq): Float64Array {
  const m = new Float64Array(s.T * s.B).fill(1);
  m[0 * s.B + 1] = 0;
  m[7 * s.B + 0] = 0;
  m[15 * s.B + 2] = 0;
  m[16 * s.B + 0] = 0;
  return m;
}

type Cell = 'lstm' | 'gru';

function makeCell(kind: Cell, rng: Rng, s: Seq, maxSteps = s.T): LSTM | GRU {
  return kind === 'lstm'
    ? new LSTM(kind, s.I, s.H, { dtype: 'f64', rng, maxSteps, maxBatch: s.B + 1, forgetBias: 0.5 })
    : new GRU(kind, s.I, s.H, { dtype: 'f64', rng, maxSteps, maxBatch: s.B + 1 });
}

function finalC(cell: LSTM | GRU): Vec | null {
  return cell instanceof LSTM ? cell.finalState().c : null;
}

function setupRecurrent(kind: Cell, seed: number, drive: 'step' | 'seq', masked: boolean) {
  const s = SEQ;
  const rng = new Rng(seed);
  const cell = makeCell(kind, rng, s);
  // Biases are zero at init; random ones exercise their gradient paths more evenly.
  for (const p of cell.params())
    if (p.shape.length === 1) for (let i = 0; i < p.data.length; i++) p.data[i]! += 0.3 * rng.normal();
  const X = randParam('x', [s.T, s.B, s.I], rng);
  const h0 = randParam('h0', [s.B, s.H], rng, 0.5);
  const c0 = randParam('c0', [s.B, s.H], rng, 0.5);
  const W = randArr(s.T * s.B * s.H, rng);
  const u = randArr(s.B * s.H, rng);
  const w = randArr(s.B * s.H, rng);
  const masks = masked ? makeMasks(s) : null;
  const BH = s.B * s.H,
    BI = s.B * s.I;
  const xViews = Array.from({ length: s.T }, (_, t) => X.data.subarray(t * BI, (t + 1) * BI));
  const mViews = Array.from({ length: s.T }, (_, t) =>
    masks ? masks.subarray(t * s.B, (t + 1) * s.B) : null,
  );
  const isLstm = cell instanceof LSTM;
  const loss = (): number => {
    let acc = 0;
    if (drive === 'seq') {
      const Hs = isLstm
        ? cell.forwardSeq(X.data, s.T, s.B, h0.data, c0.data, masks)
        : (cell as GRU).forwardSeq(X.data, s.T, s.B, h0.data, masks);
      acc += dot(W, Hs, s.T * BH);
    } else {
      if (isLstm) cell.begin(s.B, h0.data, c0.data);
      else (cell as GRU).begin(s.B, h0.data);
      for (let t = 0; t < s.T; t++) acc += dot(cell.step(xViews[t]!, mViews[t]), W, BH, t * BH);
    }
    acc += dot(u, cell.finalState().h, BH);
    const c = finalC(cell);
    if (c) acc += dot(w, c, BH);
    return acc;
  };
  const analytic = (): void => {
    loss();
    if (cell instanceof LSTM) {
      cell.backward(W, u, w, X.grad);
      h0.grad.set(cell.dh0);
      c0.grad.set(cell.dc0);
    } else {
      cell.backward(W, u, X.grad);
      h0.grad.set(cell.dh0);
    }
  };
  const params = [...cell.params(), X, h0, ...(isLstm ? [c0] : [])];
  return { cell, params, loss, analytic, s };
}

for (const kind of ['lstm', 'gru'] as const) {
  for (const drive of ['step', 'seq'] as const) {
    for (const masked of [false, true]) {
      test(`${kind.toUpperCase()} BPTT over ${SEQ.T} steps (${drive}-driven${masked ? ', masked resets' : ''}): params, dx, dh0${kind === 'lstm' ? ', dc0, dcT' : ''}`, () => {
        const { params, loss, analytic, s } = setupRecurrent(
          kind,
          10 + (drive === 'seq' ? 1 : 0) + (masked ? 2 : 0),
          drive,
          masked,
        );
        const r = gradCheck({ params, loss, analytic });
        const total = params.reduce((n, p) => n + p.data.length, 0);
        expectOk(`${kind} ${drive}${masked ? ' masked' : ''}`, r, Math.floor(total * 0.85));
        if (masked) {
          // Row 1 was reset at t = 0, so its initial state gets exactly zero gradient.
          const h0 = params.find((p) => p.name === 'h0')!;
          for (let j = 0; j < s.H; j++)
            assert.ok(h0.grad[1 * s.H + j] === 0, `dh0[1,${j}] = ${h0.grad[1 * s.H + j]}`);
        }
      });
    }
  }

  test(`${kind.toUpperCase()} truncated BPTT: chunk 2 from a carried state treated as constant; chunked full BPTT via dhT${kind === 'lstm' ? '/dcT' : ''}`, () => {
    const s: Seq = { I: 3, H: 5, B: 2, T: 12 };
    const rng = new Rng(kind === 'lstm' ? 21 : 22);
    const cell = makeCell(kind, rng, s, 16);
    for (const p of cell.params())
      if (p.shape.length === 1) for (let i = 0; i < p.data.length; i++) p.data[i]! += 0.3 * rng.normal();
    const isLstm = cell instanceof LSTM;
    const BH = s.B * s.H;
    const X1 = randArr(s.T * s.B * s.I, rng),
      X2 = randArr(s.T * s.B * s.I, rng);
    const W2 = randArr(s.T * BH, rng);
    const begin = (h: Vec | null, c: Vec | null) => {
      if (isLstm) cell.begin(s.B, h, c);
      else (cell as GRU).begin(s.B, h);
    };
    const run = (X: Float64Array): void => {
      for (let t = 0; t < s.T; t++) cell.step(X.subarray(t * s.B * s.I, (t + 1) * s.B * s.I));
    };
    const chunk1 = (): { h: Float64Array; c: Float64Array | null } => {
      begin(null, null);
      run(X1);
      const c = finalC(cell);
      return { h: Float64Array.from(cell.finalState().h), c: c ? Float64Array.from(c) : null };
    };
    const chunk2Loss = (h: Vec, c: Vec | null): number => {
      begin(h, c);
      let acc = 0;
      for (let t = 0; t < s.T; t++)
        acc += dot(cell.step(X2.subarray(t * s.B * s.I, (t + 1) * s.B * s.I)), W2, BH, t * BH);
      return acc;
    };
    const carried = chunk1(); // state at the unperturbed parameters, held fixed below
    const params = cell.params();

    // Truncated: analytic = backward through chunk 2 only; numeric = d(chunk-2 loss)/dθ with h0 fixed.
    const rT = gradCheck({
      params,
      loss: () => chunk2Loss(carried.h, carried.c),
      analytic: () => {
        const st = chunk1(); // the real training pattern: run chunk 1, carry its state into chunk 2
        chunk2Loss(st.h, st.c);
        cell.backward(W2);
      },
    });
    expectOk(`${kind} truncated`, rT, 100);

    // Full BPTT of the same loss across the chunk boundary, by hand: backward chunk 2, recompute chunk 1
    // and feed chunk 2's dh0 (and dc0) in as dhT (dcT).
    const bpttAnalytic = (): void => {
      const st = chunk1();
      chunk2Loss(st.h, st.c);
      cell.backward(W2);
      const dh0 = Float64Array.from(cell.dh0);
      const dc0 = isLstm ? Float64Array.from((cell as LSTM).dc0) : null;
      chunk1();
      if (isLstm) (cell as LSTM).backward(null, dh0, dc0);
      else (cell as GRU).backward(null, dh0);
    };
    const rF = gradCheck({
      params,
      loss: () => {
        const st = chunk1();
        return chunk2Loss(st.h, st.c);
      },
      analytic: bpttAnalytic,
    });
    expectOk(`${kind} chunked full BPTT`, rF, 100);
    // Truncation must actually change the gradient (otherwise the test above proves nothing).
    let diff = 0;
    for (let k = 0; k < rT.analytic.length; k++)
      for (let i = 0; i < rT.analytic[k]!.length; i++)
        diff = Math.max(diff, Math.abs(rT.analytic[k]![i]! - rF.analytic[k]![i]!));
    assert.ok(diff > 1e-3, `truncated and full gradients should differ, max diff ${diff}`);
  });
}
