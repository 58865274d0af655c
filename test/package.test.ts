/**
 * The package as a user gets it: `npm pack`, install the tarball into a scratch project, type-check
 * and run examples/quickstart.ts there. It imports only public entry points and builds a brain from the
 * bundled data files, so a missing export, a file left out of `files`, or a broken `exports` map fails.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('npm pack → install in a scratch project → type-check and run the quickstart example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steered-pack-'));
  try {
    // The build is current (npm test compiles first), so packing needs no prepare step.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack wrote no tarball');
    const proj = join(dir, 'proj');
    execFileSync('mkdir', ['-p', proj]);
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }),
    );
    // Install scripts are skipped: the quickstart needs neither SQLite (the run store) nor a rebuilt
    // koffi (it ships prebuilt), and building better-sqlite3 from source would take minutes.
    execFileSync(
      'npm',
      ['install', join(dir, tgz), '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: proj, stdio: 'pipe' },
    );
    copyFileSync(join(ROOT, 'examples', 'quickstart.ts'), join(proj, 'quickstart.ts'));
    writeFileSync(
      join(proj, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: [],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          outDir: 'out',
        },
        files: ['quickstart.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', proj], { cwd: proj, stdio: 'pipe' });
    } catch (e) {
      assert.fail(`type-check failed:\n${(e as { stdout?: Buffer }).stdout?.toString()}`);
    }
    const out = execFileSync(process.execPath, [join(proj, 'out', 'quickstart.js')], {
      cwd: proj,
      encoding: 'utf8',
    });
    assert.match(out, /^brain: 500 ticks, total reward -?\d+\.\d\d/m);
    assert.match(out, /^env: first observation has \d+ numbers/m);
    assert.match(out, /^experiment: regret \d+\.\d\d after 20 updates/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
