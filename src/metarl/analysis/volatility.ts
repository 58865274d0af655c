/**
 * Learning-rate analysis of the volatile bandit (Behrens et al. 2007): fit a Rescorla–Wagner (delta
 * rule) learner with a softmax choice rule to an agent's choices by maximum likelihood, with a separate
 * learning rate α and inverse temperature β for trials in stable and in volatile blocks. An agent that
 * adapts to volatility shows α_volatile > α_stable.
 *
 * The value estimates carry across block boundaries within an episode (they are one learner's state),
 * so the likelihood does not split into independent per-phase parts: all four parameters are fitted
 * jointly. The update on trial t uses the α of trial t's phase, and the choice on trial t the β of its
 * phase.
 *
 * Optimisation: a coarse grid (shared, then per phase) finds the basin, then damped Newton steps on
 * θ = (logit α_s, log β_s, logit α_v, log β_v) with finite-difference derivatives refine it. The
 * unconstrained parametrisation keeps α ∈ (0, 1) and β > 0 without projection, and the Hessian there
 * gives standard errors by the delta method.
 */
import type { Info } from '../../envs/core.js';
import type { Rng } from '../../math/rng.js';
import type { BaselinePolicy, EpisodeSpec } from '../baselines/policy.js';
import type { StepLike } from './common.js';
import { groupByEpisode } from './common.js';
import { cholesky, cholInverseDiagonal, cholSolve } from './linalg.js';

export interface VolatileTrial {
  action: number;
  reward: number;
  volatile: boolean;
}

/** Per-episode trials from recorded bandit steps (info.volatile of each step). */
export function volatileTrialsFromSteps(
  steps: Iterable<Pick<StepLike, 'episode' | 'action' | 'reward' | 'info'>>,
): VolatileTrial[][] {
  return groupByEpisode(steps).map((ep) =>
    ep.map((s) => ({ action: s.action, reward: s.reward, volatile: s.info['volatile'] === true })),
  );
}

export interface VolatilityFitOptions {
  /** Initial value of every arm at the start of an episode (default 0.5, the prior mean of a coin). */
  q0?: number;
  /** Number of arms (default: 1 + the largest action seen, at least 2). */
  nActions?: number;
  /** Newton iterations after the grid (default 100). */
  maxIter?: number;
}

export interface VolatilityFit extends RescorlaWagnerParams {
  /** Negative log-likelihood of all choices at the fit. */
  nll: number;
  /** Delta-method standard errors (NaN for a phase without trials). */
  se: { lr_stable: number; lr_volatile: number; beta_stable: number; beta_volatile: number };
  n_stable: number;
  n_volatile: number;
  iterations: number;
  converged: boolean;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number): number => Math.log(p / (1 - p));
// Bounds on θ keep a flat likelihood (e.g. α → 1 in a phase with perfect alternation) from wandering off.
const THETA_MAX = [9, 6, 9, 6];
const THETA_MIN = [-9, -6, -9, -6];

interface Flat {
  actions: Int32Array;
  rewards: Float64Array;
  phase: Uint8Array;
  /** Start index of each episode, plus the total at the end. */
  starts: Int32Array;
  nActions: number;
  counts: [number, number];
}

function flatten(episodes: readonly (readonly VolatileTrial[])[], nActions?: number): Flat {
  let N = 0;
  for (const ep of episodes) N += ep.length;
  const actions = new Int32Array(N),
    rewards = new Float64Array(N),
    phase = new Uint8Array(N);
  const starts = new Int32Array(episodes.length + 1);
  const counts: [number, number] = [0, 0];
  let i = 0,
    maxA = 1;
  episodes.forEach((ep, e) => {
    starts[e] = i;
    for (const t of ep) {
      if (!Number.isInteger(t.action) || t.action < 0)
        throw new RangeError(`fitVolatility: action ${t.action} is not a non-negative integer`);
      actions[i] = t.action;
      rewards[i] = t.reward;
      phase[i] = t.volatile ? 1 : 0;
      counts[phase[i]!]!++;
      maxA = Math.max(maxA, t.action);
      i++;
    }
  });
  starts[episodes.length] = N;
  const k = nActions ?? maxA + 1;
  if (maxA >= k) throw new RangeError(`fitVolatility: action ${maxA} out of range for nActions = ${k}`);
  return { actions, rewards, phase, starts, nActions: k, counts };
}

