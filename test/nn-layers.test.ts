// Behaviour of the layers beyond gradients: step/sequence/inference paths agree, determinism, a tiny
// memory task learned by plain SGD, and argument guards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/math/rng.js';
import type { Vec } from '../src/math/gemm.js';
import type { DType, Param } from '../src/nn/param.js';
import { Linear } from '../src/nn/linear.js';
import { MLP } from '../src/nn/mlp.js';
import { LSTM } from '../src/nn/lstm.js';
import { GRU } from '../src/nn/gru.js';

function randArr(dtype: DType, n: number, rng: Rng): Vec {
  const a = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

test('LSTM and GRU: step(), forwardSeq() and stepInference() compute the same states', () => {
  const I = 4, H = 7, B = 3, T = 9;
  for (const kind of ['lstm', 'gru'] as const) {
    const rng = new Rng(5);
    const cell = kind === 'lstm'
      ? new LSTM('c', I, H, { dtype: 'f64', rng, maxSteps: 16, maxBatch: 4 })
      : new GRU('c', I, H, { dtype: 'f64', rng, maxSteps: 16, maxBatch: 4 });
    const X = randArr('f64', T * B * I, rng);
    const masks = new Float64Array(T * B).fill(1);
    masks[4 * B + 1] = 0;
    const seq = Float64Array.from(cell instanceof LSTM ? cell.forwardSeq(X, T, B, null, null, masks) : cell.forwardSeq(X, T, B, null, masks));
    if (cell instanceof LSTM) cell.begin(B); else cell.begin(B);
    const stepped = new Float64Array(T * B * H);
    const h = new Float64Array(B * H), c = new Float64Array(B * H);
    const inf = new Float64Array(T * B * H);
    for (let t = 0; t < T; t++) {
      const x = X.subarray(t * B * I, (t + 1) * B * I), m = masks.subarray(t * B, (t + 1) * B);
      stepped.set(cell.step(x, m), t * B * H);
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) { h[b * H + j]! *= m[b]!; c[b * H + j]! *= m[b]!; }
      if (cell instanceof LSTM) cell.stepInference(x, B, h, c, h, c); else cell.stepInference(x, B, h, h);
      inf.set(h, t * B * H);
    }
    for (let i = 0; i < seq.length; i++) {
      assert.ok(Math.abs(seq[i]! - stepped[i]!) < 1e-12, `${kind} seq vs step at ${i}`);
      assert.ok(Math.abs(seq[i]! - inf[i]!) < 1e-12, `${kind} seq vs inference at ${i}`);
    }
    assert.equal(cell.steps, T);
    assert.deepEqual([...cell.finalState().h], [...stepped.subarray((T - 1) * B * H)]);
  }
});

