/**
 * `steered serve`: start the live lab (src/serve) and keep it up until SIGINT/SIGTERM, or, with
 * `--replay RUN_DIR`, live a recorded live session again from its seed and command log and compare
 * the final metrics with the recorded ones (exit 0 when every number is equal, 1 when one differs).
 */
import type { ParsedOptions } from './args.js';
import { UsageError } from './errors.js';
import { startServer } from '../serve/server.js';
import { LiveSession, readLiveRun } from '../serve/session.js';
import { playLog, replay } from '../live/lifetime.js';
import { RunStore } from '../runs/index.js';
import { installGemmFromEnv } from '../node/blas.js';
import { numericConfig, numericDifferences, type NumericConfig } from '../node/numeric.js';

export async function serveCommand(
  o: ParsedOptions,
  rest: string[],
  version: string,
  runsRoot: string,
): Promise<number> {
  if (rest.length) throw new UsageError(`serve takes no positional arguments, got '${rest[0]}'`);
  installGemmFromEnv();
  const say = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  if (o.replay) {
    for (const k of ['port', 'host', 'token'] as const)
      if (o[k] !== undefined) throw new UsageError(`--replay does not start a server: drop --${k}`);
    const rec = readLiveRun(o.replay);
    say(`replaying ${o.replay}: seed ${rec.spec.seed}, ${rec.records.length} commands, ${rec.ticks} ticks`);
    const diffs = rec.numeric ? numericDifferences(rec.numeric as NumericConfig, numericConfig()) : [];
    if (diffs.length)
      say(
        `warning: the recording was made under another numeric configuration (${diffs.join('; ')}); last bits may differ`,
      );
    const life = replay(rec.spec, rec.records, rec.ticks);
    const got = life.finalMetrics();
    const keys = [...new Set([...Object.keys(got), ...Object.keys(rec.final ?? {})])].sort();
    const differ = rec.final ? keys.filter((k) => !Object.is(got[k], rec.final![k])) : [];
    if (!rec.final) say('the recorded session has no final metrics (it was interrupted): nothing to compare');
    else if (differ.length) say(`replay differs from the recording in ${differ.join(', ')}`);
    else say(`replay equals the recording: ${keys.length} final metrics, bit for bit`);
    process.stdout.write(
      `${JSON.stringify({ ...got, replay_equal: rec.final ? (differ.length ? 0 : 1) : Number.NaN })}\n`,
    );
    return differ.length ? 1 : 0;
  }
  let port = 7357;
  if (o.port !== undefined) {
    if (!/^\d{1,5}$/.test(o.port) || Number(o.port) > 65535)
      throw new UsageError(`--port must be 0…65535 (0 picks a free one), got '${o.port}'`);
    port = Number(o.port);
  }
  if (o.token !== undefined && !/^[A-Za-z0-9._~-]{16,256}$/.test(o.token))
    throw new UsageError('--token must be 16 to 256 characters of letters, digits, . _ ~ -');
  const srv = await startServer({
    host: o.host ?? '127.0.0.1',
    port,
    ...(o.token !== undefined ? { token: o.token } : {}),
    runsRoot,
    dataDirs: o.data ?? [],
    version,
    log: say,
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use (--port 0 picks a free one)`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
      throw new UsageError(`cannot listen on host '${o.host}'`);
    throw e;
  });
  // The URL is the one line on stdout (with the token when there is one), for scripts to read.
  process.stdout.write(`${srv.url}\n`);
  say(`steered ${version} serving the live lab at ${srv.url} (runs in ${runsRoot}; Ctrl-C stops)`);
  await new Promise<void>((done) => {
    const stop = () => {
      say('stopping: live lifetimes are ended as interrupted and their final metrics written');
      void srv.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * `steered run live/lifetime --resume RUN_DIR`: continue a recorded live session from its latest
 * checkpoint, living the rest of its command log to where the recording ended; the run's logs are cut
 * back to the checkpoint and written again, and its final metrics are those of the uninterrupted
 * session, bit for bit (compared when the recording has them).
 */
export async function liveResumeCommand(o: ParsedOptions, runsRoot: string): Promise<number> {
  installGemmFromEnv();
  const dir = o.resume!;
  const recorded = readLiveRun(dir);
  const diffs = recorded.numeric
    ? numericDifferences(recorded.numeric as NumericConfig, numericConfig())
    : [];
  if (diffs.length)
    process.stderr.write(
      `steered: warning: resuming under another numeric configuration (${diffs.join('; ')}); last bits may differ\n`,
    );
  const store = new RunStore(runsRoot);
  const { session, records, from, ticks } = LiveSession.reopen(store, dir);
  const life = session.life;
  life.onTick = null; // nobody watches: no tick events to build
  if (!o.quiet)
    process.stderr.write(
      `resuming live session ${session.id} from tick ${life.t}: ${records.length - from} more commands, to tick ${ticks}\n`,
    );
  try {
    playLog(life, records, from, ticks);
  } catch (e) {
    session.end('interrupted');
    throw e;
  }
  session.end('completed');
  const got = session.final!;
  const rec = recorded.final;
  const differ = rec
    ? [...new Set([...Object.keys(got), ...Object.keys(rec)])].filter((k) => !Object.is(got[k], rec[k]))
    : [];
  if (!o.quiet) {
    if (!rec)
      process.stderr.write('the recording has no final metrics (it was killed): nothing to compare\n');
    else if (differ.length)
      process.stderr.write(`the continuation differs from the recording in ${differ.join(', ')}\n`);
    else process.stderr.write('the continuation equals the recording, bit for bit\n');
  }
  process.stdout.write(`${JSON.stringify(got)}\n`);
  return 0;
}
