/**
 * Every pointer resolves inside the repository: relative links (and their #anchors) in README.md,
 * CHANGELOG.md and docs/, and the repository paths named in the code's comments and strings (src/,
 * tools/, bench/, scripts/, examples/). A file renamed or removed without its mentions fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (ext.test(e.name)) out.push(p);
    }
  };
  if (existsSync(join(ROOT, dir))) walk(dir);
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const withoutCode = (md: string) => md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) => slug(m[1]!)));
}

test('slug follows the heading anchors GitHub makes', () => {
  assert.equal(slug('Sweeps'), 'sweeps');
  assert.equal(
    slug('Main-job recipe, 0.3.0: training on the expected regret'),
    'main-job-recipe-030-training-on-the-expected-regret',
  );
  assert.equal(slug('`steered sweep` on a cluster'), 'steered-sweep-on-a-cluster');
});

test('relative links in README, CHANGELOG and docs/ resolve, anchors included', () => {
  const docs = ['README.md', 'CHANGELOG.md', ...filesUnder('docs', /\.md$/)];
  assert.ok(docs.length > 20, `only ${docs.length} markdown files found`);
  const bad: string[] = [];
  let links = 0;
  for (const f of docs) {
    for (const m of withoutCode(readFileSync(join(ROOT, f), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      links++;
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path ? resolve(ROOT, dirname(f), path) : join(ROOT, f);
      if (!target.startsWith(ROOT)) bad.push(`${f}: ${link} leaves the repository`);
      else if (!existsSync(target)) bad.push(`${f}: ${link} (no ${relative(ROOT, target)})`);
      else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor))
        bad.push(`${f}: ${link} (no heading #${anchor})`);
    }
  }
  assert.ok(links > 100, `only ${links} relative links found; is the pattern still right?`);
  assert.deepEqual(bad, []);
});

test('repository paths named in the code exist', () => {
  const code = ['src', 'tools', 'bench', 'scripts', 'examples'].flatMap((d) => filesUnder(d, /\.(ts|sh)$/));
  const pattern =
    /\b(?:docs|data|scripts|bench|tools|examples|test|src|checkpoints)\/[A-Za-z0-9_./-]+\.(?:md|ts|sh|steer|world|paradigm|json|ckpt|svg)\b/g;
  const bad: string[] = [];
  let named = 0;
  for (const f of code)
    for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(pattern)) {
      named++;
      if (!existsSync(join(ROOT, m[0]))) bad.push(`${f}: ${m[0]}`);
    }
  assert.ok(named > 50, `only ${named} paths found; is the pattern still right?`);
  assert.deepEqual(bad, []);
});
