/** `steered serve --port 0` in a child process, for tests and benchmarks that need it in its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** Resolves with the port from the URL the server prints; rejects if it exits first. */
export function serveProcess(
  runsRoot: string,
  env: Record<string, string> = {},
): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--quiet'], {
      env: { ...process.env, STEERED_RUNS_ROOT: runsRoot, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /:(\d+)\//.exec(out);
      if (m) ok({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => fail(new Error(`steered serve exited with ${code}`)));
  });
}
