/**
 * Thought generator (actor) and habit prior. The actor proposes: a softmax policy over the five moves
 * from the thought [x, h], trained by policy gradient on the dopamine error (actor-critic, the critic
 * being the value assessor). The habit prior is a linear readout of the senses trained to repeat what
 * was done here before; its logits are added to the actor's (weighted), so a well-worn action is
 * proposed even when the value that once justified it is gone.
 */
import { MLP } from '../../nn/mlp.js';
import { Linear } from '../../nn/linear.js';
import { Adam } from '../../nn/optim.js';
import { prefixed, type Param } from '../../nn/param.js';
import { loadParams, paramsToTensors } from '../../nn/serialize.js';
import type { Rng } from '../../math/rng.js';
import type { LearnerConfig } from './config.js';
import { N_ACTIONS } from './world-model.js';
import { type ComponentState, loadOptimizer, saveOptimizer, type Stateful } from '../state.js';

/** The actor's plain-data state: the step counts of its two optimizers. */
export interface ActorMeta {
  optSteps: { actor: number; habit: number };
}

export function softmaxInto(logits: ArrayLike<number>, n: number, out: Float64Array): void {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > m) m = logits[i]!;
  let z = 0;
  for (let i = 0; i < n; i++) z += out[i] = Math.exp(logits[i]! - m);
  for (let i = 0; i < n; i++) out[i]! /= z;
}

export class ThoughtGenerator implements Stateful<ActorMeta> {
  readonly net: MLP;
  readonly habit: Linear;
  readonly opt: Adam;
  readonly habitOpt: Adam;
  private readonly cfg: LearnerConfig['actor'];
  private readonly habitCfg: LearnerConfig['habit'];
  private readonly xDim: number;
  readonly probs = new Float64Array(N_ACTIONS);
  private readonly logits = new Float64Array(N_ACTIONS);
  private readonly habitOut = new Float32Array(N_ACTIONS);
  private readonly g = new Float32Array(N_ACTIONS);

  constructor(
    inDim: number,
    xDim: number,
    cfg: LearnerConfig['actor'],
    habitCfg: LearnerConfig['habit'],
    rng: Rng,
  ) {
    this.cfg = cfg;
    this.habitCfg = habitCfg;
    this.xDim = xDim;
    this.net = new MLP('actor', [inDim, cfg.hidden, N_ACTIONS], { rng: rng.fork('actor'), maxBatch: 1 });
    this.habit = new Linear('habit', xDim, N_ACTIONS, { rng: rng.fork('habit'), maxBatch: 1 });
    this.habit.w.data.fill(0);
    this.opt = new Adam(prefixed('actor', this.net.params()), { lr: cfg.lr, clipNorm: 1 });
    this.habitOpt = new Adam(prefixed('habit', this.habit.params()), { lr: habitCfg.lr, clipNorm: 1 });
  }

  params(): Param[] {
    return [...prefixed('actor', this.net.params()), ...prefixed('habit', this.habit.params())];
  }

  /** Policy and habit weights (`param.actor.…`, `param.habit.…`, shared) and moments (`opt.actor.…`, `opt.habit.…`). */
  saveState(): ComponentState<ActorMeta> {
    const tensors = paramsToTensors(this.params(), 'param.');
    const actor = saveOptimizer('actor', this.opt, tensors),
      habit = saveOptimizer('habit', this.habitOpt, tensors);
    return { meta: { optSteps: { actor, habit } }, tensors };
  }

  loadState(s: ComponentState<ActorMeta>): void {
    loadParams(this.params(), s.tensors, 'param.');
    loadOptimizer('actor', this.opt, s.tensors, s.meta.optSteps.actor);
    loadOptimizer('habit', this.habitOpt, s.tensors, s.meta.optSteps.habit);
  }

  /** Proposal distribution for the thought s = [x, h] (x = its first xDim entries); in this.probs. */
  propose(s: Float32Array): Float64Array {
    const l = this.net.forward(s, 1);
    this.habit.forward(s, 1, this.habitOut);
    for (let a = 0; a < N_ACTIONS; a++) this.logits[a] = l[a]! + this.habitCfg.weight * this.habitOut[a]!;
    softmaxInto(this.logits, N_ACTIONS, this.probs);
    return this.probs;
  }

  /**
   * Policy-gradient step for the thought s where `action` was taken and the dopamine error that
   * followed; and a habit step toward the executed action. Recomputes the forward pass on s.
   */
  learn(s: Float32Array, action: number, dopamine: number, learnActor: boolean, learnHabit: boolean): void {
    this.propose(s);
    const p = this.probs,
      g = this.g,
      beta = this.cfg.entropy;
    if (learnActor) {
      // ∂/∂logits of −δ·log π(a) − β·H(π):  −δ(1[a] − π)  + β·π(log π + H)
      let H = 0;
      for (let i = 0; i < N_ACTIONS; i++) H -= p[i]! > 0 ? p[i]! * Math.log(p[i]!) : 0;
      for (let i = 0; i < N_ACTIONS; i++)
        g[i] = -dopamine * ((i === action ? 1 : 0) - p[i]!) + beta * p[i]! * (Math.log(p[i]! + 1e-12) + H);
      this.opt.zeroGrad();
      this.net.backward(g, 1, null);
      this.opt.step();
    }
    if (learnHabit) {
      // Cross-entropy of the habit's own softmax toward the executed action.
      let m = -Infinity,
        z = 0;
      for (let i = 0; i < N_ACTIONS; i++) m = Math.max(m, this.habitOut[i]!);
      for (let i = 0; i < N_ACTIONS; i++) z += Math.exp(this.habitOut[i]! - m);
      for (let i = 0; i < N_ACTIONS; i++) g[i] = Math.exp(this.habitOut[i]! - m) / z - (i === action ? 1 : 0);
      this.habitOpt.zeroGrad();
      this.habit.backward(s.subarray(0, this.xDim), g, 1, null);
      this.habitOpt.step();
    }
  }
}
