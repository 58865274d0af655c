/**
 * Golden lines: a short run of each experiment family, under each matrix kernel, prints exactly the
 * `--json` line stored in test/golden/lines.json, and where it checkpoints, its final state has the stored
 * digest (every bit of every tensor). The same command and numeric configuration give the
 * same bits on any machine (docs/reproducibility.md); an intended change regenerates them with
 * `npm run golden` and says so in CHANGELOG.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_CASES, GOLDEN_FILE, type GoldenFile, KERNELS, runCase } from '../tools/golden.js';

const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenFile;

test('every golden case has a stored line per kernel, and nothing is stored for a case that no longer exists', () => {
  assert.equal(golden.format, 2);
  assert.deepEqual(Object.keys(golden.cases).sort(), Object.keys(GOLDEN_CASES).sort());
  for (const id of Object.keys(GOLDEN_CASES))
    assert.deepEqual(Object.keys(golden.cases[id] ?? {}).sort(), [...KERNELS].sort(), id);
});

for (const id of Object.keys(GOLDEN_CASES)) {
  for (const kernel of KERNELS) {
    test(`${id} under the ${kernel} kernel prints its golden line`, () => {
      const root = mkdtempSync(join(tmpdir(), 'steered-golden-'));
      try {
        const { line, state } = runCase(id, kernel, root);
        const want = golden.cases[id]?.[kernel]?.line;
        if (line !== want) {
          // Name the metrics that moved: a diff of two long JSON lines is unreadable.
          const a = JSON.parse(want ?? '{}') as Record<string, unknown>;
          const b = JSON.parse(line) as Record<string, unknown>;
          const moved = [...new Set([...Object.keys(a), ...Object.keys(b)])]
            .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
            .map((k) => `${k}: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
          assert.fail(`${id} (${kernel}) moved (${moved.length} metrics): ${moved.slice(0, 8).join('; ')}`);
        }
        assert.equal(
          state,
          golden.cases[id]?.[kernel]?.state,
          `${id} (${kernel}): the final state's bits moved`,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
}
