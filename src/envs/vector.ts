/**
 * Vector environments after gymnasium.vector (1.x): N copies of an environment stepped together in one
 * process, with the autoreset mode declared in `metadata.autoresetMode`.
 *
 * Batch layout
 *   observation  single space Box(shape, dtype) → one Float32Array/Float64Array of length N·prod(shape);
 *                env i occupies [i·size, (i+1)·size), row-major inside (batched space: Box [N, ...shape]).
 *                single space Discrete(n, start) → Int32Array of length N holding the raw values, not
 *                one-hots (batched space: MultiDiscrete, as in Gymnasium).
 *                any other space → a plain array of N observations, the sub-envs' own objects
 *                (batched space: Tuple of N copies).
 *   reward       Float64Array(N)
 *   terminated / truncated  Uint8Array(N) of 0/1
 *   info         Info[] of length N, one object per sub-env. We chose per-env objects over Gymnasium's
 *                dict-of-arrays with `_key` masks: infos are sparse and heterogeneous (episode stats,
 *                final observations), and `info[i].episode` needs no mask to read.
 * Actions: Discrete → any ArrayLike<number> of length N (Int32Array, number[]); Box → one flat typed array
 * of length N·size (sliced per env with subarray, no copy) or an array of N typed arrays; otherwise an
 * array of N actions.
 *
 * Autoreset (exactly Gymnasium 1.x):
 *   'next-step' (default): when env i ends at step t, step t+1 ignores action i, resets env i (without a
 *     seed, continuing its stream) and returns the reset observation and reset info with reward 0 and
 *     terminated = truncated = 0.
 *   'same-step': env i is reset inside the step that ended it; the returned observation/info are the reset
 *     ones and info[i].final_obs / info[i].final_info hold the episode's last observation and info.
 *
 * Buffers: with `copy: true` (default) every call returns fresh arrays; `copy: false` reuses the same
 * arrays across calls (faster; the caller must copy what it keeps).
 */
import type { Env, Info, Space } from './core.js';
import { Box, Discrete, MultiDiscrete, Tuple, describe } from './spaces.js';

export type AutoresetMode = 'next-step' | 'same-step';

export interface VectorEnvOptions {
  autoresetMode?: AutoresetMode;
  copy?: boolean;
}

export interface VectorResetOptions {
  /** One number: sub-env i gets seed + i. An array: one seed (or undefined) per sub-env. */
  seed?: number | readonly (number | undefined)[];
  options?: Record<string, unknown>;
}

export type BatchOf<T> = [T] extends [Float32Array]
  ? Float32Array
  : [T] extends [Float64Array]
    ? Float64Array
    : [T] extends [number]
      ? Int32Array
      : T[];

export type BatchActions<A> = [A] extends [number]
  ? ArrayLike<number>
  : [A] extends [Float32Array | Float64Array]
    ? A | readonly A[]
    : readonly A[];

export interface VectorResetResult<BO> {
  observation: BO;
  info: Info[];
}

export interface VectorStepResult<BO> {
  observation: BO;
  reward: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  info: Info[];
}

export interface VectorEnv<O = unknown, A = unknown> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<O>;
  readonly singleActionSpace: Space<A>;
  readonly observationSpace: Space<BatchOf<O>>;
  readonly actionSpace: Space<unknown>;
  readonly metadata: Record<string, unknown> & { autoresetMode: AutoresetMode };
  reset(opts?: VectorResetOptions): VectorResetResult<BatchOf<O>>;
  step(actions: BatchActions<A>): VectorStepResult<BatchOf<O>>;
  close(): void;
}

type Layout = { kind: 'box'; size: number; dtype: 'f32' | 'f64' } | { kind: 'discrete' } | { kind: 'array' };

function layoutOf(space: Space<unknown>): Layout {
  if (space instanceof Box) return { kind: 'box', size: space.size, dtype: space.dtype };
  if (space instanceof Discrete) return { kind: 'discrete' };
  return { kind: 'array' };
}