/** Negative log-likelihood of the choices under RW + softmax with per-phase (α, β). */
function nllOf(d: Flat, alpha: [number, number], beta: [number, number], q0: number): number {
  const K = d.nActions;
  const Q = new Float64Array(K);
  let nll = 0;
  for (let e = 0; e + 1 < d.starts.length; e++) {
    Q.fill(q0);
    for (let i = d.starts[e]!; i < d.starts[e + 1]!; i++) {
      const ph = d.phase[i]!,
        a = d.actions[i]!,
        b = beta[ph]!;
      if (K === 2) {
        // −log σ(β (Q_a − Q_other)), written stably.
        const z = b * (Q[a]! - Q[1 - a]!);
        nll += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
      } else {
        let m = -Infinity;
        for (let j = 0; j < K; j++) m = Math.max(m, b * Q[j]!);
        let s = 0;
        for (let j = 0; j < K; j++) s += Math.exp(b * Q[j]! - m);
        nll += m + Math.log(s) - b * Q[a]!;
      }
      Q[a]! += alpha[ph]! * (d.rewards[i]! - Q[a]!);
    }
  }
  return nll;
}

export interface RescorlaWagnerParams {
  lr_stable: number;
  lr_volatile: number;
  beta_stable: number;
  beta_volatile: number;
}

/** Negative log-likelihood of the choices under given per-phase parameters (e.g. to compare agents). */
export function rescorlaWagnerNll(
  episodes: readonly (readonly VolatileTrial[])[],
  p: RescorlaWagnerParams,
  opts: Pick<VolatilityFitOptions, 'q0' | 'nActions'> = {},
): number {
  return nllOf(
    flatten(episodes, opts.nActions),
    [p.lr_stable, p.lr_volatile],
    [p.beta_stable, p.beta_volatile],
    opts.q0 ?? 0.5,
  );
}

/**
 * Maximum-likelihood (α, β) per volatility phase. A phase with no trials reports NaN for its
 * parameters (they are not identified) and is left out of the optimisation.
 */
export function fitVolatility(
  episodes: readonly (readonly VolatileTrial[])[],
  opts: VolatilityFitOptions = {},
): VolatilityFit {
  const d = flatten(episodes, opts.nActions);
  if (d.counts[0] + d.counts[1] === 0) throw new RangeError('fitVolatility: no trials');
  const q0 = opts.q0 ?? 0.5;
  const maxIter = opts.maxIter ?? 100;
  const active = [d.counts[0] > 0, d.counts[0] > 0, d.counts[1] > 0, d.counts[1] > 0];
  const f = (th: ArrayLike<number>): number =>
    nllOf(d, [sigmoid(th[0]!), sigmoid(th[2]!)], [Math.exp(th[1]!), Math.exp(th[3]!)], q0);

  // Grid: first with both phases tied (a good basin for either), then each phase with the other fixed.
  const alphas = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97];
  const betas = [0.3, 1, 2, 3, 5, 8, 12, 20, 40];
  const th = new Float64Array(4);
  let best = Infinity;
  for (const a of alphas)
    for (const b of betas) {
      const cand = [logit(a), Math.log(b), logit(a), Math.log(b)];
      const v = f(cand);
      if (v < best) {
        best = v;
        th.set(cand);
      }
    }
  for (const ph of [0, 1]) {
    if (!active[2 * ph]) continue;
    const keep = [th[2 * ph]!, th[2 * ph + 1]!];
    for (const a of alphas)
      for (const b of betas) {
        th[2 * ph] = logit(a);
        th[2 * ph + 1] = Math.log(b);
        const v = f(th);
        if (v < best) {
          best = v;
          keep[0] = th[2 * ph]!;
          keep[1] = th[2 * ph + 1]!;
        }
      }
    th[2 * ph] = keep[0]!;
    th[2 * ph + 1] = keep[1]!;
  }

  const idx = [0, 1, 2, 3].filter((j) => active[j]);
  const m = idx.length;
  const h = 1e-4;
  const derivatives = (x: Float64Array, fx: number): { g: Float64Array; H: Float64Array } => {
    const g = new Float64Array(m),
      H = new Float64Array(m * m);
    const fp = new Float64Array(m),
      fm = new Float64Array(m);
    const y = Float64Array.from(x);
    for (let u = 0; u < m; u++) {
      const j = idx[u]!;
      y[j] = x[j]! + h;
      fp[u] = f(y);
      y[j] = x[j]! - h;
      fm[u] = f(y);
      y[j] = x[j]!;
      g[u] = (fp[u]! - fm[u]!) / (2 * h);
      H[u * m + u] = (fp[u]! - 2 * fx + fm[u]!) / (h * h);
    }
    for (let u = 0; u < m; u++)
      for (let w = 0; w < u; w++) {
        const ju = idx[u]!,
          jw = idx[w]!;
        let s = 0;
        for (const [su, sw] of [
          [1, 1],
          [-1, -1],
          [1, -1],
          [-1, 1],
        ] as const) {
          y[ju] = x[ju]! + su * h;
          y[jw] = x[jw]! + sw * h;
          s += su * sw * f(y);
        }
        y[ju] = x[ju]!;
        y[jw] = x[jw]!;
        H[u * m + w] = H[w * m + u] = s / (4 * h * h);
      }
    return { g, H };
  };

  let fx = f(th);
  let lambda = 1e-3;
  let converged = false;
  let it = 0;
  for (; it < maxIter && m > 0; it++) {
    const { g, H } = derivatives(th, fx);
    let gmax = 0;
    for (let u = 0; u < m; u++) gmax = Math.max(gmax, Math.abs(g[u]!));
    if (gmax < 1e-5 * Math.max(1, d.counts[0] + d.counts[1]) ** 0.5) {
      converged = true;
      break;
    }
    // Levenberg damping: scale-aware, raised until the step is a descent that lowers the NLL.
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      const A = Float64Array.from(H);
      let diagScale = 0;
      for (let u = 0; u < m; u++) diagScale = Math.max(diagScale, Math.abs(H[u * m + u]!));
      for (let u = 0; u < m; u++) A[u * m + u]! += lambda * Math.max(diagScale, 1);
      const L = cholesky(A, m);
      if (L) {
        const step = cholSolve(L, m, g);
        const cand = Float64Array.from(th);
        for (let u = 0; u < m; u++) {
          const j = idx[u]!;
          cand[j] = Math.min(THETA_MAX[j]!, Math.max(THETA_MIN[j]!, th[j]! - step[u]!));
        }
        const fc = f(cand);
        if (fc < fx) {
          const gain = fx - fc;
          th.set(cand);
          fx = fc;
          lambda = Math.max(lambda / 4, 1e-9);
          accepted = true;
          if (gain < 1e-10 * Math.max(1, fx)) converged = true;
          break;
        }
      }
      lambda *= 4;
    }
    if (!accepted || converged) {
      converged = true;
      break;
    }
  }

  // Standard errors in θ from the Hessian at the optimum, mapped to (α, β) by the delta method.
  const seTheta = new Float64Array(4).fill(Number.NaN);
  if (m > 0) {
    const { H } = derivatives(th, fx);
    const L = cholesky(H, m);
    if (L) {
      const v = cholInverseDiagonal(L, m);
      idx.forEach((j, u) => (seTheta[j] = Math.sqrt(v[u]!)));
    }
  }
  const nan = (ok: boolean, x: number): number => (ok ? x : Number.NaN);
  const aS = sigmoid(th[0]!),
    bS = Math.exp(th[1]!),
    aV = sigmoid(th[2]!),
    bV = Math.exp(th[3]!);
  return {
    lr_stable: nan(active[0]!, aS),
    lr_volatile: nan(active[2]!, aV),
    beta_stable: nan(active[1]!, bS),
    beta_volatile: nan(active[3]!, bV),
    nll: fx,
    se: {
      lr_stable: aS * (1 - aS) * seTheta[0]!,
      beta_stable: bS * seTheta[1]!,
      lr_volatile: aV * (1 - aV) * seTheta[2]!,
      beta_volatile: bV * seTheta[3]!,
    },
    n_stable: d.counts[0],
    n_volatile: d.counts[1],
    iterations: it,
    converged,
  };
}

