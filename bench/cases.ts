/**
 * The benchmarked training steps, shared by run.ts and by profiling (`node --cpu-prof
 * dist/bench/profile.js`). Each case builds its model and data once; `step()` is one full training step
 * and `loss` the last loss (a sanity value: it must fall, and be alike under both gemm kernels).
 *
 * Step definitions (bench/torch_bench.py mirrors them exactly):
 * - lstm_h{H}_b{B}: LSTM(8 → H) over T = 100 steps from a zero state, a Linear(H → 1) head on every
 *   hidden state, MSE against a fixed target, BPTT through all 100 steps, one Adam update.
 * - mlp_b256: MLP 64-256-256-64 (tanh between layers), batch 256, MSE, backward, one Adam update.
 * f32 throughout. Inputs and targets are fixed random arrays drawn once, outside the timed loop.
 */
import { Rng } from '../src/math/rng.js';
import { LSTM } from '../src/nn/lstm.js';
import { Linear } from '../src/nn/linear.js';
import { MLP } from '../src/nn/mlp.js';
import { Adam } from '../src/nn/optim.js';
import { mseLoss } from '../src/nn/losses.js';
import { zeroGrads, type Param } from '../src/nn/param.js';

export const CASE_NAMES = [
  'lstm_h48_b1',
  'lstm_h48_b32',
  'lstm_h256_b1',
  'lstm_h256_b32',
  'mlp_b256',
] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export const LSTM_IN = 8;
export const LSTM_T = 100;
export const HEAD_OUT = 1;
export const MLP_SIZES = [64, 256, 256, 64] as const;
export const MLP_BATCH = 256;

export interface BenchCase {
  name: CaseName;
  step(): void;
  readonly loss: number;
}

function randArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

export function lstmCase(name: CaseName, H: number, B: number, seed = 1): BenchCase {
  const rng = new Rng(seed);
  const T = LSTM_T,
    R = T * B;
  const lstm = new LSTM('lstm', LSTM_IN, H, { dtype: 'f32', rng, maxSteps: T, maxBatch: B });
  const head = new Linear('head', H, HEAD_OUT, { dtype: 'f32', rng });
  const params: Param[] = [...lstm.params(), ...head.params()];
  const opt = new Adam(params, { lr: 1e-3 });
  const x = randArray(rng, R * LSTM_IN);
  const target = randArray(rng, R * HEAD_OUT);
  const pred = new Float32Array(R * HEAD_OUT);
  const dPred = new Float32Array(R * HEAD_OUT);
  const dHs = new Float32Array(R * H);
  let loss = NaN;
  return {
    name,
    get loss() {
      return loss;
    },
    step() {
      zeroGrads(params);
      const hs = lstm.forwardSeq(x, T, B);
      head.forward(hs, R, pred);
      loss = mseLoss(pred, target, R * HEAD_OUT, dPred);
      head.backward(hs, dPred, R, dHs);
      lstm.backward(dHs);
      opt.step();
    },
  };
}

export function mlpCase(seed = 1): BenchCase {
  const rng = new Rng(seed);
  const B = MLP_BATCH,
    I = MLP_SIZES[0],
    O = MLP_SIZES[MLP_SIZES.length - 1]!;
  const mlp = new MLP('mlp', MLP_SIZES, { dtype: 'f32', rng, activation: 'tanh', maxBatch: B });
  const params = mlp.params();
  const opt = new Adam(params, { lr: 1e-3 });
  const x = randArray(rng, B * I);
  const target = randArray(rng, B * O);
  const dy = new Float32Array(B * O);
  let loss = NaN;
  return {
    name: 'mlp_b256',
    get loss() {
      return loss;
    },
    step() {
      zeroGrads(params);
      const y = mlp.forward(x, B);
      loss = mseLoss(y, target, B * O, dy);
      mlp.backward(dy, B, null);
      opt.step();
    },
  };
}

export function makeCase(name: CaseName): BenchCase {
  switch (name) {
    case 'lstm_h48_b1':
      return lstmCase(name, 48, 1);
    case 'lstm_h48_b32':
      return lstmCase(name, 48, 32);
    case 'lstm_h256_b1':
      return lstmCase(name, 256, 1);
    case 'lstm_h256_b32':
      return lstmCase(name, 256, 32);
    case 'mlp_b256':
      return mlpCase();
  }
}
