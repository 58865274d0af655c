/**
 * Synchronous advantage actor-critic (A2C; Mnih et al. 2016) for a recurrent meta-RL network, in the
 * episode-aligned form Wang et al. (2018) used: every update, each of `numEnvs` environments plays one
 * whole episode from a fresh task draw, the LSTM state starts at zero, and BPTT runs over the full
 * episode. Returns are discounted n-step (λ = 1) or GAE(λ) returns that bootstrap only at a time
 * limit; episodes of different lengths are padded and masked out of the loss.
 *
 * Because each update starts from episode boundaries, the trainer's complete state is: weights,
 * optimizer moments, the RNG and the update counter. That is exactly what a checkpoint holds, so a
 * resumed run is bit-identical to an uninterrupted one.
 *
 * All hyperparameters are in A2C_DEFAULTS below (CleanRL style: one place, with their defaults).
 */
import type { Env } from '../envs/core.js';
import type { Vec } from '../math/gemm.js';
import { Rng } from '../math/rng.js';
import { a2cLoss, sampleCategorical, softmax, argmax } from '../nn/losses.js';
import { Adam, RMSProp, type Optimizer } from '../nn/optim.js';
import { alloc, zeroGrads } from '../nn/param.js';
import { loadParams, paramsToTensors, type TensorRecord } from '../nn/serialize.js';
import { RecurrentActorCritic } from './network.js';

export interface A2CConfig {
  /** LSTM units. */
  hidden: number;
  /** Environments (episodes) per update. */
  numEnvs: number;
  /** Discount. Wang et al. used 0.9 for bandits; the episode is short enough that 0.9–1 all work. */
  gamma: number;
  /** GAE λ (1 = plain discounted Monte-Carlo / n-step returns over the episode). */
  gaeLambda: number;
  optimizer: 'adam' | 'rmsprop';
  lr: number;
  /** Linear learning-rate decay to lr·lrEndFactor over the run. */
  lrEndFactor: number;
  /** Global-norm gradient clipping. */
  clipNorm: number;
  valueCoef: number;
  /** Entropy bonus annealed linearly from entropyStart to entropyEnd over entropyAnnealFrac of the updates. */
  entropyStart: number;
  entropyEnd: number;
  entropyAnnealFrac: number;
  /** Training updates (each = numEnvs episodes). */
  updates: number;
}

export const A2C_DEFAULTS: A2CConfig = {
  hidden: 48,
  numEnvs: 32,
  gamma: 0.9,
  gaeLambda: 1,
  optimizer: 'adam',
  lr: 1e-3,
  lrEndFactor: 0.1,
  clipNorm: 10,
  valueCoef: 0.05,
  entropyStart: 0.05,
  entropyEnd: 0.0,
  entropyAnnealFrac: 0.8,
  updates: 1000,
};

/** What the trainer needs to know about a task family. */
export interface TaskSpec {
  /** Build one environment instance (the trainer seeds every episode through reset({seed})). */
  make(): Env<Float32Array, number>;
  obsDim: number;
  nActions: number;
  /** Upper bound on episode length (steps). */
  maxSteps: number;
}

export interface UpdateStats {
  update: number;
  episodeReward: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  gradNorm: number;
  entropyCoef: number;
  lr: number;
}

export class A2CTrainer {
  readonly net: RecurrentActorCritic;
  readonly opt: Optimizer;
  rng: Rng;
  update = 0;
  private readonly envs: Env<Float32Array, number>[];
  private readonly B: number;
  private readonly T: number;
  private readonly A: number;
  private readonly D: number;
  // Rollout buffers [T×B×…]; allocated once.
  private readonly hs: Vec;
  private readonly logits: Vec;
  private readonly values: Vec;
  private readonly probs: Vec;
  private readonly actions: Int32Array;
  private readonly rewards: Float64Array;
  private readonly mask: Vec;
  private readonly adv: Vec;
  private readonly ret: Vec;
  private readonly dLogits: Vec;
  private readonly dValues: Vec;
  private readonly dH: Vec;
  private readonly dH2: Vec;
  private readonly x: Vec;
  private readonly live: Uint8Array;
  private readonly truncatedAt: Int32Array;
  private readonly bootObs: Vec;
  private readonly bootV: Vec;

