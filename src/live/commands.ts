/**
 * What an overseer can do to a live lifetime, as plain data. A command is applied at the next tick
 * boundary and recorded with the tick it applied at and who sent it, so the same seed and the same
 * command log give the same lifetime again (replay).
 *
 * Commands that change the simulation: reward, goal, name, switch, place, seize, stop. Commands that only
 * change the pace: pause, resume, step, speed. Checkpoint saves and changes nothing.
 */
import { z } from 'zod';

/** Switches an overseer may flip: the agent's modes and the plasticity of its two subsystems. */
export const LIVE_SWITCHES = ['learning', 'rewiring', 'planning', 'remember', 'empathize', 'frozen'] as const;
export type LiveSwitch = (typeof LIVE_SWITCHES)[number];

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
const cell = z.number().int().min(0).max(1000);

export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  z.object({ type: z.literal('step'), n: z.number().int().min(1).max(1_000_000).default(1) }).strict(),
  z
    .object({
      type: z.literal('speed'),
      /** Ticks per second; 0 = as fast as the machine goes. */
      ticksPerSecond: z.number().min(0).max(1_000_000),
    })
    .strict(),
  z.object({ type: z.literal('reward'), value: z.number().min(-10).max(10) }).strict(),
  z
    .object({
      type: z.literal('goal'),
      /** The object whose concept the overseer fits and injects (or removes, with `remove`). */
      object: name,
      weight: z.number().min(0).max(100).default(3),
      remove: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal('name'),
      /** The object the overseer names by showing it (brain/name-a-goal); the goal is removed like any other. */
      object: name,
      weight: z.number().min(0).max(100).default(3),
    })
    .strict(),
  z.object({ type: z.literal('switch'), name: z.enum(LIVE_SWITCHES), on: z.boolean() }).strict(),
  z
    .object({
      type: z.literal('place'),
      object: name,
      /** Where to put it; both absent with `remove: true` takes every such object away. */
      x: cell.optional(),
      y: cell.optional(),
      remove: z.boolean().default(false),
    })
    .strict()
    .refine((c) => c.remove || (c.x !== undefined && c.y !== undefined), 'place needs x and y'),
  z
    .object({
      type: z.literal('seize'),
      /** The reward every tick while seized (the wirehead lever by hand); null repairs the wire. */
      value: z.number().min(-10).max(10).nullable(),
    })
    .strict(),
  z.object({ type: z.literal('checkpoint') }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
]);

export type Command = z.output<typeof commandSchema>;
export type CommandType = Command['type'];
export const COMMAND_TYPES: readonly CommandType[] = [
  'pause',
  'resume',
  'step',
  'speed',
  'reward',
  'goal',
  'name',
  'switch',
  'place',
  'seize',
  'checkpoint',
  'stop',
];

/** Commands that change what the lifetime computes (the rest change only its pace or save it). */
export const SIMULATION_COMMANDS: ReadonlySet<CommandType> = new Set([
  'reward',
  'goal',
  'name',
  'switch',
  'place',
  'seize',
  'stop',
]);

/** One applied command, as the run's command log keeps it (one JSON object per line). */
export interface CommandRecord {
  /** Ticks lived when it applied: it acted before tick `tick + 1`. */
  tick: number;
  /** Who sent it: 'page', 'api', 'script', … */
  source: string;
  command: Command;
}

export class CommandError extends Error {
  override name = 'CommandError';
}

/** A command from untrusted JSON, or a one-line CommandError naming what is wrong. */
export function parseCommand(body: unknown): Command {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new CommandError('a command is a JSON object with a "type"');
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string' || !(COMMAND_TYPES as readonly string[]).includes(type))
    throw new CommandError(
      `unknown command type ${JSON.stringify(type)} (one of ${COMMAND_TYPES.join(', ')})`,
    );
  const r = commandSchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = i.path.length ? `${i.path.join('.')}: ` : '';
    throw new CommandError(`${type}: ${where}${i.message}`);
  }
  return r.data;
}
