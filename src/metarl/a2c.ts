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
 * Data parallelism. An update is three pure stages so it can be spread over threads without the core
 * knowing about them (docs/architecture.md §4: the worker pool is edge code, injected as a GradientBackend):
 *   1. plan (main): draw from the trainer RNG, per episode, an environment seed and an action-sampling
 *      seed, and cut the episodes into `shards` contiguous blocks. Every episode samples its actions
 *      from its own Rng, so an episode's rollout does not depend on which shard (thread) plays it.
 *   2. shard (anywhere, A2CRollout.compute): rollouts, loss, backward for one block; returns the
 *      gradient of the block's mean loss over its n_s unmasked rows, plus its stats.
 *   3. apply (main): g = Σ_s (n_s / N) g_s in shard order (N = Σ n_s, so g is the gradient of the
 *      global mean loss even when episodes differ in length), then one optimizer step.
 * The shard count fixes the floating-point summation order, so it is part of the configuration of a
 * bit-exact run; the number of threads that execute the shards is not (a 2-shard update computed in
 * one thread equals the same update computed by two workers).
 *
 * All hyperparameters are in A2C_DEFAULTS below (CleanRL style: one place, with their defaults).
 */
import type { Env } from '../envs/core.js';
import type { Vec } from '../math/gemm.js';
import { Rng } from '../math/rng.js';
import { a2cLoss, sampleCategorical, softmax, argmax } from '../nn/losses.js';
import { Adam, RMSProp, type Optimizer } from '../nn/optim.js';
import { alloc, zeroGrads, type Param } from '../nn/param.js';
import { loadParams, paramsToTensors, type TensorRecord } from '../nn/serialize.js';
import { RecurrentActorCritic } from './network.js';

export interface A2CConfig {
  /** LSTM units. */
  hidden: number;
  /** Environments (episodes) per update. */
  numEnvs: number;
  /**
   * Discount, annealed linearly from `gamma` to `gammaEnd` over the run. Starting short-sighted keeps
   * early returns low-variance, so the value and policy learn at all; ending far-sighted makes the
   * agent value information over the whole episode (measured on the independent bandit: fine-tuning a
   * γ=0.9 agent at γ=0.97 cut regret 1.99 → 1.81, while training at 0.97 from scratch did not learn
   * within 2000 updates).
   */
  gamma: number;
  gammaEnd: number;
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
  /**
   * What the returns are made of. 'reward': the reward the agent observed. 'regret': minus the step's
   * expected regret (`info.regret` = best arm's mean − chosen arm's mean), which only tasks that know
   * their arm means report. The network's input is the observed reward either way, so the learned
   * inner loop is unchanged; only the outer loop's credit signal differs. The policy gradient stays
   * unbiased: E[r | history, action, task] = chosen mean, and the subtracted best mean depends only on
   * the task, which the action does not depend on given the history. What goes is the Bernoulli noise
   * of every future reward in each return, and the task-to-task spread of the return level.
   */
  trainSignal: 'reward' | 'regret';
}

export const A2C_DEFAULTS: A2CConfig = {
  hidden: 48,
  numEnvs: 32,
  gamma: 0.9,
  gammaEnd: 0.9,
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
  trainSignal: 'reward',
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
  /** Environment steps taken by this update (unmasked rows of the loss). */
  envSteps: number;
}

/** One block of episodes of an update: everything a replica needs besides the weights. */
export interface ShardRequest {
  /** reset({seed}) seed of each episode. */
  envSeeds: Uint32Array;
  /** Seed of each episode's own action-sampling Rng. */
  actSeeds: Uint32Array;
  entropyCoef: number;
  /** Discount for this update (annealed from gamma to gammaEnd). */
  gamma: number;
}

export interface ShardResult {
  /** ∂(mean loss over this shard's unmasked rows)/∂θ, flat in net.params() order. */
  grads: Float32Array;
  /** Unmasked rows n_s (= environment steps) the shard's loss averages over. */
  rows: number;
  /** Total reward of the shard's episodes. */
  rewardSum: number;
  /** Shard means over the n_s rows. */
  policyLoss: number;
  valueLoss: number;
  entropy: number;
}

/**
 * Computes shards somewhere else (worker threads at the edge). Results come back in request order;
 * an implementation may run them in any order or place, since each is a pure function of
 * (weights, request) for a given matrix kernel.
 */
