/**
 * Tabular Q-learning and SARSA baselines for the safety gridworlds (and any env with a hashable state).
 *
 * - State key: the env's `stateKey()` (found on the env or its unwrapped core; the safety gridworlds key
 *   their rendered board, i.e. exactly what the agent observes), else the observation serialised.
 * - Behaviour: epsilon-greedy (ties broken uniformly). When the environment reports a forced exploration
 *   rate in `info.exploration` (whisky & gold after drinking) the agent explores with
 *   max(epsilon, that rate): in the original, the whisky acts on the agent's own action selection.
 * - Learning from the executed action: when `info.actual_action` differs from the chosen action (an
 *   interruption overrides it), the update is made for the executed action, as in Orseau & Armstrong's
 *   treatment of interruptions as the environment taking over the policy.
 * - Q-learning target r + γ max_a' Q(s', a'); SARSA target r + γ Q(s', a'_executed), where a' is the
 *   next executed action (so SARSA's values include the interruptions and the drunk exploration it will
 *   experience). Terminated transitions do not bootstrap; truncated ones (time limit) do.
 *
 * `train` returns per-episode return and hidden performance (`info.performance` at the episode's end, or
 * the sum of `info.hidden_reward`, or the return when the env has no hidden reward).
 */
import type { Env, Info } from '../envs/core.js';
import { Rng } from '../math/rng.js';

export type TabularAlgorithm = 'q' | 'sarsa';

export interface TabularOptions {
  algorithm?: TabularAlgorithm;
  episodes: number;
  alpha?: number;
  gamma?: number;
  epsilon?: number;
  seed?: number;
  /** Safety cap on steps per episode when the env never ends an episode itself (default 1000). */
  maxSteps?: number;
  /** Initial Q value (default 0). */
  qInit?: number;
}

export interface EpisodeRecord {
  ret: number;
  performance: number;
  steps: number;
  terminated: boolean;
  /** The info of the episode's last step (env-specific flags: drank_whisky, button_pressed, …). */
  info: Info;
}

export interface TrainResult {
  algorithm: TabularAlgorithm;
  returns: number[];
  performances: number[];
  steps: number[];
  /** Per-episode final info (flags). */
  finalInfo: Info[];
  agent: TabularAgent;
}

type KeyedEnv = Env<unknown, number> & { stateKey?: () => string; unwrapped?: { stateKey?: () => string } };

function stateKeyFn(env: KeyedEnv): (obs: unknown) => string {
  if (typeof env.stateKey === 'function') return () => env.stateKey!();
  const core = env.unwrapped;
  if (core && typeof core.stateKey === 'function') return () => core.stateKey!();
  return (obs) =>
    ArrayBuffer.isView(obs) ? Array.from(obs as unknown as ArrayLike<number>).join(',') : JSON.stringify(obs);
}

export class TabularAgent {
  readonly q = new Map<string, Float64Array>();
  constructor(
    readonly nActions: number,
    readonly qInit = 0,
  ) {}

  values(key: string): Float64Array {
    let v = this.q.get(key);
    if (!v) {
      v = new Float64Array(this.nActions).fill(this.qInit);
      this.q.set(key, v);
    }
    return v;
  }

  greedy(key: string, rng: Rng): number {
    const v = this.values(key);
    let best = -Infinity,
      n = 0,
      pick = 0;
    for (let a = 0; a < v.length; a++) {
      if (v[a]! > best + 1e-12) {
        best = v[a]!;
        n = 1;
        pick = a;
      } else if (Math.abs(v[a]! - best) <= 1e-12) {
        n++;
        if (rng.int(n) === 0) pick = a;
      }
    }
    return pick;
  }

  act(key: string, epsilon: number, rng: Rng): number {
    if (epsilon > 0 && rng.uniform() < epsilon) return rng.int(this.nActions);
    return this.greedy(key, rng);
  }

  max(key: string): number {
    const v = this.values(key);
    let m = -Infinity;
    for (const x of v) if (x > m) m = x;
    return m;
  }
}

/** The environment's forced exploration (whisky & gold's `info.exploration`), else 0. Shared with a2c-grid. */
export function forcedExploration(info: Info): number {
  const e = info['exploration'];
  return typeof e === 'number' && Number.isFinite(e) ? e : 0;
}

/** An episode's hidden performance: `info.performance` if the env gives it, else the summed hidden reward, else the return. */
export function episodePerformance(info: Info, hiddenSum: number, sawHidden: boolean, ret: number): number {
  const p = info['performance'];
  if (typeof p === 'number') return p;
  return sawHidden ? hiddenSum : ret;
}

interface RunOpts {
  learn: boolean;
  algorithm: TabularAlgorithm;
  alpha: number;
  gamma: number;
  epsilon: number;
  maxSteps: number;
}

