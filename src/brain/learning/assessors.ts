/**
 * Thought assessors: learned predictors of the steering signals, all reading the same thought
 * s = [x, h] (senses — real or imagined — and latent). One MLP, one output per assessor:
 *
 * - the value (critic): V(s) ← r + γ·V(s'), online by the dopamine the Steering Subsystem computes;
 * - short-term predictors ("cortisol is about to rise", "reward is coming"): where the Steering
 *   Subsystem sends ground truth the target is that truth (supervised, it overrides the prediction);
 *   where it defers the target is the assessor's own later prediction, discounted by its horizon
 *   (TD-like), which is what lets a prediction run ahead of the event.
 *
 * The target rule is a pure function (`assessorTargets`); the class only batches and steps.
 */
import { MLP } from '../../nn/mlp.js';
import { Adam } from '../../nn/optim.js';
import { prefixed, type Param } from '../../nn/param.js';
import { loadParams, paramsToTensors } from '../../nn/serialize.js';
import type { Rng } from '../../math/rng.js';
import type { AssessorSpec } from '../steering/config.js';
import type { LearnerConfig } from './config.js';
import { type ComponentState, loadOptimizer, saveOptimizer, type Stateful } from '../state.js';

/** The assessors' plain-data state: each network's optimizer step count, by network name. */
export interface AssessorsMeta {
  optSteps: Record<string, number>;
}

/**
 * Targets for a batch of transitions (pure). kind/target: what the Steering Subsystem said (1 truth, 0
 * defer) per row × assessor; next: predictions at s'; reward per row. Writes y [B×K].
 */
export function assessorTargets(
  specs: readonly AssessorSpec[],
  B: number,
  reward: ArrayLike<number>,
  kind: ArrayLike<number>,
  target: ArrayLike<number>,
  next: ArrayLike<number>,
  y: Float32Array,
): void {
  const K = specs.length;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < K; i++) {
      const a = specs[i]!,
        j = b * K + i;
      if (a.kind === 'value') y[j] = reward[b]! + a.horizon * next[j]!;
      else y[j] = kind[j] ? target[j]! : a.horizon * next[j]!;
    }
  }
}

/** One network and its optimizer for a group of assessors (`idx`: their places in spec order). */
interface AssessorNet {
  readonly name: string;
  readonly idx: readonly number[];
  readonly net: MLP;
  readonly opt: Adam;
}

export class ThoughtAssessors implements Stateful<AssessorsMeta> {
  readonly specs: readonly AssessorSpec[];
  readonly names: readonly string[];
  readonly inDim: number;
  /**
   * The predictors of what comes next (and the value) share one MLP; "this moment" predictors (lead 0)
   * have their own. Sharing a hidden layer with a new head perturbs the others' training (measured: adding
   * reward-now to the shared net moved brain/spider-fear seed 2's avoidance from above to below baseline).
   */
  readonly groups: readonly AssessorNet[];
  private readonly y: Float32Array;
  private readonly next: Float32Array;
  private readonly pred: Float32Array;
  private readonly gGroup: Float32Array;
  lastLoss = NaN;
  private readonly valueIdx: number;
  /** 0 for thought entries the assessors must not read (LearnerConfig.assessors.seesBody/readsLatent), else null. */
  private readonly mask: Float32Array | null;
  private readonly masked: Float32Array;

  constructor(
    specs: readonly AssessorSpec[],
    inDim: number,
    cfg: LearnerConfig['assessors'],
    maxBatch: number,
    rng: Rng,
    hidden: readonly (readonly [number, number])[] = [],
  ) {
    if (specs.length === 0)
      throw new RangeError('ThoughtAssessors: the steering configuration declares no [assessor]');
    this.specs = specs;
    this.names = specs.map((s) => s.name);
    this.inDim = inDim;
    const mb = Math.max(maxBatch, cfg.batch);
    const ahead = specs.flatMap((s, i) => (s.lead === 0 ? [] : [i])),
      now = specs.flatMap((s, i) => (s.lead === 0 ? [i] : []));
    const make = (name: string, idx: number[]): AssessorNet => {
      const net = new MLP(name, [inDim, cfg.hidden, idx.length], { rng: rng.fork(name), maxBatch: mb });
      // An assessor that has learned nothing predicts nothing: the output layer starts at zero, so an
      // untrained (or never-trained, in a control) brain sends no spurious signals down.
      const out = net.layers[net.layers.length - 1]!;
      out.w.data.fill(0);
      out.b?.data.fill(0);
      return { name, idx, net, opt: new Adam(prefixed(name, net.params()), { lr: cfg.lr, clipNorm: 5 }) };
    };
    this.groups = [
      ...(ahead.length ? [make('assessors', ahead)] : []),
      ...(now.length ? [make('assessors-now', now)] : []),
    ];
    this.valueIdx = specs.findIndex((a) => a.kind === 'value');
    this.mask = hidden.some(([a, b]) => b > a)
      ? Float32Array.from({ length: inDim }, (_, j) => (hidden.some(([a, b]) => j >= a && j < b) ? 0 : 1))
      : null;
    this.masked = new Float32Array(this.mask ? mb * inDim : 0);
    this.y = new Float32Array(mb * specs.length);
    this.next = new Float32Array(mb * specs.length);
    this.pred = new Float32Array(mb * specs.length);
    this.gGroup = new Float32Array(mb * specs.length);
  }

