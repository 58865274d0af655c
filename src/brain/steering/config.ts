/**
 * Steering configuration files (`*.steer`, data-file format of src/format/datafile.ts). The
 * whole innate part of an agent is one such file, readable by the person who wrote it:
 *
 *   [steering]
 *   gamma = 0.9                    # discount of the dopamine (TD) error
 *   motorThreshold = 0.5           # gains below it do not move the body; outputs at or above are "strong"
 *   senses = dark small enclosed sweet   # every coarse flag, room tag and taste a detector may look for
 *
 *   [body cortisol]                baseline, decay (per tick toward baseline), min, max
 *   [detector scuttle]             kind = blob|taste|pain|touch|room (+ flags, moving, radius | taste | tag)
 *   [reaction spider-fear]         when = …; body = cortisol +0.6 heart +0.3; reward = -0.5;
 *                                  reflex = flee scuttle | freeze; refractory = 2; gain = 0 (dormant
 *                                  at birth; default 1)
 *   [rewiring habituate]           kind = habituation|sensitization|install; reaction; after; within;
 *                                  factor (install: the gain set; within and maxGain
 *                                  unused); recovery; maxGain
 *   [assessor cortisol]            kind = predictor|value; truth = body cortisol | reward;
 *                                  horizon (TD discount of a predictor); clear = always|never|reaction NAME;
 *                                  valence (its weight when the planner scores imagined states)
 */
import { DataFileError, parseDataFile, SectionReader } from '../../format/datafile.js';
import type { BodySpec } from './body.js';
import { DETECTOR_KINDS, type DetectorSpec } from './detectors.js';
import { parseCondition, readsLearner, type Condition, type ReactionSpec, type Reflex } from './reactions.js';
import type { RewiringRule } from './rewiring.js';

export interface AssessorSpec {
  name: string;
  kind: 'predictor' | 'value';
  /** What the Steering Subsystem supplies as ground truth: an innate body change, or innate reward. */
  truth: { kind: 'body'; name: string } | { kind: 'reward' } | null;
  horizon: number;
  /** When the Steering Subsystem asserts ground truth even when the signal is 0. */
  clear: { kind: 'always' } | { kind: 'never' } | { kind: 'reaction'; name: string };
  valence: number;
  /**
   * Which moment the prediction is about. 1 (default): the signal on the next tick — "reward is
   * coming", which depends on what one is about to do. 0: the signal of the moment being thought of
   * itself — "this is rewarding" (tasting cake), the same whatever one does next, so an imagined,
   * remembered or another's moment is judged on its own merits.
   */
  lead: 0 | 1;
}

export interface SteeringSpec {
  file: string;
  gamma: number;
  motorThreshold: number;
  body: BodySpec;
  detectors: DetectorSpec[];
  reactions: ReactionSpec[];
  rules: RewiringRule[];
  assessors: AssessorSpec[];
}

