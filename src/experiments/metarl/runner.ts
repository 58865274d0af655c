/**
 * The shared run/evaluate functions of the meta-RL experiments: train the A2C-LSTM on a task family
 * (checkpointing every `checkpointEvery` updates, so a killed run resumes exactly), then evaluate it
 * with frozen weights on fresh episodes and hand the per-step records to the task's analysis.
 */
import { z } from 'zod';
import {
  A2CTrainer,
  A2C_DEFAULTS,
  evaluateNetwork,
  stepRegret,
  type A2CConfig,
  type EpisodeStep,
  type GradientBackend,
  type TaskSpec,
} from '../../metarl/a2c.js';
import { RecurrentActorCritic } from '../../metarl/network.js';
import { Rng } from '../../math/rng.js';
import { loadParams } from '../../nn/serialize.js';
import { ConfigError } from '../config.js';
import type { EvalContext, Metrics, RunContext } from '../experiment.js';

let lastYield = 0;
/**
 * Give the event loop a turn at most every 50 ms: long synchronous training would otherwise never let
 * signal handlers (Ctrl-C → mark the run interrupted) or progress output run.
 */
export async function breathe(): Promise<void> {
  const now = Date.now();
  if (now - lastYield < 50) return;
  lastYield = now;
  await new Promise<void>((r) => setTimeout(r, 0));
}

/** `--set` keys every meta-RL experiment has (training + evaluation), with the defaults of A2C_DEFAULTS. */
export function trainingSchema(over: Partial<A2CConfig> & { episodes?: number } = {}) {
  const d = { ...A2C_DEFAULTS, ...over };
  return {
    updates: z.number().int().min(1).default(d.updates).describe('training updates (each numEnvs episodes)'),
    numEnvs: z.number().int().min(1).max(1024).default(d.numEnvs).describe('episodes per update'),
    hidden: z.number().int().min(1).max(1024).default(d.hidden).describe('LSTM units'),
    lr: z.number().positive().max(1).default(d.lr),
    lrEndFactor: z.number().min(0).max(1).default(d.lrEndFactor),
    optimizer: z.enum(['adam', 'rmsprop']).default(d.optimizer),
    gamma: z.number().min(0).max(1).default(d.gamma).describe('discount at the start of training'),
    gammaEnd: (over.gammaEnd !== undefined
      ? z.number().min(0).max(1).default(over.gammaEnd)
      : z.number().min(0).max(1).optional()
    ).describe('discount at the end, annealed linearly from gamma (default: gamma, i.e. constant)'),
    gaeLambda: z.number().min(0).max(1).default(d.gaeLambda),
    clipNorm: z.number().positive().default(d.clipNorm),
    valueCoef: z.number().min(0).default(d.valueCoef),
    entropyStart: z.number().min(0).default(d.entropyStart),
    entropyEnd: z.number().min(0).default(d.entropyEnd),
    entropyAnnealFrac: z.number().min(0).max(1).default(d.entropyAnnealFrac),
    trainSignal: z
      .enum(['reward', 'regret'])
      .default(d.trainSignal)
      .describe(
        "what training returns are made of: the observed reward, or minus each step's expected regret (bandits only; same inputs to the network)",
      ),
    episodes: z
      .number()
      .int()
      .min(1)
      .default(over.episodes ?? 2000)
      .describe('frozen-weight evaluation episodes'),
    checkpointEvery: z.number().int().min(1).default(50).describe('updates between checkpoints'),
    logEvery: z.number().int().min(1).default(10).describe('updates between metric rows'),
    greedy: z.boolean().default(false).describe('evaluate with argmax actions instead of sampling'),
    workers: z
      .number()
      .int()
      .min(0)
      .max(256)
      .default(2)
      .describe(
        'gradient shards per update, run on this thread plus worker threads (1 = in-process; 0 = one per core, capped by numEnvs). ' +
          'Sets the floating-point summation order, so the default is a constant rather than the core count: the same command gives the same numbers on any machine; a resume keeps the count it started with',
      ),
  };
}

export type TrainingConfig = z.infer<z.ZodObject<ReturnType<typeof trainingSchema>>>;

export function a2cConfig(c: TrainingConfig): A2CConfig {
  return {
    hidden: c.hidden,
    numEnvs: c.numEnvs,
    gamma: c.gamma,
    gammaEnd: c.gammaEnd ?? c.gamma,
    gaeLambda: c.gaeLambda,
    optimizer: c.optimizer,
    lr: c.lr,
    lrEndFactor: c.lrEndFactor,
    clipNorm: c.clipNorm,
    valueCoef: c.valueCoef,
    entropyStart: c.entropyStart,
    entropyEnd: c.entropyEnd,
    entropyAnnealFrac: c.entropyAnnealFrac,
    updates: c.updates,
    trainSignal: c.trainSignal,
  };
}

/**
 * Shards per update. `workers` = 0 means one per available thread, which differs between machines:
 * a resumed run therefore takes the count recorded in its checkpoint, so it continues with the
 * summation order it started with.
 */
export function resolveShards(
  cfg: { workers: number; numEnvs: number },
  available: number,
  recorded?: unknown,
): number {
  let n = cfg.workers;
  if (n === 0)
    n =
      Number.isInteger(recorded) && (recorded as number) >= 1 ? (recorded as number) : Math.max(1, available);
  return Math.max(1, Math.min(n, cfg.numEnvs));
}

export interface EvalRecord {
  episodes: number;
  /** Steps of every episode, in order. */
  steps: EpisodeStep[][];
}

