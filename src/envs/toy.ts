/**
 * Tiny environments for tests and examples, deterministic given the reset seed. Importing this module
 * registers them (toy/Corridor-v0, toy/CoinFlip-v0).
 *
 * Seeding follows core.ts: reset({seed}) replaces the env's Rng; reset() without a seed continues it. An env
 * never seeded starts from Rng(0), so even unseeded runs are reproducible.
 */
import { z } from 'zod';
import type { Env, Info, ResetOptions, ResetResult, StepResult } from './core.js';
import { Rng } from '../math/rng.js';
import { Box, Discrete } from './spaces.js';
import { register } from './registry.js';

export interface CorridorOptions {
  /** Number of cells; the goal is the last one. */
  length?: number;
  /** Start uniformly in cells [0, length - 2] instead of cell 0. */
  randomStart?: boolean;
  /** Probability that a move goes the opposite way. */
  slip?: number;
}

/**
 * 1-D corridor: observation Box(0, length-1, [1]) holding the position, actions Discrete(2) (0 = left,
 * 1 = right; left at cell 0 stays). Reward -1 per step, +10 on the step that reaches the goal, which
 * terminates the episode.
 */
export class Corridor implements Env<Float32Array, number> {
  readonly observationSpace: Box<'f32'>;
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: ['ansi'] };
  readonly length: number;
  readonly randomStart: boolean;
  readonly slip: number;
  private rng = new Rng(0);
  private pos = 0;

  constructor(opts: CorridorOptions = {}) {
    this.length = opts.length ?? 5;
    this.randomStart = opts.randomStart ?? false;
    this.slip = opts.slip ?? 0;
    if (!Number.isInteger(this.length) || this.length < 2)
      throw new RangeError(`Corridor length must be an integer ≥ 2, got ${this.length}`);
    if (!(this.slip >= 0 && this.slip <= 1))
      throw new RangeError(`Corridor slip must be in [0, 1], got ${this.slip}`);
    this.observationSpace = new Box(0, this.length - 1, [1], 'f32');
  }

  get position(): number {
    return this.pos;
  }

  private obs(): Float32Array {
    return Float32Array.of(this.pos);
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.pos = this.randomStart ? this.rng.int(this.length - 1) : 0;
    return { observation: this.obs(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action))
      throw new RangeError(`Corridor.step(): action ${String(action)} not in ${this.actionSpace.toString()}`);
    let dir = action === 1 ? 1 : -1;
    if (this.slip > 0 && this.rng.bernoulli(this.slip)) dir = -dir;
    this.pos = Math.max(0, Math.min(this.length - 1, this.pos + dir));
    const atGoal = this.pos === this.length - 1;
    return {
      observation: this.obs(),
      reward: atGoal ? 10 : -1,
      terminated: atGoal,
      truncated: false,
      info: {},
    };
  }

  render(): string {
    return Array.from({ length: this.length }, (_, i) =>
      i === this.pos ? 'A' : i === this.length - 1 ? 'G' : '.',
    ).join('');
  }

  /** What an innate detector sees: only whether the agent is at the goal. */
  steeringChannel(): { atGoal: boolean } {
    return { atGoal: this.pos === this.length - 1 };
  }
}

export interface CoinFlipOptions {
  /** Probability of heads (1). */
  p?: number;
  /** Steps per episode. */
  flips?: number;
}

/**
 * Guess the next coin: observation Discrete(2) is the last flip (reset shows one flip), action Discrete(2)
 * is the guess, reward 1 for a correct guess else 0; terminates after `flips` guesses.
 */
export class CoinFlip implements Env<number, number> {
  readonly observationSpace = new Discrete(2);
  readonly actionSpace = new Discrete(2);
  readonly metadata = {};
  readonly p: number;
  readonly flips: number;
  private rng = new Rng(0);
  private t = 0;

  constructor(opts: CoinFlipOptions = {}) {
    this.p = opts.p ?? 0.5;
    this.flips = opts.flips ?? 10;
    if (!(this.p >= 0 && this.p <= 1)) throw new RangeError(`CoinFlip p must be in [0, 1], got ${this.p}`);
    if (!Number.isInteger(this.flips) || this.flips < 1)
      throw new RangeError(`CoinFlip flips must be a positive integer, got ${this.flips}`);
  }

  private flip(): number {
    return this.rng.bernoulli(this.p) ? 1 : 0;
  }

  reset(opts: ResetOptions = {}): ResetResult<number> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.t = 0;
    return { observation: this.flip(), info: {} };
  }

  step(action: number): StepResult<number> {
    const coin = this.flip();
    this.t++;
    const info: Info = { coin };
    return {
      observation: coin,
      reward: action === coin ? 1 : 0,
      terminated: this.t >= this.flips,
      truncated: false,
      info,
    };
  }
}

const corridorSchema = z
  .object({
    length: z.number().int().min(2).default(5),
    randomStart: z.boolean().default(false),
    slip: z.number().min(0).max(1).default(0),
  })
  .strict();

const coinFlipSchema = z
  .object({
    p: z.number().min(0).max(1).default(0.5),
    flips: z.number().int().min(1).default(10),
  })
  .strict();

register<CorridorOptions>({
  id: 'toy/Corridor-v0',
  entryPoint: (o) => new Corridor(o),
  maxEpisodeSteps: 50,
  description: '1-D corridor, Discrete(2) moves, Box position observation; -1 per step, +10 at the goal',
  kwargsSchema: corridorSchema,
});

register<CoinFlipOptions>({
  id: 'toy/CoinFlip-v0',
  entryPoint: (o) => new CoinFlip(o),
  description: 'guess the next coin flip; Discrete(2) observation and action, reward 1 per correct guess',
  kwargsSchema: coinFlipSchema,
});
