/** The experiment registry: every experiment `steered list` shows and `steered run` can start. */
import type { Experiment } from './experiment.js';
import { metarlExperiments } from './metarl/index.js';
import { brainExperiments } from './brain/index.js';
import { alignmentOracleExperiments } from './alignment/index.js';
import { conditioningExperiments } from './conditioning/index.js';
import { scenarioExperiments } from './scenarios/index.js';

export class UnknownExperimentError extends Error {
  override name = 'UnknownExperimentError';
}

const ALL: Experiment[] = [
  ...metarlExperiments,
  ...brainExperiments,
  ...alignmentOracleExperiments,
  ...conditioningExperiments,
  ...scenarioExperiments,
];

export function listExperiments(): readonly Experiment[] {
  return ALL;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

export function findExperiment(id: string): Experiment {
  const e = ALL.find((x) => x.id === id);
  if (e) return e;
  // Ids that contain or start like the typed one come first; then the nearest by edit distance.
  const score = (x: Experiment) =>
    (x.id.startsWith(id) || id.startsWith(x.id) ? -1000 : 0) + distance(id, x.id);
  const near = [...ALL]
    .sort((x, y) => score(x) - score(y))
    .slice(0, 3)
    .map((x) => x.id);
  throw new UnknownExperimentError(
    `unknown experiment '${id}'${near.length ? `; did you mean ${near.join(', ')}?` : ''} (steered list shows all)`,
  );
}
