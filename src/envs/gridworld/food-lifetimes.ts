/**
 * Food lifetimes: a task family on the brain gridworld in which the food worth eating changes between
 * lifetimes (scenarios/search-vs-steered; data/worlds/food-lifetimes.world). Every draw picks a layout
 * and the one food kind that nourishes; the others keep their look and are still eaten, but taste
 * bland. The same draw is a brain's world (`lifetimeWorld`) and, wrapped by `FoodLifetimes`, an
 * episode of a meta-RL task (observation = the brain learner's observation + previous action one-hot
 * + previous reward), so both scenarios meet the same worlds.
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../core.js';
import { Box, Discrete } from '../spaces.js';
import { Rng } from '../../math/rng.js';
import type { WorldSpec } from './spec.js';
import { GridWorld } from './world.js';

/** Which layouts and foods a family draws from. */
export interface FoodFamily {
  rooms: readonly string[];
  foods: readonly string[];
}

/** The task family of data/worlds/food-lifetimes.world and its out-of-distribution draw. */
export const FOOD_FAMILY: FoodFamily = { rooms: ['a', 'b', 'c'], foods: ['berry', 'pear', 'mushroom'] };
export const NOVEL_FOOD: FoodFamily = { rooms: ['novel'], foods: ['fig'] };

/** One lifetime's world: where, and which food nourishes. */
export interface FoodDraw {
  room: string;
  nourishing: string;
}

/** Taste given to a food that does not nourish in a lifetime. */
export const BLAND = 'bland';

export function drawFood(rng: Rng, family: FoodFamily): FoodDraw {
  return {
    room: family.rooms[rng.int(family.rooms.length)]!,
    nourishing: family.foods[rng.int(family.foods.length)]!,
  };
}

/** Check a family against a world: every room and food exists, foods are edible, a bland taste is declared. */
export function checkFamily(spec: WorldSpec, family: FoodFamily): void {
  const names = new Set([...spec.objects.values()].map((d) => d.name));
  for (const r of family.rooms)
    if (!spec.rooms.has(r)) throw new RangeError(`${spec.file}: no room '${r}' for the food family`);
  for (const f of family.foods) {
    if (!names.has(f)) throw new RangeError(`${spec.file}: no object '${f}' for the food family`);
    if (![...spec.objects.values()].find((d) => d.name === f)!.taste)
      throw new RangeError(`${spec.file}: food '${f}' has no taste (it cannot be eaten)`);
  }
  if (!spec.tastes.includes(BLAND))
    throw new RangeError(
      `${spec.file}: [world] tastes must declare '${BLAND}' (what a food that does not nourish tastes of)`,
    );
}

/** A copy of `spec` in which `nourishing` keeps its taste and every other edible object tastes bland. */
export function withNourishing(spec: WorldSpec, nourishing: string): WorldSpec {
  const objects = new Map(spec.objects);
  for (const [ch, d] of spec.objects)
    if (d.taste && d.name !== nourishing)
      objects.set(ch, { ...d, taste: { kind: BLAND, amount: d.taste.amount } });
  return { ...spec, objects };
}

/** A fresh gridworld for one draw, the agent on a free cell drawn from `seed`. */
export function lifetimeWorld(spec: WorldSpec, draw: FoodDraw, seed: number): GridWorld {
  const w = new GridWorld(withNourishing(spec, draw.nourishing), draw.room);
  w.reset({ seed, options: { room: draw.room } });
  return w;
}

/**
 * The oracle's nourishment over `ticks`: it knows which food nourishes, walks the shortest way to it and
 * stands on its cell, eating it each time it grows back. Regret is measured against it.
 */
export function oracleEats(spec: WorldSpec, draw: FoodDraw, seed: number, ticks: number): number {
  const w = lifetimeWorld(spec, draw, seed);
  let eats = 0;
  for (let t = 0; t < ticks; t++) {
    const r = w.step(oracleAction(w, draw.nourishing));
    if (r.info['ate'] === draw.nourishing) eats++;
  }
  return eats;
}

