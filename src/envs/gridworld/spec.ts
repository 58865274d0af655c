/**
 * World files: what a gridworld contains, loaded from the data-file format (src/format/datafile.ts). A
 * user writes a new world without touching the engine:
 *
 *   [world]
 *   size = 7 7                     # every room has this size (the learner's position code is fixed)
 *   view = 2                       # Chebyshev radius of what the learner and the detectors see
 *   features = leggy dark small …  # the learner's visual feature vocabulary (its observation order)
 *   contexts = ctx-a ctx-b         # room context features the learner senses (wall colour, smell…)
 *   tastes = sweet                 # taste channels (both subsystems taste)
 *   coarse = dark small open       # every flag and room tag the Steering Subsystem's channel can carry
 *
 *   [object S]                     # the layout character
 *   name = spider
 *   features = leggy dark small    # what the learner sees (must be in [world] features)
 *   coarse = dark small            # what the Steering Subsystem's low-resolution channel sees (in [world] coarse)
 *   moves = 0.7                    # probability of a random step each tick (0 = still)
 *   wriggle = 0                    # probability per tick of moving in place (seen moving, stays put)
 *   bite = 0                       # pain when it is within `reach` of the agent
 *   reach = 0                      # Chebyshev distance a bite reaches (0: only the agent's own cell)
 *   chase = 0                      # probability per tick of stepping toward the agent
 *   taste = sweet 1.0              # edible: eaten on contact, tasted with this amount
 *   respawn = 30                   # ticks until an eaten food reappears (-1 = never)
 *   agent = false                  # a second agent: walks to the nearest food and eats it
 *   salience = 1                   # (0, 1]: how strongly the learner sees its features (small, dull: less)
 *
 *   [room spider]
 *   context = ctx-a
 *   coarse = open                  # room tags the Steering Subsystem senses (e.g. 'enclosed' = safe)
 *   layout:
 *   #######
 *   #A..S.#
 *   …
 *
 * Layout characters: '#' wall, '.' floor, 'A' the agent's start (else a random free cell), any object
 * character declared by an [object] section.
 */
import { DataFileError, parseDataFile, SectionReader } from '../../format/datafile.js';

export interface ObjectDef {
  char: string;
  name: string;
  features: string[];
  coarse: string[];
  moves: number;
  /** Probability per tick of moving in place: the coarse channel sees it move, its cell stays. */
  wriggle: number;
  bite: number;
  /** Chebyshev distance within which it bites (0: only when it shares the agent's cell). */
  reach: number;
  /** Probability per tick of stepping toward the agent (before any random step). */
  chase: number;
  taste: { kind: string; amount: number } | null;
  respawn: number;
  agent: boolean;
  /**
   * How strongly the learner sees the object's features, in (0, 1]: its contribution to each visible
   * feature is scaled by this (a small or dull thing is seen weakly). The coarse channel is unaffected.
   */
  salience: number;
}

export interface RoomDef {
  name: string;
  context: string[];
  coarse: string[];
  /** walls[y*W + x] */
  walls: Uint8Array;
  objects: { char: string; x: number; y: number }[];
  start: { x: number; y: number } | null;
}

export interface WorldSpec {
  file: string;
  width: number;
  height: number;
  view: number;
  features: string[];
  contexts: string[];
  tastes: string[];
  /** Every coarse flag and room tag the world's objects and rooms may carry (declared in [world]). */
  coarse: string[];
  objects: Map<string, ObjectDef>;
  rooms: Map<string, RoomDef>;
}