/** One episode; learns in place when opts.learn. */
function runEpisode(
  env: KeyedEnv,
  agent: TabularAgent,
  key: (obs: unknown) => string,
  rng: Rng,
  o: RunOpts,
  seed?: number,
): EpisodeRecord {
  const r0 = env.reset(seed !== undefined ? { seed } : {});
  let s = key(r0.observation);
  let eps = Math.max(o.epsilon, forcedExploration(r0.info));
  let a = agent.act(s, eps, rng);
  let ret = 0,
    hiddenSum = 0,
    sawHidden = false,
    steps = 0;
  // SARSA's pending transition, completed once the next executed action is known.
  let pending: { s: string; a: number; r: number } | null = null;
  let info: Info = r0.info;
  let terminated = false;
  for (;;) {
    const res = env.step(a);
    steps++;
    info = res.info;
    ret += res.reward;
    if (typeof info['hidden_reward'] === 'number') {
      hiddenSum += info['hidden_reward'] as number;
      sawHidden = true;
    }
    const executed = typeof info['actual_action'] === 'number' ? (info['actual_action'] as number) : a;
    const s2 = key(res.observation);
    const end = res.terminated || res.truncated || steps >= o.maxSteps;
    eps = Math.max(o.epsilon, forcedExploration(info));
    const a2 = end ? -1 : agent.act(s2, eps, rng);
    if (o.learn) {
      if (o.algorithm === 'q') {
        const target = res.reward + (res.terminated ? 0 : o.gamma * agent.max(s2));
        const v = agent.values(s);
        v[executed]! += o.alpha * (target - v[executed]!);
      } else {
        // Complete the previous transition with the action executed now.
        if (pending) {
          const v = agent.values(pending.s);
          v[pending.a]! += o.alpha * (pending.r + o.gamma * agent.values(s)[executed]! - v[pending.a]!);
        }
        pending = { s, a: executed, r: res.reward };
        if (end) {
          const boot = res.terminated ? 0 : o.gamma * agent.values(s2)[agent.greedy(s2, rng)]!;
          const v = agent.values(s);
          v[executed]! += o.alpha * (res.reward + boot - v[executed]!);
          pending = null;
        }
      }
    }
    terminated = res.terminated;
    if (end) break;
    s = s2;
    a = a2;
  }
  return { ret, performance: episodePerformance(info, hiddenSum, sawHidden, ret), steps, terminated, info };
}

/** Train a tabular agent; the env is reset with `seed` once, then continues its own stream. */
export function train(env: Env<unknown, number>, opts: TabularOptions): TrainResult {
  const algorithm = opts.algorithm ?? 'q';
  const nA = (env.actionSpace as unknown as { n?: number }).n;
  if (!nA) throw new TypeError('tabular.train: the action space must be Discrete');
  const agent = new TabularAgent(nA, opts.qInit ?? 0);
  const rng = new Rng(opts.seed ?? 0).fork('tabular-agent');
  const key = stateKeyFn(env as KeyedEnv);
  const o: RunOpts = {
    learn: true,
    algorithm,
    alpha: opts.alpha ?? 0.1,
    gamma: opts.gamma ?? 0.99,
    epsilon: opts.epsilon ?? 0.1,
    maxSteps: opts.maxSteps ?? 1000,
  };
  const out: TrainResult = { algorithm, returns: [], performances: [], steps: [], finalInfo: [], agent };
  for (let e = 0; e < opts.episodes; e++) {
    const rec = runEpisode(env as KeyedEnv, agent, key, rng, o, e === 0 ? (opts.seed ?? 0) : undefined);
    out.returns.push(rec.ret);
    out.performances.push(rec.performance);
    out.steps.push(rec.steps);
    out.finalInfo.push(rec.info);
  }
  return out;
}

export interface EvaluateOptions {
  episodes: number;
  seed?: number;
  /** Behaviour epsilon during evaluation (default 0: greedy, plus any forced exploration). */
  epsilon?: number;
  maxSteps?: number;
}

/** Run a trained agent without learning; returns the episode records. */
export function evaluate(
  env: Env<unknown, number>,
  agent: TabularAgent,
  opts: EvaluateOptions,
): EpisodeRecord[] {
  const rng = new Rng(opts.seed ?? 0).fork('tabular-eval');
  const key = stateKeyFn(env as KeyedEnv);
  const o: RunOpts = {
    learn: false,
    algorithm: 'q',
    alpha: 0,
    gamma: 0,
    epsilon: opts.epsilon ?? 0,
    maxSteps: opts.maxSteps ?? 1000,
  };
  const recs: EpisodeRecord[] = [];
  for (let e = 0; e < opts.episodes; e++)
    recs.push(runEpisode(env as KeyedEnv, agent, key, rng, o, e === 0 ? (opts.seed ?? 0) : undefined));
  return recs;
}
