/**
 * Wrappers after Gymnasium 1.x. A wrapper is itself an Env; it forwards everything it does not change,
 * including the optional steering channel (docs/architecture.md §3), so that stacking TimeLimit / statistics / flattening
 * around a world never hides what its innate detectors can see.
 */
import type { Env, ResetOptions, ResetResult, Space, StepResult } from './core.js';
import { flatten, flattenSpace, type Box, type BoxDtype } from './spaces.js';

/** Optional rendering hook; core.ts does not require it, wrappers forward it when present. */
export interface Renderable {
  render(): unknown;
}

function hasRender(env: object): env is Renderable {
  return typeof (env as Partial<Renderable>).render === 'function';
}

export class Wrapper<O = unknown, A = unknown, WO = O, WA = A> implements Env<WO, WA> {
  readonly env: Env<O, A>;
  /** Set by subclasses that change a space; undefined means "same as the wrapped env". */
  protected overrideObservationSpace: Space<WO> | undefined;
  protected overrideActionSpace: Space<WA> | undefined;
  /** Present exactly when the wrapped env has one, so `if (env.steeringChannel)` keeps working. */
  readonly steeringChannel?: () => unknown;

  constructor(env: Env<O, A>) {
    if (env === null || typeof env !== 'object')
      throw new TypeError(`${new.target.name}: expected an Env, got ${String(env)}`);
    this.env = env;
    if (typeof env.steeringChannel === 'function') this.steeringChannel = () => env.steeringChannel!();
  }

  get observationSpace(): Space<WO> {
    return this.overrideObservationSpace ?? (this.env.observationSpace as unknown as Space<WO>);
  }

  get actionSpace(): Space<WA> {
    return this.overrideActionSpace ?? (this.env.actionSpace as unknown as Space<WA>);
  }

  get metadata(): Record<string, unknown> | undefined {
    return this.env.metadata;
  }

  /** The innermost, unwrapped environment. */
  get unwrapped(): Env<unknown, unknown> {
    let e: Env<unknown, unknown> = this.env as Env<unknown, unknown>;
    while (e instanceof Wrapper) e = e.env as Env<unknown, unknown>;
    return e;
  }

  reset(opts?: ResetOptions): ResetResult<WO> {
    return this.env.reset(opts) as unknown as ResetResult<WO>;
  }

  step(action: WA): StepResult<WO> {
    return this.env.step(action as unknown as A) as unknown as StepResult<WO>;
  }

  render(): unknown {
    if (!hasRender(this.env))
      throw new TypeError(`${this.unwrapped.constructor.name} does not implement render()`);
    return this.env.render();
  }

  close(): void {
    this.env.close?.();
  }

  toString(): string {
    const inner = this.env instanceof Wrapper ? String(this.env) : (this.env.constructor?.name ?? 'Env');
    return `${this.constructor.name}<${inner}>`;
  }
}

/** Marks the episode truncated (not terminated) once it has run `maxEpisodeSteps` steps. */
export class TimeLimit<O = unknown, A = unknown> extends Wrapper<O, A> {
  readonly maxEpisodeSteps: number;
  private elapsed = 0;

  constructor(env: Env<O, A>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    this.elapsed = 0;
    return super.reset(opts);
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps && !r.truncated) return { ...r, truncated: true };
    return r;
  }
}

export class OrderEnforcingError extends Error {
  override name = 'OrderEnforcingError';
}

/** step()/render() before the first reset() is an error with one clear line instead of a confusing crash. */
export class OrderEnforcing<O = unknown, A = unknown> extends Wrapper<O, A> {
  private hasReset = false;
  private readonly disableRenderOrderEnforcing: boolean;

  constructor(env: Env<O, A>, opts: { disableRenderOrderEnforcing?: boolean } = {}) {
    super(env);
    this.disableRenderOrderEnforcing = opts.disableRenderOrderEnforcing ?? false;
  }

  get hasBeenReset(): boolean {
    return this.hasReset;
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    this.hasReset = true;
    return super.reset(opts);
  }

  override step(action: A): StepResult<O> {
    if (!this.hasReset)
      throw new OrderEnforcingError('Cannot call step() before reset(): call env.reset() first.');
    return super.step(action);
  }

  override render(): unknown {
    if (!this.disableRenderOrderEnforcing && !this.hasReset) {
      throw new OrderEnforcingError('Cannot call render() before reset(): call env.reset() first.');
    }
    return super.render();
  }
}

export interface EpisodeStatistics {
  /** Undiscounted return. */
  r: number;
  /** Length in steps. */
  l: number;
  /** Wall-clock seconds since the episode's reset (not deterministic; do not put it in metrics you compare). */
  t: number;
}

