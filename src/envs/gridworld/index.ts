/**
 * Gridworlds for the brain experiments: a world file (spec.ts) run by the engine (world.ts). Importing
 * this module registers `grid/World-v0` with kwargs {source, file, room}: the world file's text and a
 * name for error messages (the core reads no files; the edge passes the text in).
 */
import { z } from 'zod';
import { register } from '../registry.js';
import { parseWorld } from './spec.js';
import { GridWorld } from './world.js';
import { FOOD_FAMILY, FoodLifetimes, NOVEL_FOOD } from './food-lifetimes.js';

export * from '../../format/datafile.js';
export * from './spec.js';
export * from './world.js';
export * from './food-lifetimes.js';

register({
  id: 'grid/World-v0',
  entryPoint: (o: { source: string; file: string; room?: string }) =>
    new GridWorld(parseWorld(o.source, o.file), o.room),
  description:
    'gridworld from a world file (kwargs: source = the file text, file = its name, room); reward 0, the brain rewards itself',
  kwargsSchema: z
    .object({ source: z.string(), file: z.string().default('<world>'), room: z.string().optional() })
    .strict(),
});

register({
  id: 'grid/FoodLifetimes-v0',
  entryPoint: (o: { source: string; file: string; steps: number; novel: boolean }) =>
    new FoodLifetimes(parseWorld(o.source, o.file), o.novel ? NOVEL_FOOD : FOOD_FAMILY, o.steps),
  description:
    'food lifetimes (scenarios/search-vs-steered): each reset draws a layout and the one food that nourishes; reward 1 per nourishing food; kwargs: source = data/worlds/food-lifetimes.world text, file, steps, novel (the out-of-distribution draw)',
  kwargsSchema: z
    .object({
      source: z.string(),
      file: z.string().default('<world>'),
      steps: z.number().int().min(1).default(150),
      novel: z.boolean().default(false),
    })
    .strict(),
});
