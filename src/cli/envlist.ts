/** Environments for `steered list`: importing the env modules registers them. */
import '../envs/index.js';
import '../envs/metarl/index.js';
import { registry } from '../envs/registry.js';

export function listEnvironments(): { id: string; description: string; maxEpisodeSteps: number | null }[] {
  return registry().map((r) => ({
    id: r.id,
    description: r.description,
    maxEpisodeSteps: r.maxEpisodeSteps ?? null,
  }));
}
