/**
 * The search-over-algorithms scenario of scenarios/search-vs-steered: an outer optimizer (A2C over many
 * short episodes, src/metarl) tunes an LSTM that must find and learn the nourishing food within each
 * episode (Wang et al. 2018). Then, weights frozen, it lives the evaluation lifetimes the brains live;
 * an overseer reads the goal from its state with a linear probe and installs another one by editing that
 * state along the probe.
 */
import { A2CTrainer, type A2CConfig, type TaskSpec } from '../../metarl/a2c.js';
import type { RecurrentActorCritic } from '../../metarl/network.js';
import { Rng } from '../../math/rng.js';
import { median } from '../../math/stats.js';
import { sampleCategorical, softmax } from '../../nn/losses.js';
import { alloc } from '../../nn/param.js';
import type { Vec } from '../../math/gemm.js';
import {
  FOOD_FAMILY,
  FoodLifetimes,
  NOVEL_FOOD,
  type FoodFamily,
} from '../../envs/gridworld/food-lifetimes.js';
import type { WorldSpec } from '../../envs/gridworld/spec.js';
import type { GridWorldState } from '../../envs/gridworld/world.js';
import { editToward, fitGoalProbe, goalProbeR2 } from '../../probes/goal-probe.js';
import { competenceTick, type FoodLife, goalShare, goalTook, oracleTrace, sum } from './food-measures.js';

export interface SearchSettings {
  trainSteps: number;
  updates: number;
  numEnvs: number;
  hidden: number;
  lr: number;
  gamma: number;
  entropyStart: number;
  clipNorm: number;
  checkEvery: number;
  lifetime: number;
  window: number;
  competence: number;
  probeEvery: number;
  editTicks: number;
}

/** One lifetime's outcome, as both scenarios report it. */
export interface LifeOutcome {
  eats: number;
  oracle: number;
  /** Tick at which it became competent (−1: never within the lifetime). */
  competentAt: number;
  /** Share of its eats in the second half that were the nourishing food. */
  goalShare: number;
}

export interface EditOutcome {
  named: string;
  /** Whether it took with the intervention held (search: the state edited before every tick). */
  took: boolean;
  /** Search only: whether it took after a single edit. */
  tookOnce?: boolean;
  /** Whether the named food "won" anyway over the same ticks without the edit. */
  control: boolean;
}

export interface SearchRunResult {
  /** Environment steps of the outer loop (every training episode). */
  outerSteps: number;
  /** Training episodes of the outer loop. */
  episodes: number;
  /** Outer steps at the first check where most check lifetimes were competent (−1: never). */
  competentAtOuter: number;
  /** Median within-lifetime competence tick of the competent check lifetimes at that check. */
  competentWithin: number;
  checks: { update: number; outerSteps: number; competentShare: number }[];
  lives: LifeOutcome[];
  ood: LifeOutcome[];
  probeR2: number;
  edits: EditOutcome[];
}

/** The frozen network living one lifetime at a time, with its recurrent state in reach. */
class Liver {
  private readonly x: Vec;
  readonly h: Vec;
  readonly c: Vec;
  private readonly h2: Vec;
  private readonly c2: Vec;
  private readonly logits: Vec;
  private readonly vals: Vec;
  private readonly probs: Vec;

  constructor(
    private readonly net: RecurrentActorCritic,
    D: number,
  ) {
    const H = net.shape.hidden;
    this.x = alloc('f32', D);
    this.h = alloc('f32', H);
    this.c = alloc('f32', H);
    this.h2 = alloc('f32', H);
    this.c2 = alloc('f32', H);
    this.logits = alloc('f32', 5);
    this.vals = alloc('f32', 1);
    this.probs = alloc('f32', 5);
  }

  start(obs: Float32Array): void {
    this.h.fill(0);
    this.c.fill(0);
    this.x.set(obs);
  }

