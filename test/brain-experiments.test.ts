/**
 * The brain experiments' seeded science tests under OpenBLAS (test-support/brain-science.ts; the pure-TS
 * kernel's run is brain-experiments-ts.test.ts), a control without assessor learning, and an exact
 * mid-life resume after SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLine, runUntilKilled, steered } from '../test-support/cli.js';
import { brainScience } from '../test-support/brain-science.js';

function run(id: string, seed: number, sets: string[] = []): Record<string, number> {
  const root = mkdtempSync(join(tmpdir(), 'steered-brain-'));
  const r = steered(
    ['run', id, '--seed', String(seed), ...sets.flatMap((s) => ['--set', s]), '--json', '--quiet'],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(lastLine(r.stdout)) as Record<string, number>;
}

brainScience('blas');

test('brain/spider-fear control: without assessor learning there is no anticipation', () => {
  const m = run('brain/spider-fear', 0, ['assessorLearning=false']);
  assert.ok(m.cortisol_still_spider_after! < 1.2 * m.cortisol_still_spider_before!, JSON.stringify(m));
  assert.equal(m.imagined_to_seen_ratio, 0);
});

test('a brain lifetime SIGKILLed mid-way and resumed ends with the same --json line', async () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-brain-resume-'));
  const ref = steered(
    ['run', 'brain/spider-fear', '--seed', '5', '--json', '--quiet', '--out', join(root, 'ref')],
    root,
  );
  assert.equal(ref.code, 0, ref.stderr);
  const out = join(root, 'killed');
  const args = ['run', 'brain/spider-fear', '--seed', '5', '--json', '--quiet', '--out', out];
  const killed = await runUntilKilled(args, root, out, 30); // protocol step 30 of 52: mid-conditioning
  assert.ok(killed, 'the run finished before it could be killed; the test did not test anything');
  const res = steered(['run', 'brain/spider-fear', '--resume', out, '--json', '--quiet'], root);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(lastLine(res.stdout), lastLine(ref.stdout));
  assert.equal(
    readFileSync(join(out, 'figures', 'probes.svg'), 'utf8'),
    readFileSync(join(root, 'ref', 'figures', 'probes.svg'), 'utf8'),
  );
});
