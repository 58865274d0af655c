/**
 * What scenarios/search-vs-steered measures of one lifetime in a food world, the same for both
 * scenarios: nourishment against the oracle's, the tick at which the agent became competent, which food
 * it pursues, and whether an installed goal took.
 */
import { Rng } from '../../math/rng.js';
import {
  drawFood,
  type FoodDraw,
  type FoodFamily,
  lifetimeWorld,
  oracleAction,
} from '../../envs/gridworld/food-lifetimes.js';
import type { WorldSpec } from '../../envs/gridworld/spec.js';

/** A lifetime to live: the draw and the seed of its world (the agent's start cell). */
export interface FoodLife {
  draw: FoodDraw;
  worldSeed: number;
}

/** `n` lifetimes of `family` from the named stream of the run's seed: both scenarios meet the same ones. */
export function foodLives(seed: number, stream: string, n: number, family: FoodFamily): FoodLife[] {
  const rng = new Rng(seed).fork(stream);
  return Array.from({ length: n }, () => ({ draw: drawFood(rng, family), worldSeed: rng.nextU32() }));
}

/** The oracle's nourishing eats per tick over `ticks` (1 where it ate). */
export function oracleTrace(spec: WorldSpec, life: FoodLife, ticks: number): Uint8Array {
  const w = lifetimeWorld(spec, life.draw, life.worldSeed);
  const out = new Uint8Array(ticks);
  for (let t = 0; t < ticks; t++)
    out[t] = w.step(oracleAction(w, life.draw.nourishing)).info['ate'] === life.draw.nourishing ? 1 : 0;
  return out;
}

export function sum(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s;
}

/**
 * Competence that lasts: the lifetime is cut into blocks of `window` ticks, and the agent is competent
 * from the end of the first block after which every block — that one included — holds at least `share`
 * of the oracle's steady nourishment (its eats in its own last block). Returns that tick, or −1. (A best
 * window alone would credit a random walker with a lucky streak.)
 */
export function competenceTick(
  eats: ArrayLike<number>,
  oracle: ArrayLike<number>,
  window: number,
  share: number,
): number {
  const T = Math.min(eats.length, oracle.length);
  const blocks = Math.floor(T / window);
  if (blocks < 1) return -1;
  const need = share * sum(oracle, (blocks - 1) * window, blocks * window);
  if (need <= 0) return -1;
  let from = -1;
  for (let b = blocks - 1; b >= 0; b--) {
    if (sum(eats, b * window, (b + 1) * window) < need) break;
    from = b;
  }
  return from < 0 ? -1 : (from + 1) * window;
}

/** Share of the eats from tick `from` on that were of the nourishing food (NaN when nothing was eaten). */
export function goalShare(ate: readonly (string | null)[], nourishing: string, from: number): number {
  let n = 0,
    k = 0;
  for (let t = from; t < ate.length; t++) {
    if (ate[t] === null || ate[t] === undefined) continue;
    n++;
    if (ate[t] === nourishing) k++;
  }
  return n ? k / n : NaN;
}

/** An installed goal took when the named food was eaten, and more often than any other food. */
export function goalTook(ate: readonly (string | null)[], named: string): boolean {
  const count = new Map<string, number>();
  for (const a of ate) if (a) count.set(a, (count.get(a) ?? 0) + 1);
  const mine = count.get(named) ?? 0;
  return mine > 0 && [...count.entries()].every(([k, v]) => k === named || v < mine);
}

/** The foods of a lifetime's room other than the nourishing one (the overseer's candidates for a new goal). */
export function otherFoods(spec: WorldSpec, life: FoodLife, family: FoodFamily): string[] {
  const room = spec.rooms.get(life.draw.room)!;
  const names = room.objects.map((o) => spec.objects.get(o.char)!.name);
  return family.foods.filter((f) => f !== life.draw.nourishing && names.includes(f));
}