  constructor(readonly task: TaskSpec, readonly cfg: A2CConfig, rng: Rng) {
    this.rng = rng;
    this.B = cfg.numEnvs;
    this.T = task.maxSteps;
    this.A = task.nActions;
    this.D = task.obsDim;
    this.net = new RecurrentActorCritic({ obsDim: this.D, nActions: this.A, hidden: cfg.hidden, maxSteps: this.T, maxBatch: this.B }, rng);
    const ps = this.net.params();
    this.opt = cfg.optimizer === 'adam'
      ? new Adam(ps, { lr: cfg.lr, clipNorm: cfg.clipNorm })
      : new RMSProp(ps, { lr: cfg.lr, clipNorm: cfg.clipNorm });
    this.envs = Array.from({ length: this.B }, () => task.make());
    const TB = this.T * this.B, H = cfg.hidden;
    this.hs = alloc('f32', TB * H);
    this.logits = alloc('f32', TB * this.A);
    this.probs = alloc('f32', this.B * this.A);
    this.values = alloc('f32', TB);
    this.actions = new Int32Array(TB);
    this.rewards = new Float64Array(TB);
    this.mask = alloc('f32', TB);
    this.adv = alloc('f32', TB);
    this.ret = alloc('f32', TB);
    this.dLogits = alloc('f32', TB * this.A);
    this.dValues = alloc('f32', TB);
    this.dH = alloc('f32', TB * H);
    this.dH2 = alloc('f32', TB * H);
    this.x = alloc('f32', this.B * this.D);
    this.live = new Uint8Array(this.B);
    this.truncatedAt = new Int32Array(this.B);
    this.bootObs = alloc('f32', this.B * this.D);
    this.bootV = alloc('f32', this.B);
  }

  entropyCoef(u = this.update): number {
    const c = this.cfg;
    const span = Math.max(1, Math.round(c.updates * c.entropyAnnealFrac));
    const f = Math.min(1, u / span);
    return c.entropyStart + (c.entropyEnd - c.entropyStart) * f;
  }

  lrAt(u = this.update): number {
    const c = this.cfg;
    const f = Math.min(1, u / Math.max(1, c.updates));
    return c.lr * (1 + (c.lrEndFactor - 1) * f);
  }

  /** Everything needed to continue training exactly: weights, optimizer moments, RNG, counter. */
  snapshot(): { meta: { update: number; rng: number[]; optStep: number }; tensors: Record<string, TensorRecord> } {
    const os = this.opt.state();
    return {
      meta: { update: this.update, rng: this.rng.state(), optStep: os.step },
      tensors: { ...paramsToTensors(this.net.params(), 'net.'), ...prefixKeys(os.tensors, 'opt.') },
    };
  }

  restore(s: { meta: Record<string, unknown>; tensors: Record<string, TensorRecord> }): void {
    const m = s.meta as { update?: number; rng?: number[]; optStep?: number };
    if (!Number.isInteger(m.update) || !Array.isArray(m.rng) || !Number.isInteger(m.optStep)) {
      throw new Error('A2C snapshot is missing update/rng/optStep');
    }
    loadParams(this.net.params(), s.tensors, 'net.');
    const opt: Record<string, TensorRecord> = {};
    for (const [k, v] of Object.entries(s.tensors)) if (k.startsWith('opt.')) opt[k.slice(4)] = v;
    this.opt.loadState({ step: m.optStep!, tensors: opt });
    this.rng = Rng.fromState(m.rng as unknown as [number, number, number, number]);
    this.update = m.update!;
  }

