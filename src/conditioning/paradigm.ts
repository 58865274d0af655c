/**
 * A classical-conditioning paradigm as data (format `steered.paradigm` 1): groups of subjects, each a
 * schedule of phases and trials (after emer/axon's Run → Condition → Block tables and the CCNLab
 * benchmark's `seq/trial/sample` notation), plus the published figure it is judged by (points with
 * their data, and the ordinal checks the phenomenon is defined by). The line-based syntax is steered's
 * data-file syntax, so every mistake is reported with its file and line.
 *
 *   [paradigm overshadowing-blocking]
 *   format = steered.paradigm 1
 *   title = Overshadowing and forward blocking
 *   citation = Holland & Fox (2003)
 *   preparation = appetitive
 *   measure = percent
 *
 *   [group forward-blocking]
 *   schedule:
 *     train 20 B+
 *     train 20 AB+
 *     test 1 A
 *
 *   [figure]
 *   points:
 *     forward-blocking test A 12
 *   checks:
 *     forward-blocking.0 < overshadowing.0 < control.0
 *
 * docs/conditioning.md is the reference for users; this file is the reference for the grammar.
 */
import { DataFileError, parseDataFile, SectionReader } from '../format/datafile.js';

export const PARADIGM_FORMAT = 'steered.paradigm';
export const PARADIGM_VERSION = 1;

/** One presentation: the cues shown together, the context, and the US magnitude (0 = none). */
export interface TrialSpec {
  /** Cue letters in the order written, e.g. ['A', 'X']. */
  readonly cues: readonly string[];
  readonly context: string;
  readonly us: number;
  /** True for a test presentation (no outcome written): no US, and the models' learning still runs. */
  readonly test: boolean;
}

/** A trial slot: one trial, or weighted alternatives drawn per presentation. */
export type TrialSlot =
  | { readonly kind: 'fixed'; readonly trial: TrialSpec }
  | { readonly kind: 'sample'; readonly options: readonly { trial: TrialSpec; weight: number }[] };

export interface Block {
  readonly phase: string;
  readonly repeat: number;
  readonly slots: readonly TrialSlot[];
  /** True when the block's REPEAT × slots presentations come in a fresh random order for each subject. */
  readonly shuffled: boolean;
  readonly line: number;
}

export interface Group {
  readonly name: string;
  readonly blocks: readonly Block[];
}

/** A plotted point: mean response to exactly `cues` over trials [from, to] of `phase` in `group`. */
export interface Point {
  readonly group: string;
  readonly phase: string;
  /** 1-based, inclusive; null = every trial of the phase. */
  readonly from: number | null;
  readonly to: number | null;
  /** Sorted cue letters. */
  readonly cues: readonly string[];
  /** The published value, or null where the figure has none. */
  readonly data: number | null;
  /** Index among the group's points (the k of `response.<group>.<k>`). */
  readonly k: number;
}

export interface Term {
  readonly group: string;
  readonly k: number;
  readonly offset: number;
}

export type Op = '<' | '<=' | '>' | '>=';

export interface Check {
  readonly text: string;
  readonly terms: readonly Term[];
  /** ops[i] relates terms[i] and terms[i + 1]. */
  readonly ops: readonly Op[];
}

export type Measure = 'percent' | 'suppression' | 'score';