export interface RescorlaWagnerOptions {
  alphaStable?: number;
  alphaVolatile?: number;
  betaStable?: number;
  betaVolatile?: number;
  q0?: number;
}

/**
 * The generative model fitVolatility assumes, as a baseline policy: delta-rule values, softmax choice,
 * α and β by the phase of the trial (info.volatile, known to this synthetic agent on purpose so that the
 * fit's recovery of each phase's α can be checked).
 */
export class RescorlaWagnerPolicy implements BaselinePolicy {
  readonly name = 'rescorla-wagner';
  private readonly alpha: [number, number];
  private readonly beta: [number, number];
  private readonly q0: number;
  private q = new Float64Array(2);
  private probs = new Float64Array(2);

  constructor(opts: RescorlaWagnerOptions = {}) {
    this.alpha = [opts.alphaStable ?? 0.2, opts.alphaVolatile ?? opts.alphaStable ?? 0.2];
    this.beta = [opts.betaStable ?? 5, opts.betaVolatile ?? opts.betaStable ?? 5];
    this.q0 = opts.q0 ?? 0.5;
  }

  reset(spec: EpisodeSpec): void {
    this.q = new Float64Array(spec.nActions).fill(this.q0);
    this.probs = new Float64Array(spec.nActions);
  }

  act(rng: Rng, _obs: Float32Array, info: Info): number {
    // The coming trial's phase is only known from the last info (reset info covers trial 0), so β lags
    // by one trial at each block boundary; with equal β in both phases the policy is exactly the model.
    const b = this.beta[info['volatile'] === true ? 1 : 0];
    let m = -Infinity;
    for (let j = 0; j < this.q.length; j++) m = Math.max(m, b * this.q[j]!);
    for (let j = 0; j < this.q.length; j++) this.probs[j] = Math.exp(b * this.q[j]! - m);
    return rng.categorical(this.probs);
  }

  update(action: number, reward: number, info: Info): void {
    const a = this.alpha[info['volatile'] === true ? 1 : 0];
    this.q[action]! += a * (reward - this.q[action]!);
  }
}