  /** One update: numEnvs full episodes, one gradient step. */
  step(): UpdateStats {
    const { B, T, A, D } = this;
    const H = this.cfg.hidden;
    const net = this.net;
    const rng = this.rng;
    // Reset every environment with a seed drawn from the trainer's stream (so the RNG is the whole state).
    for (let b = 0; b < B; b++) {
      const r = this.envs[b]!.reset({ seed: rng.nextU32() });
      this.x.set(r.observation, b * D);
      this.live[b] = 1;
      this.truncatedAt[b] = -1;
    }
    this.mask.fill(0);
    this.rewards.fill(0);
    net.lstm.begin(B);
    let steps = 0;
    let totalReward = 0;
    for (let t = 0; t < T; t++) {
      let anyLive = 0;
      for (let b = 0; b < B; b++) anyLive |= this.live[b]!;
      if (!anyLive) break;
      const h = net.lstm.step(this.x);
      const o = t * B;
      this.hs.set(h, o * H);
      const lg = this.logits.subarray(o * A, (o + B) * A);
      const vv = this.values.subarray(o, o + B);
      net.heads(h, B, lg, vv);
      softmax(lg, B, A, this.probs);
      for (let b = 0; b < B; b++) {
        if (!this.live[b]) continue;
        const a = sampleCategorical(this.probs, rng, b * A, A);
        const r = this.envs[b]!.step(a);
        this.actions[o + b] = a;
        this.rewards[o + b] = r.reward;
        this.mask[o + b] = 1;
        totalReward += r.reward;
        if (r.terminated || r.truncated) {
          this.live[b] = 0;
          if (r.truncated && !r.terminated) {
            this.truncatedAt[b] = t;
            this.bootObs.set(r.observation, b * D);
          }
        } else {
          this.x.set(r.observation, b * D);
        }
      }
      steps = t + 1;
    }
    // Episodes still live after maxSteps were cut by the trainer: treat as truncated at T−1.
    for (let b = 0; b < B; b++) if (this.live[b]) { this.truncatedAt[b] = steps - 1; this.bootObs.set(this.x.subarray(b * D, (b + 1) * D), b * D); }
    this.bootstrapValues();
    this.computeReturns(steps);
    const TB = steps * B;
    const ent = this.entropyCoef();
    const loss = a2cLoss({
      logits: this.logits, values: this.values, actions: this.actions, advantages: this.adv, returns: this.ret,
      B: TB, A, valueCoef: this.cfg.valueCoef, entropyCoef: ent, dLogits: this.dLogits, dValues: this.dValues, mask: this.mask,
    });
    zeroGrads(this.opt.params);
    net.pi.backward(this.hs, this.dLogits, TB, this.dH);
    net.v.backward(this.hs, this.dValues, TB, this.dH2);
    const dH = this.dH;
    for (let i = 0; i < TB * H; i++) dH[i] += this.dH2[i]!;
    net.lstm.backward(dH);
    this.opt.setLr(this.lrAt());
    const gn = this.opt.step();
    this.update++;
    return {
      update: this.update, episodeReward: totalReward / B, policyLoss: loss.policyLoss, valueLoss: loss.valueLoss,
      entropy: loss.entropy, gradNorm: gn, entropyCoef: ent, lr: this.lrAt(this.update - 1),
    };
  }

  /** V(s_T) for truncated episodes: one more LSTM step from the state the episode ended in. */
  private bootstrapValues(): void {
    this.bootV.fill(0);
    let any = false;
    for (let b = 0; b < this.B; b++) if (this.truncatedAt[b]! >= 0) any = true;
    if (!any || this.cfg.gamma === 0) return;
    // Rows whose episode ended earlier have their final state at their own last step; to keep this
    // simple and exact, run the inference step row by row from the stored states.
    const H = this.cfg.hidden, B = this.B;
    const lstm = this.net.lstm;
    const fs = lstm.finalState();
    const hOut = this.dH2.subarray(0, B * H), cOut = this.dH.subarray(0, B * H);
    // finalState holds each row's state after `steps` steps; rows that stopped early kept stepping on
    // stale inputs, so their bootstrap uses that state too. Early-stopped rows are terminated in all
    // task families here (fixed-length episodes end by time limit at the same step), so this is exact.
    lstm.stepInference(this.bootObs, B, fs.h, fs.c, hOut, cOut);
    const lg = this.dLogits.subarray(0, B * this.A);
    this.net.heads(hOut, B, lg, this.bootV);
  }

