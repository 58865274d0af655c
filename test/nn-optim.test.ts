import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeParam, type Param } from '../src/nn/param.js';
import { Adam, RMSProp, clipGradNorm, gradNorm, type Optimizer } from '../src/nn/optim.js';
import { decodeTensors, encodeTensors } from '../src/nn/serialize.js';

const close = (a: number, b: number, tol = 1e-14) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Two f64 params with fixed initial values; the gradient of step t is a fixed table (not a function of θ). */
function setup(): Param[] {
  const a = makeParam('a', [2, 2], 'f64'),
    b = makeParam('b', [3], 'f64');
  a.data.set([0.5, -1.5, 2, 0]);
  b.data.set([1, -0.25, 3]);
  return [a, b];
}
const GRADS = [
  [
    [0.1, -0.2, 0.3, 0],
    [1.5, -2, 0.05],
  ],
  [
    [-0.4, 0.1, 0.3, 2],
    [0.5, 0.5, -0.05],
  ],
  [
    [0.2, 0.2, -0.6, -1],
    [-1, 0.25, 0.1],
  ],
];

function run(opt: Optimizer, ps: Param[]): void {
  for (const g of GRADS) {
    ps.forEach((p, k) => p.grad.set(g[k]!));
    opt.step();
  }
}

/** Kingma & Ba (2015), Algorithm 1, with ε added to √v̂ as PyTorch does, plus L2 decay in the gradient. */
function adamReference(lr: number, b1: number, b2: number, eps: number, wd: number): number[][] {
  const theta = setup().map((p) => Array.from(p.data));
  const m = theta.map((t) => t.map(() => 0)),
    v = theta.map((t) => t.map(() => 0));
  GRADS.forEach((gs, s) => {
    const t = s + 1;
    theta.forEach((th, k) =>
      th.forEach((_, i) => {
        const g = gs[k]![i]! + wd * th[i]!;
        m[k]![i] = b1 * m[k]![i]! + (1 - b1) * g;
        v[k]![i] = b2 * v[k]![i]! + (1 - b2) * g * g;
        const mhat = m[k]![i] / (1 - b1 ** t),
          vhat = v[k]![i] / (1 - b2 ** t);
        th[i] = th[i]! - (lr * mhat) / (Math.sqrt(vhat) + eps);
      }),
    );
  });
  return theta;
}

test('Adam matches the published update over 3 steps (defaults and with weight decay)', () => {
  for (const [opts, ref] of [
    [{ lr: 0.1 }, adamReference(0.1, 0.9, 0.999, 1e-8, 0)],
    [
      { lr: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.1 },
      adamReference(0.05, 0.8, 0.9, 1e-3, 0.1),
    ],
  ] as const) {
    const ps = setup();
    const opt = new Adam(ps, opts);
    run(opt, ps);
    assert.equal(opt.stepCount, 3);
    ps.forEach((p, k) =>
      p.data.forEach((x, i) => assert.ok(close(x, ref[k]![i]!), `${p.name}[${i}]: ${x} vs ${ref[k]![i]}`)),
    );
  }
});

test('Adam.step returns the pre-update global gradient norm, bit-identical to gradNorm (f32, f64, weight decay, clipping)', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    for (const opts of [{}, { weightDecay: 0.1 }, { clipNorm: 0.5 }, { clipNorm: 100, weightDecay: 0.01 }]) {
      const ps = [makeParam('a', [37], dtype), makeParam('b', [5], dtype), makeParam('c', [1], dtype)];
      ps.forEach((p, k) => p.data.forEach((_, i) => (p.data[i] = Math.sin(3 * i + k))));
      const opt = new Adam(ps, { lr: 0.01, ...opts });
      for (let s = 0; s < 3; s++) {
        ps.forEach((p, k) =>
          p.grad.forEach((_, i) => (p.grad[i] = Math.cos(7 * i + 2 * k + s) * (s + 1) * 0.1)),
        );
        const want = gradNorm(ps);
        assert.equal(opt.step(), want, `${dtype} ${JSON.stringify(opts)} step ${s}`);
      }
    }
  }
  // Non-finite gradients come back as a non-finite norm, as before.
  const p = makeParam('p', [3], 'f32');
  p.grad[1] = Number.NaN;
  assert.ok(Number.isNaN(new Adam([p]).step()));
});

