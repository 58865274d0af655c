/**
 * Conditioning paradigms as data and the baseline models: the parser rejects each kind of mistake with
 * the file and line, schedules expand as written, each model reproduces what it is known for (and fails
 * what it is known to fail), the shipped files parse and are embedded up to date, and the CLI turns a bad
 * paradigm file into exit 2 with one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/math/rng.js';
import { DataFileError } from '../src/format/datafile.js';
import {
  expandGroup,
  KalmanFilter,
  parseParadigm,
  pearson,
  RescorlaWagner,
  SHIPPED_PARADIGMS,
  StimulusCoder,
  TdSerialCompound,
  toMeasure,
  type Paradigm,
  BrainConditioner,
  ConditioningChamber,
} from '../src/conditioning/index.js';
import { parseSteering } from '../src/brain/steering/config.js';
import { learnerConfig } from '../src/brain/learning/config.js';
import { lastLine, steered } from '../test-support/cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A paradigm text from groups (name → schedule lines), points and checks. */
function paradigm(
  groups: Record<string, string[]>,
  points: string[],
  checks: string[] = [],
  extra = '',
): string {
  return [
    '[paradigm t]',
    'format = steered.paradigm 1',
    'title = test',
    'citation = none',
    'preparation = appetitive',
    'measure = score',
    extra,
    '',
    ...Object.entries(groups).flatMap(([g, lines]) => [
      `[group ${g}]`,
      'schedule:',
      ...lines.map((l) => `  ${l}`),
      '',
    ]),
    '[figure]',
    'points:',
    ...points.map((p) => `  ${p}`),
    '',
    ...(checks.length ? ['checks:', ...checks.map((c) => `  ${c}`)] : []),
    '',
  ].join('\n');
}

const simple = (extraPoints: string[] = [], checks: string[] = []) =>
  paradigm({ g: ['train 3 A+ AB-', 'test 1 A'] }, ['g test A 1', ...extraPoints], checks);

test('a paradigm parses into groups, blocks, trials, points and checks', () => {
  const p = parseParadigm(
    paradigm(
      { ctl: ['train 2 A+@k2 A+:1|B-:3', 'test 1 A'], exp: ['train 2 AB#', 'test 1 BA'] },
      ['ctl test A 5', 'exp test AB -', 'exp train:1-2 AB 3'],
      ['exp.0 < ctl.0 + 0.5', 'ctl.0 >= exp.1 > exp.0 - 1'],
    ),
    't.paradigm',
  );
  assert.deepEqual(
    p.groups.map((g) => g.name),
    ['ctl', 'exp'],
  );
  const b = p.groups[0]!.blocks[0]!;
  assert.equal(b.repeat, 2);
  assert.deepEqual(b.slots[0], { kind: 'fixed', trial: { cues: ['A'], context: 'k2', us: 1, test: false } });
  assert.equal(b.slots[1]!.kind, 'sample');
  assert.equal(
    p.groups[1]!.blocks[0]!.slots[0]!.kind === 'fixed' && p.groups[1]!.blocks[0]!.slots[0]!.trial.us,
    2,
  );
  assert.deepEqual(p.cues, ['A', 'B']);
  assert.deepEqual(p.contexts, ['k1', 'k2']);
  assert.deepEqual(
    p.points.map((x) => [x.group, x.k, x.cues.join(''), x.data, x.from, x.to]),
    [
      ['ctl', 0, 'A', 5, null, null],
      ['exp', 0, 'AB', null, null, null],
      ['exp', 1, 'AB', 3, 1, 2],
    ],
  );
  assert.deepEqual(p.checks[0]!.terms[1], { group: 'ctl', k: 0, offset: 0.5 });
  assert.deepEqual(p.checks[1]!.ops, ['>=', '>']);
  assert.equal(p.checks[1]!.terms[2]!.offset, -1);
});

