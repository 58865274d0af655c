/**
 * The common path for building a brain: a world file and a steering file (text, or a name the caller's
 * `readText` resolves), a learner config (defaults, overridden key by key; unknown keys throw) and a seed.
 */
import type { Agent } from '../brain/agent.js';
import { buildAgent } from '../brain/build.js';
import { type LearnerConfig, learnerConfig } from '../brain/learning/config.js';

/** A data file given by its text, or by a path/name that `readText` resolves. */
export type Source = string | { text: string; file: string };

export interface BrainOptions {
  /** World file (`*.world`): its text and name, or a path/bundled name (e.g. 'spiders'). */
  world: Source;
  /** Steering file (`*.steer`); default: the bundled 'default'. */
  steering?: Source;
  /** Root seed of the lifetime (default 0). */
  seed?: number;
  /** Learner settings over the defaults, block by block (e.g. `{ planner: { horizon: 8 } }`). */
  learner?: { [K in keyof LearnerConfig]?: Partial<LearnerConfig[K]> };
  /** Room of the world to start in (default: the world's first room). */
  room?: string;
  /** Resolves a path or bundled name to its text (the Node entry point reads the package's data/). */
  readText?: (path: string) => string;
}

/** Map a bundled short name to its file: 'spiders' → 'data/worlds/spiders.world'. */
export function bundledPath(kind: 'world' | 'steer', name: string): string {
  if (name.includes('/') || name.includes('.')) return name;
  return kind === 'world' ? `data/worlds/${name}.world` : `data/steering/${name}.steer`;
}

function resolveSource(kind: 'world' | 'steer', s: Source, readText?: (p: string) => string) {
  if (typeof s !== 'string') return s;
  if (!readText) throw new Error(`'${s}' is a name, but no readText was given to resolve it`);
  const file = bundledPath(kind, s);
  return { text: readText(file), file };
}

/** A newborn brain in its world, ready to `tick()`. */
export function createBrain(o: BrainOptions): Agent {
  const world = resolveSource('world', o.world, o.readText);
  const steering = resolveSource('steer', o.steering ?? 'default', o.readText);
  return buildAgent({ world, steering }, learnerConfig(o.learner), o.seed ?? 0, o.room);
}