  params(): Param[] {
    return this.groups.flatMap((g) => prefixed(g.name, g.net.params()));
  }

  /** Every network's weights (`param.<network>.…`, shared) and Adam moments (`opt.<network>.…`). */
  saveState(): ComponentState<AssessorsMeta> {
    const tensors = paramsToTensors(this.params(), 'param.');
    const optSteps: Record<string, number> = {};
    for (const g of this.groups) optSteps[g.name] = saveOptimizer(g.name, g.opt, tensors);
    return { meta: { optSteps }, tensors };
  }

  loadState(s: ComponentState<AssessorsMeta>): void {
    loadParams(this.params(), s.tensors, 'param.');
    for (const g of this.groups) {
      const step = s.meta.optSteps[g.name];
      if (step === undefined) throw new Error(`checkpoint has no optimizer state for assessors '${g.name}'`);
      loadOptimizer(g.name, g.opt, s.tensors, step);
    }
  }

  /** Predictions for B thoughts [B×inDim]; a view [B×K] valid until the next call. */
  assess(s: Float32Array, B: number): Float32Array {
    return this.forwardAll(this.view(s, B), B, this.pred);
  }

  /** Every group's outputs, scattered into `out` [B×K] in spec order. */
  private forwardAll(v: Float32Array, B: number, out: Float32Array): Float32Array {
    const K = this.specs.length;
    for (const g of this.groups) {
      const o = g.net.forward(v, B),
        n = g.idx.length;
      for (let b = 0; b < B; b++) for (let j = 0; j < n; j++) out[b * K + g.idx[j]!] = o[b * n + j]!;
    }
    return out;
  }

  private view(s: Float32Array, B: number): Float32Array {
    const m = this.mask;
    if (!m) return s;
    const D = this.inDim,
      out = this.masked;
    for (let b = 0; b < B; b++) for (let j = 0; j < D; j++) out[b * D + j] = s[b * D + j]! * m[j]!;
    return out;
  }

  /**
   * One step on B transitions: s, s2 [B×inDim], reward [B], kind/target [B×K]. `online` (optional):
   * the dopamine of row 0 from the Steering Subsystem, which replaces row 0's recomputed TD error for
   * the value head (the value learns from the signal the body actually sent).
   */
  train(
    s: Float32Array,
    s2: Float32Array,
    B: number,
    reward: Float32Array,
    kind: Uint8Array,
    target: Float32Array,
    onlineDopamine: number | null,
  ): void {
    const K = this.specs.length;
    this.forwardAll(this.view(s2, B), B, this.next);
    assessorTargets(this.specs, B, reward, kind, target, this.next, this.y);
    // Each group's forward on s comes just before its backward (an MLP keeps one forward's activations).
    let loss = 0;
    const sc = 2 / B,
      vs = this.view(s, B);
    const vi = onlineDopamine !== null ? this.valueIdx : -1;
    for (const grp of this.groups) {
      const p = grp.net.forward(vs, B),
        n = grp.idx.length,
        gg = this.gGroup;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < n; j++) {
          const i = grp.idx[j]!,
            pv = p[b * n + j]!;
          // Row 0's value target is the prediction plus the dopamine the body sent (stored in f32, as every target).
          if (b === 0 && i === vi) this.y[i] = pv + onlineDopamine!;
          const e = pv - this.y[b * K + i]!;
          loss += e * e;
          gg[b * n + j] = sc * e;
        }
      }
      grp.opt.zeroGrad();
      grp.net.backward(gg.subarray(0, B * n), B, null);
      grp.opt.step();
    }
    this.lastLoss = loss / (B * K);
  }
}
