/**
 * Environment checker, after gymnasium.utils.env_checker: exercises reset/step and explains API misuse in
 * one line. Hard problems throw EnvCheckError at the first one found (a later message would often be a
 * consequence of the first); soft issues are collected as warnings.
 *
 * PassiveEnvChecker is the cheap variant `make()` installs: it checks spaces once at construction and the
 * first reset() and step() results, then gets out of the way.
 */
import type { Env, ResetResult, Space, StepResult } from './core.js';
import { Box, describe, isSpace } from './spaces.js';
import { Wrapper } from './wrappers.js';

export class EnvCheckError extends Error {
  override name = 'EnvCheckError';
}

export interface CheckEnvOptions {
  /** Seed used for the determinism checks (default 0). */
  seed?: number;
  /** Steps per rollout in the step checks (default 20). */
  steps?: number;
}

export interface CheckEnvReport {
  warnings: string[];
}

function fail(msg: string): never {
  throw new EnvCheckError(msg);
}

function explainNotIn(space: Space<unknown>, x: unknown): string {
  if (space instanceof Box) return space.explain(x) ?? 'contains() rejected it';
  return `got ${describe(x)}`;
}

export function checkSpaces(env: Env<unknown, unknown>): void {
  if (env === null || typeof env !== 'object') fail(`expected an environment object, got ${describe(env)}`);
  for (const name of ['observationSpace', 'actionSpace'] as const) {
    const s = (env as unknown as Record<string, unknown>)[name];
    if (!isSpace(s))
      fail(`env.${name} must be a Space (with kind, seed, sample, contains); got ${describe(s)}`);
  }
  for (const m of ['reset', 'step'] as const) {
    if (typeof (env as unknown as Record<string, unknown>)[m] !== 'function')
      fail(`env.${m} must be a method; got ${describe((env as unknown as Record<string, unknown>)[m])}`);
  }
}

