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
  const I = 4,
    H = 7,
    B = 3,
    T = 9;
  for (const kind of ['lstm', 'gru'] as const) {
    const rng = new Rng(5);
    const cell =
      kind === 'lstm'
        ? new LSTM('c', I, H, { dtype: 'f64', rng, maxSteps: 16, maxBatch: 4 })
        : new GRU('c', I, H, { dtype: 'f64', rng, maxSteps: 16, maxBatch: 4 });
    const X = randArr('f64', T * B * I, rng);
    const masks = new Float64Array(T * B).fill(1);
    masks[4 * B + 1] = 0;
    const seq = Float64Array.from(
      cell instanceof LSTM
        ? cell.forwardSeq(X, T, B, null, null, masks)
        : cell.forwardSeq(X, T, B, null, masks),
    );
    if (cell instanceof LSTM) cell.begin(B);
    else cell.begin(B);
    const stepped = new Float64Array(T * B * H);
    const h = new Float64Array(B * H),
      c = new Float64Array(B * H);
    const inf = new Float64Array(T * B * H);
    for (let t = 0; t < T; t++) {
      const x = X.subarray(t * B * I, (t + 1) * B * I),
        m = masks.subarray(t * B, (t + 1) * B);
      stepped.set(cell.step(x, m), t * B * H);
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          h[b * H + j]! *= m[b]!;
          c[b * H + j]! *= m[b]!;
        }
      if (cell instanceof LSTM) cell.stepInference(x, B, h, c, h, c);
      else cell.stepInference(x, B, h, h);
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
      const mlp = new MLP('mlp', [8, 16, 2], {
        dtype,
        rng: rng.fork('mlp'),
        activation: 'relu',
        maxBatch: 120,
      });
      const data = rng.fork('data');
      const T = 30,
        B = 4;
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
    const a = run(),
      b = run();
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++)
      assert.ok(Object.is(a[i], b[i]), `${dtype}: entry ${i} differs: ${a[i]} vs ${b[i]}`);
  }
});

test('LSTM + Linear head learns to recall the first input after 10 steps (plain SGD)', () => {
  const rng = new Rng(2024);
  const I = 2,
    H = 16,
    B = 32,
    T = 10;
  const lstm = new LSTM('lstm', I, H, { dtype: 'f32', rng, maxSteps: T, maxBatch: B });
  const head = new Linear('head', H, 1, { dtype: 'f32', rng, maxBatch: B });
  const params: Param[] = [...lstm.params(), ...head.params()];
  const X = new Float32Array(T * B * I),
    target = new Float32Array(B);
  const y = new Float32Array(B),
    dy = new Float32Array(B);
  const dH = new Float32Array(T * B * H),
    hLast = new Float32Array(B * H),
    dh = new Float32Array(B * H);
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
    for (let b = 0; b < B; b++) {
      const e = y[b]! - target[b]!;
      mse += e * e;
      dy[b] = (2 * e) / B;
    }
    return mse / B;
  };
  const evalRng = new Rng(1);
  const evaluate = (): number => {
    let s = 0;
    for (let k = 0; k < 8; k++) {
      batch(evalRng);
      s += forward();
    }
    return s / 8;
  };
  const before = evaluate();
  const data = new Rng(3);
  const lr = 0.5,
    ITERS = 1500;
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
    for (const p of params) for (let i = 0; i < p.data.length; i++) p.data[i]! -= lr * scale * p.grad[i]!;
  }
  const after = evaluate();
  console.log(
    `# recall task MSE: before ${before.toFixed(4)}, after ${after.toFixed(4)} (variance of target 0.333)`,
  );
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
  assert.deepEqual(
    new GRU('g', 2, 3, { rng, maxSteps: 1, maxBatch: 1 }).params().map((p) => p.name),
    ['g.wx', 'g.wh', 'g.b', 'g.bhn'],
  );
});

// Reference values from PyTorch 1.13 (torch.nn.LSTM / torch.nn.GRU, float64) with the weights below
// mapped to its layout: weight_ih = wxᵀ, weight_hh = whᵀ, bias_ih = b, bias_hh = 0 except the GRU's
// n block = bhn. Pins the gate order (LSTM i,f,g,o; GRU r,z,n) and the GRU's reset-after form.
test('LSTM and GRU forward match PyTorch reference values', () => {
  const I = 2,
    H = 3,
    B = 2,
    T = 4;
  const f = (n: number, k: number, scale = 1) =>
    Float64Array.from({ length: n }, (_, i) => scale * 0.6 * Math.sin(k + 0.7 * i));
  const x = f(T * B * I, 0.3),
    h0 = f(B * H, 1.1, 0.5),
    c0 = f(B * H, 2.3, 0.5);
  const close = (got: Vec, want: number[], what: string) => {
    assert.equal(got.length, want.length, what);
    for (let i = 0; i < want.length; i++)
      assert.ok(Math.abs(got[i]! - want[i]!) < 1e-12, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  };
  const lstm = new LSTM('l', I, H, { dtype: 'f64', rng: new Rng(0), maxSteps: T, maxBatch: B });
  lstm.wx.data.set(f(I * 4 * H, 3.1));
  lstm.wh.data.set(f(H * 4 * H, 4.7));
  lstm.b.data.set(f(4 * H, 5.9));
  close(
    lstm.forwardSeq(x, T, B, h0, c0),
    [
      0.014764819697528, -0.144052550040315, -0.300680112577859, -0.072596343048701, -0.164934820645308,
      -0.222734876402603, -0.062899350482827, -0.229418971528358, -0.295187465542722, -0.198003148226061,
      -0.34275346048717, -0.320613437257034, -0.102943647536059, -0.317853097004604, -0.419067825212814,
      -0.104855066388863, -0.254890701378882, -0.336891184900712, -0.091289991211541, -0.269842715454957,
      -0.345583344758926, -0.205707496838412, -0.362323165118971, -0.33891281895851,
    ],
    'lstm h',
  );
  close(
    lstm.finalState().c,
    [
      -0.227231742439468, -0.616749827368017, -0.688347478131345, -0.443261037935579, -0.698978803529835,
      -0.571894344588058,
    ],
    'lstm c_T',
  );
  const gru = new GRU('g', I, H, { dtype: 'f64', rng: new Rng(0), maxSteps: T, maxBatch: B });
  gru.wx.data.set(f(I * 3 * H, 6.1));
  gru.wh.data.set(f(H * 3 * H, 7.3));
  gru.b.data.set(f(3 * H, 8.9));
  gru.bhn.data.set(f(H, 9.5));
  close(
    gru.forwardSeq(x, T, B, h0),
    [
      -0.036978948367444, -0.019896720781566, 0.066808233747786, -0.033947232679049, -0.193760371968318,
      -0.263945153467888, 0.271017777641095, 0.326673063897956, 0.275553365376128, 0.559677821339168,
      0.454952276383821, 0.153177439950356, 0.082809400086566, 0.256785207156507, 0.335012252753752,
      0.000438139544504, -0.166130609361703, -0.079101193473702, -0.048419879329278, 0.080700307815475,
      0.211574223395812, 0.503208831614696, 0.44502009056306, 0.273285800504364,
    ],
    'gru h',
  );
});
