/** A run ends with the experiment's own summary on stderr and the metrics on stdout (stdout stays parseable). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLine, steered } from '../test-support/cli.js';

test('metarl/bandit-independent: summary against Thompson, Gittins and the Bayes-optimal limit on stderr, JSON on stdout', () => {
  const root = mkdtempSync(join(tmpdir(), 'steered-summary-'));
  try {
    const r = steered(
      ['run', 'metarl/bandit-independent', '--set', 'updates=3', '--set', 'episodes=20', '--json'],
      root,
    );
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(lastLine(r.stdout)) as Record<string, number>;
    assert.equal(r.stdout.trim().split('\n').length, 1, 'stdout holds only the JSON line');
    assert.match(
      r.stderr,
      new RegExp(`regret ${m.regret_mean!.toFixed(2)} ± ${m.regret_sem!.toFixed(2)} per episode`),
    );
    for (const ref of ['Thompson sampling', 'Gittins index', 'Bayes-optimal \\(the limit\\)'])
      assert.match(r.stderr, new RegExp(`${ref}\\s+\\d+\\.\\d\\d  \\(the network (beats it by|is) `));
    assert.match(r.stderr, /figures: .*figures/);
    const quiet = steered(
      ['run', 'metarl/bandit-independent', '--set', 'updates=3', '--set', 'episodes=20', '--json', '--quiet'],
      root,
    );
    assert.equal(quiet.stderr, '');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
