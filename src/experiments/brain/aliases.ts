/**
 * The concept-valued brain of the alignment lab was called `steered` until 0.2.0, the package's own
 * name. It is `concept` now; for one minor version the old name still works (CHANGELOG: Deprecated):
 * every metric key with a `concept` segment is also emitted with `steered` in its place (documented as
 * a deprecated alias), and `--set steered=FILE` still names that brain's steering file, with a note.
 */
import type { Metrics } from '../experiment.js';

/** The brain's name in metric and `--set` keys, and its deprecated old one. */
export const CONCEPT = 'concept';
export const OLD_CONCEPT = 'steered';
/** The version the old name goes away in. */
export const ALIAS_REMOVED_IN = '0.3.0';

/** `key` with every `from` segment (between dots) replaced by `to`, or null when it has none. */
function swapSegment(key: string, from: string, to: string): string | null {
  const parts = key.split('.');
  return parts.includes(from) ? parts.map((p) => (p === from ? to : p)).join('.') : null;
}

/** The metrics, then each `concept` key's value again under its old name (after all the others). */
export function withConceptAliases(m: Metrics): Metrics {
  const out: Metrics = { ...m };
  for (const [k, v] of Object.entries(m)) {
    const old = swapSegment(k, CONCEPT, OLD_CONCEPT);
    if (old !== null) out[old] = v;
  }
  return out;
}

/**
 * Metric documentation plus its deprecated aliases: a `concept` key's old name, and for a pattern over
 * the brains (`<agent>`), the old name of its concept instance.
 */
export function withConceptAliasDocs(docs: Record<string, string>): Record<string, string> {
  const out = { ...docs };
  for (const k of Object.keys(docs)) {
    const now = swapSegment(k, CONCEPT, CONCEPT) ?? swapSegment(k, '<agent>', CONCEPT);
    const old = now === null ? null : swapSegment(now, CONCEPT, OLD_CONCEPT);
    if (now !== null && old !== null) out[old] = `deprecated alias of ${now}, removed in ${ALIAS_REMOVED_IN}`;
  }
  return out;
}

/** The one-line note for a run that names the concept brain's steering file with the old key. */
export const OLD_CONCEPT_KEY_NOTE = `warning: --set ${OLD_CONCEPT}=FILE is deprecated and removed in ${ALIAS_REMOVED_IN}; use --set ${CONCEPT}=FILE (the concept-valued brain's steering file)`;
