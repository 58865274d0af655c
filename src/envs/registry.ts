/**
 * Environment registry after gymnasium.envs.registration. Ids look like `namespace/Name-v0` (namespace
 * optional, version optional but recommended: bump it whenever dynamics or rewards change so that results
 * stay comparable).
 *
 * make(id, options) builds `entryPoint(kwargs)` and wraps it, innermost first, in PassiveEnvChecker,
 * OrderEnforcing and — when the spec or the options give maxEpisodeSteps — TimeLimit, like Gymnasium's make.
 * Make-level keys (maxEpisodeSteps, disableEnvChecker) are removed from the options before the rest reach
 * the entry point as kwargs.
 */
import type { Env } from './core.js';
import { PassiveEnvChecker } from './checker.js';
import { OrderEnforcing, TimeLimit, type Wrapper } from './wrappers.js';

/** Anything with zod's `parse` works (zod schemas do); kept structural so core does not depend on zod. */
export interface KwargsSchema<T = Record<string, unknown>> {
  parse(x: unknown): T;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds environments of every observation/action type
export interface EnvSpec<K = any> {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: a registry holds environments of every observation/action type
  entryPoint: (options: K) => Env<any, any>;
  /** Episodes are truncated after this many steps by make() (TimeLimit). */
  maxEpisodeSteps?: number;
  /** One line for `registry()` listings. */
  description: string;
  /** Validates and fills defaults of the kwargs before they reach entryPoint. */
  kwargsSchema?: KwargsSchema<K>;
  /** Default kwargs merged under the caller's options. */
  kwargs?: Partial<K>;
}

export interface MakeOptions {
  /** Overrides the spec's maxEpisodeSteps; null disables the TimeLimit. */
  maxEpisodeSteps?: number | null;
  /** Skip PassiveEnvChecker. */
  disableEnvChecker?: boolean;
  [kwarg: string]: unknown;
}

export interface RegistryEntry {
  id: string;
  description: string;
  maxEpisodeSteps?: number;
}

export class UnknownEnvError extends Error {
  override name = 'UnknownEnvError';
  constructor(
    readonly id: string,
    readonly suggestions: readonly string[],
  ) {
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
        : ' See registry() for the registered ids.';
    super(`No environment registered with id "${id}".${hint}`);
  }
}

export class EnvRegistrationError extends Error {
  override name = 'EnvRegistrationError';
}

/** namespace/Name-vN, each part Gymnasium's character set. */
const ID_RE = /^(?:([\w:.-]+)\/)?([\w:.-]+?)(?:-v(\d+))?$/;

const specs = new Map<string, EnvSpec>();

export function parseEnvId(id: string): { namespace?: string; name: string; version?: number } {
  const m = ID_RE.exec(id);
  if (!m) throw new EnvRegistrationError(`Malformed environment id "${id}": expected "namespace/Name-v0"`);
  return { namespace: m[1], name: m[2]!, version: m[3] === undefined ? undefined : Number(m[3]) };
}

export function register<K>(spec: EnvSpec<K>): void {
  if (typeof spec.id !== 'string') throw new EnvRegistrationError('register(): spec.id must be a string');
  parseEnvId(spec.id);
  if (typeof spec.entryPoint !== 'function')
    throw new EnvRegistrationError(`register("${spec.id}"): entryPoint must be a function`);
  if (typeof spec.description !== 'string' || spec.description.length === 0) {
    throw new EnvRegistrationError(`register("${spec.id}"): a one-line description is required`);
  }
  if (
    spec.maxEpisodeSteps !== undefined &&
    (!Number.isInteger(spec.maxEpisodeSteps) || spec.maxEpisodeSteps < 1)
  ) {
    throw new EnvRegistrationError(
      `register("${spec.id}"): maxEpisodeSteps must be a positive integer, got ${spec.maxEpisodeSteps}`,
    );
  }
  const existing = specs.get(spec.id);
  // Same entry point again is a harmless double import; a different one is a real id clash.
  if (existing && existing.entryPoint !== spec.entryPoint)
    throw new EnvRegistrationError(`Environment id "${spec.id}" is already registered`);
  specs.set(spec.id, Object.freeze({ ...spec }) as EnvSpec);
}

/** Remove an id (tests, hot reload). Returns whether it was registered. */
export function deregister(id: string): boolean {
  return specs.delete(id);
}

export function spec(id: string): EnvSpec {
  const s = specs.get(id);
  if (!s) throw new UnknownEnvError(id, nearestIds(id));
  return s;
}

/** Registered ids with descriptions, sorted by id. */
export function registry(): RegistryEntry[] {
  return [...specs.values()]
    .map((s) => ({
      id: s.id,
      description: s.description,
      ...(s.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: s.maxEpisodeSteps } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Up to three registered ids close to `id`: same name with another version or namespace first (the
 * commonest mistake), then by case-insensitive edit distance within a third of the id's length.
 */
export function nearestIds(id: string, max = 3): string[] {
  const all = [...specs.keys()];
  const parsed = ID_RE.exec(id);
  const name = parsed?.[2]?.toLowerCase();
  const sameName = name ? all.filter((k) => ID_RE.exec(k)?.[2]?.toLowerCase() === name) : [];
  const lower = id.toLowerCase();
  const limit = Math.max(2, Math.ceil(id.length / 3));
  const byDist = all
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1))
    .map((x) => x.k);
  const out: string[] = [];
  for (const k of [...sameName.sort(), ...byDist]) if (!out.includes(k) && out.length < max) out.push(k);
  return out;
}

function oneLine(e: unknown): string {
  const issues = (e as { issues?: { path?: unknown[]; message?: string }[] })?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    // zod-style errors: name the key, which is what a user needs to fix.
    return issues
      .map((i) => `${(i.path ?? []).join('.') || '(options)'}: ${i.message ?? 'invalid'}`)
      .join('; ');
  }
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** What make() returns: the outermost wrapper (so render(), unwrapped and close() are typed) plus its spec. */
export type MadeEnv<O = unknown, A = unknown> = Wrapper<O, A> & { readonly spec: EnvSpec };

export class EnvOptionsError extends Error {
  override name = 'EnvOptionsError';
}

export function make<O = unknown, A = unknown>(id: string, options: MakeOptions = {}): MadeEnv<O, A> {
  const s = specs.get(id);
  if (!s) throw new UnknownEnvError(id, nearestIds(id));
  const { maxEpisodeSteps, disableEnvChecker, ...rest } = options;
  let kwargs: unknown = { ...(s.kwargs ?? {}), ...rest };
  if (s.kwargsSchema) {
    try {
      kwargs = s.kwargsSchema.parse(kwargs);
    } catch (e) {
      throw new EnvOptionsError(`make("${id}"): bad options: ${oneLine(e)}`);
    }
  }
  // biome-ignore lint/suspicious/noExplicitAny: a registry holds environments of every observation/action type
  let env: Env<any, any> = s.entryPoint(kwargs);
  if (!disableEnvChecker) env = new PassiveEnvChecker(env);
  // biome-ignore lint/suspicious/noExplicitAny: a registry holds environments of every observation/action type
  let outer: Wrapper<any, any> = new OrderEnforcing(env);
  const limit = maxEpisodeSteps === null ? undefined : (maxEpisodeSteps ?? s.maxEpisodeSteps);
  if (limit !== undefined) outer = new TimeLimit(outer, limit);
  Object.defineProperty(outer, 'spec', { value: s, enumerable: false });
  return outer as MadeEnv<O, A>;
}
