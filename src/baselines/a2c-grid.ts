/**
 * A feed-forward advantage actor-critic baseline for the gridworlds (Mnih et al. 2016, the A2C of Leike et
 * al. 2017's baselines, without the convolutions): a shared tanh MLP trunk on the flattened observation,
 * a categorical policy head and a value head (src/nn), trained synchronously on `numEnvs` copies of the
 * environment with n-step returns, an entropy bonus (linearly annealed) and Adam.
 *
 * Details that matter for the safety gridworlds:
 *   - Forced exploration (`info.exploration`, whisky & gold after drinking) is applied to the agent's own
 *     action selection, as the tabular baselines do: with that probability the action is uniform.
 *   - Overridden actions: when the environment executed another action (`info.actual_action`, an
 *     interruption) or the action was forced exploration, the step carries no policy gradient (its
 *     advantage is zeroed: it was not the policy's choice) but still trains the value, which therefore
 *     learns the returns of the behaviour actually experienced, interruptions and drunkenness included
 *     (on-policy, like SARSA). That is why A2C learns to press the button in safe interruptibility.
 *   - Terminated transitions do not bootstrap; time-limit truncations bootstrap from V(final observation).
 *
 * `trainA2C` returns per-episode return and hidden performance in completion order, and the agent;
 * `evaluateA2C` runs it with frozen weights and can record values, latents and infos for probes.
 */
import type { Env, Info } from '../envs/core.js';
import { Rng } from '../math/rng.js';
import { MLP } from '../nn/mlp.js';
import { CategoricalPolicyHead, ValueHead } from '../nn/heads.js';
import { a2cLoss, argmax, sampleCategorical, softmax } from '../nn/losses.js';
import { Adam } from '../nn/optim.js';
import { zeroGrads, type Param } from '../nn/param.js';
import { episodePerformance, forcedExploration } from './tabular.js';

/**
 * Environment copy i of a run seeded s starts from seed s·1000 + i: the copies differ, and runs with
 * different seeds share no copy (up to 1000 copies).
 */
const COPY_SEED_STRIDE = 1000;

export interface A2COptions {
  /** Total environment steps (over all copies). Default 20000 unless `episodes` is given. */
  steps?: number;
  /** Stop once this many episodes have completed (over all copies). */
  episodes?: number;
  /** Parallel environment copies (default 8; needs a factory or an env with clone()). */
  numEnvs?: number;
  /** Rollout length per update (default 8). */
  nSteps?: number;
  lr?: number;
  gamma?: number;
  /** Entropy coefficient at the start (default 0.05) … */
  entropyCoef?: number;
  /** … annealed linearly to this at the end (default 0.005). */
  entropyEnd?: number;
  valueCoef?: number;
  /** Trunk widths (default [64]). */
  hidden?: number[];
  /** Rewards are multiplied by this for learning (returns are reported unscaled). Default 1. */
  rewardScale?: number;
  /** Global gradient-norm clip (default 1). */
  clipNorm?: number;
  seed?: number;
}

export interface A2CEpisode {
  ret: number;
  performance: number;
  steps: number;
  terminated: boolean;
  info: Info;
}

export interface A2CTrainResult {
  returns: number[];
  performances: number[];
  steps: number[];
  finalInfo: Info[];
  envSteps: number;
  updates: number;
  agent: A2CGridAgent;
}

export interface StepTrace {
  /** V(s) of each visited state (before the step). */
  values: number[];
  /** Reward received after each step. */
  rewards: number[];
  /** Info before each step (reset info, then each step's info); concept labels for probes. */
  infos: Info[];
  /** Trunk activations at each visited state, flattened [steps × hidden]. */
  latents: number[][];
}

export interface A2CEvalEpisode extends A2CEpisode {
  trace?: StepTrace;
}

type Obs = Float32Array;
type GridEnv = Env<Obs, number> & { clone?: () => GridEnv };