test('each kind of mistake in a paradigm file is one error naming the file and line', () => {
  const cases: [string, RegExp][] = [
    [
      simple().replace('format = steered.paradigm 1', 'format = steered.paradigm 2'),
      /t\.paradigm:2: format must be/,
    ],
    [simple().replace('train 3 A+ AB-', 'train 3 A+ Ab-'), /t\.paradigm:11: bad trial 'Ab-'/],
    [simple().replace('train 3 A+ AB-', 'train 3 AA+'), /t\.paradigm:11: trial 'AA\+' names a cue twice/],
    [simple().replace('train 3 A+ AB-', 'train x A+'), /t\.paradigm:11: repeat 'x'/],
    [simple().replace('train 3 A+ AB-', 'train 3 A+:0.5|A-'), /needs a weight/],
    [simple(['h test A 1']), /t\.paradigm:17: point names group 'h'/],
    [simple(['g extinction A 1']), /t\.paradigm:17: group 'g' has no phase 'extinction'/],
    [simple(['g test B 1']), /never shows exactly B in phase 'test'/],
    [simple(['g train:2-9 A 1']), /trials 2-9 are outside phase 'train' of group 'g' \(1-6\)/],
    [simple(['g test A x']), /data 'x' must be a number or -/],
    [simple([], ['g.0 < g.3']), /check names point g\.3/],
    [simple([], ['g.0']), /needs at least two terms/],
    [
      simple().replace('measure = score', 'measure = latency'),
      /'measure' must be one of percent\|suppression\|score/,
    ],
    [simple().replace('[group g]', '[group g]\nrepeat = 2'), /unknown field 'repeat' in \[group g\]/],
    [simple().replace('[figure]', '[figures]'), /unknown section \[figures\]/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseParadigm(text, 't.paradigm'),
      (e: unknown) => e instanceof DataFileError && re.test(e.message) && !e.message.includes('\n'),
      String(re),
    );
  }
});

test('a schedule expands block by block, trials in order, and weighted alternatives at their rates', () => {
  const p = parseParadigm(
    paradigm({ g: ['train 2 A+ B-', 'probe 1000 A+:1|A-:3', 'test 1 A'] }, ['g test A 1']),
    't.paradigm',
  );
  const s = expandGroup(p.groups[0]!, new Rng(1));
  assert.deepEqual(
    s.slice(0, 4).map((x) => [x.phase, x.indexInPhase, x.trial.cues.join(''), x.trial.us]),
    [
      ['train', 1, 'A', 1],
      ['train', 2, 'B', 0],
      ['train', 3, 'A', 1],
      ['train', 4, 'B', 0],
    ],
  );
  assert.equal(s.length, 4 + 1000 + 1);
  const rewarded = s.filter((x) => x.phase === 'probe' && x.trial.us === 1).length / 1000;
  // Binomial(1000, 0.25): sd 0.0137; ±0.05 is more than 3.5 sd.
  assert.ok(Math.abs(rewarded - 0.25) < 0.05, `rewarded fraction ${rewarded}`);
  assert.deepEqual(s.at(-1)!.trial, { cues: ['A'], context: 'k1', us: 0, test: true });
});

test("a 'shuffled' block keeps its trials and counts but draws a fresh order per subject", () => {
  const p = parseParadigm(
    paradigm({ g: ['train 50 shuffled A+ B-', 'test 1 A'] }, ['g test A 1']),
    't.paradigm',
  );
  assert.equal(p.groups[0]!.blocks[0]!.shuffled, true);
  const order = (seed: number) =>
    expandGroup(p.groups[0]!, new Rng(seed))
      .filter((x) => x.phase === 'train')
      .map((x) => x.trial.cues.join(''))
      .join('');
  const a = order(1),
    b = order(2);
  assert.equal(a.length, 100);
  assert.equal([...a].filter((c) => c === 'A').length, 50);
  assert.notEqual(a, b);
  assert.notEqual(a, 'AB'.repeat(50));
  assert.equal(order(1), a, 'same seed, same order');
  assert.throws(
    () => parseParadigm(paradigm({ g: ['train 5 shuffled', 'test 1 A'] }, ['g test A 1']), 't.paradigm'),
    /t\.paradigm:\d+: schedule line 'train 5 shuffled' has no trials/,
  );
});

test('Rescorla–Wagner: cue and context share one error, ΣV = 1 − (1 − 2α)^n after n rewarded trials', () => {
  const p = parseParadigm(paradigm({ g: ['train 5 A+', 'test 1 A'] }, ['g test A 1']), 't.paradigm');
  const rw = new RescorlaWagner(new StimulusCoder(p.cues, p.contexts), { alpha: 0.2 });
  const a = { cues: ['A'], context: 'k1', us: 1, test: false };
  for (let n = 0; n < 5; n++) {
    assert.ok(Math.abs(rw.respond(a) - (1 - 0.6 ** n)) < 1e-12, `trial ${n}`);
    rw.learn(a);
  }
});

