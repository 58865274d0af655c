/**
 * The environment contract, after Gymnasium 1.x. Small on purpose: everything else (time limits,
 * order enforcement, episode statistics, vectorisation) is a wrapper around it.
 *
 *   reset({seed, options}) → {observation, info}
 *   step(action)           → {observation, reward, terminated, truncated, info}
 *
 * `terminated` means the MDP reached a terminal state (no bootstrapping past it); `truncated` means the
 * episode was cut short from outside (a time limit), so a learner should bootstrap from `observation`.
 * Seeding: the first reset with a seed fixes the environment's random stream; later resets without a
 * seed continue it (Gymnasium semantics). All randomness must come from `this.npRandom`-style state
 * held by the environment and derived from the seed, never from Math.random.
 */
import type { Rng } from '../math/rng.js';

export type Info = Record<string, unknown>;

export interface Space<T> {
  /** Kind tag, e.g. 'Discrete', 'Box'; the checker and vector envs read it. */
  readonly kind: string;
  /** Seed the space's own sampler; returns the seed used. */
  seed(seed?: number): number;
  sample(): T;
  contains(x: unknown): x is T;
  /** Short human description, e.g. "Discrete(4)" or "Box(0, 1, [3])". */
  toString(): string;
}

export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}

export interface ResetResult<O> {
  observation: O;
  info: Info;
}

export interface StepResult<O> {
  observation: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export interface Env<O = unknown, A = unknown> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  /** Free-form metadata (render modes, max episode steps declared by the env, …). */
  readonly metadata?: Record<string, unknown>;
  reset(opts?: ResetOptions): ResetResult<O>;
  step(action: A): StepResult<O>;
  close?(): void;
  /**
   * Optional low-resolution channel for the Steering Subsystem (docs/architecture.md §3): what innate detectors
   * can see. Worlds that have none omit it.
   */
  steeringChannel?(): unknown;
}

/** Environments that need a seeded stream derive it here so reset({seed}) is reproducible. */
export interface SeededEnvState {
  rng: Rng;
}