function nowSeconds(): number {
  // performance is a global in Node ≥ 16 and browsers; Date is the fallback elsewhere.
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return (p ? p.now() : Date.now()) / 1000;
}

/**
 * At the end of each episode (terminated or truncated) adds `info.episode = {r, l, t}`, as Gymnasium does,
 * and keeps the last `bufferLength` values in returnQueue / lengthQueue / timeQueue.
 */
export class RecordEpisodeStatistics<O = unknown, A = unknown> extends Wrapper<O, A> {
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  episodeCount = 0;
  private readonly bufferLength: number;
  private readonly statsKey: string;
  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = 0;

  constructor(env: Env<O, A>, opts: { bufferLength?: number; statsKey?: string } = {}) {
    super(env);
    this.bufferLength = opts.bufferLength ?? 100;
    this.statsKey = opts.statsKey ?? 'episode';
  }

  override reset(opts?: ResetOptions): ResetResult<O> {
    const r = super.reset(opts);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStart = nowSeconds();
    return r;
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength++;
    if (!(r.terminated || r.truncated)) return r;
    if (this.statsKey in r.info)
      throw new Error(
        `RecordEpisodeStatistics: info already has a "${this.statsKey}" key; pass a different statsKey`,
      );
    const stats: EpisodeStatistics = {
      r: this.episodeReturn,
      l: this.episodeLength,
      t: Math.round((nowSeconds() - this.episodeStart) * 1e6) / 1e6,
    };
    this.push(this.returnQueue, stats.r);
    this.push(this.lengthQueue, stats.l);
    this.push(this.timeQueue, stats.t);
    this.episodeCount++;
    return { ...r, info: { ...r.info, [this.statsKey]: stats } };
  }

  private push(q: number[], v: number): void {
    q.push(v);
    if (q.length > this.bufferLength) q.shift();
  }
}

export abstract class ObservationWrapper<O = unknown, A = unknown, WO = O> extends Wrapper<O, A, WO, A> {
  abstract observation(obs: O): WO;

  override reset(opts?: ResetOptions): ResetResult<WO> {
    const r = this.env.reset(opts);
    return { observation: this.observation(r.observation), info: r.info };
  }

  override step(action: A): StepResult<WO> {
    const r = this.env.step(action);
    return { ...r, observation: this.observation(r.observation) };
  }
}

export abstract class ActionWrapper<O = unknown, A = unknown, WA = A> extends Wrapper<O, A, O, WA> {
  abstract action(action: WA): A;

  override step(action: WA): StepResult<O> {
    return this.env.step(this.action(action));
  }
}

export abstract class RewardWrapper<O = unknown, A = unknown> extends Wrapper<O, A> {
  abstract reward(reward: number): number;

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    return { ...r, reward: this.reward(r.reward) };
  }
}

/**
 * Observation → flat Float32Array/Float64Array via spaces.flatten (Discrete parts become one-hots), with
 * observationSpace the matching Box. Each call returns a fresh array so agents may keep observations.
 */
export class FlattenObservation<O = unknown, A = unknown> extends ObservationWrapper<
  O,
  A,
  Float32Array | Float64Array
> {
  private readonly inner: Space<unknown>;
  private readonly flatBox: Box<BoxDtype>;

  constructor(env: Env<O, A>, opts: { dtype?: BoxDtype } = {}) {
    super(env);
    this.inner = env.observationSpace as Space<unknown>;
    this.flatBox = flattenSpace(this.inner, opts.dtype ?? 'f32');
    this.overrideObservationSpace = this.flatBox as Space<Float32Array | Float64Array>;
  }

  observation(obs: O): Float32Array | Float64Array {
    const out =
      this.flatBox.dtype === 'f32'
        ? new Float32Array(this.flatBox.size)
        : new Float64Array(this.flatBox.size);
    return flatten(this.inner, obs, out);
  }
}

/** Plain-function variants for one-off transforms without subclassing. */
export class TransformObservation<O = unknown, A = unknown, WO = O> extends ObservationWrapper<O, A, WO> {
  constructor(
    env: Env<O, A>,
    private readonly fn: (obs: O) => WO,
    observationSpace?: Space<WO>,
  ) {
    super(env);
    this.overrideObservationSpace = observationSpace;
  }

  observation(obs: O): WO {
    return this.fn(obs);
  }
}

export class TransformReward<O = unknown, A = unknown> extends RewardWrapper<O, A> {
  constructor(
    env: Env<O, A>,
    private readonly fn: (r: number) => number,
  ) {
    super(env);
  }

  reward(r: number): number {
    return this.fn(r);
  }
}
