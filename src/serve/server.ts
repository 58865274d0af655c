/**
 * `steered serve`: the live lab over HTTP, on Node's own http module. JSON in, JSON out, Server-Sent
 * Events for the tick stream; the page (page.ts) is one self-contained document served at `/`.
 *
 * Safety: loopback by default. Bound anywhere else it needs a token (one is generated when none is
 * given), and every API call must carry it (`Authorization: Bearer …`, or `?token=` where a browser
 * cannot set headers, as for EventSource). Unauthenticated on loopback, requests must name a loopback
 * Host (a page on another site cannot reach the server through DNS rebinding). Bodies are capped; bad
 * input gets a 4xx and one line, and never touches a running lifetime.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RunStore } from '../runs/index.js';
import { findExperiment, listExperiments } from '../experiments/index.js';
import { validateConfig } from '../experiments/config.js';
import { parseWorld } from '../envs/gridworld/spec.js';
import { parseSteering } from '../brain/steering/config.js';
import { checkLearnerOverride, type LearnerOverride } from '../experiments/brain/common.js';
import { packageRoot } from '../node/data.js';
import { CommandError, parseCommand } from '../live/commands.js';
import { playLog, type LiveSpec } from '../live/lifetime.js';
import { LIVE_EXPERIMENT, LiveSession } from './session.js';
import { PAGE_HTML } from './page.js';
import { metarlEpisode, MetarlViewError } from './metarl-view.js';

export const MAX_BODY = 64 * 1024;
export const MAX_LIVE = 4;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ServeOptions {
  host?: string;
  port?: number;
  token?: string;
  runsRoot: string;
  /** Folders (besides the package's data/) that world and steering paths may name. */
  dataDirs?: string[];
  version: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  host: string;
  port: number;
  /** The token every API call needs, or null (loopback without one). */
  token: string | null;
  store: RunStore;
  sessions: Map<string, LiveSession>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? (isLoopback(host) ? null : randomBytes(16).toString('hex'));
  const store = new RunStore(o.runsRoot);
  const sessions = new Map<string, LiveSession>();
  const roots = [join(packageRoot(), 'data'), ...(o.dataDirs ?? [])].map((d) => resolve(d));

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      if (!res.headersSent) send(res, status, { error: msg });
      else res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    checkHost(req);
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy':
          "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:",
      });
      res.end(PAGE_HTML);
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' });
      res.end();
      return;
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, `no such page: ${path}`);
    authorize(req, url);
    const parts = path.split('/').filter(Boolean).slice(1); // after 'api'
    const m = req.method ?? 'GET';
    const route = `${m} ${parts.map((p, i) => (i % 2 === 1 && parts.length > 1 ? ':' : p)).join('/')}`;
    switch (route) {
      case 'GET health':
        return send(res, 200, { ok: true, version: o.version });
      case 'GET experiments':
        return send(res, 200, experimentsList());
      case 'GET runs':
        return send(res, 200, store.list());
      case 'GET runs/:':
        return send(res, 200, runDetail(parts[1]!));
      case 'GET runs/:/figures':
      case 'GET runs/:/figures/:':
        return figure(res, parts[1]!, parts[3]);
      case 'GET lifetimes':
        return send(
          res,
          200,
          [...sessions.values()].map((s) => s.state()),
        );
      case 'POST lifetimes': {
        const body = await readJson(req);
        const running = [...sessions.values()].filter((s) => s.status === 'running').length;
        if (running >= MAX_LIVE)
          throw new HttpError(429, `${MAX_LIVE} lifetimes are running; stop one first`);
        const resumeId = (body as { resume?: unknown } | null)?.resume;
        if (resumeId !== undefined) {
          const s = reopen(body as Record<string, unknown>);
          sessions.set(s.id, s);
          s.start();
          o.log?.(`lifetime ${s.id} continued from its checkpoint at tick ${s.life.t} → ${s.run.dir}`);
          return send(res, 201, { id: s.id, dir: s.run.dir, tick: s.life.t });
        }
        const spec = specFrom(body);
        const s = new LiveSession(store, spec);
        sessions.set(s.id, s);
        // Born paused, for a script that wants to set things up before the first tick.
        if ((body as { paused?: boolean }).paused) s.life.pace.paused = true;
        s.start();
        o.log?.(
          `lifetime ${s.id} started (${spec.experiment ?? spec.world.file}, seed ${spec.seed}) → ${s.run.dir}`,
        );
        return send(res, 201, { id: s.id, dir: s.run.dir });
      }
      case 'GET lifetimes/:/state':
        return send(res, 200, session(parts[1]!).state());
      case 'GET lifetimes/:/world':
        return send(res, 200, session(parts[1]!).world());
      case 'GET lifetimes/:/events': {
        const s = session(parts[1]!);
        const last = req.headers['last-event-id'] ?? url.searchParams.get('after');
        const after = last !== undefined && last !== null && /^\d+$/.test(String(last)) ? Number(last) : null;
        s.attach(res, after);
        return;
      }
      case 'POST lifetimes/:/commands': {
        const s = session(parts[1]!);
        const body = await readJson(req);
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new HttpError(400, 'a command is a JSON object with a "type"');
        const source =
          typeof (body as { source?: unknown }).source === 'string'
            ? String((body as { source: string }).source).slice(0, 32)
            : 'api';
        const { source: _drop, ...rest } = body as Record<string, unknown>;
        void _drop;
        if (s.status !== 'running') throw new HttpError(409, `lifetime ${s.id} has ended`);
        let cmd: ReturnType<typeof parseCommand>;
        try {
          cmd = parseCommand(rest);
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
        try {
          const r = s.command(cmd, source);
          return send(res, 200, { tick: r.tick, type: cmd.type, result: r.result, state: s.state() });
        } catch (e) {
          if (e instanceof CommandError || e instanceof RangeError) throw new HttpError(400, e.message);
          throw e;
        }
      }
      case 'GET metarl/:': {
        if (parts[1] !== 'episode') throw new HttpError(404, `no such endpoint: ${m} ${path}`);
        try {
          return send(res, 200, metarlEpisode(url.searchParams));
        } catch (e) {
          if (e instanceof MetarlViewError) throw new HttpError(400, e.message);
          throw e;
        }
      }
      default:
        throw new HttpError(404, `no such endpoint: ${m} ${path}`);
    }
  }

  function checkHost(req: IncomingMessage): void {
    if (token !== null) return;
    const h = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!isLoopback(h))
      throw new HttpError(403, `unexpected Host '${req.headers.host ?? ''}' for a loopback server`);
  }

  function authorize(req: IncomingMessage, url: URL): void {
    if (token === null) return;
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : (url.searchParams.get('token') ?? '');
    const a = Buffer.from(given),
      b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw new HttpError(401, 'a valid token is required');
  }

  /**
   * `{"resume": RUN_ID}`: a stopped live session of this store, continued from its latest checkpoint —
   * the rest of its command log lived again (as `steered run live/lifetime --resume`), then paused,
   * for the overseer to go on by hand; new commands are appended to the same log.
   */
  function reopen(b: Record<string, unknown>): LiveSession {
    for (const k of Object.keys(b))
      if (k !== 'resume') throw new HttpError(400, `resume takes no other field ('${k}')`);
    if (typeof b.resume !== 'string' || !b.resume) throw new HttpError(400, 'resume must be a run id');
    const row = store.get(b.resume);
    if (!row) throw new HttpError(404, `no run '${b.resume.slice(0, 64)}'`);
    if (row.experiment !== LIVE_EXPERIMENT) throw new HttpError(400, `run ${row.id} is not a live session`);
    if (sessions.get(row.id)?.status === 'running') throw new HttpError(409, `run ${row.id} is live now`);
    let r: ReturnType<typeof LiveSession.reopen>;
    try {
      r = LiveSession.reopen(store, row.dir);
    } catch (e) {
      throw new HttpError(409, (e as Error).message.split('\n')[0]!);
    }
    const s = r.session;
    s.life.pace.paused = true;
    const onTick = s.life.onTick;
    s.life.onTick = null;
    try {
      playLog(s.life, r.records, r.from, r.ticks);
    } catch (e) {
      s.end('interrupted');
      throw new HttpError(409, (e as Error).message);
    } finally {
      s.life.onTick = onTick;
    }
    // Pace as it stands after the log (a replayed resume may have unpaused it): paused, for the overseer.
    s.life.pace.paused = true;
    s.life.pace.stepping = 0;
    s.resumeLogging();
    if (s.life.stopped) s.end('completed');
    return s;
  }

  function session(id: string): LiveSession {
    const s = sessions.get(id);
    if (!s) throw new HttpError(404, `no lifetime '${id.slice(0, 64)}'`);
    return s;
  }

  /** A data file named by a request: inside the package's data/ or a --data folder, else 403. */
  function dataFile(p: unknown, what: string): { text: string; file: string } {
    if (typeof p !== 'string' || !p || p.length > 1024) throw new HttpError(400, `${what} must be a path`);
    const candidates = isAbsolute(p) ? [p] : [resolve(p), resolve(packageRoot(), p)];
    const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (!found) throw new HttpError(400, `${what}: no such file '${p}'`);
    const real = realpathSync(found);
    const inside = roots.some((r) => {
      const rel = relative(existsSync(r) ? realpathSync(r) : r, real);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep);
    });
    if (!inside) throw new HttpError(403, `${what}: '${p}' is outside the data folders`);
    return { text: readFileSync(real, 'utf8'), file: p };
  }

  function specFrom(body: unknown): LiveSpec {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(
        400,
        'a lifetime is {"experiment", "seed", "set"} or {"world", "steering", "seed"}',
      );
    const b = body as Record<string, unknown>;
    const known = new Set([
      'experiment',
      'seed',
      'set',
      'world',
      'steering',
      'learner',
      'planning',
      'paused',
    ]);
    for (const k of Object.keys(b)) if (!known.has(k)) throw new HttpError(400, `unknown field '${k}'`);
    if (b.paused !== undefined && typeof b.paused !== 'boolean')
      throw new HttpError(400, 'paused must be true or false');
    const seed = b.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)
      throw new HttpError(400, `seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
    if (b.planning !== undefined && typeof b.planning !== 'boolean')
      throw new HttpError(400, 'planning must be true or false');
    const planning = (b.planning as boolean | undefined) ?? true;
    let world: unknown, steering: unknown, learner: unknown, experiment: string | undefined;
    const plannerBlock: Record<string, unknown> = {};
    if (b.experiment !== undefined) {
      if (b.world !== undefined || b.steering !== undefined)
        throw new HttpError(400, 'give an experiment or world and steering files, not both');
      if (typeof b.experiment !== 'string') throw new HttpError(400, 'experiment must be an id');
      let exp: ReturnType<typeof findExperiment>;
      try {
        exp = findExperiment(b.experiment);
      } catch (e) {
        throw new HttpError(404, (e as Error).message);
      }
      const set = b.set ?? {};
      if (typeof set !== 'object' || set === null || Array.isArray(set))
        throw new HttpError(400, 'set must be an object of config keys');
      let cfg: Record<string, unknown>;
      try {
        cfg = validateConfig(exp.config, set as Record<string, unknown>, exp.id) as Record<string, unknown>;
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      world = cfg.world;
      steering = cfg.steering ?? cfg.concept;
      if (typeof world !== 'string' || typeof steering !== 'string')
        throw new HttpError(400, `${exp.id} is not a brain experiment with world and steering files`);
      learner = cfg.learner;
      experiment = exp.id;
      for (const k of ['horizon', 'candidates'] as const)
        if (typeof cfg[k] === 'number') plannerBlock[k] = cfg[k];
    } else {
      if (b.set !== undefined) throw new HttpError(400, 'set belongs with an experiment');
      world = b.world;
      steering = b.steering ?? 'data/steering/default.steer';
      learner = b.learner;
    }
    const w = dataFile(world, 'world'),
      st = dataFile(steering, 'steering');
    try {
      parseWorld(w.text, w.file);
      parseSteering(st.text, st.file);
      if (learner !== undefined) checkLearnerOverride(learner as LearnerOverride);
    } catch (e) {
      throw new HttpError(400, (e as Error).message.split('\n')[0]!);
    }
    const blocks = { ...((learner as LearnerOverride | undefined) ?? {}) };
    if (Object.keys(plannerBlock).length) blocks.planner = { ...plannerBlock, ...blocks.planner };
    return {
      world: w,
      steering: st,
      learner: blocks as LiveSpec['learner'],
      seed,
      planning,
      ...(experiment ? { experiment } : {}),
    };
  }

  function runDetail(id: string) {
    const row = store.get(id);
    if (!row) throw new HttpError(404, `no run '${id.slice(0, 64)}'`);
    const metrics: Record<string, unknown>[] = [];
    try {
      const text = readFileSync(join(row.dir, 'metrics.jsonl'), 'utf8');
      const lines = text.split('\n').filter(Boolean);
      // At most 2000 rows: every k-th, the last one always kept.
      const k = Math.max(1, Math.ceil(lines.length / 2000));
      lines.forEach((l, i) => {
        if (i % k === 0 || i === lines.length - 1) metrics.push(JSON.parse(l) as Record<string, unknown>);
      });
    } catch {
      /* a run without a metrics log shows none */
    }
    let figures: string[] = [];
    try {
      figures = readdirSync(join(row.dir, 'figures')).filter((f) => f.endsWith('.svg'));
    } catch {
      /* none */
    }
    return { ...row, metrics, figures };
  }

  function figure(res: ServerResponse, id: string, name: string | undefined): void {
    const row = store.get(id);
    if (!row) throw new HttpError(404, `no run '${id.slice(0, 64)}'`);
    if (!name || !/^[A-Za-z0-9._-]+\.svg$/.test(name)) throw new HttpError(400, 'a figure is a .svg name');
    const p = join(row.dir, 'figures', name);
    if (!existsSync(p)) throw new HttpError(404, `run ${id} has no figure ${name}`);
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
    res.end(readFileSync(p));
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, host, () => ok());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shown}:${addr.port}/${token ? `?token=${token}` : ''}`;
  return {
    server,
    url,
    host,
    port: addr.port,
    token,
    store,
    sessions,
    async close() {
      for (const s of sessions.values()) if (s.status === 'running') s.end('interrupted');
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      store.close();
    },
  };
}