export function parseSteering(text: string, file: string): SteeringSpec {
  const df = parseDataFile(text, file);
  const known = ['steering', 'body', 'detector', 'reaction', 'rewiring', 'assessor'];
  for (const s of df.sections)
    if (!known.includes(s.kind))
      throw new DataFileError(file, s.line, `unknown section [${s.kind}] (allowed: ${known.join(', ')})`);
  const named = (kind: string) =>
    df.sections
      .filter((s) => s.kind === kind)
      .map((s) => {
        if (!s.name) throw new DataFileError(file, s.line, `[${kind} NAME] needs a name`);
        return { s, r: new SectionReader(file, s) };
      });
  const top = df.sections.filter((s) => s.kind === 'steering');
  if (top.length > 1) throw new DataFileError(file, top[1]!.line, 'more than one [steering] section');
  let gamma = 0.9,
    motorThreshold = 0.5;
  let senses: string[] = [];
  if (top[0]) {
    const r = new SectionReader(file, top[0]);
    gamma = r.number('gamma', 0.9, [0, 1]);
    motorThreshold = r.number('motorThreshold', 0.5, [0, 1]);
    senses = r.words('senses', []);
    r.done();
  }
  // A word no detector vocabulary declares is almost always a typo ('drak' for 'dark'), and a detector
  // looking for it would silently never fire: the run would look like a genuine negative result.
  const sensed = (r: SectionReader, key: string, words: string[]): string[] => {
    for (const w of words)
      if (!senses.includes(w))
        throw r.error(
          r.field(key)!.line,
          senses.length
            ? `${key} '${w}' is not in [steering] senses (${senses.join(' ')})`
            : `${key} '${w}' is not declared: list every flag, room tag and taste detectors look for in [steering] senses = …`,
        );
    return words;
  };

  const body: BodySpec = { vars: [] };
  for (const { s, r } of named('body')) {
    const min = r.number('min', 0),
      max = r.number('max', 1);
    if (!(max > min)) throw r.error(r.field('max')?.line ?? s.line, `body ${s.name}: max must exceed min`);
    body.vars.push({
      name: s.name!,
      baseline: r.number('baseline', min, [min, max]),
      decay: r.number('decay', 0.05, [0, 1]),
      min,
      max,
    });
    r.done();
  }
  const bodyNames = new Set(body.vars.map((v) => v.name));

  const detectors: DetectorSpec[] = [];
  for (const { s, r } of named('detector')) {
    const name = s.name!;
    const kind = r.oneOf('kind', DETECTOR_KINDS);
    if (kind === 'blob')
      detectors.push({
        name,
        kind,
        flags: sensed(r, 'flags', r.words('flags', [])),
        moving: r.oneOf('moving', ['yes', 'no', 'any'] as const, 'any'),
        radius: r.int('radius', 2, [0, 64]),
      });
    else if (kind === 'taste')
      detectors.push({ name, kind, taste: sensed(r, 'taste', [r.string('taste')])[0]! });
    else if (kind === 'room') detectors.push({ name, kind, tag: sensed(r, 'tag', [r.string('tag')])[0]! });
    else detectors.push({ name, kind });
    r.done();
  }
  const detectorNames = new Set(detectors.map((d) => d.name));

  const assessors: AssessorSpec[] = [];
  const reactionSections = named('reaction');
  const reactionNames = new Set(reactionSections.map(({ s }) => s.name!));
  for (const { s, r } of named('assessor')) {
    const kind = r.oneOf('kind', ['predictor', 'value'] as const, 'predictor');
    let truth: AssessorSpec['truth'] = null;
    if (kind === 'predictor') {
      const w = r.words('truth');
      const line = r.field('truth')!.line;
      if (w[0] === 'reward' && w.length === 1) truth = { kind: 'reward' };
      else if (w[0] === 'body' && w.length === 2) {
        if (!bodyNames.has(w[1]!))
          throw r.error(
            line,
            `body variable '${w[1]}' is not declared (declared: ${[...bodyNames].join(', ') || 'none'})`,
          );
        truth = { kind: 'body', name: w[1]! };
      } else throw r.error(line, `'truth' must be 'reward' or 'body VAR', got '${w.join(' ')}'`);
    }
    const cw = r.words('clear', ['never']);
    let clear: AssessorSpec['clear'];
    if (cw[0] === 'always' || cw[0] === 'never') clear = { kind: cw[0] };
    else if (cw[0] === 'reaction' && cw.length === 2) {
      if (!reactionNames.has(cw[1]!))
        throw r.error(r.field('clear')!.line, `reaction '${cw[1]}' is not declared`);
      clear = { kind: 'reaction', name: cw[1]! };
    } else
      throw r.error(
        r.field('clear')!.line,
        `'clear' must be always, never or 'reaction NAME', got '${cw.join(' ')}'`,
      );
    const lead = r.number('lead', 1, [0, 1]);
    if (lead !== 0 && lead !== 1)
      throw r.error(
        r.field('lead')!.line,
        `'lead' must be 0 (this moment) or 1 (the next tick), got ${lead}`,
      );
    if (lead === 0 && kind !== 'predictor')
      throw r.error(r.field('lead')!.line, "'lead = 0' is for predictors (the value always looks ahead)");
    assessors.push({
      name: s.name!,
      kind,
      truth,
      horizon: r.number('horizon', kind === 'value' ? gamma : 0.7, [0, 0.999]),
      clear,
      valence: r.number('valence', kind === 'value' ? 1 : 0),
      lead,
    });
    r.done();
  }
  const assessorNames = new Set(assessors.map((a) => a.name));
  if (assessors.filter((a) => a.kind === 'value').length > 1)
    throw new DataFileError(file, 1, 'more than one assessor of kind value');

  const reactions: ReactionSpec[] = [];
  for (const { s, r } of reactionSections) {
    const whenF = r.field('when');
    if (!whenF) throw r.error(s.line, `[reaction ${s.name}] needs 'when = …'`);
    const when: Condition[] = [];
    for (const part of whenF.value.split(';')) {
      let c: Condition;
      try {
        c = parseCondition(part);
      } catch (e) {
        throw r.error(whenF.line, (e as Error).message);
      }
      if (c.kind === 'detector' && !detectorNames.has(c.name))
        throw r.error(
          whenF.line,
          `detector '${c.name}' is not declared (declared: ${[...detectorNames].join(', ') || 'none'})`,
        );
      if (
        (c.kind === 'assessor' ||
          c.kind === 'weak' ||
          c.kind === 'weak-vs-strong' ||
          c.kind === 'weak-vs-reward') &&
        !assessorNames.has(c.name)
      )
        throw r.error(whenF.line, `assessor '${c.name}' is not declared`);
      if (c.kind === 'body' && !bodyNames.has(c.name))
        throw r.error(whenF.line, `body variable '${c.name}' is not declared`);
      when.push(c);
    }
    const bw = r.words('body', []);
    if (bw.length % 2)
      throw r.error(r.field('body')!.line, `'body' must be pairs 'VAR ±X …', got '${bw.join(' ')}'`);
    const bodyDelta: Record<string, number> = {};
    for (let i = 0; i < bw.length; i += 2) {
      const line = r.field('body')!.line;
      if (!bodyNames.has(bw[i]!)) throw r.error(line, `body variable '${bw[i]}' is not declared`);
      const v = Number(bw[i + 1]);
      if (!Number.isFinite(v))
        throw r.error(line, `body change for '${bw[i]}' must be a number, got '${bw[i + 1]}'`);
      bodyDelta[bw[i]!] = v;
    }
    const rw = r.words('reflex', []);
    let reflex: Reflex = null;
    if (rw.length) {
      const line = r.field('reflex')!.line;
      if (rw[0] === 'freeze' && rw.length === 1) reflex = { kind: 'freeze' };
      else if (rw[0] === 'flee' && rw.length === 2) {
        const d = detectors.find((x) => x.name === rw[1]);
        if (d?.kind !== 'blob') throw r.error(line, `'flee' needs a blob detector, '${rw[1]}' is not one`);
        reflex = { kind: 'flee', detector: rw[1]! };
      } else throw r.error(line, `'reflex' must be 'freeze' or 'flee DETECTOR', got '${rw.join(' ')}'`);
    }
    reactions.push({
      name: s.name!,
      when,
      body: bodyDelta,
      reward: r.number('reward', 0),
      reflex,
      refractory: r.int('refractory', 0, [0, 1e6]),
      innate: !when.some(readsLearner),
      gain: r.number('gain', 1, [0, 1e6]),
    });
    r.done();
  }

  const rules: RewiringRule[] = [];
  for (const { s, r } of named('rewiring')) {
    const kind = r.oneOf('kind', ['habituation', 'sensitization', 'install'] as const);
    const reaction = r.string('reaction'),
      after = r.string('after');
    for (const [k, v] of [
      ['reaction', reaction],
      ['after', after],
    ] as const)
      if (!reactionNames.has(v)) throw r.error(r.field(k)!.line, `reaction '${v}' is not declared`);
    const factor = r.number(
      'factor',
      kind === 'habituation' ? 0.8 : kind === 'sensitization' ? 1.25 : 1,
      [0, 100],
    );
    if (kind === 'habituation' ? factor >= 1 : kind === 'sensitization' ? factor <= 1 : false)
      throw r.error(
        r.field('factor')?.line ?? s.line,
        `${kind} needs factor ${kind === 'habituation' ? '< 1' : '> 1'}, got ${factor}`,
      );
    const birthGain = reactions.find((x) => x.name === reaction)!.gain;
    rules.push({
      name: s.name!,
      kind,
      reaction,
      after,
      within: r.int('within', 5, [0, 1e6]),
      factor,
      recovery: r.number('recovery', 0, [0, 1]),
      maxGain: r.number('maxGain', 3, [0, 1e6]),
      birthGain,
    });
    r.done();
  }
  return { file, gamma, motorThreshold, body, detectors, reactions, rules, assessors };
}
