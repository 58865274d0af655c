/**
 * The live lab's meta-RL view: a shipped (or given) checkpoint plays one episode with frozen weights,
 * and the page is sent everything it shows — per trial the policy, the value, the choice, the reward,
 * the task's hidden parameters, the Beta posterior a Bayesian learner would hold over each arm (for
 * Bernoulli bandits), and the LSTM state projected onto its first two principal components, so the
 * learning *inside* the episode is visible while no weight changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../math/rng.js';
import { softmax, sampleCategorical } from '../nn/losses.js';
import { alloc } from '../nn/param.js';
import { loadParams } from '../nn/serialize.js';
import { RecurrentActorCritic } from '../metarl/network.js';
import { metarlTaskSpec } from '../experiments/metarl/index.js';
import { findExperiment } from '../experiments/index.js';
import { loadCheckpoint } from '../runs/checkpoint.js';
import { packageRoot } from '../node/data.js';

export class MetarlViewError extends Error {
  override name = 'MetarlViewError';
}

export interface MetarlTrial {
  action: number;
  reward: number;
  policy: number[];
  value: number;
  /** The task's arm means this trial (bandits), else null. */
  probs: number[] | null;
  /** Posterior mean of each arm after this trial, Beta(1 + wins, 1 + losses) (Bernoulli bandits). */
  posterior: number[] | null;
  /** The LSTM state on the first two principal components of this episode's states. */
  pc: [number, number];
}

/** One frozen-weight episode of a meta-RL experiment's shipped checkpoint. */
export function metarlEpisode(q: URLSearchParams): {
  experiment: string;
  seed: number;
  trials: MetarlTrial[];
} {
  const id = q.get('experiment') ?? 'metarl/bandit-independent';
  if (!id.startsWith('metarl/')) throw new MetarlViewError(`'${id}' is not a meta-RL experiment`);
  let exp: ReturnType<typeof findExperiment>;
  try {
    exp = findExperiment(id);
  } catch (e) {
    throw new MetarlViewError((e as Error).message);
  }
  const seedText = q.get('seed') ?? '0';
  if (!/^\d{1,9}$/.test(seedText))
    throw new MetarlViewError(`seed must be a non-negative integer, got '${seedText}'`);
  const seed = Number(seedText);
  const file = join(packageRoot(), exp.shippedCheckpoint ?? '');
  if (!exp.shippedCheckpoint || !existsSync(file))
    throw new MetarlViewError(`${id} has no shipped checkpoint`);
  const ck = loadCheckpoint(file);
  const config = (ck.meta.config ?? {}) as Record<string, unknown>;
  const task = metarlTaskSpec(id, config, 'eval');
  const H = Number(config.hidden);
  const net = new RecurrentActorCritic(
    { obsDim: task.obsDim, nActions: task.nActions, hidden: H, maxSteps: task.maxSteps, maxBatch: 1 },
    new Rng(0),
  );
  loadParams(net.params(), ck.tensors, 'net.');
  const rng = new Rng(seed),
    env = task.make(),
    A = task.nActions;
  const x = alloc('f32', task.obsDim),
    h = alloc('f32', H),
    c = alloc('f32', H),
    h2 = alloc('f32', H),
    c2 = alloc('f32', H),
    logits = alloc('f32', A),
    vals = alloc('f32', 1),
    probs = alloc('f32', A);
  const r0 = env.reset({ seed: rng.nextU32() });
  x.set(r0.observation);
  let armProbs = Array.isArray(r0.info.probs) ? (r0.info.probs as number[]) : null;
  const wins = new Array<number>(A).fill(0),
    losses = new Array<number>(A).fill(0);
  const states: number[][] = [];
  const trials: Omit<MetarlTrial, 'pc'>[] = [];
  for (let t = 0; t < task.maxSteps; t++) {
    net.lstm.stepInference(x, 1, h, c, h2, c2);
    h.set(h2);
    c.set(c2);
    net.heads(h, 1, logits, vals);
    softmax(logits, 1, A, probs);
    const a = sampleCategorical(probs, rng, 0, A);
    const r = env.step(a);
    if (Array.isArray(r.info.probs)) armProbs = r.info.probs as number[];
    if (r.reward > 0) wins[a]!++;
    else losses[a]!++;
    states.push(Array.from(h));
    trials.push({
      action: a,
      reward: r.reward,
      policy: Array.from(probs),
      value: vals[0]!,
      probs: armProbs,
      posterior: armProbs ? wins.map((w, i) => (1 + w) / (2 + w + losses[i]!)) : null,
    });
    if (r.terminated || r.truncated) break;
    x.set(r.observation);
  }
  const pcs = principalComponents(states);
  return { experiment: id, seed, trials: trials.map((tr, i) => ({ ...tr, pc: pcs[i]! })) };
}

/** Rows projected on the first two principal components (power iteration with deflation). */
export function principalComponents(rows: number[][]): [number, number][] {
  const n = rows.length,
    d = rows[0]?.length ?? 0;
  if (n === 0) return [];
  const mean = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (mean[j]! += v / n));
  const X = rows.map((r) => r.map((v, j) => v - mean[j]!));
  const comps: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, j) => Math.sin(j + 1 + k)); // fixed start: same axes every time
    for (let it = 0; it < 100; it++) {
      const w = new Array<number>(d).fill(0);
      for (const r of X) {
        const s = r.reduce((acc, x, j) => acc + x * v[j]!, 0);
        r.forEach((x, j) => (w[j]! += s * x));
      }
      for (const u of comps) {
        const s = w.reduce((acc, x, j) => acc + x * u[j]!, 0);
        u.forEach((x, j) => (w[j]! -= s * x));
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    comps.push(v);
  }
  return X.map((r) => comps.map((u) => r.reduce((acc, x, j) => acc + x * u[j]!, 0)) as [number, number]);
}