/**
 * Experiments the page offers: brain ones a lifetime can start from (their config names world and
 * steering files) and meta-RL ones whose shipped checkpoint the meta-RL view can play.
 */
interface ExperimentEntry {
  id: string;
  title: string;
  kind: string;
  world: string | null;
  steering: string | null;
  shipped: boolean;
}

function experimentsList(): ExperimentEntry[] {
  return listExperiments().flatMap((e): ExperimentEntry[] => {
    const kind = e.id.split('/')[0]!;
    if (kind === 'brain') {
      const d = e.config.safeParse({});
      const c = (d.success ? d.data : {}) as Record<string, unknown>;
      const world = c.world,
        steering = c.steering ?? c.concept;
      if (typeof world !== 'string' || typeof steering !== 'string') return [];
      return [{ id: e.id, title: e.title, kind, world, steering, shipped: false }];
    }
    if (kind === 'metarl') {
      const shipped = Boolean(e.shippedCheckpoint && existsSync(join(packageRoot(), e.shippedCheckpoint)));
      return [{ id: e.id, title: e.title, kind, world: null, steering: null, shipped }];
    }
    return [];
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) {
    req.resume();
    throw new HttpError(413, `body too large (limit ${MAX_BODY} bytes)`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw new HttpError(413, `body too large (limit ${MAX_BODY} bytes)`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, `malformed JSON: ${(e as Error).message}`);
  }
}

export { LIVE_EXPERIMENT };