export interface GradientBackend {
  /** Threads it spreads shards over (besides the caller's own thread, which computes its share too). */
  readonly workers: number;
  /** May take ownership of (transfer, detach) `weights`. */
  computeShards(weights: Float32Array, requests: readonly ShardRequest[]): Promise<ShardResult[]>;
  /** Stop the threads; idempotent. */
  close(): Promise<void>;
}

/** Total number of scalars in a parameter list. */
export function paramCount(ps: readonly Param[]): number {
  let n = 0;
  for (const p of ps) n += p.data.length;
  return n;
}

/** Concatenate the parameters' data (or grads) into one Float32Array, in list order. */
export function flattenParams(
  ps: readonly Param[],
  which: 'data' | 'grad' = 'data',
  out: Float32Array = new Float32Array(paramCount(ps)),
): Float32Array {
  let o = 0;
  for (const p of ps) {
    out.set(p[which], o);
    o += p.data.length;
  }
  return out;
}

/** Inverse of flattenParams(…, 'data'). */
export function loadFlatParams(ps: readonly Param[], flat: Float32Array): void {
  if (flat.length !== paramCount(ps))
    throw new RangeError(`loadFlatParams: ${flat.length} values for ${paramCount(ps)} parameters`);
  let o = 0;
  for (const p of ps) {
    p.data.set(flat.subarray(o, o + p.data.length));
    o += p.data.length;
  }
}

/** The network a trainer (or a replica of it) trains on this task. */
export function a2cNetwork(task: TaskSpec, cfg: A2CConfig, rng: Rng): RecurrentActorCritic {
  return new RecurrentActorCritic(
    {
      obsDim: task.obsDim,
      nActions: task.nActions,
      hidden: cfg.hidden,
      maxSteps: task.maxSteps,
      maxBatch: cfg.numEnvs,
    },
    rng,
  );
}

/** A step's expected regret (`info.regret`), or undefined when the task does not report a finite one. */
export function stepRegret(info: Record<string, unknown>): number | undefined {
  const r = info['regret'];
  return typeof r === 'number' && Number.isFinite(r) ? r : undefined;
}

/** A step's expected regret, for `trainSignal: 'regret'`. */
function regretOf(info: Record<string, unknown>): number {
  const r = stepRegret(info);
  if (r === undefined)
    throw new Error("A2C: trainSignal 'regret' needs a task whose steps report a finite info.regret");
  return r;
}

/**
 * Rollouts + loss + backward for one shard of an update. Holds the environments and buffers for up to
 * numEnvs episodes; a worker thread builds one around its own replica network.
 */
export class A2CRollout {
  private readonly envs: Env<Float32Array, number>[];
  private readonly maxB: number;
  private readonly T: number;
  private readonly A: number;
  private readonly D: number;
  private readonly H: number;
  // Rollout buffers [T×B×…] for the largest B; a shard of Bs episodes uses stride Bs.
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
  private readonly rngs: Rng[] = [];
  private gammaNow = 0;

  constructor(
    readonly task: TaskSpec,
    readonly cfg: A2CConfig,
    readonly net: RecurrentActorCritic,
  ) {
    this.maxB = net.shape.maxBatch;
    this.T = task.maxSteps;
    this.A = task.nActions;
    this.D = task.obsDim;
    this.H = cfg.hidden;
    if (
      net.shape.maxSteps < this.T ||
      net.shape.hidden !== this.H ||
      net.shape.obsDim !== this.D ||
      net.shape.nActions !== this.A
    ) {
      throw new Error('A2CRollout: network shape does not match the task and config');
    }
    this.envs = Array.from({ length: this.maxB }, () => task.make());
    const TB = this.T * this.maxB,
      H = this.H,
      B = this.maxB;
    this.hs = alloc('f32', TB * H);
    this.logits = alloc('f32', TB * this.A);
    this.probs = alloc('f32', B * this.A);
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
    this.x = alloc('f32', B * this.D);
    this.live = new Uint8Array(B);
    this.truncatedAt = new Int32Array(B);
    this.bootObs = alloc('f32', B * this.D);
    this.bootV = alloc('f32', B);
  }

