/**
 * Every name in a data file is checked against what the file declares: a misspelt coarse flag would
 * otherwise switch a detector off silently and look like a genuine negative result.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseWorld } from '../src/envs/gridworld/spec.js';
import { parseSteering } from '../src/brain/steering/config.js';
import { steered } from '../test-support/cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const WORLD = `[world]
size = 4 3
features = red
coarse = dark small open
[object r]
name = thing
features = red
coarse = dark small
[room one]
coarse = open
layout:
####
#Ar#
####
`;

function failsWith(text: string, line: number, re: RegExp): void {
  try {
    parseWorld(text, 'w.world');
  } catch (e) {
    const msg = (e as Error).message;
    assert.ok(!msg.includes('\n'), 'one line');
    assert.match(msg, new RegExp(`^w\\.world:${line}: `));
    assert.match(msg, re);
    return;
  }
  assert.fail('no error');
}

test('coarse flags and room tags must be declared in [world] coarse; the error names the bad word and the known ones', () => {
  assert.deepEqual(parseWorld(WORLD, 'w.world').coarse, ['dark', 'small', 'open']);
  failsWith(
    WORLD.replace('coarse = dark small\n[room', 'coarse = drak small\n[room'),
    8,
    /coarse flag 'drak' is not in \[world\] coarse \(dark small open\)/,
  );
  failsWith(WORLD.replace('coarse = open\nlayout', 'coarse = opne\nlayout'), 10, /coarse flag 'opne'/);
  failsWith(WORLD.replace('coarse = dark small open\n', ''), 7, /not declared: list every coarse flag/);
  failsWith(
    WORLD.replace('coarse = dark small open', 'coarse = dark dark'),
    4,
    /'dark' listed twice in 'coarse'/,
  );
});

test('a misspelt coarse flag in a world file given to an experiment: exit 2, one line naming file, line and word', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-names-'));
  try {
    const good = readFileSync(join(ROOT, 'data', 'worlds', 'spiders.world'), 'utf8');
    const bad = good.replace(/^coarse = dark small$/m, 'coarse = drak small');
    assert.notEqual(bad, good);
    const file = join(dir, 'typo.world');
    writeFileSync(file, bad);
    const r = steered(['run', 'brain/spider-fear', '--set', `world=${file}`, '--json'], join(dir, 'runs'));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /typo\.world:\d+: coarse flag 'drak' is not in \[world\] coarse/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detector flags, room tags and tastes must be declared in [steering] senses; the error names file, line, word and the known ones', () => {
  const good = readFileSync(join(ROOT, 'data', 'steering', 'default.steer'), 'utf8');
  assert.ok(parseSteering(good, 'default.steer').detectors.length > 0);
  const cases: [string, string, RegExp][] = [
    [
      'flags = dark small',
      'flags = drak small',
      /flags 'drak' is not in \[steering\] senses \(dark small sweet enclosed haze\)/,
    ],
    ['tag = enclosed', 'tag = enclsoed', /tag 'enclsoed' is not in \[steering\] senses/],
    ['taste = sweet', 'taste = swete', /taste 'swete' is not in \[steering\] senses/],
  ];
  for (const [from, to, re] of cases) {
    const bad = good.replace(from, to);
    assert.notEqual(bad, good);
    const line = bad.split('\n').findIndex((l) => l.startsWith(to)) + 1;
    assert.throws(
      () => parseSteering(bad, 'default.steer'),
      (e: Error) =>
        e.message.startsWith(`default.steer:${line}: `) && re.test(e.message) && !e.message.includes('\n'),
    );
  }
  const undeclared = good.replace(/^senses = .*\n/m, '');
  assert.throws(() => parseSteering(undeclared, 's.steer'), /flags 'dark' is not declared: list every flag/);
});

test('a misspelt detector flag in a steering file given to an experiment: exit 2, one line (coarse = drak small)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-names-'));
  try {
    const good = readFileSync(join(ROOT, 'data', 'steering', 'default.steer'), 'utf8');
    const file = join(dir, 'typo.steer');
    writeFileSync(file, good.replace('flags = dark small', 'flags = drak small'));
    const r = steered(['run', 'brain/spider-fear', '--set', `steering=${file}`, '--json'], join(dir, 'runs'));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /typo\.steer:\d+: flags 'drak' is not in \[steering\] senses/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
