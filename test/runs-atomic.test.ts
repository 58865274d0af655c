import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, removeStaleTemps } from '../src/runs/atomic.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'steered-atomic-'));

test('writeFileAtomic creates and replaces a file and leaves no temp files', () => {
  const d = tmp();
  const f = path.join(d, 'a.json');
  writeFileAtomic(f, 'one');
  assert.equal(fs.readFileSync(f, 'utf8'), 'one');
  writeFileAtomic(f, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(d), ['a.json']);
});

test('a failure before the rename keeps the old content and removes the temp file', () => {
  const d = tmp();
  const f = path.join(d, 'a.json');
  writeFileAtomic(f, 'old');
  let sawTemp = '';
  assert.throws(
    () =>
      writeFileAtomic(f, 'new content', {
        beforeRename: (t) => {
          sawTemp = t;
          assert.equal(fs.readFileSync(t, 'utf8'), 'new content'); // complete before the rename
          throw new Error('simulated crash');
        },
      }),
    /simulated crash/,
  );
  assert.ok(sawTemp.startsWith(d));
  assert.equal(fs.readFileSync(f, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(d), ['a.json']);
});

test('a failing rename (target is a non-empty directory) removes the temp file', () => {
  const d = tmp();
  const target = path.join(d, 'x');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'keep'), 'k');
  assert.throws(() => writeFileAtomic(target, 'data'));
  assert.deepEqual(fs.readdirSync(d), ['x']);
  assert.equal(fs.readFileSync(path.join(target, 'keep'), 'utf8'), 'k');
});

test('removeStaleTemps sweeps only temp files of killed writers', () => {
  const d = tmp();
  fs.writeFileSync(path.join(d, '.ckpt-5.bin.tmp-123-abcd'), 'partial');
  fs.writeFileSync(path.join(d, 'ckpt-5.bin'), 'real');
  fs.writeFileSync(path.join(d, '.hidden'), 'user file');
  removeStaleTemps(d);
  assert.deepEqual(fs.readdirSync(d).sort(), ['.hidden', 'ckpt-5.bin']);
});