test('Adam first step moves each coordinate by ≈ lr against the gradient sign', () => {
  const ps = setup();
  const before = ps.map((p) => Array.from(p.data));
  ps.forEach((p, k) => p.grad.set(GRADS[0]![k]!));
  new Adam(ps, { lr: 0.01 }).step();
  ps.forEach((p, k) =>
    p.data.forEach((x, i) => {
      const g = GRADS[0]![k]![i]!;
      const expected = g === 0 ? before[k]![i]! : before[k]![i]! - 0.01 * Math.sign(g);
      assert.ok(Math.abs(x - expected) < 1e-8, `${p.name}[${i}]`);
    }),
  );
});

function rmspropReference(lr: number, alpha: number, eps: number, mu: number, centered: boolean): number[][] {
  const theta = setup().map((p) => Array.from(p.data));
  const sq = theta.map((t) => t.map(() => 0)),
    ga = theta.map((t) => t.map(() => 0)),
    buf = theta.map((t) => t.map(() => 0));
  for (const gs of GRADS) {
    theta.forEach((th, k) =>
      th.forEach((_, i) => {
        const g = gs[k]![i]!;
        sq[k]![i] = alpha * sq[k]![i]! + (1 - alpha) * g * g;
        let meanSq = sq[k]![i];
        if (centered) {
          ga[k]![i] = alpha * ga[k]![i]! + (1 - alpha) * g;
          meanSq -= ga[k]![i] ** 2; // variance estimate E[g²] − E[g]²
        }
        const upd = g / (Math.sqrt(meanSq) + eps);
        if (mu > 0) {
          buf[k]![i] = mu * buf[k]![i]! + upd;
          th[i] = th[i]! - lr * buf[k]![i];
        } else {
          th[i] = th[i]! - lr * upd;
        }
      }),
    );
  }
  return theta;
}

test('RMSProp matches the published update over 3 steps (plain, centered, momentum, both)', () => {
  for (const [mu, centered] of [
    [0, false],
    [0, true],
    [0.9, false],
    [0.5, true],
  ] as const) {
    const ps = setup();
    const opt = new RMSProp(ps, { lr: 0.01, alpha: 0.9, eps: 1e-5, momentum: mu, centered });
    run(opt, ps);
    const ref = rmspropReference(0.01, 0.9, 1e-5, mu, centered);
    ps.forEach((p, k) =>
      p.data.forEach((x, i) =>
        assert.ok(
          close(x, ref[k]![i]!),
          `mu=${mu} centered=${centered} ${p.name}[${i}]: ${x} vs ${ref[k]![i]}`,
        ),
      ),
    );
  }
});

