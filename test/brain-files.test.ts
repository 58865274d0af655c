/** World and steering files: the shipped ones load; every kind of mistake names the file and line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataFile, DataFileError } from '../src/format/datafile.js';
import { parseWorld } from '../src/envs/gridworld/spec.js';
import { GridWorld } from '../src/envs/gridworld/world.js';
import { parseSteering } from '../src/brain/steering/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function fails(fn: () => unknown, line: number, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataFileError, `expected DataFileError, got ${String(e)}`);
    assert.equal(e.line, line, e.message);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, /^[^:]+:\d+: /);
    return;
  }
  assert.fail('no error');
}

test('shipped world and steering files load', () => {
  for (const f of ['data/worlds/spiders.world']) {
    const w = parseWorld(read(f), f);
    assert.ok(w.rooms.size >= 5);
    for (const r of w.rooms.values()) assert.equal(r.walls.length, w.width * w.height);
  }
  const s = parseSteering(read('data/steering/default.steer'), 'default.steer');
  assert.deepEqual(
    s.assessors.map((a) => a.name),
    ['value', 'cortisol', 'reward', 'reward-now'],
  );
  assert.deepEqual(
    s.assessors.map((a) => a.lead),
    [1, 1, 1, 0],
  );
  assert.equal(s.reactions.find((r) => r.name === 'spider-fear')!.innate, true);
  assert.equal(s.reactions.find((r) => r.name === 'anticipatory-fear')!.innate, false);
});

test('data-file syntax errors name the line', () => {
  fails(() => parseDataFile('key = 1\n', 'f'), 1, /outside any section/);
  fails(() => parseDataFile('[a]\nx = 1\n\nbad line here\n', 'f'), 4, /expected 'key = value'/);
  fails(() => parseDataFile('[a]\nx = 1\nx = 2\n', 'f'), 3, /given twice.*line 2/);
});

const WORLD = `[world]
size = 4 3
features = red
[object r]
name = thing
features = red
[room one]
layout:
####
#Ar#
####
`;

test('world semantic errors name the line', () => {
  assert.equal(parseWorld(WORLD, 'w').rooms.get('one')!.objects.length, 1);
  fails(
    () => parseWorld(WORLD.replace('features = red\n[object', 'features = red\ncolour = 3\n[object'), 'w'),
    4,
    /unknown field 'colour'/,
  );
  fails(() => parseWorld(WORLD.replace('#Ar#', '#Aq#'), 'w'), 10, /unknown layout character 'q'/);
  fails(() => parseWorld(WORLD.replace('#Ar#', '#Ar.#'), 'w'), 10, /row has 5 cells/);
  fails(
    () => parseWorld(WORLD.replace('name = thing\nfeatures = red', 'name = thing\nfeatures = blue'), 'w'),
    6,
    /feature 'blue' is not in \[world\] features/,
  );
  fails(() => parseWorld(WORLD.replace('size = 4 3', 'size = 4'), 'w'), 2, /'size' must be two integers/);
});

test('object salience scales what the learner sees, not the coarse channel; placed salience survives a state round trip', () => {
  const dim = parseWorld(WORLD.replace('name = thing\n', 'name = thing\nsalience = 0.25\n'), 'w');
  const full = new GridWorld(parseWorld(WORLD, 'w')),
    w = new GridWorld(dim);
  const f = w.obsLayout.features;
  w.reset({ options: { agentAt: [1, 1] } });
  full.reset({ options: { agentAt: [1, 1] } });
  // One cell away with view 2: weight 1 − 1/3, times the salience.
  assert.ok(Math.abs(full.observe()[f]! - 2 / 3) < 1e-6);
  assert.ok(Math.abs(w.observe()[f]! - (0.25 * 2) / 3) < 1e-6);
  assert.deepEqual(
    w.steeringChannel().blobs,
    full.steeringChannel().blobs,
    'the Steering Subsystem sees the blob as before',
  );
  // An experiment may place an object with its own salience; the state keeps it.
  w.remove('thing');
  w.place('thing', 2, 1, { salience: 0.5 });
  const s = JSON.parse(JSON.stringify(w.getState()));
  const w2 = new GridWorld(dim);
  w2.setState(s);
  assert.ok(Math.abs(w2.observe()[f]! - (0.5 * 2) / 3) < 1e-6);
  assert.throws(() => w.place('thing', 2, 1, { salience: 0 }), /salience of 'thing' must be in \(0, 1\]/);
  assert.throws(() => w.place('thing', 2, 1, { salience: 1.5 }), /salience of 'thing' must be in \(0, 1\]/);
  fails(
    () => parseWorld(WORLD.replace('name = thing\n', 'name = thing\nsalience = 2\n'), 'w'),
    6,
    /salience/,
  );
});

test('steering semantic errors name the line', () => {
  const ok = read('data/steering/default.steer');
  const line = (needle: string) => ok.split('\n').findIndex((l) => l.startsWith(needle)) + 1;
  fails(
    () => parseSteering(ok.replace('when = detector scuttle > 0.05', 'when = detector scutle > 0.05'), 's'),
    line('when = detector scuttle'),
    /detector 'scutle' is not declared/,
  );
  fails(
    () => parseSteering(ok.replace('when = detector scuttle > 0.05', 'when = detector scuttle >> 0.05'), 's'),
    line('when = detector scuttle'),
    /expected 'detector NAME > X'/,
  );
  fails(
    () =>
      parseSteering(
        ok.replace('body = cortisol +1.0 heart +0.4', 'body = cortisol +1.0 adrenaline +0.4'),
        's',
      ),
    line('body = cortisol +1.0'),
    /body variable 'adrenaline' is not declared/,
  );
  fails(
    () => parseSteering(ok.replace('factor = 0.85', 'factor = 1.2'), 's'),
    line('factor = 0.85'),
    /habituation needs factor < 1/,
  );
  fails(
    () => parseSteering(ok.replace('kind = blob', 'kind = sonar'), 's'),
    line('kind = blob'),
    /'kind' must be one of blob\|taste\|pain\|touch\|room/,
  );
  fails(
    () => parseSteering(ok.replace('lead = 0', 'lead = 0.5'), 's'),
    line('lead = 0'),
    /'lead' must be 0 \(this moment\) or 1/,
  );
  fails(
    () => parseSteering(ok.replace('kind = value\n', 'kind = value\nlead = 0\n'), 's'),
    line('kind = value') + 1,
    /'lead = 0' is for predictors/,
  );
});

test('steered run with a broken world file: exit 2, one line naming file and line, nothing stored', async () => {
  const { mkdtempSync, writeFileSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { steered } = await import('../test-support/cli.js');
  const root = mkdtempSync(join(tmpdir(), 'steered-badworld-'));
  const bad = join(root, 'bad.world');
  writeFileSync(bad, WORLD.replace('#Ar#', '#Aq#'));
  const r = steered(['run', 'brain/new-food', '--set', `world=${bad}`, '--json'], root);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /bad\.world:10: unknown layout character 'q'/);
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(join(root, 'runs.db')), 'no database row');
  const missing = steered(['run', 'brain/spider-fear', '--set', 'steering=no/such.steer'], root);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /data file 'no\/such\.steer' not found/);
});

test('a wriggling object is seen moving and stays put; a bite reaches `reach` steps', () => {
  const spec = parseWorld(read('data/worlds/override.world'), 'override.world');
  const snake = spec.objects.get('n')!,
    biter = spec.objects.get('N')!;
  assert.equal(snake.wriggle, 0.6);
  assert.equal(snake.bite, 0);
  assert.equal(biter.reach, 1);
  const w = new GridWorld(spec);
  // Two steps from the snake (4, 3): in view, out of reach.
  w.reset({ seed: 1, options: { room: 'wild', agentAt: [4, 5] } });
  let moved = 0;
  for (let t = 0; t < 200; t++) {
    w.step(0);
    const s = w.find('biting-snake')[0]!;
    assert.deepEqual([s.x, s.y], [4, 3], 'a wriggle never moves it');
    assert.equal(w.steeringChannel().pain, 0, 'two steps away: no bite');
    if (w.steeringChannel().blobs.some((b) => b.flags.includes('long') && b.moving)) moved++;
  }
  // Seen moving on about 60% of ticks (binomial, n = 200: 4 sd is ±0.14).
  assert.ok(moved / 200 > 0.46 && moved / 200 < 0.74, String(moved));
  w.step(1); // one step up: within reach
  assert.equal(w.steeringChannel().pain, 1);
  w.reset({ seed: 1, options: { room: 'cinema', agentAt: [4, 4] } });
  w.step(0);
  assert.equal(w.steeringChannel().pain, 0, 'the cinema snake does not bite');
  fails(
    () => parseWorld(read('data/worlds/override.world').replace('reach = 1 ', 'reach = -1 '), 'w'),
    27,
    /reach/,
  );
});