/** The space of a batch of N values of `space`, matching the layout above. */
export function batchSpace(space: Space<unknown>, n: number): Space<unknown> {
  if (space instanceof Box) {
    const lo = new Float64Array(n * space.size),
      hi = new Float64Array(n * space.size);
    for (let i = 0; i < n; i++) {
      lo.set(space.low, i * space.size);
      hi.set(space.high, i * space.size);
    }
    return new Box(lo, hi, [n, ...space.shape], space.dtype);
  }
  if (space instanceof Discrete)
    return new MultiDiscrete(new Array(n).fill(space.n), new Array(n).fill(space.start));
  return new Tuple(Array.from({ length: n }, () => space));
}

export class SyncVectorEnv<O = unknown, A = unknown> implements VectorEnv<O, A> {
  readonly envs: readonly Env<O, A>[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<O>;
  readonly singleActionSpace: Space<A>;
  readonly observationSpace: Space<BatchOf<O>>;
  readonly actionSpace: Space<unknown>;
  readonly metadata: Record<string, unknown> & { autoresetMode: AutoresetMode };
  readonly autoresetMode: AutoresetMode;
  private readonly copy: boolean;
  private readonly obsLayout: Layout;
  private readonly actLayout: Layout;
  /** Sub-envs whose episode ended on the previous step ('next-step' mode resets them on the next). */
  private readonly pendingReset: Uint8Array;
  private hasReset = false;
  private closed = false;
  private bufs:
    | { obs: unknown; reward: Float64Array; terminated: Uint8Array; truncated: Uint8Array }
    | undefined;

  constructor(envFns: readonly (() => Env<O, A>)[], opts: VectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0)
      throw new RangeError('SyncVectorEnv needs at least one environment factory');
    const mode = opts.autoresetMode ?? 'next-step';
    if (mode !== 'next-step' && mode !== 'same-step') {
      throw new RangeError(
        `SyncVectorEnv: autoresetMode must be 'next-step' or 'same-step', got ${String(mode)}`,
      );
    }
    this.envs = envFns.map((f, i) => {
      if (typeof f !== 'function')
        throw new TypeError(
          `SyncVectorEnv: envFns[${i}] must be a function returning an Env (got ${describe(f)})`,
        );
      return f();
    });
    this.numEnvs = this.envs.length;
    this.singleObservationSpace = this.envs[0]!.observationSpace;
    this.singleActionSpace = this.envs[0]!.actionSpace;
    this.envs.forEach((e, i) => {
      // Spaces must agree or the batch layout would be meaningless; toString is a structural fingerprint.
      if (
        String(e.observationSpace) !== String(this.singleObservationSpace) ||
        String(e.actionSpace) !== String(this.singleActionSpace)
      ) {
        throw new TypeError(
          `SyncVectorEnv: sub-env ${i} has spaces ${String(e.observationSpace)} / ${String(e.actionSpace)}, sub-env 0 has ${String(this.singleObservationSpace)} / ${String(this.singleActionSpace)}`,
        );
      }
    });
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs) as Space<BatchOf<O>>;
    this.actionSpace = batchSpace(this.singleActionSpace, this.numEnvs);
    this.autoresetMode = mode;
    this.metadata = { ...(this.envs[0]!.metadata ?? {}), autoresetMode: mode };
    this.copy = opts.copy ?? true;
    this.obsLayout = layoutOf(this.singleObservationSpace);
    this.actLayout = layoutOf(this.singleActionSpace);
    this.pendingReset = new Uint8Array(this.numEnvs);
  }

  private buffers(): { obs: unknown; reward: Float64Array; terminated: Uint8Array; truncated: Uint8Array } {
    if (!this.copy && this.bufs) return this.bufs;
    const n = this.numEnvs,
      L = this.obsLayout;
    const obs =
      L.kind === 'box'
        ? L.dtype === 'f32'
          ? new Float32Array(n * L.size)
          : new Float64Array(n * L.size)
        : L.kind === 'discrete'
          ? new Int32Array(n)
          : new Array<unknown>(n);
    const b = {
      obs,
      reward: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
    };
    if (!this.copy) this.bufs = b;
    return b;
  }

  private put(buf: unknown, i: number, obs: O): void {
    const L = this.obsLayout;
    if (L.kind === 'box') {
      const src = obs as unknown as ArrayLike<number>;
      if (!ArrayBuffer.isView(src) || src.length !== L.size) {
        throw new TypeError(
          `SyncVectorEnv: sub-env ${i} returned ${describe(obs)}, expected a typed array of length ${L.size} for ${String(this.singleObservationSpace)}`,
        );
      }
      (buf as Float32Array | Float64Array).set(src, i * L.size);
    } else if (L.kind === 'discrete') {
      (buf as Int32Array)[i] = obs as unknown as number;
    } else {
      (buf as unknown[])[i] = obs;
    }
  }

  private actionFor(actions: unknown, i: number): A {
    const L = this.actLayout;
    if (L.kind === 'box' && ArrayBuffer.isView(actions))
      return (actions as Float32Array).subarray(i * L.size, (i + 1) * L.size) as unknown as A;
    return (actions as ArrayLike<A>)[i]!;
  }

  private checkActions(actions: unknown): void {
    const L = this.actLayout;
    const len = (actions as { length?: unknown } | null)?.length;
    const want = L.kind === 'box' && ArrayBuffer.isView(actions) ? this.numEnvs * L.size : this.numEnvs;
    if (typeof len !== 'number' || len !== want) {
      throw new RangeError(
        `SyncVectorEnv.step(): expected ${want} action values for ${this.numEnvs} sub-envs, got ${describe(actions)}`,
      );
    }
  }

  reset(opts: VectorResetOptions = {}): VectorResetResult<BatchOf<O>> {
    if (this.closed) throw new Error('SyncVectorEnv.reset(): the vector env is closed');
    const { seed, options } = opts;
    if (Array.isArray(seed) && seed.length !== this.numEnvs)
      throw new RangeError(`SyncVectorEnv.reset(): got ${seed.length} seeds for ${this.numEnvs} sub-envs`);
    const b = this.buffers();
    const info: Info[] = new Array(this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) {
      const s =
        seed === undefined
          ? undefined
          : typeof seed === 'number'
            ? seed + i
            : (seed as readonly (number | undefined)[])[i];
      const r = this.envs[i]!.reset({
        ...(s !== undefined ? { seed: s } : {}),
        ...(options !== undefined ? { options } : {}),
      });
      this.put(b.obs, i, r.observation);
      info[i] = r.info;
    }
    b.reward.fill(0);
    b.terminated.fill(0);
    b.truncated.fill(0);
    this.pendingReset.fill(0);
    this.hasReset = true;
    return { observation: b.obs as BatchOf<O>, info };
  }

  step(actions: BatchActions<A>): VectorStepResult<BatchOf<O>> {
    if (this.closed) throw new Error('SyncVectorEnv.step(): the vector env is closed');
    if (!this.hasReset) throw new Error('Cannot call step() before reset(): call envs.reset() first.');
    this.checkActions(actions);
    const b = this.buffers();
    const info: Info[] = new Array(this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i]!;
      if (this.autoresetMode === 'next-step' && this.pendingReset[i]) {
        const r = env.reset();
        this.put(b.obs, i, r.observation);
        b.reward[i] = 0;
        b.terminated[i] = 0;
        b.truncated[i] = 0;
        info[i] = r.info;
        continue;
      }
      const r = env.step(this.actionFor(actions, i));
      b.reward[i] = r.reward;
      b.terminated[i] = r.terminated ? 1 : 0;
      b.truncated[i] = r.truncated ? 1 : 0;
      if (this.autoresetMode === 'same-step' && (r.terminated || r.truncated)) {
        const rr = env.reset();
        this.put(b.obs, i, rr.observation);
        info[i] = { ...rr.info, final_obs: r.observation, final_info: r.info };
      } else {
        this.put(b.obs, i, r.observation);
        info[i] = r.info;
      }
    }
    for (let i = 0; i < this.numEnvs; i++) this.pendingReset[i] = b.terminated[i]! | b.truncated[i]!;
    return {
      observation: b.obs as BatchOf<O>,
      reward: b.reward,
      terminated: b.terminated,
      truncated: b.truncated,
      info,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.envs) e.close?.();
  }
}