/** Backward blocking (AB+ then A+, test B): the Kalman filter lowers B, Rescorla–Wagner cannot touch it. */
test('Kalman filter: backward blocking lowers the absent cue; Rescorla–Wagner leaves it; the Kalman update is exact', () => {
  const text = paradigm(
    {
      blocked: ['pair 10 AB+', 'single 10 A+', 'test 1 B'],
      control: ['pair 10 AB+', 'single 10 C+', 'test 1 B'],
    },
    ['blocked test B 1', 'control test B 1'],
  );
  const p = parseParadigm(text, 't.paradigm');
  // Cues only (no context feature), as in the textbook analysis of backward blocking.
  const strengthOfB = (name: 'rw' | 'kalman', group: number) => {
    const coder = new StimulusCoder(p.cues, []);
    const m = name === 'rw' ? new RescorlaWagner(coder) : new KalmanFilter(coder);
    m.reset();
    for (const pr of expandGroup(p.groups[group]!, new Rng(0))) m.learn(pr.trial);
    const b = { cues: ['B'], context: 'k1', us: 0, test: true };
    return m.respond(b);
  };
  const kal = [strengthOfB('kalman', 0), strengthOfB('kalman', 1)];
  const rw = [strengthOfB('rw', 0), strengthOfB('rw', 1)];
  assert.ok(kal[0]! < kal[1]! - 0.1, `kalman blocked ${kal[0]} vs control ${kal[1]}`);
  assert.ok(Math.abs(rw[0]! - rw[1]!) < 1e-12, `rw ${rw}`);
  // One update by hand: prior Σ = I, x = [1, 1], τ² = 0: gain k = Σx/(xᵀΣx + σ²) = [1/3, 1/3];
  // Σ' = Σ − k(Σx)ᵀ has off-diagonal −1/3 (the negative covariance that makes backward blocking).
  const two = parseParadigm(paradigm({ g: ['train 1 AB+', 'test 1 AB'] }, ['g test AB 1']), 't.paradigm');
  const k = new KalmanFilter(new StimulusCoder(two.cues, []), { tau2: 0, sigmaR2: 1, sigmaW2: 1 });
  const ab = { cues: ['A', 'B'], context: 'k1', us: 1, test: false };
  k.learn(ab);
  assert.ok(Math.abs(k.respond({ ...ab, cues: ['A'] }) - 1 / 3) < 1e-12);
  const S = (k as unknown as { S: Float64Array }).S;
  assert.ok(Math.abs(S[1]! + 1 / 3) < 1e-12 && Math.abs(S[0]! - 2 / 3) < 1e-12, `Σ ${[...S]}`);
});

test('TD with a serial compound: value rises through the cue towards the US, and second-order conditioning needs a serial cue', () => {
  const p = parseParadigm(paradigm({ g: ['train 300 A+', 'test 1 A'] }, ['g test A 1']), 't.paradigm');
  const td = new TdSerialCompound(p.cues, p.contexts, {
    alpha: 0.1,
    gamma: 0.9,
    lambda: 0,
    itiSteps: 2,
    cueSteps: 3,
  });
  const a = { cues: ['A'], context: 'k1', us: 1, test: false };
  for (let i = 0; i < 300; i++) td.learn(a);
  // After learning, V(last cue step) → 1, V(first) → γ²; the response is their mean (context value ~0
  // at cue steps because it also precedes nothing on its own: it ends up near γ·V(first cue step)).
  const r = td.respond(a);
  assert.ok(r > 0.8 && r < 1.05, `response ${r}`);
  assert.ok(pearson([1, 2, 3], [2, 4, 6.1])! > 0.99);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
});

test('responses map to the figure’s measure: percent, suppression ratio (0.5 = none, 0 = full), score as is', () => {
  assert.equal(toMeasure(0.5, 'percent'), 50);
  assert.equal(toMeasure(0, 'suppression'), 0.5);
  assert.equal(toMeasure(1, 'suppression'), 0);
  assert.equal(toMeasure(2, 'percent'), 100);
  assert.equal(toMeasure(-0.3, 'score'), -0.3);
});

test('every shipped paradigm parses, names its data source, and is embedded up to date', () => {
  assert.ok(SHIPPED_PARADIGMS.length >= 1);
  const parsed: Paradigm[] = SHIPPED_PARADIGMS.map((s) => {
    const text = readFileSync(join(ROOT, s.file), 'utf8');
    assert.equal(text, s.text, `${s.file} is embedded stale: run node dist/tools/paradigms.js`);
    return parseParadigm(text, s.file);
  });
  for (const p of parsed) {
    assert.equal(`data/conditioning/${p.id}.paradigm`, p.file, 'file name = paradigm id');
    assert.ok(p.citation.length > 3, `${p.id}: citation`);
    assert.ok(p.checks.length >= 1, `${p.id}: at least one ordinal check`);
  }
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', 'paradigms.js'), '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
});