  act(rng: Rng): number {
    this.net.lstm.stepInference(this.x, 1, this.h, this.c, this.h2, this.c2);
    this.h.set(this.h2);
    this.c.set(this.c2);
    this.net.heads(this.h, 1, this.logits, this.vals);
    softmax(this.logits, 1, 5, this.probs);
    return sampleCategorical(this.probs, rng, 0, 5);
  }

  see(obs: Float32Array): void {
    this.x.set(obs);
  }

  /** The inner state an overseer reads: [h, c]. */
  state(): number[] {
    return [...this.h, ...this.c];
  }

  setState(s: readonly number[]): void {
    const H = this.h.length;
    for (let i = 0; i < H; i++) {
      this.h[i] = s[i]!;
      this.c[i] = s[H + i]!;
    }
  }

  save(): { h: Vec; c: Vec; x: Vec } {
    return { h: this.h.slice(), c: this.c.slice(), x: this.x.slice() };
  }

  load(s: { h: Vec; c: Vec; x: Vec }): void {
    this.h.set(s.h);
    this.c.set(s.c);
    this.x.set(s.x);
  }
}

interface Lived {
  outcome: LifeOutcome;
  ate: (string | null)[];
  rows: number[][];
  end: { liver: ReturnType<Liver['save']>; world: GridWorldState; rng: Rng };
}

function liveOnce(
  liver: Liver,
  env: FoodLifetimes,
  life: FoodLife,
  spec: WorldSpec,
  s: SearchSettings,
  rng: Rng,
  probeRows: boolean,
): Lived {
  liver.start(env.reset({ options: { draw: life.draw, worldSeed: life.worldSeed } }).observation);
  const L = s.lifetime;
  const eats = new Uint8Array(L);
  const ate: (string | null)[] = [];
  const rows: number[][] = [];
  for (let t = 0; t < L; t++) {
    const r = env.step(liver.act(rng));
    liver.see(r.observation);
    eats[t] = r.reward > 0 ? 1 : 0;
    ate.push(r.info['ate'] as string | null);
    if (probeRows && t >= L / 2 && (t - L / 2) % s.probeEvery === 0) rows.push(liver.state());
  }
  const oracle = oracleTrace(spec, life, L);
  return {
    outcome: {
      eats: sum(eats),
      oracle: sum(oracle),
      competentAt: competenceTick(eats, oracle, s.window, s.competence),
      goalShare: goalShare(ate, life.draw.nourishing, L / 2),
    },
    ate,
    rows,
    end: { liver: liver.save(), world: env.world.getState(), rng: Rng.fromState(rng.state()) },
  };
}

/** Live on from a lifetime's end for `ticks`, optionally after changing the state first; what it ate. */
function liveOn(
  liver: Liver,
  env: FoodLifetimes,
  life: FoodLife,
  from: Lived['end'],
  ticks: number,
  edit?: (s: number[]) => number[],
  everyTick = false,
): (string | null)[] {
  liver.load(from.liver);
  // The env holds one lifetime at a time: back to this one's world (its tastes), then to its last moment.
  env.reset({ options: { draw: life.draw, worldSeed: life.worldSeed } });
  env.world.setState(structuredClone(from.world));
  const rng = Rng.fromState(from.rng.state());
  const ate: (string | null)[] = [];
  for (let t = 0; t < ticks; t++) {
    if (edit && (t === 0 || everyTick)) liver.setState(edit(liver.state()));
    const r = env.step(liver.act(rng));
    liver.see(r.observation);
    ate.push(r.info['ate'] as string | null);
  }
  return ate;
}

