// The fast float32 activations against the exact float64 ones, alone and inside whole layers: f32
// models run the rational approximation, f64 models (gradient checks) the Math.exp forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/math/rng.js';
import type { Vec } from '../src/math/gemm.js';
import type { DType, Module } from '../src/nn/param.js';
import { sigmoidForward, sigmoidFast, tanhFast, tanhForward } from '../src/nn/activations.js';
import { MLP } from '../src/nn/mlp.js';
import { LSTM } from '../src/nn/lstm.js';
import { GRU } from '../src/nn/gru.js';

test('fast f32 tanh and sigmoid stay within 1e-6 of exact f64 over a dense range', () => {
  const n = 800_001,
    lo = -40,
    hi = 40;
  const x32 = new Float32Array(n),
    x64 = new Float64Array(n);
  for (let i = 0; i < n; i++) x64[i] = x32[i] = lo + ((hi - lo) * i) / (n - 1);
  // Compare on the f32-representable inputs, so only the function differs.
  for (let i = 0; i < n; i++) x64[i] = x32[i]!;
  const y32 = new Float32Array(n),
    y64 = new Float64Array(n);
  for (const [name, f32, f64] of [
    ['tanh', tanhForward, (x: number) => Math.tanh(x)],
    ['sigmoid', sigmoidForward, (x: number) => 1 / (1 + Math.exp(-x))],
  ] as const) {
    f32(x32, y32, n);
    let worst = 0,
      at = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(y32[i]! - f64(x64[i]!));
      if (e > worst) {
        worst = e;
        at = x64[i]!;
      }
    }
    console.log(`# ${name} f32 fast: max abs error ${worst.toExponential(2)} at x=${at}`);
    assert.ok(worst < 1e-6, `${name}: max abs error ${worst} at ${at}`);
    // The f64 path is the exact one.
    (name === 'tanh' ? tanhForward : sigmoidForward)(x64, y64, n);
    let w64 = 0;
    for (let i = 0; i < n; i++) w64 = Math.max(w64, Math.abs(y64[i]! - f64(x64[i]!)));
    assert.ok(w64 < 1e-15, `${name} f64 path error ${w64}`);
  }
  // Odd symmetry, limits, NaN.
  for (const x of [0.3, 1.7, 5, 9, 1e30]) assert.equal(tanhFast(-x), -tanhFast(x));
  assert.equal(tanhFast(0), 0);
  assert.ok(Math.abs(tanhFast(Infinity) - 1) < 1e-6 && Math.abs(tanhFast(-Infinity) + 1) < 1e-6);
  assert.ok(Number.isNaN(tanhFast(NaN)) && Number.isNaN(sigmoidFast(NaN)));
  assert.ok(sigmoidFast(-Infinity) >= 0 && sigmoidFast(-Infinity) < 1e-6 && sigmoidFast(Infinity) <= 1);
});

/** Copy every parameter of `src` into `dst` (same architecture, any dtypes). */
function copyParams(src: Module, dst: Module): void {
  const a = src.params(),
    b = dst.params();
  assert.equal(a.length, b.length);
  for (let k = 0; k < a.length; k++)
    for (let i = 0; i < a[k]!.data.length; i++) b[k]!.data[i] = a[k]!.data[i]!;
}