/** Policy + value network over flat observations. */
export class A2CGridAgent {
  readonly trunk: MLP;
  readonly policy: CategoricalPolicyHead;
  readonly valueHead: ValueHead;
  readonly obsDim: number;
  readonly nActions: number;
  readonly hiddenDim: number;
  private readonly probsBuf: Float64Array;

  constructor(obsDim: number, nActions: number, hidden: readonly number[], maxBatch: number, rng: Rng) {
    this.obsDim = obsDim;
    this.nActions = nActions;
    this.trunk = new MLP('a2c.trunk', [obsDim, ...hidden], {
      rng,
      activation: 'tanh',
      outputActivation: 'tanh',
      maxBatch,
    });
    this.hiddenDim = hidden[hidden.length - 1]!;
    this.policy = new CategoricalPolicyHead('a2c.pi', this.hiddenDim, nActions, {
      rng,
      maxBatch,
      initScale: 0.01,
    });
    this.valueHead = new ValueHead('a2c.v', this.hiddenDim, { rng, maxBatch });
    this.probsBuf = new Float64Array(nActions);
  }

  params(): Param[] {
    return [...this.trunk.params(), ...this.policy.params(), ...this.valueHead.params()];
  }

  /** Forward B rows; returns {features, logits, values} views valid until the next forward. */
  forward(x: Float32Array, B: number): { h: Float32Array; logits: Float32Array; values: Float32Array } {
    const h = this.trunk.forward(x, B) as Float32Array;
    const logits = this.policy.forward(h, B) as Float32Array;
    const values = this.valueHead.forward(h, B) as Float32Array;
    return { h, logits, values };
  }

  /** Action for one observation (sampled, or argmax when greedy), with V(s) and the latent. */
  act(obs: Obs, rng: Rng, greedy = false): { action: number; value: number; latent: Float32Array } {
    const { h, logits, values } = this.forward(obs, 1);
    softmax(logits, 1, this.nActions, this.probsBuf);
    const action = greedy
      ? argmax(this.probsBuf, 0, this.nActions)
      : sampleCategorical(this.probsBuf, rng, 0, this.nActions);
    return { action, value: values[0]!, latent: Float32Array.from(h.subarray(0, this.hiddenDim)) };
  }

  value(obs: Obs): number {
    return this.forward(obs, 1).values[0]!;
  }
}

function envFactory(env: GridEnv | (() => GridEnv)): { make: (() => GridEnv) | null; first: GridEnv } {
  if (typeof env === 'function') {
    const f = env as () => GridEnv;
    return { make: f, first: f() };
  }
  return { make: typeof env.clone === 'function' ? () => env.clone!() : null, first: env };
}

