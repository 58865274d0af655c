/**
 * Losses as pure functions over flat row-major arrays (DreamerV3 style): each takes the network's
 * outputs, returns scalars and writes the exact gradient of the returned total into caller-owned
 * buffers. Nothing here allocates, so they run inside training loops as-is.
 *
 * Conventions:
 * - Batches are B rows of A logits (row b at offset b·A). A "batch" can be T×B flattened time steps.
 * - Reductions are means over rows (over unmasked rows when a mask is given).
 * - Arithmetic runs in doubles; inputs/outputs may be Float32Array or Float64Array.
 */
import type { Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';

type Arr = Vec | number[];
type ReadArr = ArrayLike<number>;

// Row statistics without allocating a result object: max and log Σ exp(x − max). Log-probabilities
// are formed as (x − max) − logS rather than x − lse, which keeps full relative precision when the
// logits are large (x − lse would cancel against a rounded lse).
let rowMax = 0;
let rowLogS = 0;

function rowStats(x: ReadArr, off: number, A: number): void {
  let mx = -Infinity;
  for (let j = 0; j < A; j++) {
    const v = x[off + j]!;
    if (v > mx) mx = v;
  }
  if (!Number.isFinite(mx)) {
    // All −∞ (no allowed action), +∞ or NaN: there is no meaningful distribution; propagate NaN.
    rowMax = Number.NaN;
    rowLogS = Number.NaN;
    return;
  }
  let s = 0;
  for (let j = 0; j < A; j++) s += Math.exp(x[off + j]! - mx);
  rowMax = mx;
  rowLogS = Math.log(s);
}

/** log Σ exp(x[off..off+A)), stable for large logits. */
export function logSumExp(x: ReadArr, off: number, A: number): number {
  rowStats(x, off, A);
  return rowMax + rowLogS;
}

/** out[b,:] = logits[b,:] − logsumexp(logits[b,:]). `out` may alias `logits`. */
export function logSoftmax(logits: ReadArr, B: number, A: number, out: Arr): void {
  for (let b = 0; b < B; b++) {
    const o = b * A;
    rowStats(logits, o, A);
    const mx = rowMax,
      ls = rowLogS;
    for (let j = 0; j < A; j++) out[o + j] = logits[o + j]! - mx - ls;
  }
}

/** out[b,:] = softmax(logits[b,:]). `out` may alias `logits`. */
export function softmax(logits: ReadArr, B: number, A: number, out: Arr): void {
  for (let b = 0; b < B; b++) {
    const o = b * A;
    rowStats(logits, o, A);
    const mx = rowMax,
      ls = rowLogS;
    for (let j = 0; j < A; j++) out[o + j] = Math.exp(logits[o + j]! - mx - ls);
  }
}

/**
 * One draw from the categorical distribution in probs[off..off+A) (one uniform, inverse CDF).
 * The probabilities need not sum exactly to 1: the draw is scaled by their sum, and if rounding leaves
 * the cumulative sum short, the last index with positive probability is returned (never a zero one).
 */
export function sampleCategorical(probs: ReadArr, rng: Rng, off = 0, A = probs.length - off): number {
  let total = 0;
  for (let j = 0; j < A; j++) total += probs[off + j]!;
  let u = rng.uniform() * total;
  for (let j = 0; j < A; j++) {
    const p = probs[off + j]!;
    if (p > 0 && u < p) return j;
    u -= p;
  }
  for (let j = A - 1; j >= 0; j--) if (probs[off + j]! > 0) return j;
  throw new RangeError('sampleCategorical: no positive probability in the row');
}

/** argmax of row off..off+A (first index on ties): greedy actions for evaluation. */
export function argmax(x: ReadArr, off = 0, A = x.length - off): number {
  let best = 0,
    bv = x[off]!;
  for (let j = 1; j < A; j++)
    if (x[off + j]! > bv) {
      bv = x[off + j]!;
      best = j;
    }
  return best;
}

/** H = −Σ p·log p of one row from its logits (rowStats already run); p = 0 entries contribute exactly 0. */
function rowEntropy(logits: ReadArr, o: number, A: number, mx: number, ls: number): number {
  let plp = 0;
  for (let j = 0; j < A; j++) {
    const lp = logits[o + j]! - mx - ls;
    const p = Math.exp(lp);
    // Guards 0·(−∞) = NaN for −∞ (masked) logits.
    if (p > 0) plp += p * lp;
  }
  return -plp;
}

/**
 * Mean entropy (nats) of softmax(logits) over B rows; per-row entropies go to `out` when given.
 */
export function entropy(logits: ReadArr, B: number, A: number, out?: Arr): number {
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const o = b * A;
    rowStats(logits, o, A);
    const h = rowEntropy(logits, o, A, rowMax, rowLogS);
    if (out) out[b] = h;
    sum += h;
  }
  return B > 0 ? sum / B : 0;
}