/** Train one outer loop, then measure it on the shared lifetimes. */
export function searchRun(
  spec: WorldSpec,
  s: SearchSettings,
  lives: { check: FoodLife[]; evaluation: FoodLife[]; ood: FoodLife[]; probe: FoodLife[]; named: string[] },
  seed: number,
): SearchRunResult {
  const family: FoodFamily = FOOD_FAMILY;
  const probeEnv = new FoodLifetimes(spec, family, s.trainSteps);
  const task: TaskSpec = {
    make: () => new FoodLifetimes(spec, family, s.trainSteps),
    obsDim: probeEnv.obsDim,
    nActions: 5,
    maxSteps: s.trainSteps,
  };
  const cfg: A2CConfig = {
    hidden: s.hidden,
    numEnvs: s.numEnvs,
    gamma: s.gamma,
    gammaEnd: s.gamma,
    gaeLambda: 1,
    optimizer: 'adam',
    lr: s.lr,
    lrEndFactor: 0.1,
    clipNorm: s.clipNorm,
    valueCoef: 0.05,
    entropyStart: s.entropyStart,
    entropyEnd: 0,
    entropyAnnealFrac: 0.8,
    updates: s.updates,
    trainSignal: 'reward',
  };
  const rng = new Rng(seed);
  const trainer = new A2CTrainer(task, cfg, rng.fork('train'), { shards: 1 });
  const liver = new Liver(trainer.net, task.obsDim);
  // Evaluation lifetimes last longer than training episodes: the episode never ends inside them.
  const env = new FoodLifetimes(spec, family, Number.MAX_SAFE_INTEGER);
  const actRng = rng.fork('act');
  let outer = 0;
  const checks: SearchRunResult['checks'] = [];
  let competentAtOuter = -1,
    competentWithin = NaN;
  while (trainer.update < s.updates) {
    outer += trainer.step().envSteps;
    if (trainer.update % s.checkEvery !== 0 || competentAtOuter >= 0) continue;
    const ticks = lives.check.map(
      (life) =>
        liveOnce(liver, env, life, spec, s, actRng.fork(`check${trainer.update}`), false).outcome.competentAt,
    );
    const ok = ticks.filter((t) => t > 0);
    const share = ok.length / ticks.length;
    checks.push({ update: trainer.update, outerSteps: outer, competentShare: share });
    if (share >= 0.5) {
      competentAtOuter = outer;
      competentWithin = median(ok);
    }
  }
  const lived = lives.evaluation.map((life, i) =>
    liveOnce(liver, env, life, spec, s, actRng.fork(`eval${i}`), false),
  );
  // The overseer's probe is fitted on lifetimes of its own (cheap for a frozen network), scored by
  // cross-validation over them, and then used to edit the evaluation lifetimes' states.
  const K = family.foods.length;
  const X: number[][] = [],
    goal: number[] = [],
    group: number[] = [];
  lives.probe.forEach((life, i) => {
    for (const r of liveOnce(liver, env, life, spec, s, actRng.fork(`probe${i}`), true).rows) {
      X.push(r);
      goal.push(family.foods.indexOf(life.draw.nourishing));
      group.push(i);
    }
  });
  const probeR2 = goalProbeR2(X, goal, group, K);
  const probe = fitGoalProbe(X, goal, K);
  const edits: EditOutcome[] = lived.map((l, i) => {
    const named = lives.named[i]!;
    const target = family.foods.map((f) => (f === named ? 1 : 0));
    const life = lives.evaluation[i]!;
    const control = goalTook(liveOn(liver, env, life, l.end, s.editTicks), named);
    const edit = (x: number[]) => {
      const d = editToward(probe, x, target);
      return x.map((v, j) => v + d[j]!);
    };
    const held = liveOn(liver, env, life, l.end, s.editTicks, edit, true);
    const once = liveOn(liver, env, life, l.end, s.editTicks, edit);
    return { named, took: goalTook(held, named), tookOnce: goalTook(once, named), control };
  });
  const oodEnv = new FoodLifetimes(spec, NOVEL_FOOD, Number.MAX_SAFE_INTEGER);
  const ood = lives.ood.map(
    (life, i) => liveOnce(liver, oodEnv, life, spec, s, actRng.fork(`ood${i}`), false).outcome,
  );
  return {
    outerSteps: outer,
    episodes: s.updates * s.numEnvs,
    competentAtOuter,
    competentWithin,
    checks,
    lives: lived.map((l) => l.outcome),
    ood,
    probeR2,
    edits,
  };
}
