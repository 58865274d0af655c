/**
 * The steered data-file format, shared by world files (`*.world`) and steering configurations
 * (`*.steer`). Line-based on purpose: every error can name the file and the line, which a user editing
 * a world by hand needs more than nesting.
 *
 *   # comment (a line whose first non-blank character is #; also after a value: "key = v  # note")
 *   [kind name]          a section; name optional, e.g. [world], [object S], [room spider]
 *   key = value          a field of the current section
 *   layout:              a block field: the following lines (up to a blank line or the next section)
 *   #######              are its value, kept verbatim (so '#' is not a comment inside a block)
 *
 * Parsing is purely syntactic; the world and steering loaders give the fields meaning and report
 * semantic problems through `DataFileError` with the field's line.
 */

export class DataFileError extends Error {
  override name = 'DataFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

export interface Field {
  key: string;
  value: string;
  line: number;
  /** For block fields (`key:`), the verbatim lines and the line of each. */
  block?: { text: string; line: number }[];
}

export interface Section {
  kind: string;
  name: string | null;
  line: number;
  fields: Field[];
}

export interface DataFile {
  file: string;
  sections: Section[];
}

const SECTION = /^\[\s*([A-Za-z][\w-]*)(?:\s+([^\]\s]+))?\s*\]$/;
const FIELD = /^([A-Za-z][\w.-]*)\s*=\s*(.*)$/;
const BLOCK = /^([A-Za-z][\w.-]*)\s*:\s*$/;

function stripComment(s: string): string {
  const i = s.search(/\s#/);
  return (i >= 0 ? s.slice(0, i) : s).trim();
}

export function parseDataFile(text: string, file: string): DataFile {
  const lines = text.split(/\r?\n/);
  const sections: Section[] = [];
  let cur: Section | null = null;
  let block: Field | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const ln = i + 1;
    const t = raw.trim();
    if (block) {
      if (t === '' || SECTION.test(stripComment(t))) block = null;
      else {
        block.block!.push({ text: raw.replace(/\s+$/, ''), line: ln });
        continue;
      }
    }
    if (t === '' || t.startsWith('#')) continue;
    const s = SECTION.exec(stripComment(t));
    if (s) {
      cur = { kind: s[1]!, name: s[2] ?? null, line: ln, fields: [] };
      sections.push(cur);
      continue;
    }
    if (!cur)
      throw new DataFileError(
        file,
        ln,
        `'${t.slice(0, 40)}' is outside any section (start one with [kind name])`,
      );
    const b = BLOCK.exec(t);
    if (b) {
      block = { key: b[1]!, value: '', line: ln, block: [] };
      dupCheck(cur, block, file);
      cur.fields.push(block);
      continue;
    }
    const f = FIELD.exec(t);
    if (!f)
      throw new DataFileError(
        file,
        ln,
        `expected 'key = value', 'key:' or '[section]', got '${t.slice(0, 40)}'`,
      );
    const field: Field = { key: f[1]!, value: stripComment(f[2]!), line: ln };
    dupCheck(cur, field, file);
    cur.fields.push(field);
  }
  return { file, sections };
}

function dupCheck(sec: Section, f: Field, file: string): void {
  const prev = sec.fields.find((x) => x.key === f.key);
  if (prev)
    throw new DataFileError(
      file,
      f.line,
      `'${f.key}' given twice in [${sec.kind}${sec.name ? ` ${sec.name}` : ''}] (first on line ${prev.line})`,
    );
}

/** Typed access to one section's fields; every getter reports errors with the field's line. */
export class SectionReader {
  private readonly used = new Set<string>();
  constructor(
    readonly file: string,
    readonly section: Section,
  ) {}

  private label(): string {
    return `[${this.section.kind}${this.section.name ? ` ${this.section.name}` : ''}]`;
  }

  field(key: string): Field | undefined {
    this.used.add(key);
    return this.section.fields.find((f) => f.key === key);
  }

  fail(line: number, problem: string): never {
    throw new DataFileError(this.file, line, problem);
  }

  /** The error `fail` throws, for `throw r.error(…)` where control-flow narrowing needs a throw. */
  error(line: number, problem: string): DataFileError {
    return new DataFileError(this.file, line, problem);
  }

  string(key: string, dflt?: string): string {
    const f = this.field(key);
    if (!f) {
      if (dflt !== undefined) return dflt;
      this.fail(this.section.line, `${this.label()} needs '${key} = …'`);
    }
    if (f.block) this.fail(f.line, `'${key}' takes a value ('${key} = …'), not a block`);
    return f.value;
  }

  number(key: string, dflt?: number, range: [number, number] = [-Infinity, Infinity]): number {
    const f = this.field(key);
    if (!f) {
      if (dflt !== undefined) return dflt;
      this.fail(this.section.line, `${this.label()} needs '${key} = <number>'`);
    }
    const v = Number(f.value);
    if (f.value === '' || !Number.isFinite(v))
      this.fail(f.line, `'${key}' must be a number, got '${f.value}'`);
    if (v < range[0] || v > range[1])
      this.fail(f.line, `'${key}' must be in [${range[0]}, ${range[1]}], got ${v}`);
    return v;
  }

  int(key: string, dflt?: number, range: [number, number] = [-Infinity, Infinity]): number {
    const v = this.number(key, dflt, range);
    if (!Number.isInteger(v)) this.fail(this.field(key)!.line, `'${key}' must be an integer, got ${v}`);
    return v;
  }

  bool(key: string, dflt?: boolean): boolean {
    const f = this.field(key);
    if (!f) {
      if (dflt !== undefined) return dflt;
      this.fail(this.section.line, `${this.label()} needs '${key} = true|false'`);
    }
    if (f.value === 'true' || f.value === 'yes') return true;
    if (f.value === 'false' || f.value === 'no') return false;
    this.fail(f.line, `'${key}' must be true or false, got '${f.value}'`);
  }

  words(key: string, dflt?: string[]): string[] {
    const f = this.field(key);
    if (!f) {
      if (dflt !== undefined) return dflt;
      this.fail(this.section.line, `${this.label()} needs '${key} = word word …'`);
    }
    return f.value.split(/[\s,]+/).filter((w) => w !== '');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], dflt?: T): T {
    const v = this.string(key, dflt);
    if (!(allowed as readonly string[]).includes(v))
      this.fail(
        this.field(key)?.line ?? this.section.line,
        `'${key}' must be one of ${allowed.join('|')}, got '${v}'`,
      );
    return v as T;
  }

  block(key: string): { text: string; line: number }[] {
    const f = this.field(key);
    if (!f) this.fail(this.section.line, `${this.label()} needs a '${key}:' block`);
    if (!f.block) this.fail(f.line, `'${key}' is a block: write '${key}:' and the lines below it`);
    if (f.block.length === 0) this.fail(f.line, `'${key}:' block is empty`);
    return f.block;
  }

  /** Call after reading: any field nobody asked for is a typo worth an error. */
  done(): void {
    for (const f of this.section.fields) {
      if (!this.used.has(f.key)) this.fail(f.line, `unknown field '${f.key}' in ${this.label()}`);
    }
  }
}
