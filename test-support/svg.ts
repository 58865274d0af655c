/** Checks on SVG text shared by the figure tests. */

/** Attributes whose value holds a number or a list of numbers: where a NaN would blank a figure. */
const COORDINATE_ATTRS = new Set([
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'width',
  'height',
  'points',
  'transform',
  'viewBox',
]);

/** Every coordinate attribute that holds "NaN" or "Infinity", as `name="value"` strings (empty: none). */
export function nonFiniteCoordinates(svg: string): string[] {
  const bad: string[] = [];
  for (const m of svg.matchAll(/\s([A-Za-z][\w-]*)="([^"]*)"/g)) {
    if (COORDINATE_ATTRS.has(m[1]!) && /NaN|Infinity/.test(m[2]!)) bad.push(`${m[1]}="${m[2]}"`);
  }
  return bad;
}
