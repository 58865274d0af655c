/**
 * Every hyperparameter of the Learning Subsystem, with its default, in one place (CleanRL style).
 * Experiments override blocks of it; nothing else in src/brain/learning hides a constant that matters.
 */
import type { Mode } from './modes.js';

/** How the planner imagines its own future after a first touch (LearnerConfig.planner.futureSelf). */
export type FutureSelf = 'ignorant' | 'realistic' | 'hedonist';
export const FUTURE_SELVES: readonly FutureSelf[] = ['ignorant', 'realistic', 'hedonist'];

export interface LearnerConfig {
  /**
   * World model: GRU latent size, decoder hidden size, learning rate, how it trains online, and its
   * position head (world-model.ts). `salientShare`: the fraction of its training windows drawn around
   * the moments episodic memory stored (the surprising ones) instead of uniformly from replay — as the
   * hippocampus replays salient events to the cortex; a rare event (a lever that seizes the reward
   * wire, met a handful of times in thousands of ticks) is otherwise almost never in a window. 0 by
   * default (brain/wirehead measures it).
   */
  worldModel: {
    latent: number;
    hidden: number;
    lr: number;
    every: number;
    batch: number;
    window: number;
    positionHead: 'cell' | 'move';
    salientShare: number;
  };
  /** Thought assessors: one MLP with a head per assessor (value + short-term predictors). */
  /**
   * seesBody: whether the assessors read the body part of the senses. Off by default: a prediction
   * that can read the cortisol it caused feeds on itself (on seed 0 of brain/spider-fear, cortisol next
   * to a neutral object after conditioning was 0.28 with it on, 0.07 with it off).
   * readsLatent: whether they read the world model's latent as well as the senses. Off by default: the
   * latent comes to encode which room one is in and how things moved, and assessors that read it
   * stop generalising from a moving spider to a still one by its looks (still-spider prediction fell
   * from ~0.2 to ~0.09 on seed 0 once the world model predicted well). Senses (real or imagined)
   * carry what the assessors need; the latent still drives the world model, the actor and the planner.
   * readsPosition: whether they read the position code (where one is, as a one-hot). Off by default:
   * where a moving spider happened to chase one is not what makes a spider frightening, and with it on
   * the cortisol prediction around a still spider was a noisy, non-monotone map of cells.
   */
  assessors: {
    hidden: number;
    lr: number;
    batch: number;
    seesBody: boolean;
    readsLatent: boolean;
    readsPosition: boolean;
  };
  /** Thought generator (actor): policy gradient on the dopamine signal. */
  actor: { hidden: number; lr: number; entropy: number };
  /** Habit prior: a linear "what did I do here" readout trained on executed actions. */
  habit: { lr: number; weight: number };
  /**
   * Planner: random shooting MPC in the world model, scored by the assessors; `persist` = P(keep
   * direction) per imagined step. `valueAt`: where a plan's learned value counts — 'end' (the value of
   * the imagined final moment, the classical MPC bootstrap) or 'peak' (the value is added to each imagined moment's
   * appeal and the plan keeps its best moment, like every other appetitive signal; a negative value is
   * ignored — a plan that reaches a valuable state and wanders off in imagination is still worth that
   * state, since the agent could stop there).
   * `holdContext`: imagined steps keep the present room context instead of the world model's
   * prediction of it. No action changes the room (only an experimenter's teleport does), yet the
   * decoder's small errors there compound: in brain/crosstalk's grove, imagination drifted into the
   * orchard within three steps and imagined cake.
   * `indifference`: when the best and worst candidates' scores differ by no more than this, the planner
   * abstains and the actor's proposal is taken.
   * `familiarity` K (0: off): each imagined moment's appeal (the positive part of every assessor's
   * weighted prediction, the value included) is scaled by c/(c+K), c = the ticks the brain has lived in
   * the imagined cell (counted while it records experience). Assessors are trusted where they were
   * trained, so the planner does not exploit their errors where it has hardly been: in the safety
   * gridworlds planning steered brains off their habitual paths into cells whose "something good is
   * coming" was wrong (sokoban: 0.98 on a cell lived in 36 times of 10000; CHANGELOG).
   * `iterations` (1: random shooting): rounds of the cross-entropy method — after each round the best
   * `elites` candidates are kept and the rest resampled from their per-step action frequencies (mixed
   * with the previous round's by `smoothing`); compute grows linearly, search quality with it
   * (test/planner-search.test.ts: a hidden best sequence among 5^6).
   * `commitment` c in [0, 1) (0: off): the plan kept from the last tick (the warm start) stays unless the
   * new best beats it by more than c × the spread of this tick's scores. Replanning every tick from a
   * model whose imagined places look a little better than the real one it stands in makes a planner
   * dither (brain/drug-room, seed 0: up, down, up … for a whole trial, sure of itself each time); a small
   * hysteresis lets it carry a plan out, as receding-horizon controllers keep their previous solution.
   * `habitAfter` N (0: off): arbitration between the planner and the habit. Where the brain has lived
   * at least N ticks in its present cell, the planner is not consulted and the actor (with its habit
   * prior) acts. The cached system's uncertainty about a state falls as 1/(1+n) with the n times it was
   * lived (the posterior variance of a mean, as in Daw, Niv & Dayan 2005's Bayesian cached values),
   * while the planner's stays that of its model; once the cached estimate is the surer, deliberating
   * costs time for nothing (Keramati, Dezfouli & Piray 2011). N is where the two cross.
   * `futureSelf`: how imagination treats the brain's own future after a first touch of something it
   * never touched (the goal-preservation question; Everitt et al. 2016's three agent types):
   * 'ignorant' — the imagined self goes on with the plan, as if nothing could change it (the default,
   * and the planner before the self-model existed); 'realistic' — from the first touch on, the imagined
   * self moves as the self-model saw agents move after that touch, and the imagined moments are scored
   * by the present assessors and valences; 'hedonist' — the same imagined moves, with the pleasure the
   * self-model saw such agents show added to the score at each imagined moment (it values the reward
   * signal it will get, whatever it will then want).
   */
  planner: {
    candidates: number;
    horizon: number;
    gamma: number;
    persist: number;
    valueAt: 'end' | 'peak';
    holdContext: boolean;
    indifference: number;
    familiarity: number;
    iterations: number;
    elites: number;
    smoothing: number;
    commitment: number;
    habitAfter: number;
    futureSelf: FutureSelf;
  };
  /**
   * Self-model (self-model.ts): `contact` — the perceived level of a feature that counts as touching
   * it (a single object at distance 0 reads 1; one step away 1 − 1/(view+1)); `evidence` — how many
   * moves of agents in a state must have been seen in a cell before the imagined future self follows them.
   */
  selfModel: { contact: number; evidence: number };
  /** Episodic memory: capacity (episodes), surprise needed to store, window stored, replays per tick, recall threshold. */
  memory: { capacity: number; salience: number; window: number; replayPerTick: number; recall: number };
  /** Transition replay for the assessors and the world model. */
  replay: { size: number };
  /**
   * Extra senses. reward: the learner feels the reward it received on the last tick (as AIXI-style
   * agents observe their reward) — one more entry at the end of x, which the assessors read. Off by
   * default; the wireheading lab turns it on so a seized channel is something the learner can notice.
   */
  senses: { reward: boolean };
  /** Output gain of each mode; motor commands below the Steering Subsystem's threshold are not executed. */
  gains: Record<Mode, number>;
}