test('steered run conditioning/…: a bad paradigm file exits 2 with one line naming it; a good one runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-cond-'));
  const bad = join(root, 'bad.paradigm');
  writeFileSync(bad, simple().replace('train 3 A+ AB-', 'train 3 A+ AB?'));
  const r = steered(
    ['run', 'conditioning/overshadowing-blocking', '--set', `paradigm=${bad}`, '--json'],
    root,
  );
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /bad\.paradigm:11: bad trial 'AB\?'/);
  const good = join(root, 'good.paradigm');
  writeFileSync(good, simple([], ['g.0 > g.0 - 0.1']));
  const ok = steered(
    [
      'run',
      'conditioning/overshadowing-blocking',
      '--set',
      `paradigm=${good}`,
      '--set',
      'subjects=2',
      '--set',
      'brain={"subjects":2}',
      '--json',
    ],
    root,
  );
  assert.equal(ok.code, 0, ok.stderr);
  const m = JSON.parse(lastLine(ok.stdout)) as Record<string, unknown>;
  assert.equal(typeof m['response.g.0'], 'number');
  assert.equal(m['ordinal_pass'], true);
});

test('the battery runs every shipped paradigm on every model and prints the table', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-battery-'));
  const r = steered(
    [
      'run',
      'conditioning/battery',
      '--set',
      'subjects=2',
      '--set',
      'brain={"subjects":1}',
      '--json',
      '--quiet',
    ],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(lastLine(r.stdout)) as Record<string, unknown>;
  for (const s of SHIPPED_PARADIGMS) {
    const id = parseParadigm(s.text, s.file).id;
    for (const model of ['brain', 'rw', 'td', 'kalman'])
      assert.equal(typeof m[`${id}.${model}.ordinal_pass`], 'boolean');
    assert.match(String(m['table_markdown']), new RegExp(`\\| ${id} \\|`));
  }
  assert.equal(m['paradigms'], SHIPPED_PARADIGMS.length);
  assert.equal(typeof m['brain.r_at_least_rw'], 'number');
  assert.equal(typeof m['brain.beyond_rw_passed'], 'number');
});

test('the conditioning chamber: cues after the context-only ticks, the US on the last cue tick as taste or pain, the response read in between', () => {
  const trial = { cues: ['B'], context: 'k2', us: 1, test: false };
  for (const appetitive of [true, false]) {
    const ch = new ConditioningChamber(['A', 'B'], ['k1', 'k2'], appetitive, {
      itiTicks: 2,
      cueTicks: 3,
      readout: 'signal',
    });
    const L = ch.obsLayout;
    assert.deepEqual([L.features, L.context, L.taste, L.dim], [1, 3, 5, 6]);
    ch.begin(trial);
    const seen: string[] = [];
    for (let t = 0; t < ch.ticksPerTrial; t++) {
      const o = ch.observe();
      const s = ch.steeringChannel();
      seen.push(
        `${o[L.features + 1]}${o[L.context + 1]}${o[L.taste]}|${s.taste['sweet'] ?? 0}${s.pain}|${ch.isResponseTick(ch.now) ? 'r' : '.'}`,
      );
      ch.step(0);
    }
    assert.deepEqual(
      seen,
      appetitive
        ? ['010|00|.', '010|00|.', '110|00|r', '110|00|r', '111|10|.']
        : ['010|00|.', '010|00|.', '110|00|r', '110|00|r', '110|01|.'],
    );
  }
});

test('the brain as a subject: without a reward or cortisol assessor to read it is refused in one line', () => {
  const p = parseParadigm(simple(), 'simple.paradigm');
  const text = readFileSync(join(ROOT, 'data', 'steering', 'default.steer'), 'utf8');
  const spec = parseSteering(text, 'default.steer');
  const without = { ...spec, assessors: spec.assessors.filter((a) => a.name !== 'reward') };
  assert.throws(
    () => new BrainConditioner(p, without, learnerConfig(), new Rng(1)),
    /no 'reward' assessor, which a brain's appetitive conditioned response is read from/,
  );
});
