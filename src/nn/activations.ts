/**
 * Elementwise activations on flat typed arrays. Forward helpers may run in place (y === x); backward
 * helpers take the forward *output* y (all three derivatives are cheap functions of it, so layers never
 * keep pre-activations) and may run in place (dx === dy). They touch indices [0, n) of their arguments:
 * pass views, or n smaller than the buffer.
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

export function tanhForward(x: Vec, y: Vec, n: number): void {
  for (let i = 0; i < n; i++) y[i] = tanh(x[i]!);
}

/** dx = dy · (1 − y²) */
export function tanhBackward(y: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    dx[i] = dy[i]! * (1 - v * v);
  }
}

export function sigmoidForward(x: Vec, y: Vec, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
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
    y[i] = v > 0 ? v : 0;
  }
}

/** dx = dy · [y > 0] (the subgradient at 0 is taken as 0). */
export function reluBackward(y: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
}

/** Apply `act` to x[0..n) into y (identity copies unless in place). */
export function activationForward(act: Activation, x: Vec, y: Vec, n: number): void {
  switch (act) {
    case 'tanh': tanhForward(x, y, n); return;
    case 'relu': reluForward(x, y, n); return;
    case 'sigmoid': sigmoidForward(x, y, n); return;
    case 'none':
      if (x !== y) for (let i = 0; i < n; i++) y[i] = x[i]!;
      return;
  }
}

/** Backward of `act` given its output y. */
export function activationBackward(act: Activation, y: Vec, dy: Vec, dx: Vec, n: number): void {
  switch (act) {
    case 'tanh': tanhBackward(y, dy, dx, n); return;
    case 'relu': reluBackward(y, dy, dx, n); return;
    case 'sigmoid': sigmoidBackward(y, dy, dx, n); return;
    case 'none':
      if (dx !== dy) for (let i = 0; i < n; i++) dx[i] = dy[i]!;
      return;
  }
}

export function isActivation(s: string): s is Activation {
  return s === 'none' || s === 'tanh' || s === 'relu' || s === 'sigmoid';
}