export const LEARNER_DEFAULTS: LearnerConfig = {
  worldModel: {
    latent: 32,
    hidden: 64,
    lr: 1e-2,
    every: 4,
    batch: 8,
    window: 8,
    positionHead: 'cell',
    salientShare: 0,
  },
  assessors: { hidden: 32, lr: 3e-3, batch: 16, seesBody: false, readsLatent: false, readsPosition: false },
  actor: { hidden: 32, lr: 1e-3, entropy: 0.02 },
  habit: { lr: 0.02, weight: 0.5 },
  planner: {
    candidates: 32,
    horizon: 6,
    gamma: 0.9,
    persist: 0.75,
    valueAt: 'end',
    holdContext: false,
    indifference: 1e-3,
    familiarity: 0,
    iterations: 1,
    elites: 6,
    smoothing: 0.25,
    commitment: 0,
    habitAfter: 0,
    futureSelf: 'ignorant',
  },
  selfModel: { contact: 0.99, evidence: 1 },
  memory: { capacity: 64, salience: 0.5, window: 6, replayPerTick: 4, recall: 0.9 },
  replay: { size: 4096 },
  senses: { reward: false },
  gains: { predict: 1, imagine: 0.3, remember: 0.3, empathize: 0.3 },
};

/** Layer a partial config over the defaults (one level of blocks, like DreamerV3's named configs). */
export function learnerConfig(
  over: { [K in keyof LearnerConfig]?: Partial<LearnerConfig[K]> } = {},
): LearnerConfig {
  const out = structuredClone(LEARNER_DEFAULTS) as unknown as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(over)) {
    if (!(k in out))
      throw new RangeError(`unknown learner config block '${k}' (blocks: ${Object.keys(out).join(', ')})`);
    for (const [kk, vv] of Object.entries(v ?? {})) {
      if (!(kk in out[k]!))
        throw new RangeError(
          `unknown learner config key '${k}.${kk}' (keys: ${Object.keys(out[k]!).join(', ')})`,
        );
      out[k]![kk] = vv;
    }
  }
  const cfg = out as unknown as LearnerConfig;
  if (!FUTURE_SELVES.includes(cfg.planner.futureSelf))
    throw new RangeError(
      `planner.futureSelf must be one of ${FUTURE_SELVES.join(', ')}, got ${JSON.stringify(cfg.planner.futureSelf)}`,
    );
  return cfg;
}