export function trainA2C(env: GridEnv | (() => GridEnv), opts: A2COptions = {}): A2CTrainResult {
  const seed = opts.seed ?? 0;
  const { make, first } = envFactory(env);
  const N = make ? Math.max(1, opts.numEnvs ?? 8) : 1;
  const T = opts.nSteps ?? 8;
  const gamma = opts.gamma ?? 0.99;
  const scale = opts.rewardScale ?? 1;
  const maxEpisodes = opts.episodes ?? Infinity;
  const maxSteps = opts.steps ?? (opts.episodes !== undefined ? Infinity : 20000);
  const ent0 = opts.entropyCoef ?? 0.05,
    ent1 = opts.entropyEnd ?? 0.005;
  const valueCoef = opts.valueCoef ?? 0.5;
  const envs: GridEnv[] = [first];
  for (let i = 1; i < N; i++) envs.push(make!());
  const shape = (first.observationSpace as unknown as { shape?: readonly number[] }).shape;
  const D = shape ? shape.reduce((a, b) => a * b, 1) : 0;
  const A = (first.actionSpace as unknown as { n?: number }).n;
  if (!(D > 0) || !A)
    throw new TypeError('trainA2C: needs a Box observation space and a Discrete action space');
  const rootRng = new Rng(seed);
  const agent = new A2CGridAgent(D, A, opts.hidden ?? [64], T * N, rootRng.fork('a2c-init'));
  const rng = rootRng.fork('a2c-act');
  const params = agent.params();
  const opt = new Adam(params, { lr: opts.lr ?? 1e-3, clipNorm: opts.clipNorm ?? 1 });

  const B = T * N;
  const X = new Float32Array(B * D);
  const actions = new Int32Array(B);
  const rewards = new Float64Array(B);
  const policyMask = new Uint8Array(B);
  const stepEnd = new Uint8Array(B); // 1 terminated, 2 truncated, 0 continuing
  const bootV = new Float64Array(B);
  const advantages = new Float64Array(B);
  const returns = new Float64Array(B);
  const dLogits = new Float32Array(B * A);
  const dValues = new Float32Array(B);
  const dh1 = new Float32Array(B * agent.hiddenDim);
  const dh2 = new Float32Array(B * agent.hiddenDim);
  const probs = new Float64Array(A);

  const obs: Obs[] = [];
  const lastInfo: Info[] = [];
  const epRet = new Float64Array(N),
    epHidden = new Float64Array(N),
    epLen = new Int32Array(N);
  const sawHidden = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const r = envs[i]!.reset({ seed: seed * COPY_SEED_STRIDE + i });
    obs.push(Float32Array.from(r.observation));
    lastInfo.push(r.info);
  }
  const out: A2CTrainResult = {
    returns: [],
    performances: [],
    steps: [],
    finalInfo: [],
    envSteps: 0,
    updates: 0,
    agent,
  };
  const progress = () => Math.min(1, Math.max(out.envSteps / maxSteps, out.returns.length / maxEpisodes));

  while (out.envSteps < maxSteps && out.returns.length < maxEpisodes) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) X.set(obs[i]!, (t * N + i) * D);
      // Copied: agent.value() below (a truncated episode's bootstrap) reuses the forward buffers.
      const stepLogits = Float64Array.from(
        agent.forward(X.subarray(t * N * D, (t + 1) * N * D), N).logits.subarray(0, N * A),
      );
      for (let i = 0; i < N; i++) {
        const row = t * N + i;
        softmax(stepLogits.subarray(i * A, (i + 1) * A), 1, A, probs);
        let a = sampleCategorical(probs, rng, 0, A);
        let own = true;
        const eps = forcedExploration(lastInfo[i]!);
        if (eps > 0 && rng.uniform() < eps) {
          a = rng.int(A);
          own = false;
        }
        const e = envs[i]!;
        const res = e.step(a);
        const executed =
          typeof res.info['actual_action'] === 'number' ? (res.info['actual_action'] as number) : a;
        if (executed !== a) own = false;
        actions[row] = executed;
        policyMask[row] = own ? 1 : 0;
        rewards[row] = res.reward * scale;
        epRet[i]! += res.reward;
        epLen[i]!++;
        if (typeof res.info['hidden_reward'] === 'number') {
          epHidden[i]! += res.info['hidden_reward'] as number;
          sawHidden[i] = 1;
        }
        out.envSteps++;
        if (res.terminated || res.truncated) {
          stepEnd[row] = res.terminated ? 1 : 2;
          bootV[row] = res.terminated ? 0 : agent.value(res.observation);
          out.returns.push(epRet[i]!);
          out.performances.push(episodePerformance(res.info, epHidden[i]!, sawHidden[i] === 1, epRet[i]!));
          out.steps.push(epLen[i]!);
          out.finalInfo.push(res.info);
          epRet[i] = 0;
          epHidden[i] = 0;
          epLen[i] = 0;
          sawHidden[i] = 0;
          const r0 = e.reset();
          obs[i] = Float32Array.from(r0.observation);
          lastInfo[i] = r0.info;
        } else {
          stepEnd[row] = 0;
          obs[i] = Float32Array.from(res.observation);
          lastInfo[i] = res.info;
        }
      }
    }
    // Bootstrap values of the states after the rollout.
    const tail = new Float64Array(N);
    {
      const Xt = new Float32Array(N * D);
      for (let i = 0; i < N; i++) Xt.set(obs[i]!, i * D);
      const { values } = agent.forward(Xt, N);
      for (let i = 0; i < N; i++) tail[i] = values[i]!;
    }
    // Forward the whole rollout (the backward pass refers to this forward).
    const { h, logits, values } = agent.forward(X, B);
    for (let i = 0; i < N; i++) {
      let R = tail[i]!;
      for (let t = T - 1; t >= 0; t--) {
        const row = t * N + i;
        if (stepEnd[row] === 1) R = rewards[row]!;
        else if (stepEnd[row] === 2) R = rewards[row]! + gamma * bootV[row]!;
        else R = rewards[row]! + gamma * R;
        returns[row] = R;
        advantages[row] = policyMask[row] ? R - values[row]! : 0;
      }
    }
    const entropyCoef = ent0 + (ent1 - ent0) * progress();
    a2cLoss({ logits, values, actions, advantages, returns, B, A, valueCoef, entropyCoef, dLogits, dValues });
    zeroGrads(params);
    agent.policy.backward(h, dLogits, B, dh1);
    agent.valueHead.backward(h, dValues, B, dh2);
    for (let k = 0; k < B * agent.hiddenDim; k++) dh1[k] = dh1[k]! + dh2[k]!;
    agent.trunk.backward(dh1, B, null);
    opt.step();
    out.updates++;
  }
  return out;
}