function maxDiff(a: Vec, b: Vec, n: number): number {
  let w = 0;
  for (let i = 0; i < n; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

test('f32 LSTM, GRU and MLP forward passes match f64 with the same weights within 1e-5', () => {
  const I = 5,
    H = 24,
    B = 3,
    T = 40;
  const make = (kind: 'lstm' | 'gru' | 'mlp', dtype: DType) => {
    const rng = new Rng(11);
    if (kind === 'lstm') return new LSTM('c', I, H, { dtype, rng, maxSteps: T, maxBatch: B });
    if (kind === 'gru') return new GRU('c', I, H, { dtype, rng, maxSteps: T, maxBatch: B });
    return new MLP('m', [I, 64, 64, 3], {
      dtype,
      rng,
      activation: 'tanh',
      outputActivation: 'sigmoid',
      maxBatch: T * B,
    });
  };
  const rng = new Rng(3);
  const X64 = new Float64Array(T * B * I);
  for (let i = 0; i < X64.length; i++) X64[i] = 2 * rng.normal();
  const X32 = Float32Array.from(X64);
  for (let i = 0; i < X64.length; i++) X64[i] = X32[i]!;
  for (const kind of ['lstm', 'gru', 'mlp'] as const) {
    const m32 = make(kind, 'f32'),
      m64 = make(kind, 'f64');
    copyParams(m32, m64);
    // Biases away from zero put gates in their saturating ranges too.
    for (const m of [m32, m64])
      for (const p of m.params())
        if (p.name.endsWith('.b'))
          for (let i = 0; i < p.data.length; i++) p.data[i] = Math.fround(((i % 7) - 3) * 0.7);
    let y32: Vec, y64: Vec, n: number;
    if (m32 instanceof MLP && m64 instanceof MLP) {
      n = T * B * 3;
      y32 = m32.forward(X32, T * B);
      y64 = m64.forward(X64, T * B);
    } else if (m32 instanceof LSTM && m64 instanceof LSTM) {
      n = T * B * H;
      y32 = m32.forwardSeq(X32, T, B);
      y64 = m64.forwardSeq(X64, T, B);
    } else {
      n = T * B * H;
      y32 = (m32 as GRU).forwardSeq(X32, T, B);
      y64 = (m64 as GRU).forwardSeq(X64, T, B);
    }
    const d = maxDiff(y32, y64, n);
    console.log(`# ${kind}: f32 vs f64 forward max abs difference ${d.toExponential(2)}`);
    assert.ok(d < 1e-5, `${kind}: f32 forward differs from f64 by ${d}`);
  }
});

test('f32 MLP with widths that are not multiples of 4: forward is tanhFast(x·W + b) per element; backward matches f64', () => {
  // The f32 bias+tanh and tanh-backward loops are unrolled by four; widths 7, 6, 5 and 3 exercise every
  // remainder of the tail loops.
  const sizes = [5, 7, 6, 5, 3],
    B = 9;
  const m32 = new MLP('m', sizes, { dtype: 'f32', rng: new Rng(5), activation: 'tanh', maxBatch: B });
  const m64 = new MLP('m', sizes, { dtype: 'f64', rng: new Rng(5), activation: 'tanh', maxBatch: B });
  for (const p of m32.params())
    if (p.name.endsWith('.b'))
      for (let i = 0; i < p.data.length; i++) p.data[i] = Math.fround(((i % 5) - 2) * 0.4);
  copyParams(m32, m64);
  const rng = new Rng(8);
  const x32 = new Float32Array(B * sizes[0]!);
  for (let i = 0; i < x32.length; i++) x32[i] = 1.5 * rng.normal();
  const x64 = Float64Array.from(x32);
  const y32 = Float32Array.from(m32.forward(x32, B));
  const y64 = m64.forward(x64, B);
  assert.ok(maxDiff(y32, y64, y32.length) < 1e-5, 'forward');
  // Layer 0 by hand, in f32 like the layer (gemm accumulates in f32 order; compare at f32 resolution).
  const l0 = m32.layers[0]!,
    I = sizes[0]!,
    O = sizes[1]!;
  const h = new Float32Array(B * O);
  for (let r = 0; r < B; r++)
    for (let j = 0; j < O; j++) {
      let s = 0;
      for (let k = 0; k < I; k++) s += x32[r * I + k]! * l0.w.data[k * O + j]!;
      h[r * O + j] = tanhFast(Math.fround(s) + l0.b!.data[j]!);
    }
  // acts[1] is internal; run a one-layer MLP with the same weights instead.
  const one = new MLP('m', [I, O], {
    dtype: 'f32',
    rng: new Rng(1),
    activation: 'tanh',
    outputActivation: 'tanh',
    maxBatch: B,
  });
  one.layers[0]!.w.data.set(l0.w.data);
  one.layers[0]!.b!.data.set(l0.b!.data);
  assert.ok(maxDiff(one.forward(x32, B), h, B * O) < 1e-6, 'one layer');
  // Backward: parameter gradients and dx against the f64 model.
  const dy = new Float64Array(B * sizes[sizes.length - 1]!);
  for (let i = 0; i < dy.length; i++) dy[i] = Math.fround(rng.normal());
  const dx32 = new Float32Array(B * I),
    dx64 = new Float64Array(B * I);
  m32.backward(Float32Array.from(dy), B, dx32);
  m64.backward(dy, B, dx64);
  assert.ok(maxDiff(dx32, dx64, dx32.length) < 1e-5, 'dx');
  const p32 = m32.params(),
    p64 = m64.params();
  for (let k = 0; k < p32.length; k++) {
    const d = maxDiff(p32[k]!.grad, p64[k]!.grad, p32[k]!.grad.length);
    assert.ok(d < 1e-5, `${p32[k]!.name} grad differs by ${d}`);
  }
});
