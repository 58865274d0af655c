#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build).
import { main, exitCodeFor, oneLine } from '../dist/src/cli/main.js';

// A reader that stops early (`steered list --json | head -1`) closes the pipe: it has what it wanted,
// so that is a clean end, not a crash with a stack trace. A closed stderr only loses progress and notes,
// so a run carries on to store its results.
process.stdout.on('error', (e) => {
  if (e?.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.exitCode = 1;
});
process.stderr.on('error', () => {});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    const code = exitCodeFor(e);
    process.stderr.write(`steered: ${oneLine(e)}\n`);
    if (code === 1 && process.env.STEERED_DEBUG) process.stderr.write(`${e?.stack}\n`);
    process.exitCode = code;
  },
);