/** First move of a shortest path (breadth-first, walls only) to the nearest `food`, or stay. */
export function oracleAction(w: GridWorld, food: string): number {
  const targets = w.find(food);
  if (!targets.length) return 0;
  const W = w.spec.width,
    H = w.spec.height;
  const { x: ax, y: ay } = w.agent;
  if (targets.some((o) => o.x === ax && o.y === ay)) return 0;
  const first = new Int8Array(W * H).fill(-1);
  const q: number[] = [ay * W + ax];
  first[ay * W + ax] = 0;
  const DX = [0, 0, 0, -1, 1],
    DY = [0, -1, 1, 0, 0];
  for (let qi = 0; qi < q.length; qi++) {
    const c = q[qi]!,
      x = c % W,
      y = (c - x) / W;
    for (let a = 1; a <= 4; a++) {
      const nx = x + DX[a]!,
        ny = y + DY[a]!;
      if (w.isWall(nx, ny) || first[ny * W + nx]! >= 0) continue;
      first[ny * W + nx] = qi === 0 ? a : first[c]!;
      if (targets.some((o) => o.x === nx && o.y === ny)) return first[ny * W + nx]!;
      q.push(ny * W + nx);
    }
  }
  return 0;
}

/**
 * The family as a meta-RL environment: each reset draws a lifetime from its seed; reward 1 per
 * nourishing food eaten (what the default steering's sweet reaction pays); `steps` steps per episode.
 */
export class FoodLifetimes implements Env<Float32Array, number> {
  readonly observationSpace: Box<'f32'>;
  readonly actionSpace = new Discrete(5);
  readonly obsDim: number;
  private readonly specs = new Map<string, WorldSpec>();
  private w: GridWorld | null = null;
  private t = 0;
  private drawn: FoodDraw | null = null;
  private readonly gridDim: number;
  private rng = new Rng(0x666f6f64);

  constructor(
    spec: WorldSpec,
    private readonly family: FoodFamily,
    readonly steps: number,
  ) {
    checkFamily(spec, family);
    for (const f of family.foods) this.specs.set(f, withNourishing(spec, f));
    this.gridDim = new GridWorld(spec, family.rooms[0]).obsLayout.dim;
    this.obsDim = this.gridDim + 5 + 1;
    this.observationSpace = new Box(0, 1, [this.obsDim], 'f32');
  }

  /** The current lifetime's world (experiments read positions and objects; the agent reads only observations). */
  get world(): GridWorld {
    if (!this.w) throw new Error('FoodLifetimes: reset() first');
    return this.w;
  }
  get draw(): FoodDraw {
    if (!this.drawn) throw new Error('FoodLifetimes: reset() first');
    return this.drawn;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    const rng = this.rng;
    const o = (opts.options ?? {}) as { draw?: FoodDraw; worldSeed?: number };
    // A given draw (an experiment replaying the same lifetime in two scenarios) skips the random one.
    const draw = o.draw ?? drawFood(rng, this.family);
    if (!this.specs.has(draw.nourishing))
      throw new RangeError(
        `FoodLifetimes: '${draw.nourishing}' is not a food of this family (${this.family.foods.join(', ')})`,
      );
    this.drawn = draw;
    this.w = new GridWorld(this.specs.get(draw.nourishing)!, draw.room);
    const r = this.w.reset({ seed: o.worldSeed ?? rng.nextU32(), options: { room: draw.room } });
    this.t = 0;
    return { observation: this.obs(r.observation, -1, 0), info: { ...draw } };
  }

  step(action: number): StepResult<Float32Array> {
    const r = this.world.step(action);
    this.t++;
    const ate = r.info['ate'] as string | null;
    const reward = ate !== null && ate === this.draw.nourishing ? 1 : 0;
    const info: Info = { ate, nourishing: this.draw.nourishing, room: this.draw.room };
    return {
      observation: this.obs(r.observation, action, reward),
      reward,
      terminated: this.t >= this.steps,
      truncated: false,
      info,
    };
  }

  private obs(grid: Float32Array, action: number, reward: number): Float32Array {
    const o = new Float32Array(this.obsDim);
    o.set(grid);
    if (action >= 0) o[this.gridDim + action] = 1;
    o[this.gridDim + 5] = reward;
    return o;
  }
}
