/**
 * The shape of recorded env steps the analyses read. evaluateBaseline's StepRecord satisfies it, and so
 * can any frozen-network evaluation loop, which is why the analyses take this rather than a policy.
 */
import type { Info } from '../../envs/core.js';

export interface StepLike {
  episode: number;
  action: number;
  reward: number;
  info: Info;
}

/** Groups a step stream by episode, in order of first appearance. */
export function groupByEpisode<S extends { episode: number }>(steps: Iterable<S>): S[][] {
  const out: S[][] = [];
  const index = new Map<number, number>();
  for (const s of steps) {
    let k = index.get(s.episode);
    if (k === undefined) {
      k = out.length;
      index.set(s.episode, k);
      out.push([]);
    }
    out[k]!.push(s);
  }
  return out;
}

/**
 * Records every step it is handed; pass `recorder.observe` as evaluateBaseline's observer and read
 * `steps` afterwards. Info objects are kept by reference (the envs build a fresh one per step).
 */
export class StepRecorder<S extends StepLike = StepLike> {
  readonly steps: S[] = [];
  observe = (rec: S): void => {
    this.steps.push(rec);
  };
  episodes(): S[][] {
    return groupByEpisode(this.steps);
  }
}
