/**
 * Elementwise activations on flat typed arrays. Forward helpers may run in place (y === x); backward
 * helpers take the forward *output* y (all three derivatives are cheap functions of it, so layers never
 * keep pre-activations) and may run in place (dx === dy). They touch indices [0, n) of their arguments:
 * pass views, or n smaller than the buffer.
 *
 * Two precisions. Float64 models (gradient checks) get tanh/sigmoid through Math.exp, exact to ~1e-16.
 * Float32 models get `tanhFast`/`sigmoidFast`, a rational approximation with absolute error < 3e-7:
 * about two f32 ulps near ±1, so it costs nothing the f32 storage was not already losing, and it
 * avoids Math.exp, which V8 compiles to an out-of-line call that dominated the profiles of the f32
 * layers. The array-level helpers pick by the type of the output array, so one f32 model never sees the
 * exact path and vice versa. Backward passes use the stored outputs y (1 − y², y(1 − y)), which for
 * the fast forms differ from the derivative of the approximant by ~1e-7, below f32 resolution.
 */
import type { Vec } from '../math/gemm.js';

export type Activation = 'none' | 'tanh' | 'relu' | 'sigmoid';

/** Logistic sigmoid. exp(-a) overflowing to Infinity for very negative a still gives the right limit 0. */
export function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/**
 * tanh through one exp of a non-positive argument: never overflows, and 1 - e stays accurate enough
 * (absolute error ~1e-16) for float64 gradient checks. Faster than Math.tanh in V8's tight loops.
 */
export function tanh(a: number): number {
  const e = Math.exp(-2 * Math.abs(a));
  const t = (1 - e) / (1 + e);
  return a < 0 ? -t : t;
}

/**
 * Beyond this |a| the float32 nearest to tanh(a) is ±1 give or take an ulp; clamping there also keeps
 * the polynomials below in the range they were fitted on.
 */
const TANH_CLAMP = 7.905311107635498;

/**
 * tanh(a) ≈ a·P(a²)/Q(a²), the odd [13/6] rational minimax fit that Eigen uses for float tanh
 * (coefficients are that fit's). Evaluated in doubles; max |error| 2.6e-7 over the reals (at the
 * clamp), relative error ≤ 1.3e-7 for |a| < 1. NaN stays NaN (comparisons with NaN are false).
 */
export function tanhFast(a: number): number {
  const x = a > TANH_CLAMP ? TANH_CLAMP : Math.max(a, -TANH_CLAMP);
  const s = x * x;
  const p =
    x *
    (4.89352455891786e-3 +
      s *
        (6.37261928875436e-4 +
          s *
            (1.48572235717979e-5 +
              s *
                (5.12229709037114e-8 +
                  s * (-8.60467152213735e-11 + s * (2.00018790482477e-13 + s * -2.76076847742355e-16))))));
  const q =
    4.89352518554385e-3 + s * (2.268434632439e-3 + s * (1.18534705686654e-4 + s * 1.19825839466702e-6));
  return p / q;
}

/** σ(a) = ½ + ½·tanh(a/2): the same approximation, absolute error < 1.4e-7. */
export function sigmoidFast(a: number): number {
  return 0.5 + 0.5 * tanhFast(0.5 * a);
}

// The loops below are written once per element type so each stays monomorphic in V8 (a loop that
// sees both Float32Array and Float64Array gets slower polymorphic loads everywhere).

function tanhF32(x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = tanhFast(x[i]!);
}

function tanhF64(x: Vec, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = tanh(x[i]!);
}

function sigmoidF32(x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 0.5 + 0.5 * tanhFast(0.5 * x[i]!);
}

function sigmoidF64(x: Vec, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
}

export function tanhForward(x: Vec, y: Vec, n: number): void {
  if (y instanceof Float32Array && x instanceof Float32Array) tanhF32(x, y, n);
  else if (y instanceof Float64Array) tanhF64(x, y, n);
  else for (let i = 0; i < n; i++) y[i] = tanhFast(x[i]!);
}

/** dx = dy · (1 − y²) */
export function tanhBackward(y: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    dx[i] = dy[i]! * (1 - v * v);
  }
}

export function sigmoidForward(x: Vec, y: Vec, n: number): void {
  if (y instanceof Float32Array && x instanceof Float32Array) sigmoidF32(x, y, n);
  else if (y instanceof Float64Array) sigmoidF64(x, y, n);
  else for (let i = 0; i < n; i++) y[i] = sigmoidFast(x[i]!);
}

/** dx = dy · y(1 − y) */
export function sigmoidBackward(y: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    dx[i] = dy[i]! * v * (1 - v);
  }
}

export function reluForward(x: Vec, y: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    y[i] = Math.max(v, 0);
  }
}

/** dx = dy · [y > 0] (the subgradient at 0 is taken as 0). */
export function reluBackward(y: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
}

/** Apply `act` to x[0..n) into y (identity copies unless in place). */
export function activationForward(act: Activation, x: Vec, y: Vec, n: number): void {
  switch (act) {
    case 'tanh':
      tanhForward(x, y, n);
      return;
    case 'relu':
      reluForward(x, y, n);
      return;
    case 'sigmoid':
      sigmoidForward(x, y, n);
      return;
    case 'none':
      if (x !== y) for (let i = 0; i < n; i++) y[i] = x[i]!;
      return;
  }
}

/** Backward of `act` given its output y. */
export function activationBackward(act: Activation, y: Vec, dy: Vec, dx: Vec, n: number): void {
  switch (act) {
    case 'tanh':
      tanhBackward(y, dy, dx, n);
      return;
    case 'relu':
      reluBackward(y, dy, dx, n);
      return;
    case 'sigmoid':
      sigmoidBackward(y, dy, dx, n);
      return;
    case 'none':
      if (dx !== dy) for (let i = 0; i < n; i++) dx[i] = dy[i]!;
      return;
  }
}

export function isActivation(s: string): s is Activation {
  return s === 'none' || s === 'tanh' || s === 'relu' || s === 'sigmoid';
}
