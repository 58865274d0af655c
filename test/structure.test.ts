/**
 * The shape of src/ (docs/architecture.md §4): no import cycles, Node-only modules only at the edge
 * (src/node, src/runs, src/cli), and no layer importing a higher one in
 *
 *   math, format < nn < plot < envs < brain < metarl, baselines, probes, conditioning < experiments < runs, node < api < cli
 *
 * The checker (test-support/structure.ts) is first shown to catch each kind of mistake in a tiny
 * made-up tree, then run on the real one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildGraph,
  entryPointsOf,
  findCycles,
  layerOf,
  layerViolations,
  nodeOnlyViolations,
  parseImports,
  unlayeredFiles,
} from '../test-support/structure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourcesUnder(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) sourcesUnder(path, out);
    else if (e.isFile() && e.name.endsWith('.ts')) out.set(path, readFileSync(join(ROOT, path), 'utf8'));
  }
  return out;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main?: string;
  exports?: unknown;
};
const entryPoints = entryPointsOf(pkg);
const graph = buildGraph(sourcesUnder('src'));

/**
 * Cycles in files this repository's structure work may not touch yet, each to be removed here once it
 * is gone (the test fails while an entry names a cycle that no longer exists). None at present.
 */
const PENDING_CYCLES: readonly (readonly string[])[] = [];

const sameFiles = (cycle: readonly string[], files: readonly string[]) => {
  const a = [...new Set(cycle)].sort();
  return a.length === files.length && a.every((f, i) => f === [...files].sort()[i]);
};

// ---- the checker on a made-up tree ------------------------------------------------------------------

test('imports are read from static, type-only, re-export, side-effect and dynamic forms, not from comments', () => {
  const text = [
    '/** import { no } from "./comment.js"; */',
    "// import { no } from './line-comment.js';",
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    'import {',
    '  c,',
    '  d,',
    "} from './cd.js';",
    "export * from './e.js';",
    "export { f } from './f.js';",
    "import './side-effect.js';",
    "const g = await import('./g.js');",
    'const s = \'import { no } from "./string.js"\';',
  ].join('\n');
  assert.deepEqual(parseImports(text), [
    './a.js',
    '../b.js',
    './cd.js',
    './e.js',
    './f.js',
    './side-effect.js',
    './g.js',
  ]);
});

test('the checker fails a made-up tree with a cycle, a Node-only import in the core and a layer inversion', () => {
  const g = buildGraph(
    new Map([
      ['src/math/a.ts', "import { b } from './b.js';"],
      ['src/math/b.ts', "import type { C } from './c.js';"],
      ['src/math/c.ts', "export { a } from './a.js';"],
      ['src/math/self.ts', "import './self.js';"],
      [
        'src/nn/reads-files.ts',
        "import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';",
      ],
      ['src/nn/threads.ts', "import { Worker } from 'worker_threads';"],
      ['src/runs/store.ts', "import * as fs from 'node:fs';\nimport { a } from '../math/a.js';"],
      ['src/envs/world.ts', "import type { Sense } from '../brain/senses.js';"],
      ['src/brain/senses.ts', "import { z } from 'zod';\nexport type Sense = number;"],
      ['src/brain/lost.ts', "import { x } from './missing.js';"],
      ['src/stray/x.ts', ''],
    ]),
  );
  const cycles = findCycles(g);
  assert.equal(cycles.length, 2, JSON.stringify(cycles));
  assert.deepEqual(cycles[0], ['src/math/a.ts', 'src/math/b.ts', 'src/math/c.ts', 'src/math/a.ts']);
  assert.deepEqual(cycles[1], ['src/math/self.ts', 'src/math/self.ts']);
  assert.deepEqual(
    nodeOnlyViolations(g).map((e) => `${e.from} ${e.specifier}`),
    [
      'src/nn/reads-files.ts node:fs',
      'src/nn/reads-files.ts better-sqlite3',
      'src/nn/threads.ts worker_threads',
    ],
  );
  assert.deepEqual(
    layerViolations(g, new Set()).map((v) => `${v.edge.from} (${v.fromLayer}) → ${v.edge.to} (${v.toLayer})`),
    ['src/envs/world.ts (envs) → src/brain/senses.ts (brain)'],
  );
  assert.deepEqual(
    g.unresolved.map((e) => `${e.from} ${e.specifier}`),
    ['src/brain/lost.ts ./missing.js'],
  );
  assert.deepEqual(unlayeredFiles(g, new Set()), ['src/stray/x.ts']);
  // Without the mistakes, the same checker passes.
  const clean = buildGraph(
    new Map([
      ['src/math/a.ts', "import { b } from './b.js';"],
      ['src/math/b.ts', ''],
      ['src/runs/store.ts', "import * as fs from 'node:fs';\nimport { a } from '../math/a.js';"],
      ['src/brain/world.ts', "import type { W } from '../envs/world.js';"],
      ['src/envs/world.ts', "import { z } from 'zod';"],
    ]),
  );
  assert.deepEqual(findCycles(clean), []);
  assert.deepEqual(nodeOnlyViolations(clean), []);
  assert.deepEqual(layerViolations(clean, new Set()), []);
});

test('layers: folders, and the package entry points as the facade', () => {
  assert.equal(layerOf('src/brain/learning/planner.ts', new Set()), 'brain');
  assert.equal(layerOf('src/index.ts', new Set()), 'api');
  assert.equal(layerOf('src/brain/index.ts', entryPoints), 'api');
  assert.equal(layerOf('src/node/index.ts', entryPoints), 'api');
  assert.equal(layerOf('src/node/blas.ts', entryPoints), 'node');
  assert.equal(layerOf('src/plot/svg.ts', entryPoints), 'plot');
  assert.equal(layerOf('src/somewhere/x.ts', entryPoints), null);
  assert.ok(
    entryPoints.has('src/api/envs.ts') && entryPoints.has('src/nn/index.ts'),
    [...entryPoints].join(),
  );
});

// ---- the real tree ----------------------------------------------------------------------------------

test('src/: every relative import names a file, and every file is in a layer', () => {
  assert.ok(graph.files.length > 100, `${graph.files.length} files read`);
  assert.deepEqual(
    graph.unresolved.map((e) => `${e.from}: ${e.specifier}`),
    [],
  );
  assert.deepEqual(unlayeredFiles(graph, entryPoints), []);
});

test('src/: no import cycles', () => {
  const cycles = findCycles(graph);
  const unexpected = cycles.filter((c) => !PENDING_CYCLES.some((p) => sameFiles(c, p)));
  assert.deepEqual(
    unexpected.map((c) => c.join(' → ')),
    [],
  );
  for (const p of PENDING_CYCLES)
    assert.ok(
      cycles.some((c) => sameFiles(c, p)),
      `the cycle ${p.join(' ↔ ')} is gone: remove it from PENDING_CYCLES`,
    );
});

test('src/: Node-only modules (node:*, fs, path, worker_threads, koffi, better-sqlite3, …) only in src/node, src/runs, src/cli', () => {
  assert.deepEqual(
    nodeOnlyViolations(graph).map((e) => `${e.from}: ${e.specifier}`),
    [],
  );
});

test('src/: no layer imports a higher one', () => {
  assert.deepEqual(
    layerViolations(graph, entryPoints).map(
      (v) => `${v.edge.from} (${v.fromLayer}) imports ${v.edge.to} (${v.toLayer})`,
    ),
    [],
  );
});