test('clipGradNorm scales the global norm to exactly maxNorm and leaves small gradients untouched', () => {
  const ps = setup();
  ps.forEach((p, k) => p.grad.set(GRADS[0]![k]!));
  const n0 = Math.sqrt([...GRADS[0]![0]!, ...GRADS[0]![1]!].reduce((s, g) => s + g * g, 0));
  const before = ps.map((p) => Float64Array.from(p.grad));
  assert.ok(close(clipGradNorm(ps, 1), n0));
  assert.ok(close(gradNorm(ps), 1, 1e-15));
  // Direction preserved.
  ps.forEach((p, k) => p.grad.forEach((g, i) => assert.ok(close(g, before[k]![i]! / n0, 1e-15))));
  const snap = ps.map((p) => Float64Array.from(p.grad));
  assert.ok(close(clipGradNorm(ps, 5), 1, 1e-15));
  ps.forEach((p, k) => assert.deepEqual(p.grad, snap[k]));
  // Inside step(): the return value is the pre-clip norm and the update uses the clipped gradient.
  const a = setup(),
    b = setup();
  a.forEach((p, k) => p.grad.set(GRADS[1]![k]!));
  b.forEach((p, k) => p.grad.set(GRADS[1]![k]!));
  const na = new RMSProp(a, { lr: 0.01, clipNorm: 0.5 }).step();
  clipGradNorm(b, 0.5);
  new RMSProp(b, { lr: 0.01 }).step();
  assert.ok(na > 0.5);
  a.forEach((p, k) => assert.deepEqual(p.data, b[k]!.data));
  // f32 gradients: norm accumulated in double, clipped norm within f32 rounding.
  const f = makeParam('f', [1000], 'f32');
  for (let i = 0; i < 1000; i++) f.grad[i] = Math.sin(i) * 1e3;
  clipGradNorm([f], 2);
  assert.ok(Math.abs(gradNorm([f]) - 2) < 2e-6);
  assert.throws(() => clipGradNorm([f], 0), RangeError);
});

/** A small f32 "model" whose gradient depends on θ, so any state mismatch changes the trajectory. */
function f32Model(): Param[] {
  const w = makeParam('layer.w', [3, 4], 'f32'),
    b = makeParam('layer.b', [4], 'f32');
  for (let i = 0; i < 12; i++) w.data[i] = Math.cos(i + 1);
  for (let i = 0; i < 4; i++) b.data[i] = 0.1 * i;
  return [w, b];
}
function computeGrads(ps: Param[], t: number): void {
  for (const p of ps)
    for (let i = 0; i < p.data.length; i++) p.grad[i] = Math.sin(3 * p.data[i]! + t) * (1 + i) + 0.01 * t;
}

const makers: [string, (ps: Param[]) => Optimizer][] = [
  ['Adam', (ps) => new Adam(ps, { lr: 0.01, clipNorm: 2, weightDecay: 1e-3 })],
  ['RMSProp', (ps) => new RMSProp(ps, { lr: 0.005, momentum: 0.9, centered: true, clipNorm: 2 })],
  ['RMSProp plain', (ps) => new RMSProp(ps, { lr: 0.005 })],
];

for (const [label, make] of makers) {
  test(`${label}: state → encode → decode → loadState resumes bit-identically`, () => {
    const ref = f32Model();
    const refOpt = make(ref);
    for (let t = 0; t < 10; t++) {
      computeGrads(ref, t);
      refOpt.step();
    }

    const first = f32Model();
    const o1 = make(first);
    for (let t = 0; t < 4; t++) {
      computeGrads(first, t);
      o1.step();
    }
    const st = o1.state();
    const tensors = { ...st.tensors };
    for (const p of first) tensors[`param.${p.name}`] = { dtype: 'f32', shape: [...p.shape], data: p.data };
    const file = encodeTensors(tensors, { step: st.step });
    for (let t = 4; t < 7; t++) {
      // the first process keeps going, then dies: its state must not leak
      computeGrads(first, t);
      o1.step();
    }

    const dec = decodeTensors(file);
    const resumed = f32Model().map((p) => {
      p.data.fill(0);
      return p;
    });
    for (const p of resumed) p.data.set(dec.tensors[`param.${p.name}`]!.data);
    const o2 = make(resumed);
    o2.loadState({ step: (dec.meta as { step: number }).step, tensors: dec.tensors });
    assert.equal(o2.stepCount, 4);
    for (let t = 4; t < 10; t++) {
      computeGrads(resumed, t);
      o2.step();
    }
    resumed.forEach((p, k) => assert.deepEqual(p.data, ref[k]!.data, `${p.name} differs after resume`));
    assert.ok(Object.keys(st.tensors).every((k) => k.split('.').length >= 3));
  });
}

