/**
 * scenarios/search-vs-steered's parts: the food-lifetimes task family, its oracle, the lifetime measures
 * both scenarios share, the goal probe and its edit, and the experiment's input errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEnv } from '../src/envs/checker.js';
import {
  BLAND,
  FOOD_FAMILY,
  FoodLifetimes,
  NOVEL_FOOD,
  lifetimeWorld,
  oracleAction,
  oracleEats,
  withNourishing,
} from '../src/envs/gridworld/food-lifetimes.js';
import { parseWorld } from '../src/envs/gridworld/spec.js';
import { Rng } from '../src/math/rng.js';
import { editToward, fitGoalProbe, goalProbeR2, readGoal } from '../src/probes/goal-probe.js';
import {
  competenceTick,
  foodLives,
  goalShare,
  goalTook,
} from '../src/experiments/scenarios/food-measures.js';
import { runMetricsWithThreads, steered } from '../test-support/cli.js';

const FILE = 'data/worlds/food-lifetimes.world';
const spec = parseWorld(readFileSync(FILE, 'utf8'), FILE);

test('food lifetimes: a checked env whose draws cover the family and keep one food sweet', () => {
  const env = new FoodLifetimes(spec, FOOD_FAMILY, 50);
  checkEnv(env, { seed: 3 });
  const seen = new Set<string>();
  for (let s = 0; s < 60; s++) {
    const r = env.reset({ seed: s });
    seen.add(`${String(r.info['room'])}/${String(r.info['nourishing'])}`);
    const w = env.world;
    for (const o of w.objects)
      assert.equal(o.def.taste?.kind, o.def.name === r.info['nourishing'] ? 'sweet' : BLAND, o.def.name);
  }
  assert.equal(seen.size, 9, [...seen].join(' '));
  // A given draw is honoured; a food outside the family is refused with its name.
  const r = env.reset({ options: { draw: { room: 'b', nourishing: 'pear' }, worldSeed: 7 } });
  assert.deepEqual([r.info['room'], r.info['nourishing']], ['b', 'pear']);
  assert.throws(
    () => env.reset({ options: { draw: { room: 'a', nourishing: 'fig' } } }),
    /'fig' is not a food/,
  );
});

test('food lifetimes: reward 1 exactly when the nourishing food is eaten; observation carries action and reward', () => {
  const env = new FoodLifetimes(spec, FOOD_FAMILY, 400);
  env.reset({ options: { draw: { room: 'a', nourishing: 'mushroom' }, worldSeed: 1 } });
  let rewards = 0,
    mushrooms = 0,
    others = 0;
  for (let t = 0; t < 400; t++) {
    // Walk to the mushroom and stand on it, as the oracle does; pass by nothing else.
    const a = oracleAction(env.world, 'mushroom');
    const r = env.step(a);
    rewards += r.reward;
    if (r.info['ate'] === 'mushroom') mushrooms++;
    else if (r.info['ate']) others++;
    const D = env.obsDim;
    assert.equal(r.observation[D - 6 + a], 1);
    assert.equal(r.observation[D - 1], r.reward);
  }
  assert.equal(rewards, mushrooms);
  assert.ok(mushrooms >= 30, `${mushrooms}`);
  // Standing on the cell eats it each time it grows back (respawn 12).
  assert.ok(Math.abs(mushrooms - oracleEats(spec, { room: 'a', nourishing: 'mushroom' }, 1, 400)) <= 1);
  assert.equal(others, 0);
});

test('withNourishing leaves the parsed world alone; the novel world nourishes with the fig only', () => {
  const v = withNourishing(spec, 'fig');
  const names = (s: typeof spec) =>
    [...s.objects.values()].map((d) => `${d.name}:${d.taste?.kind ?? '-'}`).join(' ');
  assert.equal(names(spec), 'berry:sweet pear:sweet mushroom:sweet fig:sweet');
  assert.equal(names(v), 'berry:bland pear:bland mushroom:bland fig:sweet');
  const w = lifetimeWorld(spec, { room: NOVEL_FOOD.rooms[0]!, nourishing: 'fig' }, 0);
  assert.equal(w.find('fig').length, 1);
  for (const r of FOOD_FAMILY.rooms)
    assert.ok(!spec.rooms.get(r)!.objects.some((o) => spec.objects.get(o.char)!.name === 'fig'), r);
});

test('competence lasts: a lucky streak is not competence, a steady eater is competent from its first good block', () => {
  const oracle = new Uint8Array(1000);
  for (let t = 5; t < 1000; t += 12) oracle[t] = 1; // ≈ 8 per 100
  const eats = new Uint8Array(1000);
  for (let t = 100; t < 120; t += 2) eats[t] = 1; // 10 in block 1, then nothing
  assert.equal(competenceTick(eats, oracle, 100, 0.5), -1);
  for (let t = 300; t < 1000; t += 20) eats[t] = 1; // 5 per block from block 3 on
  assert.equal(competenceTick(eats, oracle, 100, 0.5), 400);
  assert.equal(competenceTick(eats, oracle, 100, 0.9), -1);
  assert.equal(goalShare(['berry', null, 'pear', 'berry', null, 'berry'], 'berry', 1), 2 / 3);
  assert.ok(Number.isNaN(goalShare([null, null], 'berry', 0)));
  assert.equal(goalTook(['pear', null, 'berry', 'pear'], 'pear'), true);
  assert.equal(goalTook(['pear', 'berry'], 'pear'), false, 'a tie is not a goal that took');
  assert.equal(goalTook([null, null], 'pear'), false);
});

test('the same run seed gives both scenarios the same lifetimes', () => {
  const a = foodLives(4, 'evaluation', 10, FOOD_FAMILY),
    b = foodLives(4, 'evaluation', 10, FOOD_FAMILY),
    c = foodLives(5, 'evaluation', 10, FOOD_FAMILY);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('goal probe: reads a goal coded linearly, not one that is not; an edit makes it read the target', () => {
  const rng = new Rng(1);
  const X: number[][] = [],
    goal: number[] = [],
    noise: number[][] = [],
    group: number[] = [];
  for (let life = 0; life < 12; life++) {
    const g = life % 3;
    for (let t = 0; t < 30; t++) {
      const x = Array.from({ length: 8 }, () => rng.normal() * 0.3);
      x[g] = (x[g] ?? 0) + 1;
      X.push(x);
      noise.push(Array.from({ length: 8 }, () => rng.normal()));
      goal.push(g);
      group.push(life);
    }
  }
  const coded = goalProbeR2(X, goal, group, 3);
  const none = goalProbeR2(noise, goal, group, 3);
  assert.ok(coded > 0.6, `coded ${coded}`);
  assert.ok(none < 0.05, `noise ${none}`);
  const p = fitGoalProbe(X, goal, 3);
  const x = X[0]!;
  const d = editToward(p, x, [0, 0, 1]);
  const y = readGoal(
    p,
    x.map((v, j) => v + d[j]!),
  );
  y.forEach((v, k) => assert.ok(Math.abs(v - (k === 2 ? 1 : 0)) < 1e-6, `${k}: ${v}`));
});

test('search-vs-steered: bad settings and files exit 2 with one line naming the problem', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-scen-'));
  const noBland = join(root, 'nobland.world');
  writeFileSync(noBland, readFileSync(FILE, 'utf8').replace('tastes = sweet bland', 'tastes = sweet'));
  const cases: [string[], RegExp][] = [
    [['--set', 'lifetime=10'], /lifetime/],
    [['--set', 'readAssessor=nope'], /readAssessor 'nope' is not an assessor/],
    [['--set', 'window=900', '--set', 'lifetime=300'], /window \(900\) must not exceed lifetime \(300\)/],
    [['--set', `world=${noBland}`], /tastes must declare 'bland'/],
  ];
  for (const [args, re] of cases) {
    const r = steered(['run', 'scenarios/search-vs-steered', ...args, '--out', join(root, 'x')], root);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, re);
  }
});

test('search-vs-steered: the numbers do not depend on how many threads compute the units', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-scen-threads-'));
  const small = [
    'updates=6',
    'numEnvs=2',
    'trainSteps=20',
    'checkEvery=3',
    'checkLifetimes=2',
    'probeLifetimes=3',
    'lifetimes=2',
    'lifetime=200',
    'runs=2',
    'editTicks=20',
    'shows=2',
  ];
  const line = (threads: number) => {
    const m = runMetricsWithThreads('scenarios/search-vs-steered', 3, small, threads, root);
    assert.match(
      String(m['table_markdown']),
      /^\| Property \| Search over algorithms \| Steered optimizer \|/,
    );
    return m;
  };
  assert.deepEqual(line(1), line(2));
});

test('food lifetimes are registered: make() builds a checked env from the world text', async () => {
  const { make } = await import('../src/api/envs.js');
  const env = make('grid/FoodLifetimes-v0', { source: readFileSync(FILE, 'utf8'), file: FILE, steps: 30 });
  checkEnv(env, { seed: 1 });
  const novel = make('grid/FoodLifetimes-v0', { source: readFileSync(FILE, 'utf8'), novel: true });
  assert.equal(novel.reset({ seed: 0 }).info['nourishing'], 'fig');
  assert.throws(
    () => make('grid/FoodLifetimes-v0', { source: readFileSync(FILE, 'utf8'), steps: 0 }),
    /steps/,
  );
});