test('same seed gives bit-identical outputs and gradients (f32 and f64)', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    const run = (): number[] => {
      const rng = new Rng(77);
      const lstm = new LSTM('lstm', 3, 8, { dtype, rng: rng.fork('lstm'), maxSteps: 30, maxBatch: 4 });
      const gru = new GRU('gru', 3, 6, { dtype, rng: rng.fork('gru'), maxSteps: 30, maxBatch: 4 });
      const mlp = new MLP('mlp', [8, 16, 2], { dtype, rng: rng.fork('mlp'), activation: 'relu', maxBatch: 120 });
      const data = rng.fork('data');
      const T = 30, B = 4;
      const X = randArr(dtype, T * B * 3, data);
      const hs = lstm.forwardSeq(X, T, B);
      const gs = gru.forwardSeq(X, T, B);
      const y = mlp.forward(hs, T * B);
      const dy = randArr(dtype, T * B * 2, data);
      const dH = randArr(dtype, T * B * 8, data);
      mlp.backward(dy, T * B, dH);
      lstm.backward(dH);
      gru.backward(randArr(dtype, T * B * 6, data));
      const out: number[] = [...y, ...gs];
      for (const p of [...lstm.params(), ...gru.params(), ...mlp.params()]) out.push(...p.grad);
      return out;
    };
    const a = run(), b = run();
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${dtype}: entry ${i} differs: ${a[i]} vs ${b[i]}`);
  }
});

test('LSTM + Linear head learns to recall the first input after 10 steps (plain SGD)', () => {
  const rng = new Rng(2024);
  const I = 2, H = 16, B = 32, T = 10;
  const lstm = new LSTM('lstm', I, H, { dtype: 'f32', rng, maxSteps: T, maxBatch: B });
  const head = new Linear('head', H, 1, { dtype: 'f32', rng, maxBatch: B });
  const params: Param[] = [...lstm.params(), ...head.params()];
  const X = new Float32Array(T * B * I), target = new Float32Array(B);
  const y = new Float32Array(B), dy = new Float32Array(B);
  const dH = new Float32Array(T * B * H), hLast = new Float32Array(B * H), dh = new Float32Array(B * H);
  const batch = (r: Rng): void => {
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const v = r.range(-1, 1);
        X[(t * B + b) * I] = v; // value channel: the first value must be remembered, the rest are distractors
        X[(t * B + b) * I + 1] = t === 0 ? 1 : 0; // marks the value to remember
        if (t === 0) target[b] = v;
      }
    }
  };
  const forward = (): number => {
    lstm.forwardSeq(X, T, B);
    hLast.set(lstm.finalState().h);
    head.forward(hLast, B, y);
    let mse = 0;
    for (let b = 0; b < B; b++) { const e = y[b]! - target[b]!; mse += e * e; dy[b] = (2 * e) / B; }
    return mse / B;
  };
  const evalRng = new Rng(1);
  const evaluate = (): number => {
    let s = 0;
    for (let k = 0; k < 8; k++) { batch(evalRng); s += forward(); }
    return s / 8;
  };
  const before = evaluate();
  const data = new Rng(3);
  const lr = 0.5, ITERS = 1500;
  for (let it = 0; it < ITERS; it++) {
    batch(data);
    forward();
    for (const p of params) p.grad.fill(0);
    head.backward(hLast, dy, B, dh);
    lstm.backward(dH, dh); // loss only on the last state: dH is all zeros, the gradient enters as dhT
    // Global-norm clipping keeps early SGD steps stable.
    let norm = 0;
    for (const p of params) for (let i = 0; i < p.grad.length; i++) norm += p.grad[i]! * p.grad[i]!;
    const scale = Math.min(1, 1 / Math.sqrt(norm));
    for (const p of params) for (let i = 0; i < p.data.length; i++) p.data[i] -= lr * scale * p.grad[i]!;
  }
  const after = evaluate();
  console.log(`# recall task MSE: before ${before.toFixed(4)}, after ${after.toFixed(4)} (variance of target 0.333)`);
  assert.ok(after < 0.02, `MSE after training ${after} (before ${before})`);
});

test('argument guards: batch and step limits', () => {
  const rng = new Rng(0);
  const lstm = new LSTM('l', 2, 3, { dtype: 'f64', rng, maxSteps: 2, maxBatch: 2 });
  assert.throws(() => lstm.begin(3), /batch 3/);
  assert.throws(() => lstm.step(new Float64Array(4)), /before begin/);
  lstm.begin(2);
  lstm.step(new Float64Array(4));
  lstm.step(new Float64Array(4));
  assert.throws(() => lstm.step(new Float64Array(4)), /maxSteps/);
  const mlp = new MLP('m', [2, 3], { rng, maxBatch: 2 });
  assert.throws(() => mlp.forward(new Float32Array(6), 3), /batch 3/);
  assert.throws(() => new MLP('m', [2], { rng, maxBatch: 1 }), /at least/);
  assert.equal(new LSTM('f', 2, 3, { rng, maxSteps: 1, maxBatch: 1, forgetBias: 2 }).b.data[3], 2);
  assert.deepEqual(new GRU('g', 2, 3, { rng, maxSteps: 1, maxBatch: 1 }).params().map((p) => p.name), ['g.wx', 'g.wh', 'g.b', 'g.bhn']);
});