/** `trainSignal=regret` needs a task whose steps report their expected regret: one probe step says so up front. */
function checkReportsRegret(task: TaskSpec, experiment: string): void {
  const env = task.make();
  env.reset({ seed: 0 });
  if (stepRegret(env.step(0).info) === undefined)
    throw new ConfigError(
      `trainSignal=regret: ${experiment}'s task does not report an expected regret per step (info.regret); use trainSignal=reward`,
    );
}

/**
 * Train, checkpoint, evaluate. `analyze` turns the frozen-weight records into the metrics. Worker
 * threads rebuild the training task as metarlTaskSpec(ctx.experiment, config, 'train'), so `task` must
 * be that task whenever ctx.parallel is given.
 */
export async function trainAndEvaluate<C extends TrainingConfig>(
  ctx: RunContext<C>,
  task: TaskSpec,
  evalTask: TaskSpec,
  analyze: (rec: EvalRecord, ctx: { figure: (n: string, s: string) => void; config: C }) => Metrics,
): Promise<Metrics> {
  const cfg = ctx.config;
  if (cfg.trainSignal === 'regret') checkReportsRegret(task, ctx.experiment);
  const shards = resolveShards(cfg, ctx.parallel?.workers ?? 1, ctx.resume?.meta['shards']);
  const trainer = new A2CTrainer(task, a2cConfig(cfg), ctx.rng.fork('train'), { shards });
  if (ctx.resume) trainer.restore(ctx.resume);
  let pool: GradientBackend | null = null;
  try {
    // This thread computes shards too, so a pool of threads − 1 helpers fills the cores.
    const threads = Math.min(shards, ctx.parallel?.workers ?? 1);
    if (threads > 1 && ctx.parallel && trainer.update < cfg.updates) {
      pool = await ctx.parallel.gradientWorkers({
        experiment: ctx.experiment,
        config: cfg,
        workers: threads - 1,
      });
    }
    let acc = { reward: 0, pl: 0, vl: 0, ent: 0, gn: 0, n: 0 };
    while (trainer.update < cfg.updates) {
      const s = pool ? await trainer.stepParallel(pool) : trainer.step();
      acc.reward += s.episodeReward;
      acc.pl += s.policyLoss;
      acc.vl += s.valueLoss;
      acc.ent += s.entropy;
      acc.gn += s.gradNorm;
      acc.n++;
      if (trainer.update % cfg.logEvery === 0 || trainer.update === cfg.updates) {
        ctx.log(trainer.update, {
          episode_reward: acc.reward / acc.n,
          policy_loss: acc.pl / acc.n,
          value_loss: acc.vl / acc.n,
          entropy: acc.ent / acc.n,
          grad_norm: acc.gn / acc.n,
          entropy_coef: s.entropyCoef,
          lr: s.lr,
        });
        acc = { reward: 0, pl: 0, vl: 0, ent: 0, gn: 0, n: 0 };
      }
      // Checkpoints fall on log boundaries so the accumulator is empty when a resumed run restarts.
      if (
        trainer.update % cfg.checkpointEvery === 0 &&
        trainer.update % cfg.logEvery === 0 &&
        trainer.update < cfg.updates
      ) {
        const snap = trainer.snapshot();
        ctx.checkpoint(trainer.update, {
          meta: { ...snap.meta, experiment: ctx.experiment, config: cfg },
          tensors: snap.tensors,
        });
      }
      ctx.progress(trainer.update, cfg.updates, 'train');
      await breathe();
    }
  } finally {
    // Idle worker threads would keep the process alive (and hold memory) after training ends or fails.
    await pool?.close();
  }
  // The final checkpoint is the trained agent `steered eval --checkpoint` takes.
  const fin = trainer.snapshot();
  ctx.checkpoint(trainer.update, {
    meta: { ...fin.meta, experiment: ctx.experiment, config: cfg, final: true },
    tensors: fin.tensors,
  });
  const rec = evaluate(trainer.net, evalTask, cfg, ctx.rng.fork('eval'), (d, t) =>
    ctx.progress(d, t, 'eval'),
  );
  return analyze(rec, { figure: ctx.figure, config: cfg });
}

export function evaluate(
  net: RecurrentActorCritic,
  task: TaskSpec,
  cfg: TrainingConfig,
  rng: Rng,
  progress?: (d: number, t: number) => void,
): EvalRecord {
  const steps: EpisodeStep[][] = Array.from({ length: cfg.episodes }, () => []);
  evaluateNetwork(net, task, cfg.episodes, rng, (ep, s) => steps[ep]!.push(s), {
    greedy: cfg.greedy,
    batch: Math.min(cfg.numEnvs, 256),
    progress,
  });
  return { episodes: cfg.episodes, steps };
}

/** Frozen-weight evaluation of a checkpoint (the network shape comes from the stored config). */
export async function evaluateCheckpoint<C extends TrainingConfig>(
  ctx: EvalContext<C>,
  task: TaskSpec,
  analyze: (rec: EvalRecord, ctx: { figure: (n: string, s: string) => void; config: C }) => Metrics,
): Promise<Metrics> {
  const cfg = ctx.config;
  const net = new RecurrentActorCritic(
    {
      obsDim: task.obsDim,
      nActions: task.nActions,
      hidden: cfg.hidden,
      maxSteps: task.maxSteps,
      maxBatch: Math.min(cfg.numEnvs, 256),
    },
    new Rng(0),
  );
  loadParams(net.params(), ctx.checkpoint.tensors, 'net.');
  const rec = evaluate(net, task, cfg, ctx.rng.fork('eval'), (d, t) => ctx.progress(d, t, 'eval'));
  return analyze(rec, { figure: ctx.figure, config: cfg });
}