export interface A2CLossInput {
  /** B×A policy logits. */
  logits: ReadArr;
  /** B state values V(s). */
  values: ReadArr;
  /** B action indices in [0, A). */
  actions: ArrayLike<number>;
  /** B advantages; constants (no gradient flows through them). */
  advantages: ReadArr;
  /** B value targets (e.g. n-step or λ-returns); constants. */
  returns: ReadArr;
  B: number;
  A: number;
  valueCoef: number;
  entropyCoef: number;
  /** Receives ∂total/∂logits (B×A), overwritten. */
  dLogits: Arr;
  /** Receives ∂total/∂values (B), overwritten. */
  dValues: Arr;
  /** Optional 0/1 (or weighting) per row, e.g. padding after an episode ended; rows with 0 get zero gradient. */
  mask?: ReadArr;
}

export interface A2CLossOutput {
  /** −mean(adv · log π(a|s)) */
  policyLoss: number;
  /** mean(½ (R − V)²) */
  valueLoss: number;
  /** mean entropy of π (nats) */
  entropy: number;
  /** policyLoss + valueCoef·valueLoss − entropyCoef·entropy */
  total: number;
}

/**
 * Advantage actor-critic loss (Mnih et al. 2016), averaged over rows:
 *   total = −mean(Aᵗ·log π(aᵗ)) + c_v · mean(½(Rᵗ − Vᵗ)²) − c_e · mean(H(π))
 * With the ½ convention ∂/∂V of the value term is c_v·(V − R)/N (PyTorch A2C code often writes
 * 0.5·MSE; Stable-Baselines uses MSE without ½ — halve c_v when porting hyperparameters from there).
 * Gradients written, with p = softmax(logits), N = Σmask (or B):
 *   ∂/∂logit_j = [ −Aᵗ·(1[j=a] − p_j) + c_e·p_j·(log p_j + H) ] · mask / N
 *   ∂/∂V       = c_v·(V − R) · mask / N
 */
export function a2cLoss(inp: A2CLossInput): A2CLossOutput {
  const {
    logits,
    values,
    actions,
    advantages,
    returns,
    B,
    A,
    valueCoef,
    entropyCoef,
    dLogits,
    dValues,
    mask,
  } = inp;
  let n = 0;
  if (mask) for (let b = 0; b < B; b++) n += mask[b]!;
  else n = B;
  let pl = 0,
    vl = 0,
    ent = 0;
  if (!(n > 0)) {
    for (let i = 0; i < B * A; i++) dLogits[i] = 0;
    for (let b = 0; b < B; b++) dValues[b] = 0;
    return { policyLoss: 0, valueLoss: 0, entropy: 0, total: 0 };
  }
  const inv = 1 / n;
  for (let b = 0; b < B; b++) {
    const o = b * A;
    const w = mask ? mask[b]! : 1;
    if (w === 0) {
      for (let j = 0; j < A; j++) dLogits[o + j] = 0;
      dValues[b] = 0;
      continue;
    }
    const a = actions[b]!;
    if (!(a >= 0 && a < A && Number.isInteger(a)))
      throw new RangeError(`a2cLoss: action ${a} at row ${b} is not in [0, ${A})`);
    rowStats(logits, o, A);
    const mx = rowMax,
      ls = rowLogS;
    const h = rowEntropy(logits, o, A, mx, ls);
    const adv = advantages[b]!;
    const logpa = logits[o + a]! - mx - ls;
    pl -= w * adv * logpa;
    ent += w * h;
    const err = values[b]! - returns[b]!;
    vl += w * 0.5 * err * err;
    const sw = w * inv;
    for (let j = 0; j < A; j++) {
      const lp = logits[o + j]! - mx - ls;
      const p = Math.exp(lp);
      // Entropy term: p·(log p + H) → 0 as p → 0; guard the 0·(−∞) case of −∞ logits.
      const eterm = p > 0 ? p * (lp + h) : 0;
      dLogits[o + j] = (adv * p + entropyCoef * eterm) * sw;
    }
    dLogits[o + a] = dLogits[o + a]! - adv * sw;
    dValues[b] = valueCoef * err * sw;
  }
  pl *= inv;
  vl *= inv;
  ent *= inv;
  return { policyLoss: pl, valueLoss: vl, entropy: ent, total: pl + valueCoef * vl - entropyCoef * ent };
}

/**
 * Mean squared error over n entries, mean((pred − target)²) — torch.nn.MSELoss(reduction='mean'), no ½.
 * Writes ∂loss/∂pred = 2(pred − target)/n into dPred when given (it may alias pred).
 */
export function mseLoss(pred: ReadArr, target: ReadArr, n: number, dPred?: Arr | null): number {
  if (n <= 0) return 0;
  let s = 0;
  const k = 2 / n;
  for (let i = 0; i < n; i++) {
    const e = pred[i]! - target[i]!;
    s += e * e;
    if (dPred) dPred[i] = k * e;
  }
  return s / n;
}
