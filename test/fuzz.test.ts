/**
 * Fuzzing the parsers of everything a user hands in: world files, steering files, checkpoints and
 * every experiment's `--set` arguments get thousands of seeded mutations of valid inputs; each must either load or fail with the parser's
 * own one-line error — never a crash (TypeError, RangeError …), a hang or a silent default.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSteering } from '../src/brain/steering/config.js';
import { parseWorld } from '../src/envs/gridworld/spec.js';
import { describeConfig, parseSets } from '../src/experiments/config.js';
import { listExperiments } from '../src/experiments/index.js';
import { Rng } from '../src/math/rng.js';
import { loadCheckpoint, saveCheckpoint } from '../src/runs/checkpoint.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MUTATIONS_PER_FILE = 400;

const TOKENS = [
  '=',
  '[',
  ']',
  '#',
  ':',
  '-',
  '0',
  '-1',
  '1e309',
  'NaN',
  'x',
  'yes',
  '\n',
  ' ',
  '\t',
  'layout:',
  '[room r]',
];

/** One random edit of a text: delete, insert, duplicate or swap lines, replace a word, truncate. */
function mutate(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  switch (rng.int(7)) {
    case 0: {
      const p = rng.int(text.length + 1);
      return text.slice(0, p) + text.slice(p + 1 + rng.int(8));
    }
    case 1: {
      const p = rng.int(text.length + 1);
      return text.slice(0, p) + TOKENS[rng.int(TOKENS.length)]! + text.slice(p);
    }
    case 2:
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    case 3: {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 4: {
      const words = lines[i]!.split(/(\s+)/);
      const w = rng.int(words.length);
      words[w] = TOKENS[rng.int(TOKENS.length)]!;
      lines[i] = words.join('');
      return lines.join('\n');
    }
    case 5:
      lines.splice(i, 1 + rng.int(3));
      return lines.join('\n');
    default:
      return text.slice(0, rng.int(text.length + 1));
  }
}

function shipped(dir: string, ext: string): { name: string; text: string }[] {
  const d = join(ROOT, 'data', dir);
  return readdirSync(d)
    .filter((f) => f.endsWith(ext))
    .map((f) => ({ name: f, text: readFileSync(join(d, f), 'utf8') }));
}

function fuzzText(
  parse: (text: string, file: string) => unknown,
  files: { name: string; text: string }[],
  seed: number,
) {
  const rng = new Rng(seed);
  let loaded = 0;
  let rejected = 0;
  for (const f of files) {
    for (let k = 0; k < MUTATIONS_PER_FILE; k++) {
      let text = f.text;
      const edits = 1 + rng.int(3);
      for (let e = 0; e < edits; e++) text = mutate(text, rng);
      try {
        parse(text, f.name);
        loaded++;
      } catch (e) {
        const err = e as Error;
        assert.equal(
          err.name,
          'DataFileError',
          `${f.name} mutation ${k}: ${err.name}: ${err.message}\n--- input ---\n${text}`,
        );
        assert.ok(!err.message.includes('\n'), `multi-line error: ${err.message}`);
        assert.ok(err.message.startsWith(`${f.name}:`), `error does not name the file: ${err.message}`);
        rejected++;
      }
    }
  }
  // Both outcomes occur, so the mutations neither always break nor never touch the files.
  assert.ok(loaded > 0 && rejected > 0, `loaded ${loaded}, rejected ${rejected}`);
}

test('fuzz: mutated world files load or fail with one DataFileError line', () => {
  fuzzText(parseWorld, shipped('worlds', '.world'), 1);
});

test('fuzz: mutated steering files load or fail with one DataFileError line', () => {
  fuzzText(parseSteering, shipped('steering', '.steer'), 2);
});

test('fuzz: damaged checkpoint files load intact or fail with one CheckpointError line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-fuzz-'));
  try {
    const rng = new Rng(3);
    const data = new Float32Array(64).map(() => rng.normal());
    const path = saveCheckpoint(dir, {
      meta: { step: 7, note: 'fuzz' } as never,
      tensors: { w: { dtype: 'f32', shape: [8, 8], data } },
    });
    const good = readFileSync(path);
    assert.deepEqual(loadCheckpoint(path).tensors.w!.data, data);
    const bad = join(dir, 'bad.bin');
    let rejected = 0;
    for (let k = 0; k < 2000; k++) {
      const b = Buffer.from(good);
      let buf: Buffer = b;
      const kind = rng.int(4);
      if (kind === 0) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      else if (kind === 1) buf = b.subarray(0, rng.int(b.length));
      else if (kind === 2) buf = Buffer.concat([b, Buffer.from([rng.int(256)])]);
      else for (let j = 0; j < 1 + rng.int(16); j++) b[rng.int(b.length)] = rng.int(256);
      writeFileSync(bad, buf);
      try {
        const c = loadCheckpoint(bad);
        // A mutation that survives every check must have left the content exactly as it was.
        assert.deepEqual(c.tensors.w!.data, data, `mutation ${k} loaded different weights`);
      } catch (e) {
        const err = e as Error;
        assert.equal(err.name, 'CheckpointError', `mutation ${k}: ${err.name}: ${err.message}`);
        assert.ok(!err.message.includes('\n'), err.message);
        rejected++;
      }
    }
    assert.ok(rejected > 1900, `only ${rejected} of 2000 damaged files rejected`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const VALUE_TOKENS = [
  '',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  'x',
  '[',
  '[1,',
  '{"a":',
  '"',
  '1.5',
  '2e9',
  '[]',
  'null',
];

test('fuzz: mutated --set arguments of every experiment parse or fail with one ConfigError line', () => {
  const rng = new Rng(4);
  let parsed = 0;
  let rejected = 0;
  for (const exp of listExperiments()) {
    const keys = describeConfig(exp.config).map((c) => ({ key: c.key, value: JSON.stringify(c.default) }));
    for (let k = 0; k < 60; k++) {
      const sets: string[] = [];
      for (let j = 0; j < 1 + rng.int(3); j++) {
        const c = keys[rng.int(keys.length)];
        let key = c?.key ?? 'x';
        let value = c?.value ?? '1';
        const r = rng.int(6);
        if (r === 0) value = VALUE_TOKENS[rng.int(VALUE_TOKENS.length)]!;
        else if (r === 1) key = key.slice(0, rng.int(key.length + 1)) + (rng.int(2) ? 'x' : '');
        else if (r === 2) value = value.slice(0, rng.int(value.length + 1));
        else if (r === 3 && value !== undefined)
          value = `${value}${VALUE_TOKENS[rng.int(VALUE_TOKENS.length)]}`;
        sets.push(rng.int(20) === 0 ? key : `${key}=${value}`);
      }
      try {
        parseSets(exp.config, sets, exp.id);
        parsed++;
      } catch (e) {
        const err = e as Error;
        assert.equal(
          err.name,
          'ConfigError',
          `${exp.id} ${JSON.stringify(sets)}: ${err.name}: ${err.message}`,
        );
        assert.ok(!err.message.includes('\n'), `multi-line error: ${err.message}`);
        rejected++;
      }
    }
  }
  assert.ok(parsed > 0 && rejected > 0, `parsed ${parsed}, rejected ${rejected}`);
});