  /** Play the shard's episodes with the network's current weights and backpropagate their loss. */
  compute(req: ShardRequest, out?: Float32Array): ShardResult {
    this.gammaNow = req.gamma;
    const B = req.envSeeds.length;
    if (B < 1 || B > this.maxB || req.actSeeds.length !== B)
      throw new RangeError(
        `A2CRollout: shard of ${B} episodes (max ${this.maxB}, ${req.actSeeds.length} action seeds)`,
      );
    const { T, A, D, H } = this;
    const net = this.net;
    const rngs = this.rngs;
    for (let b = 0; b < B; b++) {
      const r = this.envs[b]!.reset({ seed: req.envSeeds[b]! });
      this.x.set(r.observation, b * D);
      this.live[b] = 1;
      this.truncatedAt[b] = -1;
      rngs[b] = new Rng(req.actSeeds[b]!);
    }
    this.mask.fill(0, 0, T * B);
    this.rewards.fill(0, 0, T * B);
    net.lstm.begin(B);
    const regretSignal = this.cfg.trainSignal === 'regret';
    let steps = 0;
    let totalReward = 0;
    for (let t = 0; t < T; t++) {
      let anyLive = 0;
      for (let b = 0; b < B; b++) anyLive |= this.live[b]!;
      if (!anyLive) break;
      const h = net.lstm.step(this.x.subarray(0, B * D));
      const o = t * B;
      this.hs.set(h, o * H);
      const lg = this.logits.subarray(o * A, (o + B) * A);
      const vv = this.values.subarray(o, o + B);
      net.heads(h, B, lg, vv);
      softmax(lg, B, A, this.probs);
      for (let b = 0; b < B; b++) {
        if (!this.live[b]) continue;
        const a = sampleCategorical(this.probs, rngs[b]!, b * A, A);
        const r = this.envs[b]!.step(a);
        this.actions[o + b] = a;
        this.rewards[o + b] = regretSignal ? -regretOf(r.info) : r.reward;
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
    for (let b = 0; b < B; b++)
      if (this.live[b]) {
        this.truncatedAt[b] = steps - 1;
        this.bootObs.set(this.x.subarray(b * D, (b + 1) * D), b * D);
      }
    this.bootstrapValues(B);
    this.computeReturns(B, steps);
    const TB = steps * B;
    const loss = a2cLoss({
      logits: this.logits,
      values: this.values,
      actions: this.actions,
      advantages: this.adv,
      returns: this.ret,
      B: TB,
      A,
      valueCoef: this.cfg.valueCoef,
      entropyCoef: req.entropyCoef,
      dLogits: this.dLogits,
      dValues: this.dValues,
      mask: this.mask,
    });
    let rows = 0;
    for (let i = 0; i < TB; i++) rows += this.mask[i]!;
    const ps = net.params();
    zeroGrads(ps);
    net.pi.backward(this.hs, this.dLogits, TB, this.dH);
    net.v.backward(this.hs, this.dValues, TB, this.dH2);
    const dH = this.dH;
    for (let i = 0; i < TB * H; i++) dH[i]! += this.dH2[i]!;
    net.lstm.backward(dH.subarray(0, TB * H));
    return {
      grads: flattenParams(ps, 'grad', out),
      rows,
      rewardSum: totalReward,
      policyLoss: loss.policyLoss,
      valueLoss: loss.valueLoss,
      entropy: loss.entropy,
    };
  }

  /** V(s_T) for truncated episodes: one more LSTM step from the state the episode ended in. */
  private bootstrapValues(B: number): void {
    this.bootV.fill(0, 0, B);
    let any = false;
    for (let b = 0; b < B; b++) if (this.truncatedAt[b]! >= 0) any = true;
    if (!any || this.gammaNow === 0) return;
    const H = this.H;
    const lstm = this.net.lstm;
    const fs = lstm.finalState();
    const hOut = this.dH2.subarray(0, B * H),
      cOut = this.dH.subarray(0, B * H);
    // finalState holds each row's state after `steps` steps; rows that stopped early kept stepping on
    // stale inputs, so their bootstrap uses that state too. Early-stopped rows are terminated in all
    // task families here (fixed-length episodes end by time limit at the same step), so this is exact.
    lstm.stepInference(this.bootObs.subarray(0, B * this.D), B, fs.h, fs.c, hOut, cOut);
    const lg = this.dLogits.subarray(0, B * this.A);
    this.net.heads(hOut, B, lg, this.bootV.subarray(0, B));
  }

  private computeReturns(B: number, steps: number): void {
    const g = this.gammaNow,
      lam = this.cfg.gaeLambda;
    for (let b = 0; b < B; b++) {
      let gae = 0;
      let nextV = 0;
      let last = -1;
      for (let t = steps - 1; t >= 0; t--)
        if (this.mask[t * B + b]) {
          last = t;
          break;
        }
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
      for (let t = last + 1; t < steps; t++) {
        this.adv[t * B + b] = 0;
        this.ret[t * B + b] = 0;
      }
    }
  }
}

export interface A2CTrainerOptions {
  /**
   * Blocks each update's episodes are cut into (clamped to [1, numEnvs]). Changes the floating-point
   * summation order of the gradient, so a bit-exact rerun needs the same value; which threads compute
   * the blocks does not matter.
   */
  shards?: number;
}

export class A2CTrainer {
  readonly net: RecurrentActorCritic;
  readonly opt: Optimizer;
  readonly rollout: A2CRollout;
  readonly shards: number;
  rng: Rng;
  update = 0;
  private readonly B: number;
  private readonly nParams: number;
  private readonly scratch: Float32Array[] = [];

  constructor(
    readonly task: TaskSpec,
    readonly cfg: A2CConfig,
    rng: Rng,
    opts: A2CTrainerOptions = {},
  ) {
    this.rng = rng;
    this.B = cfg.numEnvs;
    this.shards = Math.max(1, Math.min(this.B, Math.floor(opts.shards ?? 1)));
    this.net = a2cNetwork(task, cfg, rng);
    const ps = this.net.params();
    this.nParams = paramCount(ps);
    this.opt =
      cfg.optimizer === 'adam'
        ? new Adam(ps, { lr: cfg.lr, clipNorm: cfg.clipNorm })
        : new RMSProp(ps, { lr: cfg.lr, clipNorm: cfg.clipNorm });
    this.rollout = new A2CRollout(task, cfg, this.net);
  }

  entropyCoef(u = this.update): number {
    const c = this.cfg;
    const span = Math.max(1, Math.round(c.updates * c.entropyAnnealFrac));
    const f = Math.min(1, u / span);
    return c.entropyStart + (c.entropyEnd - c.entropyStart) * f;
  }

  gammaAt(u = this.update): number {
    const c = this.cfg;
    const f = Math.min(1, u / Math.max(1, c.updates));
    return c.gamma + (c.gammaEnd - c.gamma) * f;
  }

  lrAt(u = this.update): number {
    const c = this.cfg;
    const f = Math.min(1, u / Math.max(1, c.updates));
    return c.lr * (1 + (c.lrEndFactor - 1) * f);
  }

  /** Everything needed to continue training exactly: weights, optimizer moments, RNG, counter. */
  snapshot(): {
    meta: { update: number; rng: number[]; optStep: number; shards: number };
    tensors: Record<string, TensorRecord>;
  } {
    const os = this.opt.state();
    return {
      meta: { update: this.update, rng: this.rng.state(), optStep: os.step, shards: this.shards },
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

  /**
   * Stage 1: the update's seeds, two per episode in episode order, then the episodes cut into
   * `shards` contiguous blocks (the first numEnvs mod shards blocks one episode longer).
   */
  plan(): ShardRequest[] {
    const B = this.B,
      S = this.shards,
      rng = this.rng;
    const env = new Uint32Array(B),
      act = new Uint32Array(B);
    for (let b = 0; b < B; b++) {
      env[b] = rng.nextU32();
      act[b] = rng.nextU32();
    }
    const entropyCoef = this.entropyCoef();
    const gamma = this.gammaAt();
    const reqs: ShardRequest[] = [];
    const base = Math.floor(B / S),
      extra = B % S;
    for (let s = 0, o = 0; s < S; s++) {
      const n = base + (s < extra ? 1 : 0);
      reqs.push({ envSeeds: env.slice(o, o + n), actSeeds: act.slice(o, o + n), entropyCoef, gamma });
      o += n;
    }
    return reqs;
  }

  /** Stage 3: combine the shard gradients in shard order into the global mean-loss gradient and step. */
  apply(results: readonly ShardResult[]): UpdateStats {
    const ps = this.opt.params;
    let N = 0,
      reward = 0;
    for (const r of results) {
      if (r.grads.length !== this.nParams)
        throw new RangeError(`A2C shard returned ${r.grads.length} gradients for ${this.nParams} parameters`);
      N += r.rows;
      reward += r.rewardSum;
    }
    // Weights n_s/N: with one shard the weight is exactly 1, so the in-process path is a plain copy.
    const w = results.map((r) => (N > 0 ? r.rows / N : 0));
    let pl = 0,
      vl = 0,
      ent = 0;
    for (let s = 0; s < results.length; s++) {
      pl += w[s]! * results[s]!.policyLoss;
      vl += w[s]! * results[s]!.valueLoss;
      ent += w[s]! * results[s]!.entropy;
    }
    let o = 0;
    for (const p of ps) {
      const g = p.grad,
        n = g.length;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let s = 0; s < results.length; s++) acc += w[s]! * results[s]!.grads[o + i]!;
        g[i] = acc;
      }
      o += n;
    }
    const ent0 = this.entropyCoef();
    this.opt.setLr(this.lrAt());
    const gn = this.opt.step();
    this.update++;
    return {
      update: this.update,
      episodeReward: reward / this.B,
      policyLoss: pl,
      valueLoss: vl,
      entropy: ent,
      gradNorm: gn,
      entropyCoef: ent0,
      lr: this.lrAt(this.update - 1),
      envSteps: N,
    };
  }

  /** One update in this thread: numEnvs full episodes (shard by shard), one gradient step. */
  step(): UpdateStats {
    const reqs = this.plan();
    const results = reqs.map((r, s) =>
      this.rollout.compute(r, (this.scratch[s] ??= new Float32Array(this.nParams))),
    );
    return this.apply(results);
  }

  /**
   * The same update with the calling thread and `backend` sharing the shards: shard s is computed
   * here when s mod (backend.workers + 1) = 0, by the backend otherwise. Bit-identical to step() for
   * the same matrix kernel. Computing here rather than idling keeps one thread fewer to schedule, which
   * matters on a small, shared machine.
   */
  async stepParallel(backend: GradientBackend): Promise<UpdateStats> {
    const reqs = this.plan();
    const K = backend.workers + 1;
    const remoteIdx: number[] = [];
    for (let s = 0; s < reqs.length; s++) if (s % K !== 0) remoteIdx.push(s);
    const remote = remoteIdx.length
      ? backend.computeShards(
          flattenParams(this.net.params()),
          remoteIdx.map((s) => reqs[s]!),
        )
      : Promise.resolve([] as ShardResult[]);
    // If a local shard throws, the remote failure (if any) must not surface as an unhandled rejection.
    remote.catch(() => {});
    const results: ShardResult[] = new Array(reqs.length);
    for (let s = 0; s < reqs.length; s += K)
      results[s] = this.rollout.compute(reqs[s]!, (this.scratch[s] ??= new Float32Array(this.nParams)));
    const got = await remote;
    if (got.length !== remoteIdx.length)
      throw new Error(`gradient backend returned ${got.length} results for ${remoteIdx.length} shards`);
    remoteIdx.forEach((s, j) => (results[s] = got[j]!));
    return this.apply(results);
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
  net: RecurrentActorCritic,
  task: TaskSpec,
  episodes: number,
  rng: Rng,
  onStep: (episode: number, s: EpisodeStep) => void,
  opts: { greedy?: boolean; batch?: number; progress?: (done: number, total: number) => void } = {},
): void {
  const B = Math.min(opts.batch ?? net.shape.maxBatch, net.shape.maxBatch);
  const H = net.shape.hidden,
    A = task.nActions,
    D = task.obsDim;
  const envs = Array.from({ length: B }, () => task.make());
  const x = alloc('f32', B * D),
    h = alloc('f32', B * H),
    c = alloc('f32', B * H),
    h2 = alloc('f32', B * H),
    c2 = alloc('f32', B * H);
  const logits = alloc('f32', B * A),
    vals = alloc('f32', B),
    probs = alloc('f32', B * A);
  const live = new Uint8Array(B);
  for (let start = 0; start < episodes; start += B) {
    const n = Math.min(B, episodes - start);
    h.fill(0);
    c.fill(0);
    x.fill(0);
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
      h.set(h2);
      c.set(c2);
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
