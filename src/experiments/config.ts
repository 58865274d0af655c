/**
 * `--set key=value` → a validated config. Values are read as JSON when they parse (numbers, booleans,
 * arrays) and as strings otherwise, then checked against the experiment's zod schema. Every failure is
 * one line that names the key and what it accepts, because scripts and people both read it.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface PropSchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
  items?: PropSchema;
  anyOf?: PropSchema[];
}

function props(schema: z.ZodObject): Record<string, PropSchema> {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, PropSchema>;
  };
  return js.properties ?? {};
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** What a key accepts, in one short phrase: "uniform|easy|hard", "integer ≥ 1", "number in (0, 1]". */
export function describeAllowed(p: PropSchema): string {
  if (p.enum) return p.enum.map((v) => String(v)).join('|');
  if (p.anyOf) return p.anyOf.map(describeAllowed).join(' or ');
  const t = Array.isArray(p.type) ? p.type.join('|') : (p.type ?? 'value');
  if (t === 'boolean') return 'true|false';
  if (t === 'integer' || t === 'number') {
    const lo =
      p.exclusiveMinimum !== undefined
        ? `(${p.exclusiveMinimum}`
        : p.minimum !== undefined && p.minimum > -SAFE
          ? `[${p.minimum}`
          : null;
    const hi =
      p.exclusiveMaximum !== undefined
        ? `${p.exclusiveMaximum})`
        : p.maximum !== undefined && p.maximum < SAFE
          ? `${p.maximum}]`
          : null;
    const name = t === 'integer' ? 'integer' : 'number';
    if (lo && hi) return `${name} in ${lo}, ${hi}`;
    if (lo) return `${name} ${lo.startsWith('(') ? '>' : '≥'} ${lo.slice(1)}`;
    if (hi) return `${name} ${hi.endsWith(')') ? '<' : '≤'} ${hi.slice(0, -1)}`;
    return name;
  }
  if (t === 'array') return `JSON array of ${p.items ? describeAllowed(p.items) : 'values'}`;
  return t;
}

/** Keys, defaults and allowed values of an experiment config, for `list` and the docs. */
export function describeConfig(
  schema: z.ZodObject,
): { key: string; default: unknown; allowed: string; description?: string }[] {
  return Object.entries(props(schema)).map(([key, p]) => ({
    key,
    default: p.default,
    allowed: describeAllowed(p),
    description: p.description,
  }));
}

function readValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Parse repeated `key=value` strings into a validated config (defaults filled in). */
export function parseSets<S extends z.ZodObject>(
  schema: S,
  sets: readonly string[],
  experimentId: string,
): z.infer<S> {
  const p = props(schema);
  const raw: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set expects key=value, got '${s}'`);
    const key = s.slice(0, eq).trim();
    const val = s.slice(eq + 1);
    if (!(key in p)) {
      const known = Object.keys(p);
      throw new ConfigError(
        `unknown --set key '${key}' for ${experimentId}; known keys: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
    if (key in raw) throw new ConfigError(`--set key '${key}' given twice`);
    // Strings stay strings when the schema wants a string (e.g. "1e3" as a name), otherwise read JSON.
    const want = p[key]!.type;
    raw[key] = want === 'string' || p[key]!.enum?.every((v) => typeof v === 'string') ? val : readValue(val);
  }
  return validateConfig(schema, raw, experimentId);
}

/** Validate a full or partial config object (also used when a run is resumed from config.json). */
export function validateConfig<S extends z.ZodObject>(
  schema: S,
  raw: Record<string, unknown>,
  experimentId: string,
): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const p = props(schema);
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new ConfigError(
      `unknown config key '${issue.keys[0]}' for ${experimentId}; known keys: ${Object.keys(p).join(', ')}`,
    );
  }
  const key = String(issue.path[0] ?? '');
  const allowed = p[key] ? describeAllowed(p[key]) : '';
  // JSON.stringify shows a non-finite number (a "1e400" read as Infinity) as null; say what it was.
  const v = raw[key];
  const got = !(key in raw)
    ? '(missing)'
    : typeof v === 'number' && !Number.isFinite(v)
      ? String(v)
      : JSON.stringify(v);
  const extra = issue.code === 'custom' ? `: ${issue.message}` : '';
  throw new ConfigError(`bad value for '${key}': ${got}${extra}; allowed: ${allowed}`);
}
