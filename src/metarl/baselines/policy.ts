/**
 * The uniform interface every classical baseline implements, and the evaluation loop that runs one on a
 * task family.
 *
 * Lifecycle per episode:
 *   reset({nActions, trials})                 — forget everything; a new task was drawn
 *   act(rng, observation, info) → action      — `info` is the one returned by the last reset/step
 *   update(action, reward, info)              — `info` is the one returned by that step
 *
 * Bandit policies read only (action, reward); the two-step learners also read the stage and the
 * second-stage state from `info` (see envs/metarl/two-step.ts). Policies draw all randomness from the
 * Rng they are handed, so an evaluation is reproducible from its seed.
 */
import type { Env, Info } from '../../envs/core.js';
import { Rng } from '../../math/rng.js';

export interface EpisodeSpec {
  /** Size of the Discrete action space. */
  nActions: number;
  /** Trials per episode (bandit pulls, two-step trials, Harlow trials). */
  trials: number;
}

export interface BaselinePolicy {
  readonly name: string;
  reset(spec: EpisodeSpec): void;
  act(rng: Rng, observation: Float32Array, info: Info): number;
  update(action: number, reward: number, info: Info): void;
}

/** One env step as seen by an evaluation observer. */
export interface StepRecord {
  episode: number;
  action: number;
  reward: number;
  /** Info returned by this step. */
  info: Info;
  /** Info that was visible when the action was chosen (from the previous reset/step). */
  priorInfo: Info;
}

export interface EvaluateOptions {
  episodes: number;
  seed: number;
  /** Called after every env step (e.g. to collect two-step stay statistics). */
  observer?: (rec: StepRecord) => void;
  /** Safety cap on env steps per episode (default 100 000). */
  maxStepsPerEpisode?: number;
}

export interface EvaluationResult {
  policy: string;
  episodes: number;
  /** Mean total reward per episode. */
  reward_mean: number;
  reward_sem: number;
  /** Mean total expected regret per episode (sum of info.regret), NaN if the task reports none. */
  regret_mean: number;
  regret_sem: number;
  /** Per-trial means over episodes (index = info.trial). */
  curves: {
    reward: number[];
    /** Expected regret increment per trial. */
    regret: number[];
    /** Cumulative expected regret up to and including each trial. */
    cumulativeRegret: number[];
    /** Fraction of episodes whose choice on that trial was optimal (info.optimal or info.correct). */
    optimal: number[];
  };
}

/**
 * What the loop drives: a Discrete action space and a trial count, read from `trials` or, for envs
 * wrapped by make(), from `metadata.trials` (wrappers forward metadata).
 */
export type MetaRLEnv = Env<Float32Array, number>;

function trialsOf(env: MetaRLEnv): number {
  const t = (env as { trials?: unknown }).trials ?? env.metadata?.['trials'];
  if (!Number.isInteger(t) || (t as number) < 1)
    throw new TypeError('evaluateBaseline: the env exposes no trial count (env.trials or metadata.trials)');
  return t as number;
}

function nActionsOf(env: MetaRLEnv): number {
  const n = (env.actionSpace as { n?: unknown }).n;
  if (env.actionSpace.kind !== 'Discrete' || !Number.isInteger(n))
    throw new TypeError(`evaluateBaseline: needs a Discrete action space, got ${env.actionSpace.toString()}`);
  return n as number;
}

function meanSem(xs: Float64Array): [number, number] {
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  const sem = n > 1 ? Math.sqrt(v / (n - 1) / n) : Number.NaN;
  return [m, sem];
}

/**
 * Runs `episodes` episodes of a fresh policy on one env instance. The env is reset with `seed` once and
 * then without a seed (Gymnasium semantics: its stream continues, so every episode draws new task
 * parameters); the policy's stream is a fork of the same seed, independent of the env's.
 */
export function evaluateBaseline(
  taskFactory: () => MetaRLEnv,
  policyFactory: () => BaselinePolicy,
  opts: EvaluateOptions,
): EvaluationResult {
  const { episodes, seed } = opts;
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`evaluateBaseline: episodes must be a positive integer, got ${episodes}`);
  const maxSteps = opts.maxStepsPerEpisode ?? 100000;
  const env = taskFactory();
  const policy = policyFactory();
  const rng = new Rng(seed).fork('policy');
  const T = trialsOf(env);
  const nActions = nActionsOf(env);
  const rewardCurve = new Float64Array(T),
    regretCurve = new Float64Array(T),
    optCurve = new Float64Array(T);
  const optCount = new Float64Array(T);
  const totals = new Float64Array(episodes),
    regrets = new Float64Array(episodes);
  let haveRegret = false;
  for (let ep = 0; ep < episodes; ep++) {
    let { observation, info } = env.reset(ep === 0 ? { seed } : {});
    policy.reset({ nActions, trials: T });
    let total = 0,
      regret = 0;
    for (let k = 0; k < maxSteps; k++) {
      const action = policy.act(rng, observation, info);
      const res = env.step(action);
      policy.update(action, res.reward, res.info);
      total += res.reward;
      const trial = typeof res.info['trial'] === 'number' ? (res.info['trial'] as number) : -1;
      const r = res.info['regret'];
      if (typeof r === 'number') {
        haveRegret = true;
        regret += r;
        if (trial >= 0 && trial < T) regretCurve[trial]! += r;
      }
      if (trial >= 0 && trial < T) {
        rewardCurve[trial]! += res.reward;
        const o = typeof res.info['optimal'] === 'boolean' ? res.info['optimal'] : res.info['correct'];
        if (typeof o === 'boolean') {
          optCurve[trial]! += o ? 1 : 0;
          optCount[trial]! += 1;
        }
      }
      opts.observer?.({ episode: ep, action, reward: res.reward, info: res.info, priorInfo: info });
      observation = res.observation;
      info = res.info;
      if (res.terminated || res.truncated) break;
    }
    totals[ep] = total;
    regrets[ep] = regret;
  }
  const [rm, rs] = meanSem(totals);
  const [gm, gs] = haveRegret ? meanSem(regrets) : [Number.NaN, Number.NaN];
  const cum: number[] = [];
  let c = 0;
  for (let t = 0; t < T; t++) cum.push((c += regretCurve[t]! / episodes));
  return {
    policy: policy.name,
    episodes,
    reward_mean: rm,
    reward_sem: rs,
    regret_mean: gm,
    regret_sem: gs,
    curves: {
      reward: Array.from(rewardCurve, (x) => x / episodes),
      regret: Array.from(regretCurve, (x) => x / episodes),
      cumulativeRegret: cum,
      optimal: Array.from(optCurve, (x, i) => (optCount[i]! > 0 ? x / optCount[i]! : Number.NaN)),
    },
  };
}