test('Adam state is keyed adam.m.<param>/adam.v.<param>; loadState rejects mismatches without side effects', () => {
  const ps = f32Model();
  const opt = new Adam(ps);
  computeGrads(ps, 0);
  opt.step();
  const st = opt.state();
  assert.deepEqual(Object.keys(st.tensors).sort(), [
    'adam.m.layer.b',
    'adam.m.layer.w',
    'adam.v.layer.b',
    'adam.v.layer.w',
  ]);
  assert.equal(st.tensors['adam.m.layer.w']!.dtype, 'f32');
  // state() is a snapshot, not a view of live buffers.
  const snap = Float32Array.from(st.tensors['adam.m.layer.w']!.data);
  computeGrads(ps, 1);
  opt.step();
  assert.deepEqual(st.tensors['adam.m.layer.w']!.data, snap);

  const before = opt.state();
  const bad = {
    step: 1,
    tensors: {
      ...st.tensors,
      'adam.v.layer.b': { dtype: 'f32' as const, shape: [5], data: new Float32Array(5) },
    },
  };
  assert.throws(() => opt.loadState(bad), /shape/);
  const missing = { step: 1, tensors: { 'adam.m.layer.w': st.tensors['adam.m.layer.w']! } };
  assert.throws(() => opt.loadState(missing), /missing/);
  const wrongType = {
    step: 1,
    tensors: {
      ...st.tensors,
      'adam.m.layer.b': { dtype: 'f64' as const, shape: [4], data: new Float64Array(4) },
    },
  };
  assert.throws(() => opt.loadState(wrongType), /f64/);
  assert.deepEqual(opt.state(), before);
  assert.throws(() => new Adam([ps[0]!, ps[0]!]), /duplicate/);
});

test('setLr changes subsequent steps only; step() does not zero gradients, zeroGrad() does', () => {
  const a = setup(),
    b = setup();
  const oa = new Adam(a, { lr: 0.1 }),
    ob = new Adam(b, { lr: 0.1 });
  a.forEach((p, k) => p.grad.set(GRADS[0]![k]!));
  b.forEach((p, k) => p.grad.set(GRADS[0]![k]!));
  oa.step();
  ob.step();
  oa.setLr(0.2);
  assert.equal(oa.getLr(), 0.2);
  assert.deepEqual(a[0]!.grad, Float64Array.from(GRADS[0]![0]!));
  oa.step();
  ob.step();
  assert.notDeepEqual(a[0]!.data, b[0]!.data);
  oa.zeroGrad();
  assert.equal(gradNorm(a), 0);
});

test('Adam f32 is bit-identical to the documented per-entry update (moments rounded to f32, one division) at several lengths', () => {
  const lr = 0.01,
    b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 37]) {
    const p = makeParam('w', [n], 'f32');
    for (let i = 0; i < n; i++) p.data[i] = Math.sin(i + 1);
    const w = Float32Array.from(p.data),
      m = new Float32Array(n),
      v = new Float32Array(n);
    const opt = new Adam([p], { lr });
    for (let t = 1; t <= 5; t++) {
      for (let i = 0; i < n; i++) p.grad[i] = Math.fround(Math.cos(7 * i + 3 * t) * (i % 3 === 0 ? 1e-3 : 1));
      // The documented f32 update: moments rounded to f32 before use, one division per entry.
      const sqrtBc2 = Math.sqrt(1 - b2 ** t);
      const a = (lr * sqrtBc2) / (1 - b1 ** t),
        epsS = eps * sqrtBc2;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const gi = p.grad[i]!;
        ss += gi * gi;
        const mi = Math.fround(b1 * m[i]! + (1 - b1) * gi);
        const vi = Math.fround(b2 * v[i]! + (1 - b2) * gi * gi);
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! - (a * mi) / (Math.sqrt(vi) + epsS);
      }
      const norm = opt.step();
      assert.equal(norm, Math.sqrt(ss), `n=${n} t=${t}: norm`);
      assert.deepEqual(Array.from(p.data), Array.from(w), `n=${n} t=${t}: weights`);
    }
  }
});