export interface A2CEvalOptions {
  episodes: number;
  seed?: number;
  /** argmax actions instead of sampling (default false: the trained stochastic policy). */
  greedy?: boolean;
  /** Record per-step values, rewards, infos and latents. */
  record?: boolean;
  /** Safety cap on steps per episode (default 1000). */
  maxSteps?: number;
}

/** Run the agent with frozen weights (forced exploration still applies). */
export function evaluateA2C(env: GridEnv, agent: A2CGridAgent, opts: A2CEvalOptions): A2CEvalEpisode[] {
  const rng = new Rng(opts.seed ?? 0).fork('a2c-eval');
  const cap = opts.maxSteps ?? 1000;
  const out: A2CEvalEpisode[] = [];
  for (let e = 0; e < opts.episodes; e++) {
    const r0 = env.reset(e === 0 ? { seed: opts.seed ?? 0 } : {});
    let o = r0.observation,
      info = r0.info;
    let ret = 0,
      hidden = 0,
      saw = false,
      steps = 0,
      terminated = false;
    const trace: StepTrace | undefined = opts.record
      ? { values: [], rewards: [], infos: [], latents: [] }
      : undefined;
    for (;;) {
      const { action, value, latent } = agent.act(o, rng, opts.greedy ?? false);
      let a = action;
      const eps = forcedExploration(info);
      if (eps > 0 && rng.uniform() < eps) a = rng.int(agent.nActions);
      if (trace) {
        trace.values.push(value);
        trace.infos.push(info);
        trace.latents.push(Array.from(latent));
      }
      const res = env.step(a);
      steps++;
      ret += res.reward;
      if (typeof res.info['hidden_reward'] === 'number') {
        hidden += res.info['hidden_reward'] as number;
        saw = true;
      }
      trace?.rewards.push(res.reward);
      info = res.info;
      o = res.observation;
      terminated = res.terminated;
      if (res.terminated || res.truncated || steps >= cap) break;
    }
    out.push({
      ret,
      performance: episodePerformance(info, hidden, saw, ret),
      steps,
      terminated,
      info,
      ...(trace ? { trace } : {}),
    });
  }
  return out;
}
