/** The generated docs are current: every experiment has its page and no page differs from its source. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('docs/experiments is generated from the current definitions (npm run docs leaves the tree unchanged)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', 'docs.js'), '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
});