export interface Paradigm {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly about: string;
  readonly citation: string;
  readonly digitised: string;
  readonly preparation: 'appetitive' | 'aversive';
  readonly measure: Measure;
  /** +1 when higher published values mean more conditioning, −1 when lower do. */
  readonly direction: 1 | -1;
  readonly ylabel: string;
  readonly groups: readonly Group[];
  readonly points: readonly Point[];
  readonly checks: readonly Check[];
  /** Every cue letter used, sorted. */
  readonly cues: readonly string[];
  /** Every context used, sorted. */
  readonly contexts: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const TRIAL = /^([A-Z]*)([+#-]?)(?:@([a-z][a-z0-9-]*))?$/;
const MAX_TRIALS_PER_GROUP = 100_000;

function parseTrial(token: string, file: string, line: number): TrialSpec {
  const m = TRIAL.exec(token);
  if (!m)
    throw new DataFileError(
      file,
      line,
      `bad trial '${token}' (expected cue letters, then +, # or - or nothing, then optionally @context; e.g. AB+@k2)`,
    );
  const cues = [...m[1]!];
  if (new Set(cues).size !== cues.length)
    throw new DataFileError(file, line, `trial '${token}' names a cue twice`);
  const out = m[2]!;
  if (cues.length === 0 && out === '')
    throw new DataFileError(
      file,
      line,
      `trial '${token}' is empty (write - for a trial with no cue and no US)`,
    );
  return {
    cues,
    context: m[3] ?? 'k1',
    us: out === '+' ? 1 : out === '#' ? 2 : 0,
    test: out === '',
  };
}

function parseSlot(token: string, file: string, line: number): TrialSlot {
  if (!token.includes('|')) return { kind: 'fixed', trial: parseTrial(token, file, line) };
  const options = token.split('|').map((alt) => {
    const [t, w, extra] = alt.split(':');
    if (t === undefined || w === undefined || extra !== undefined)
      throw new DataFileError(
        file,
        line,
        `alternative '${alt}' in '${token}' needs a weight (e.g. A+:0.5|A-:0.5)`,
      );
    const weight = Number(w);
    if (!(weight > 0) || !Number.isFinite(weight))
      throw new DataFileError(file, line, `weight '${w}' in '${token}' must be a positive number`);
    return { trial: parseTrial(t, file, line), weight };
  });
  return { kind: 'sample', options };
}

function parseTerm(s: string, file: string, line: number): Term {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\.(\d+)\s*(?:([+-])\s*(\d*\.?\d+))?$/.exec(s.trim());
  if (!m)
    throw new DataFileError(
      file,
      line,
      `bad term '${s.trim()}' in a check (expected GROUP.k, optionally + c or - c)`,
    );
  const c = m[4] === undefined ? 0 : Number(m[4]) * (m[3] === '-' ? -1 : 1);
  return { group: m[1]!, k: Number(m[2]), offset: c };
}

function parseCheck(text: string, file: string, line: number): Check {
  const parts = text.split(/(<=|>=|<|>)/);
  if (parts.length < 3)
    throw new DataFileError(file, line, `check '${text}' needs at least two terms joined by <, <=, > or >=`);
  const terms: Term[] = [];
  const ops: Op[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) terms.push(parseTerm(parts[i]!, file, line));
    else ops.push(parts[i] as Op);
  }
  return { text: text.trim(), terms, ops };
}

/** Parse and validate a paradigm file; every problem is a DataFileError naming the file and line. */
export function parseParadigm(text: string, file: string): Paradigm {
  const df = parseDataFile(text, file);
  const known = ['paradigm', 'group', 'figure'];
  for (const s of df.sections)
    if (!known.includes(s.kind))
      throw new DataFileError(file, s.line, `unknown section [${s.kind}] (allowed: ${known.join(', ')})`);
  const tops = df.sections.filter((s) => s.kind === 'paradigm');
  if (tops.length === 0) throw new DataFileError(file, 1, 'no [paradigm ID] section');
  if (tops.length > 1) throw new DataFileError(file, tops[1]!.line, 'more than one [paradigm] section');
  const top = tops[0]!;
  if (!top.name || !NAME.test(top.name))
    throw new DataFileError(file, top.line, '[paradigm ID] needs an id (letters, digits, hyphens)');
  const r = new SectionReader(file, top);
  const fmt = r.string('format');
  if (fmt !== `${PARADIGM_FORMAT} ${PARADIGM_VERSION}`)
    r.fail(r.field('format')!.line, `format must be '${PARADIGM_FORMAT} ${PARADIGM_VERSION}', got '${fmt}'`);
  const title = r.string('title');
  const about = r.string('about', '');
  const citation = r.string('citation');
  const digitised = r.string('digitised', '');
  const preparation = r.oneOf('preparation', ['appetitive', 'aversive'] as const);
  const measure = r.oneOf('measure', ['percent', 'suppression', 'score'] as const);
  const dirField = r.field('direction');
  let direction: 1 | -1 = measure === 'suppression' ? -1 : 1;
  if (dirField) {
    if (measure === 'suppression')
      r.fail(dirField.line, "'direction' is implied by measure = suppression (lower = more conditioning)");
    const d = r.int('direction');
    if (d !== 1 && d !== -1) r.fail(dirField.line, `'direction' must be 1 or -1, got ${d}`);
    direction = d as 1 | -1;
  }
  const ylabel = r.string('ylabel', measure);
  for (const f of top.fields)
    if (
      ![
        'format',
        'title',
        'about',
        'citation',
        'digitised',
        'preparation',
        'measure',
        'direction',
        'ylabel',
      ].includes(f.key)
    )
      r.fail(f.line, `unknown field '${f.key}' in [paradigm]`);

  const groups: Group[] = [];
  const cueSet = new Set<string>();
  const ctxSet = new Set<string>();
  for (const s of df.sections.filter((x) => x.kind === 'group')) {
    if (!s.name || !NAME.test(s.name))
      throw new DataFileError(file, s.line, '[group NAME] needs a name (letters, digits, hyphens)');
    if (groups.some((g) => g.name === s.name))
      throw new DataFileError(file, s.line, `group '${s.name}' defined twice`);
    for (const f of s.fields)
      if (f.key !== 'schedule')
        throw new DataFileError(
          file,
          f.line,
          `unknown field '${f.key}' in [group ${s.name}] (allowed: schedule:)`,
        );
    const sched = s.fields.find((f) => f.key === 'schedule');
    if (!sched?.block || sched.block.length === 0)
      throw new DataFileError(
        file,
        s.line,
        `[group ${s.name}] needs 'schedule:' followed by lines 'PHASE REPEAT TRIAL …'`,
      );
    const blocks: Block[] = [];
    let total = 0;
    for (const bl of sched.block) {
      const words = bl.text.trim().split(/\s+/);
      if (words.length < 3)
        throw new DataFileError(
          file,
          bl.line,
          `schedule line '${bl.text.trim()}' must be 'PHASE REPEAT TRIAL …'`,
        );
      const [phase, rep, ...rest] = words as [string, string, ...string[]];
      const shuffled = rest[0] === 'shuffled';
      const toks = shuffled ? rest.slice(1) : rest;
      if (toks.length === 0)
        throw new DataFileError(file, bl.line, `schedule line '${bl.text.trim()}' has no trials`);
      if (!NAME.test(phase)) throw new DataFileError(file, bl.line, `bad phase name '${phase}'`);
      const repeat = Number(rep);
      if (!Number.isInteger(repeat) || repeat < 1)
        throw new DataFileError(
          file,
          bl.line,
          `repeat '${rep}' of phase '${phase}' must be a whole number ≥ 1`,
        );
      const slots = toks.map((t) => parseSlot(t, file, bl.line));
      for (const sl of slots)
        for (const t of sl.kind === 'fixed' ? [sl.trial] : sl.options.map((o) => o.trial)) {
          for (const c of t.cues) cueSet.add(c);
          ctxSet.add(t.context);
        }
      total += repeat * slots.length;
      if (total > MAX_TRIALS_PER_GROUP)
        throw new DataFileError(
          file,
          bl.line,
          `group '${s.name}' has more than ${MAX_TRIALS_PER_GROUP} trials`,
        );
      blocks.push({ phase, repeat, slots, shuffled, line: bl.line });
    }
    groups.push({ name: s.name, blocks });
  }
  if (groups.length === 0) throw new DataFileError(file, top.line, 'no [group NAME] section');

  const figs = df.sections.filter((s) => s.kind === 'figure');
  if (figs.length !== 1)
    throw new DataFileError(file, figs[1]?.line ?? top.line, 'a paradigm needs exactly one [figure] section');
  const fig = figs[0]!;
  for (const f of fig.fields)
    if (f.key !== 'points' && f.key !== 'checks')
      throw new DataFileError(
        file,
        f.line,
        `unknown field '${f.key}' in [figure] (allowed: points:, checks:)`,
      );
  const pf = fig.fields.find((f) => f.key === 'points');
  if (!pf?.block?.length)
    throw new DataFileError(file, fig.line, "[figure] needs 'points:' followed by point lines");
  const points: Point[] = [];
  for (const pl of pf.block) {
    const w = pl.text.trim().split(/\s+/);
    if (w.length !== 4)
      throw new DataFileError(
        file,
        pl.line,
        `point '${pl.text.trim()}' must be 'GROUP PHASE[:FROM-TO] CUES DATA'`,
      );
    const [gname, phaseSpec, cueStr, dataStr] = w as [string, string, string, string];
    const g = groups.find((x) => x.name === gname);
    if (!g)
      throw new DataFileError(
        file,
        pl.line,
        `point names group '${gname}', which has no [group ${gname}] section`,
      );
    const pm = /^([A-Za-z0-9][A-Za-z0-9-]*)(?::(\d+)-(\d+))?$/.exec(phaseSpec);
    if (!pm)
      throw new DataFileError(file, pl.line, `bad phase '${phaseSpec}' (expected PHASE or PHASE:FROM-TO)`);
    const phase = pm[1]!;
    const inPhase = g.blocks
      .filter((b) => b.phase === phase)
      .reduce((a, b) => a + b.repeat * b.slots.length, 0);
    if (inPhase === 0) throw new DataFileError(file, pl.line, `group '${gname}' has no phase '${phase}'`);
    const from = pm[2] === undefined ? null : Number(pm[2]);
    const to = pm[3] === undefined ? null : Number(pm[3]);
    if (from !== null && to !== null && (from < 1 || to < from || to > inPhase))
      throw new DataFileError(
        file,
        pl.line,
        `trials ${from}-${to} are outside phase '${phase}' of group '${gname}' (1-${inPhase})`,
      );
    if (!/^[A-Z]+$/.test(cueStr))
      throw new DataFileError(file, pl.line, `bad cues '${cueStr}' (upper-case letters)`);
    const cues = [...cueStr].sort();
    const shown = g.blocks
      .filter((b) => b.phase === phase)
      .flatMap((b) =>
        b.slots.flatMap((sl) => (sl.kind === 'fixed' ? [sl.trial] : sl.options.map((o) => o.trial))),
      );
    if (!shown.some((t) => [...t.cues].sort().join('') === cues.join('')))
      throw new DataFileError(
        file,
        pl.line,
        `group '${gname}' never shows exactly ${cueStr} in phase '${phase}', so the point has no response`,
      );
    const data = dataStr === '-' ? null : Number(dataStr);
    if (data !== null && !Number.isFinite(data))
      throw new DataFileError(file, pl.line, `data '${dataStr}' must be a number or -`);
    const k = points.filter((p) => p.group === gname).length;
    points.push({ group: gname, phase, from, to, cues, data, k });
  }
  const checks: Check[] = [];
  const cf = fig.fields.find((f) => f.key === 'checks');
  for (const cl of cf?.block ?? []) {
    const c = parseCheck(cl.text, file, cl.line);
    for (const t of c.terms)
      if (!points.some((p) => p.group === t.group && p.k === t.k))
        throw new DataFileError(
          file,
          cl.line,
          `check names point ${t.group}.${t.k}, which the figure does not have`,
        );
    checks.push(c);
  }
  return {
    id: top.name,
    file,
    title,
    about,
    citation,
    digitised,
    preparation,
    measure,
    direction,
    ylabel,
    groups,
    points,
    checks,
    cues: [...cueSet].sort(),
    contexts: [...ctxSet].sort(),
  };
}
