#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build).
import { main, exitCodeFor, oneLine } from '../dist/src/cli/main.js';

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
