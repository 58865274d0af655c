/**
 * The import graph of src/ and the rules it must keep (docs/architecture.md §4): no import cycles, no
 * Node-only module outside the edge, no layer importing a higher one. Pure functions over file texts, so
 * test/structure.test.ts can check the real tree and show on a tiny made-up one that each rule fails.
 *
 * Imports are read with the TypeScript scanner (`preProcessFile`): static imports and re-exports,
 * type-only ones included (a type-only cycle still ties two modules together), side-effect imports and
 * dynamic `import()`; comments and strings are not mistaken for imports.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

/** Layers, lowest first; a module may import its own layer, a peer of the same rank, or any lower rank. */
export const LAYER_RANK: Readonly<Record<string, number>> = {
  math: 0,
  format: 0,
  nn: 1,
  plot: 2,
  envs: 3,
  brain: 4,
  metarl: 5,
  baselines: 5,
  probes: 5,
  conditioning: 5,
  experiments: 6,
  runs: 7,
  node: 7,
  live: 7,
  api: 8,
  sweep: 8,
  serve: 8,
  cli: 9,
};

/** Folders of src/ where Node-only modules (file system, threads, native code) are allowed. */
export const EDGE_FOLDERS: readonly string[] = ['node', 'runs', 'sweep', 'serve', 'cli'];

/** Packages that only run in Node (native code), beside Node's own modules. */
export const NODE_ONLY_PACKAGES: readonly string[] = ['koffi', 'better-sqlite3', 'bullmq', 'ioredis'];

export interface Edge {
  /** Importing file, repository-relative (src/…/x.ts). */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file (repository-relative) for a relative specifier, else null (a package). */
  to: string | null;
}

export interface ImportGraph {
  files: readonly string[];
  edges: readonly Edge[];
  /** Relative specifiers that name no file of the graph. */
  unresolved: readonly Edge[];
}

/** Every module specifier a TypeScript source imports or re-exports, in order. */
export function parseImports(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The import graph of the given files (path → text); relative `.js` specifiers resolve to `.ts` files. */
export function buildGraph(sources: ReadonlyMap<string, string>): ImportGraph {
  const files = [...sources.keys()].sort();
  const known = new Set(files);
  const edges: Edge[] = [];
  const unresolved: Edge[] = [];
  for (const from of files) {
    for (const specifier of parseImports(sources.get(from)!)) {
      if (!specifier.startsWith('.')) {
        edges.push({ from, specifier, to: null });
        continue;
      }
      const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
      const to = joined.replace(/\.js$/, '.ts');
      if (known.has(to)) edges.push({ from, specifier, to });
      else unresolved.push({ from, specifier, to: null });
    }
  }
  return { files, edges, unresolved };
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), as a closed path of files
 * [a, b, …, a] found inside the component. A file importing itself is a cycle too.
 */
export function findCycles(g: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const f of g.files) next.set(f, []);
  for (const e of g.edges) if (e.to) next.get(e.from)!.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || next.get(v)!.includes(v)) components.push(comp.sort());
    }
  };
  for (const f of g.files) if (!index.has(f)) visit(f);
  return components.map((comp) => closedPath(comp, next));
}

/** A shortest closed path through the component's first file, staying inside the component. */
function closedPath(comp: readonly string[], next: ReadonlyMap<string, string[]>): string[] {
  const start = comp[0]!;
  const inside = new Set(comp);
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of next.get(v)!) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
        path.push(start);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...comp, start];
}

function isNodeOnly(specifier: string): boolean {
  const pkg = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  return (
    specifier.startsWith('node:') || builtinModules.includes(specifier) || NODE_ONLY_PACKAGES.includes(pkg)
  );
}

/** Imports of Node-only modules from files outside the edge folders. */
export function nodeOnlyViolations(g: ImportGraph): Edge[] {
  return g.edges.filter(
    (e) => e.to === null && isNodeOnly(e.specifier) && !EDGE_FOLDERS.includes(e.from.split('/')[1] ?? ''),
  );
}

/**
 * The layer of a file: its folder under src/, except that the package's entry points (`entryPoints`:
 * the files package.json exports) are the public facade, layer `api`, wherever they sit; src/index.ts is
 * one. Null for a file in no layer.
 */
export function layerOf(file: string, entryPoints: ReadonlySet<string>): string | null {
  if (entryPoints.has(file) || file === 'src/index.ts') return 'api';
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts.length < 3) return null;
  return parts[1]! in LAYER_RANK ? parts[1]! : null;
}

export interface LayerViolation {
  edge: Edge;
  fromLayer: string;
  toLayer: string;
}

/** Imports of a higher layer; files in no layer are reported by `unlayeredFiles`. */
export function layerViolations(g: ImportGraph, entryPoints: ReadonlySet<string>): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const edge of g.edges) {
    if (!edge.to) continue;
    const fromLayer = layerOf(edge.from, entryPoints),
      toLayer = layerOf(edge.to, entryPoints);
    if (fromLayer === null || toLayer === null) continue;
    if (LAYER_RANK[toLayer]! > LAYER_RANK[fromLayer]!) out.push({ edge, fromLayer, toLayer });
  }
  return out;
}

export function unlayeredFiles(g: ImportGraph, entryPoints: ReadonlySet<string>): string[] {
  return g.files.filter((f) => layerOf(f, entryPoints) === null);
}

/**
 * The source files package.json's `main` and `exports` point at (dist/src/…/x.js → src/…/x.ts).
 */
export function entryPointsOf(pkg: { main?: string; exports?: unknown }): Set<string> {
  const out = new Set<string>();
  const add = (target: string) => {
    const m = /^(?:\.\/)?dist\/(src\/.+)\.js$/.exec(target);
    if (m) out.add(`${m[1]}.ts`);
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') add(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  if (pkg.main) add(pkg.main);
  walk(pkg.exports);
  return out;
}
