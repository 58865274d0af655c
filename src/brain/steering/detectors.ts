/**
 * Innate detectors: small hand-written functions of the coarse channel the world supplies. They know
 * nothing the learner knows — a scuttle detector fires for a small dark blob that moved, whatever it
 * is, and stays silent for a still spider or a picture of one. Learned anticipation has to come from
 * the learner.
 */
import type { Blob, CoarseChannel } from '../senses.js';

export type DetectorSpec =
  /** max over blobs with all `flags` (and the motion condition) of proximity 1 − dist/(radius+1). */
  | { name: string; kind: 'blob'; flags: string[]; moving: 'yes' | 'no' | 'any'; radius: number }
  | { name: string; kind: 'taste'; taste: string }
  | { name: string; kind: 'pain' }
  | { name: string; kind: 'touch' }
  /** 1 when the room carries the tag (e.g. 'enclosed' for a safe room). */
  | { name: string; kind: 'room'; tag: string };

export const DETECTOR_KINDS = ['blob', 'taste', 'pain', 'touch', 'room'] as const;

function blobMatches(d: Extract<DetectorSpec, { kind: 'blob' }>, b: Blob): boolean {
  if (b.dist > d.radius) return false;
  if (d.moving === 'yes' && !b.moving) return false;
  if (d.moving === 'no' && b.moving) return false;
  for (const f of d.flags) if (!b.flags.includes(f)) return false;
  return true;
}

export function detect(d: DetectorSpec, ch: CoarseChannel): number {
  switch (d.kind) {
    case 'blob': {
      let best = 0;
      for (const b of ch.blobs) if (blobMatches(d, b)) best = Math.max(best, 1 - b.dist / (d.radius + 1));
      return best;
    }
    case 'taste':
      return ch.taste[d.taste] ?? 0;
    case 'pain':
      return ch.pain;
    case 'touch':
      return ch.touch > 0 ? 1 : 0;
    case 'room':
      return ch.room.includes(d.tag) ? 1 : 0;
  }
}

/** The nearest blob a blob detector fires for (a reflex flees from it), or null. */
export function triggeringBlob(d: DetectorSpec, ch: CoarseChannel): Blob | null {
  if (d.kind !== 'blob') return null;
  let best: Blob | null = null;
  for (const b of ch.blobs) if (blobMatches(d, b) && (!best || b.dist < best.dist)) best = b;
  return best;
}
