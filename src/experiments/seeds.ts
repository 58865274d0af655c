/**
 * Named seeds of the experiments' fixed random streams. Most randomness forks from the run's root Rng
 * by name (docs/architecture.md §4); these are the exceptions, streams that must not depend on the run's
 * seed or on what was drawn before them: the worlds of a probe's trials (trial i of a probe resets its
 * world with the stream's base + i, so every lifetime and every agent is tested on the same starts) and
 * the classical baselines that give a meta-RL experiment its reference numbers. The values are the ones
 * the published measurements were made with; changing one changes the numbers.
 */
export const SEED_STREAMS = {
  /** brain/new-food: the reach probe's trials, before and after the tasting. */
  newFoodReach: 5000,
  /** brain/goal-injection: the reach probe's trials, before and after the injection. */
  goalInjectionReach: 7000,
  /** brain/name-a-goal: the reach probe's trials, before and after each naming. */
  nameAGoalReach: 23000,
  /** brain/valence-bleeding: the approach trials in the field and the corrective encounters. */
  valenceBleedingTest: 25000,
  /** brain/cortical-override: the approach and fear trials beside the snake. */
  corticalOverrideTest: 27000,
  /** brain/devaluation: the extinction and consumption trials. */
  devaluationTest: 29000,
  /** brain/wirehead: the test trials near the lever. */
  wireheadTest: 11000,
  /** brain/drug-room: the test trials on the haze's row. */
  drugRoomTest: 13000,
  /** brain/goal-preservation: the test trials on the tile's row, and the forced-entry check's trials. */
  goalPreservationTest: 31000,
  /** brain/goal-preservation: the neighbour's demonstration days (its starts and its lingering steps). */
  goalPreservationDemo: 33000,
  /** brain/coin-end: the test days with the coin away from the end. */
  coinTest: 17000,
  /** brain/coin-end: the concept grid, one world per coin column. */
  coinGrid: 18000,
  /** brain/coin-end: the frozen-weight days with the coin at the end. */
  coinFrozen: 19000,
  /** Every brain experiment: where the world-model probe's stretches begin (stretch i resets with base + i). */
  worldModelProbe: 21000,
  /** meta-RL bandits: the classical baselines' evaluation episodes (Thompson sampling, UCB1, …). */
  banditBaselines: 12345,
  /** meta-RL two-step task: the model-free and model-based reference learners. */
  twoStepBaselines: 7,
} as const;

export type SeedStream = keyof typeof SEED_STREAMS;

/** Member `i` of a stream: the world seed of trial i (the stream's base for i = 0). */
export function streamSeed(stream: SeedStream, i = 0): number {
  return SEED_STREAMS[stream] + i;
}

/** A prime stride, so that consecutive trials pick start cells spread over the list, not neighbours. */
export const SPREAD_STRIDE = 7919;

/** Which of `n` candidates (start cells) trial `i` uses: i·7919 mod n. */
export function spreadPick<T>(candidates: readonly T[], i: number): T | undefined {
  return candidates[(i * SPREAD_STRIDE) % candidates.length];
}
