/**
 * The recipe table of scripts/train-shipped.sh (its `declare -A CMD=( … )` block), read as data: the one
 * source of truth for how each shipped checkpoint was trained. bench/shipped.ts times the recipes;
 * test/shipped-recipes.test.ts checks that each one still resolves to the configuration its checkpoint
 * records. A change of the table's format is an error naming the line, never a silent skip.
 */
import { readFileSync } from 'node:fs';

export const SHIPPED_SCRIPT = 'scripts/train-shipped.sh';

/** target: the script's key (`metarl/<id>` or `metarl/<id>@<variant>`); id: the experiment. */
export interface ShippedRecipe {
  target: string;
  id: string;
  /** The checkpoint's name under checkpoints/ without `.ckpt` (`metarl/<id>` or `metarl/<id>-<variant>`). */
  dest: string;
  seed: number;
  sets: string[];
}

/** Parses the script's text; throws an Error naming the line on anything it does not understand. */
export function parseShippedRecipes(text: string, file = SHIPPED_SCRIPT): ShippedRecipe[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*declare -A CMD=\(\s*$/.test(l));
  if (start < 0) throw new Error(`${file}: no 'declare -A CMD=(' line; the recipe table's format changed`);
  const recipes: ShippedRecipe[] = [];
  for (let i = start + 1; ; i++) {
    if (i >= lines.length)
      throw new Error(`${file}: the CMD=( table is not closed by a ')' line; the format changed`);
    const line = lines[i]!;
    if (/^\s*\)\s*$/.test(line)) break;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^\s*\[(metarl\/[A-Za-z0-9_-]+)(@[A-Za-z0-9_-]+)?\]="([^"$`\\]*)"\s*$/.exec(line);
    if (!m)
      throw new Error(
        `${file}:${i + 1}: expected '  [metarl/<id>[@variant]]="--seed N --set key=value …"', got '${line.trim()}'`,
      );
    const [, id, variant, argText] = m as unknown as [string, string, string | undefined, string];
    const target = id + (variant ?? '');
    const tok = argText.trim().split(/\s+/).filter(Boolean);
    let seed: number | null = null;
    const sets: string[] = [];
    for (let k = 0; k < tok.length; k += 2) {
      const flag = tok[k]!,
        val = tok[k + 1];
      if (val === undefined) throw new Error(`${file}:${i + 1}: '${flag}' without a value in ${id}'s recipe`);
      if (flag === '--seed' && /^\d+$/.test(val)) seed = Number(val);
      else if (flag === '--set' && /^[A-Za-z_]\w*=\S+$/.test(val)) sets.push(val);
      else
        throw new Error(
          `${file}:${i + 1}: unexpected '${flag} ${val}' in ${id}'s recipe (only --seed N and --set key=value are understood)`,
        );
    }
    if (seed === null) throw new Error(`${file}:${i + 1}: ${id}'s recipe has no --seed`);
    if (recipes.some((r) => r.target === target)) throw new Error(`${file}:${i + 1}: ${target} listed twice`);
    const dest = variant ? `${id}-${variant.slice(1)}` : id;
    recipes.push({ target, id, dest, seed, sets });
  }
  if (recipes.length === 0) throw new Error(`${file}: the CMD=( table holds no recipes`);
  return recipes;
}

/** Reads and parses the script under the package root. */
export function readShippedRecipes(root: string): ShippedRecipe[] {
  let text: string;
  try {
    text = readFileSync(`${root}/${SHIPPED_SCRIPT}`, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${SHIPPED_SCRIPT}: ${(e as Error).message}`);
  }
  return parseShippedRecipes(text);
}