function typeName(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

export function checkResetResult(
  env: Env<unknown, unknown>,
  r: unknown,
  call = 'reset()',
): asserts r is ResetResult<unknown> {
  if (!isPlainObject(r) || !('observation' in r)) {
    if (Array.isArray(r) && r.length === 2)
      fail(`${call} must return {observation, info}; got an array (a Python-style (obs, info) tuple?)`);
    fail(`${call} must return {observation, info}; got ${describe(r)}`);
  }
  if (!('info' in r))
    fail(`${call} must return {observation, info}; 'info' is missing (return info: {} if there is none)`);
  if (!isPlainObject(r.info)) fail(`${call} info must be a plain object; got ${describe(r.info)}`);
  if (!env.observationSpace.contains(r.observation)) {
    fail(
      `${call} observation not in observationSpace ${env.observationSpace.toString()}: ${explainNotIn(env.observationSpace, r.observation)}`,
    );
  }
}

export function checkStepResult(
  env: Env<unknown, unknown>,
  r: unknown,
  warnings?: string[],
): asserts r is StepResult<unknown> {
  if (!isPlainObject(r)) {
    if (Array.isArray(r)) {
      fail(
        `step() must return {observation, reward, terminated, truncated, info}; got an array of length ${r.length} (a Python-style tuple?)`,
      );
    }
    fail(`step() must return {observation, reward, terminated, truncated, info}; got ${describe(r)}`);
  }
  if ('done' in r && !('terminated' in r)) {
    fail(
      `step() returned 'done' (old Gym API); return terminated (MDP ended) and truncated (cut short by a time limit) instead`,
    );
  }
  for (const k of ['observation', 'reward', 'terminated', 'truncated', 'info'] as const) {
    if (!(k in r))
      fail(`step() result is missing '${k}'; it must be {observation, reward, terminated, truncated, info}`);
  }
  for (const k of ['terminated', 'truncated'] as const) {
    if (typeof r[k] !== 'boolean') fail(`step() returned ${k} as ${typeName(r[k])}; it must be boolean`);
  }
  if (typeof r.reward !== 'number')
    fail(`step() returned reward as ${typeName(r.reward)}; it must be a number`);
  if (Number.isNaN(r.reward)) fail('step() returned reward NaN; it must be a finite number');
  if (!Number.isFinite(r.reward))
    warnings?.push(`step() returned reward ${r.reward}; infinite rewards break most learners`);
  if (!isPlainObject(r.info)) fail(`step() info must be a plain object; got ${describe(r.info)}`);
  if (!env.observationSpace.contains(r.observation)) {
    fail(
      `step() observation not in observationSpace ${env.observationSpace.toString()}: ${explainNotIn(env.observationSpace, r.observation)}`,
    );
  }
}

/** Structural equality for observations (typed arrays, arrays, plain objects, numbers; NaN equals NaN). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<number>,
      y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function attempt<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EnvCheckError) throw e;
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    fail(`${what} threw: ${msg}`);
  }
}

function snapshot(x: unknown): unknown {
  // Copies so a later in-place mutation by the env cannot make two observations compare equal.
  if (ArrayBuffer.isView(x)) return (x as unknown as { slice(): unknown }).slice();
  if (Array.isArray(x)) return x.map(snapshot);
  if (isPlainObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, snapshot(v)]));
  return x;
}

interface Rollout {
  obs: unknown[];
  rewards: number[];
  ends: string[];
}

/**
 * Runs reset({seed}) then `steps` steps with actions from a freshly seeded action space, resetting
 * (without seed) when an episode ends.
 */
function rollout(
  env: Env<unknown, unknown>,
  seed: number,
  steps: number,
  warnings: string[],
  report: boolean,
): Rollout {
  const out: Rollout = { obs: [], rewards: [], ends: [] };
  const r0 = attempt(`reset({seed: ${seed}})`, () => env.reset({ seed }));
  checkResetResult(env, r0, `reset({seed: ${seed}})`);
  out.obs.push(snapshot(r0.observation));
  env.actionSpace.seed(seed);
  let prev: unknown = r0.observation;
  let aliasWarned = false;
  for (let t = 0; t < steps; t++) {
    const a = env.actionSpace.sample();
    if (!env.actionSpace.contains(a))
      fail(`actionSpace.sample() returned a value its contains() rejects (${describe(a)})`);
    const r = attempt('step()', () => env.step(a));
    checkStepResult(env, r, report ? warnings : undefined);
    if (
      report &&
      !aliasWarned &&
      typeof r.observation === 'object' &&
      r.observation !== null &&
      r.observation === prev
    ) {
      warnings.push(
        'step() returned the same observation object as the previous call; agents that keep observations will see them change',
      );
      aliasWarned = true;
    }
    prev = r.observation;
    out.obs.push(snapshot(r.observation));
    out.rewards.push(r.reward);
    out.ends.push(`${r.terminated ? 'T' : ''}${r.truncated ? 't' : ''}`);
    if (r.terminated || r.truncated) {
      const rr = attempt('reset()', () => env.reset());
      checkResetResult(env, rr, 'reset()');
      prev = rr.observation;
      out.obs.push(snapshot(rr.observation));
    }
  }
  return out;
}

/**
 * Exercise `env` and throw EnvCheckError on the first API violation; return soft warnings otherwise.
 * Leaves the env in an arbitrary state: reset it before use.
 */
export function checkEnv(env: Env<unknown, unknown>, opts: CheckEnvOptions = {}): CheckEnvReport {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 20;
  const warnings: string[] = [];
  checkSpaces(env);

  for (const name of ['observationSpace', 'actionSpace'] as const) {
    const s = env[name] as Space<unknown>;
    s.seed(seed);
    const x = attempt(`${name}.sample()`, () => s.sample());
    if (!s.contains(x))
      fail(
        `${name}.sample() returned a value its contains() rejects (${describe(x)}); the space is inconsistent`,
      );
  }
  const as = env.actionSpace;
  if (as instanceof Box && as.isBounded() && (as.low.some((v) => v !== -1) || as.high.some((v) => v !== 1))) {
    warnings.push(
      `actionSpace ${as.toString()} is not normalised to [-1, 1]; most continuous-control agents assume it`,
    );
  }

  // reset() with no argument must work: make()/vector envs call it that way.
  const plain = attempt('reset()', () => env.reset());
  checkResetResult(env, plain, 'reset()');

  const a = rollout(env, seed, steps, warnings, true);
  const b = rollout(env, seed, steps, warnings, false);
  if (!deepEqual(a.obs[0], b.obs[0])) {
    fail(`reset({seed}) is not deterministic: two resets with seed ${seed} gave different observations`);
  }
  for (let t = 0; t < a.rewards.length; t++) {
    if (!deepEqual(a.obs[t + 1], b.obs[t + 1]) || a.rewards[t] !== b.rewards[t] || a.ends[t] !== b.ends[t]) {
      fail(
        `step() is not deterministic: after reset({seed: ${seed}}) and the same actions, step ${t + 1} differed`,
      );
    }
  }
  if (env.metadata === undefined)
    warnings.push('env.metadata is missing; vector envs and registries read it (use {} if empty)');
  return { warnings };
}

/**
 * Checks the spaces at construction and the first reset()/step() results, throwing EnvCheckError, then
 * forwards calls unchanged. Cheap enough to leave on in every make().
 */
export class PassiveEnvChecker<O = unknown, A = unknown> extends Wrapper<O, A> {
  private checkedReset = false;
  private checkedStep = false;
  /** Soft issues seen in the first step. */
  readonly warnings: string[] = [];

  constructor(env: Env<O, A>) {
    checkSpaces(env as Env<unknown, unknown>);
    super(env);
  }

  override reset(opts?: Parameters<Env<O, A>['reset']>[0]): ResetResult<O> {
    const r = super.reset(opts);
    if (!this.checkedReset) {
      checkResetResult(
        this.env as Env<unknown, unknown>,
        r,
        opts?.seed !== undefined ? `reset({seed: ${opts.seed}})` : 'reset()',
      );
      this.checkedReset = true;
    }
    return r;
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    if (!this.checkedStep) {
      checkStepResult(this.env as Env<unknown, unknown>, r, this.warnings);
      this.checkedStep = true;
    }
    return r;
  }
}