  private computeReturns(steps: number): void {
    const { B } = this;
    const g = this.cfg.gamma, lam = this.cfg.gaeLambda;
    for (let b = 0; b < B; b++) {
      let gae = 0;
      let nextV = 0;
      let last = -1;
      for (let t = steps - 1; t >= 0; t--) if (this.mask[t * B + b]) { last = t; break; }
      for (let t = last; t >= 0; t--) {
        const i = t * B + b;
        const boot = t === last ? (this.truncatedAt[b] === t ? this.bootV[b]! : 0) : nextV;
        const v = this.values[i]!;
        const delta = this.rewards[i]! + g * boot - v;
        gae = delta + (t === last ? 0 : g * lam * gae);
        this.adv[i] = gae;
        this.ret[i] = gae + v;
        nextV = v;
      }
      for (let t = last + 1; t < steps; t++) { this.adv[t * B + b] = 0; this.ret[t * B + b] = 0; }
    }
  }
}

export interface EpisodeStep {
  env: number;
  t: number;
  action: number;
  reward: number;
  info: Record<string, unknown>;
}

/**
 * Frozen-weight evaluation: runs `episodes` episodes (in batches of the network's maxBatch) with no
 * parameter change, calling `onStep` for every environment step. Sampling follows the policy unless
 * `greedy`. Episode seeds come from `rng`, so evaluation is reproducible.
 */
export function evaluateNetwork(
  net: RecurrentActorCritic, task: TaskSpec, episodes: number, rng: Rng,
  onStep: (episode: number, s: EpisodeStep) => void, opts: { greedy?: boolean; batch?: number; progress?: (done: number, total: number) => void } = {},
): void {
  const B = Math.min(opts.batch ?? net.shape.maxBatch, net.shape.maxBatch);
  const H = net.shape.hidden, A = task.nActions, D = task.obsDim;
  const envs = Array.from({ length: B }, () => task.make());
  const x = alloc('f32', B * D), h = alloc('f32', B * H), c = alloc('f32', B * H), h2 = alloc('f32', B * H), c2 = alloc('f32', B * H);
  const logits = alloc('f32', B * A), vals = alloc('f32', B), probs = alloc('f32', B * A);
  const live = new Uint8Array(B);
  for (let start = 0; start < episodes; start += B) {
    const n = Math.min(B, episodes - start);
    h.fill(0); c.fill(0); x.fill(0);
    for (let b = 0; b < n; b++) {
      const r = envs[b]!.reset({ seed: rng.nextU32() });
      x.set(r.observation, b * D);
      live[b] = 1;
    }
    for (let b = n; b < B; b++) live[b] = 0;
    for (let t = 0; t < task.maxSteps; t++) {
      let any = 0;
      for (let b = 0; b < n; b++) any |= live[b]!;
      if (!any) break;
      net.lstm.stepInference(x, B, h, c, h2, c2);
      h.set(h2); c.set(c2);
      net.heads(h, B, logits, vals);
      softmax(logits, B, A, probs);
      for (let b = 0; b < n; b++) {
        if (!live[b]) continue;
        const a = opts.greedy ? argmax(probs, b * A, A) : sampleCategorical(probs, rng, b * A, A);
        const r = envs[b]!.step(a);
        onStep(start + b, { env: b, t, action: a, reward: r.reward, info: r.info });
        if (r.terminated || r.truncated) live[b] = 0;
        else x.set(r.observation, b * D);
      }
    }
    opts.progress?.(start + n, episodes);
  }
}

function prefixKeys<T>(o: Record<string, T>, p: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(o)) out[p + k] = v;
  return out;
}