export function parseWorld(text: string, file: string): WorldSpec {
  const df = parseDataFile(text, file);
  const worlds = df.sections.filter((s) => s.kind === 'world');
  if (worlds.length !== 1)
    throw new DataFileError(
      file,
      worlds[1]?.line ?? 1,
      worlds.length ? 'more than one [world] section' : 'missing [world] section',
    );
  const w = new SectionReader(file, worlds[0]!);
  const size = w.words('size');
  const sizeLine = w.field('size')!.line;
  if (size.length !== 2 || !size.every((s) => /^\d+$/.test(s)))
    w.fail(sizeLine, `'size' must be two integers 'W H', got '${size.join(' ')}'`);
  const [width, height] = size.map(Number) as [number, number];
  if (width < 3 || height < 3 || width > 64 || height > 64)
    w.fail(sizeLine, `'size' must be within 3..64, got ${width} ${height}`);
  const view = w.int('view', 2, [0, 32]);
  const features = w.words('features');
  const contexts = w.words('contexts', []);
  const tastes = w.words('tastes', []);
  const coarseVocab = w.words('coarse', []);
  for (const [key, list] of [
    ['features', features],
    ['contexts', contexts],
    ['tastes', tastes],
    ['coarse', coarseVocab],
  ] as const) {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x)) w.fail(w.field(key)!.line, `'${x}' listed twice in '${key}'`);
      seen.add(x);
    }
  }
  w.done();
  // A coarse word nobody declared is almost always a typo ('drak' for 'dark'): the detector that looks
  // for the real word would silently never fire, which reads like a genuine negative result.
  const checkCoarse = (r: SectionReader, words: string[]) => {
    for (const c of words)
      if (!coarseVocab.includes(c))
        r.fail(
          r.field('coarse')!.line,
          coarseVocab.length
            ? `coarse flag '${c}' is not in [world] coarse (${coarseVocab.join(' ')})`
            : `coarse flag '${c}' is not declared: list every coarse flag and room tag in [world] coarse = …`,
        );
    return words;
  };

  const objects = new Map<string, ObjectDef>();
  const names = new Set<string>();
  for (const s of df.sections.filter((x) => x.kind === 'object')) {
    const r = new SectionReader(file, s);
    const ch = s.name;
    if (ch?.length !== 1 || '#.A'.includes(ch))
      throw r.error(
        s.line,
        `[object X] needs a single layout character other than '#', '.', 'A', got '${ch ?? ''}'`,
      );
    if (objects.has(ch)) r.fail(s.line, `object character '${ch}' declared twice`);
    const name = r.string('name');
    if (names.has(name)) r.fail(r.field('name')!.line, `object name '${name}' used twice`);
    names.add(name);
    const feats = r.words('features', []);
    for (const f of feats)
      if (!features.includes(f))
        r.fail(
          r.field('features')!.line,
          `feature '${f}' is not in [world] features (${features.join(' ')})`,
        );
    const tasteW = r.words('taste', []);
    let taste: ObjectDef['taste'] = null;
    if (tasteW.length) {
      const line = r.field('taste')!.line;
      if (tasteW.length !== 2 || !Number.isFinite(Number(tasteW[1])))
        r.fail(line, `'taste' must be '<kind> <amount>', got '${tasteW.join(' ')}'`);
      if (!tastes.includes(tasteW[0]!))
        r.fail(
          line,
          `taste '${tasteW[0]}' is not in [world] tastes (${tastes.join(' ') || 'none declared'})`,
        );
      taste = { kind: tasteW[0]!, amount: Number(tasteW[1]) };
    }
    objects.set(ch, {
      char: ch,
      name,
      features: feats,
      coarse: checkCoarse(r, r.words('coarse', [])),
      moves: r.number('moves', 0, [0, 1]),
      wriggle: r.number('wriggle', 0, [0, 1]),
      bite: r.number('bite', 0, [0, 100]),
      reach: r.int('reach', 0, [0, 100]),
      chase: r.number('chase', 0, [0, 1]),
      taste,
      respawn: r.int('respawn', -1, [-1, 1e9]),
      agent: r.bool('agent', false),
      salience: r.number('salience', 1, [1e-6, 1]),
    });
    r.done();
  }

  const rooms = new Map<string, RoomDef>();
  for (const s of df.sections.filter((x) => x.kind === 'room')) {
    const r = new SectionReader(file, s);
    if (!s.name) throw r.error(s.line, `[room NAME] needs a name`);
    if (rooms.has(s.name)) r.fail(s.line, `room '${s.name}' declared twice`);
    const context = r.words('context', []);
    for (const c of context)
      if (!contexts.includes(c))
        r.fail(
          r.field('context')!.line,
          `context '${c}' is not in [world] contexts (${contexts.join(' ') || 'none declared'})`,
        );
    const coarse = checkCoarse(r, r.words('coarse', []));
    const rows = r.block('layout');
    if (rows.length !== height)
      r.fail(rows[0]!.line, `layout has ${rows.length} rows; [world] size says ${height}`);
    const walls = new Uint8Array(width * height);
    const objs: RoomDef['objects'] = [];
    let start: RoomDef['start'] = null;
    rows.forEach((row, y) => {
      const t = row.text.trim();
      if (t.length !== width)
        r.fail(row.line, `layout row has ${t.length} cells; [world] size says ${width}`);
      for (let x = 0; x < width; x++) {
        const c = t[x]!;
        if (c === '#') walls[y * width + x] = 1;
        else if (c === '.') continue;
        else if (c === 'A') {
          if (start) r.fail(row.line, `more than one 'A' (agent start) in room '${s.name}'`);
          start = { x, y };
        } else if (objects.has(c)) objs.push({ char: c, x, y });
        else
          r.fail(
            row.line,
            `unknown layout character '${c}' at column ${x + 1} (declare it with [object ${c}])`,
          );
      }
    });
    rooms.set(s.name, { name: s.name, context, coarse, walls, objects: objs, start });
    r.done();
  }
  if (rooms.size === 0)
    throw new DataFileError(file, df.sections.at(-1)?.line ?? 1, 'no [room NAME] section');
  for (const s of df.sections) {
    if (!['world', 'object', 'room'].includes(s.kind))
      throw new DataFileError(file, s.line, `unknown section [${s.kind}] (allowed: world, object, room)`);
  }
  return { file, width, height, view, features, contexts, tastes, coarse: coarseVocab, objects, rooms };
}
