/**
 * A live lifetime as the server runs it: a run in the store (config.json, metrics.jsonl and the
 * TensorBoard file through the brain's TickLog, commands.jsonl, checkpoints, final.json), a loop that
 * ticks it in short slices between I/O, and a ring buffer of recent events that Server-Sent-Event
 * clients read at their own pace.
 *
 * The simulation never waits for a client: each client has a cursor into the ring; a slow one is sent
 * what its socket can take, and one that falls behind the ring gets a `gap` event and jumps ahead.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type RunDir, type RunStore, writeFileAtomic } from '../runs/index.js';
import { TickLog, type TickLogState } from '../experiments/brain/tick-log.js';
import { numericConfig } from '../node/numeric.js';
import type { Command, CommandRecord } from '../live/commands.js';
import {
  LiveLifetime,
  type LiveConfig,
  type LiveSpec,
  type LiveState,
  type TickEvent,
} from '../live/lifetime.js';

export const LIVE_EXPERIMENT = 'live/lifetime';
export const COMMANDS_FILE = 'commands.jsonl';
/** The world and steering texts the lifetime was born with, so a replay needs nothing but the run folder. */
export const INPUTS_FILE = 'inputs.json';
/** Events kept for clients that reconnect (Last-Event-ID) or lag. */
export const RING_SIZE = 4096;
/** Longest stretch of ticking between two looks at the network. */
const SLICE_MS = 15;
/** A client socket holding more than this unsent is skipped until it drains. */
const CLIENT_BACKLOG = 1 << 20;

interface Entry {
  /** Tick events carry their tick (the SSE id); command events the boundary they applied at. */
  tick: number;
  isTick: boolean;
  text: string;
}

interface Client {
  res: ServerResponse;
  /** Sequence number of the next entry to send. */
  next: number;
}

export class LiveSession {
  readonly life: LiveLifetime;
  readonly run: RunDir;
  readonly id: string;
  status: 'running' | 'completed' | 'interrupted' = 'running';
  final: Record<string, number> | null = null;
  private readonly ring: (Entry | undefined)[] = new Array<Entry | undefined>(RING_SIZE);
  /** Sequence number of the next entry (entries seq − RING_SIZE … seq − 1 are in the ring). */
  private seq = 0;
  private readonly clients = new Set<Client>();
  private readonly tickLog: TickLog;
  private logCommands: boolean;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private anchor = { time: 0, tick: 0 };
  /** Ticks per second over the last second of running (for the page's indicator). */
  rate = 0;
  private rateMark = { time: 0, tick: 0 };
  onEnd: (() => void) | null = null;

  /** A new lifetime, recorded as a new run in `store`. */
  constructor(store: RunStore, spec: LiveSpec, opts?: { outDir?: string });
  /** A lifetime continued in a run reopened for resume (see LiveSession.reopen). */
  constructor(run: RunDir, life: LiveLifetime, opts: { tickLog: TickLogState; logCommands: boolean });
  constructor(
    a: RunStore | RunDir,
    b: LiveSpec | LiveLifetime,
    opts: { outDir?: string; tickLog?: TickLogState; logCommands?: boolean } = {},
  ) {
    if (b instanceof LiveLifetime) {
      this.life = b;
      this.run = a as RunDir;
    } else {
      // The numeric configuration (matrix kernel and build) is part of the record: a replay under
      // another one may differ in the last bits, and the replay says so.
      this.life = new LiveLifetime(b);
      this.run = (a as RunStore).create({
        experiment: LIVE_EXPERIMENT,
        seed: b.seed,
        config: this.life.config(),
        numeric: numericConfig(),
        ...(opts.outDir ? { outDir: opts.outDir } : {}),
      });
      writeFileAtomic(
        join(this.run.dir, INPUTS_FILE),
        `${JSON.stringify({ format: 'steered.live-inputs', version: 1, world: b.world, steering: b.steering })}\n`,
      );
    }
    this.id = this.run.id;
    const spec = this.life.spec,
      cfg = this.life.config();
    this.tickLog = new TickLog((step, m) => this.run.logMetrics(step, m), 1, opts.tickLog);
    this.tickLog.attach(this.life.agent, 0);
    this.life.onRecord = (r) => this.tickLog.record(r);
    this.life.onTick = (e) => this.push(e.tick, true, 'tick', e);
    this.logCommands = opts.logCommands ?? true;
    this.life.onCommand = (rec, result) => {
      if (this.logCommands) appendFileSync(join(this.run.dir, COMMANDS_FILE), `${JSON.stringify(rec)}\n`);
      this.push(rec.tick, false, 'command', { ...rec, result });
    };
    this.life.checkpointSink = (life, tick) => {
      // A checkpoint holds no half-averaged row: the window so far is written first (the replayed or
      // resumed session writes it at the same boundary, so their logs stay equal).
      this.tickLog.flush();
      const snap = life.agent.snapshot();
      return this.run.saveCheckpoint({
        meta: {
          step: tick,
          experiment: LIVE_EXPERIMENT,
          seed: spec.seed,
          config: cfg,
          agent: snap.meta,
          live: life.saveState(),
          tickLog: { ...this.tickLog.state },
        },
        tensors: snap.tensors,
      });
    };
    this.anchor = { time: performance.now(), tick: this.life.t };
    this.rateMark = { ...this.anchor };
  }

  /**
   * Reopen a stored live run at its latest checkpoint (the run store checks it and cuts the logs back
   * to it): the lifetime restored, and the part of the command log after the checkpoint still to be
   * lived, up to `ticks` (where the recording ended). Commands already in the log are not written again
   * while they are lived; `resumeLogging()` turns logging back on for new ones.
   */
  static reopen(
    store: RunStore,
    dir: string,
  ): { session: LiveSession; records: CommandRecord[]; from: number; ticks: number } {
    const rec = readLiveRun(dir);
    const run = store.open(dir);
    try {
      // Everything is checked and restored before resume() cuts the logs back to the checkpoint.
      const ck = run.resumed!;
      const m = ck.meta as { live?: LiveState; agent?: unknown; tickLog?: TickLogState };
      if (!m.live || !m.agent || !m.tickLog)
        throw new LiveRunError(`${dir}: its checkpoint is not a live lifetime's (no live state)`);
      const life = new LiveLifetime(rec.spec);
      life.restore(m.live, { meta: m.agent, tensors: ck.tensors } as never, rec.records);
      run.resume();
      const session = new LiveSession(run, life, { tickLog: m.tickLog, logCommands: false });
      return {
        session,
        records: rec.records,
        from: m.live.commands + 1,
        ticks: Math.max(rec.ticks, m.live.t),
      };
    } catch (e) {
      run.close();
      throw e;
    }
  }

  /** Write applied commands to the run's log again (after a reopened session has lived its recorded ones). */
  resumeLogging(): void {
    this.logCommands = true;
  }

  /** Start (or continue) ticking. */
  start(): void {
    this.schedule();
  }

  /** Apply a command now (the loop is between ticks whenever this runs); returns the record. */
  command(command: Command, source: string): { tick: number; result: unknown } {
    const tick = this.life.submit(command, source);
    const done = this.life.applyPending();
    this.anchor = { time: performance.now(), tick: this.life.t };
    this.flush();
    if (this.life.stopped) this.end('completed');
    else this.schedule();
    return { tick, result: done[done.length - 1]?.result ?? null };
  }

  state() {
    const L = this.life;
    return {
      id: this.id,
      tick: L.t,
      paused: L.pace.paused,
      speed: L.pace.speed,
      stepping: L.pace.stepping,
      status: this.status,
      ticksPerSecond: this.rate,
      switches: L.switches(),
      goals: L.agent.learner.planner.goals.map((g) => g.name),
      config: L.config(),
      dir: this.run.dir,
      final: this.final,
    };
  }

  /** The world's static layout (walls, size, object kinds) for drawing. */
  world() {
    const w = this.life.agent.world,
      s = w.spec;
    const rooms: Record<string, [number, number][]> = {};
    for (const [name, r] of s.rooms) {
      const walls: [number, number][] = [];
      for (let y = 0; y < s.height; y++)
        for (let x = 0; x < s.width; x++) if (r.walls[y * s.width + x]) walls.push([x, y]);
      rooms[name] = walls;
    }
    return {
      width: s.width,
      height: s.height,
      view: s.view,
      rooms,
      kinds: [...s.objects.values()].map((d) => ({ name: d.name, char: d.char, features: d.features })),
      body: this.life.agent.steering.spec.body.vars.map((v) => v.name),
      assessors: this.life.agent.learner.assessors.names,
    };
  }

  /** Attach an SSE client; `after` is the Last-Event-ID it already has (null: start from now). */
  attach(res: ServerResponse, after: number | null): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 500\nevent: hello\ndata: ${JSON.stringify(this.state())}\n\n`);
    const c: Client = { res, next: this.seq };
    if (after !== null) c.next = this.resumePoint(after, res);
    this.clients.add(c);
    res.on('close', () => this.clients.delete(c));
    res.on('drain', () => this.flushClient(c));
    this.flushClient(c);
    if (this.status !== 'running') this.sendEnd(c);
  }

  /** The first entry after tick event `after`; a gap event when it is no longer in the ring. */
  private resumePoint(after: number, res: ServerResponse): number {
    const lo = Math.max(0, this.seq - RING_SIZE);
    for (let s = this.seq - 1; s >= lo; s--) {
      const e = this.ring[s % RING_SIZE]!;
      if (e.isTick && e.tick <= after) return s + 1;
    }
    const first = this.ring[lo % RING_SIZE];
    if (this.seq > 0 && first && first.tick > after + 1)
      res.write(`event: gap\ndata: ${JSON.stringify({ from: after, to: first.tick })}\n\n`);
    return lo;
  }

  private push(tick: number, isTick: boolean, event: string, data: unknown): void {
    const id = isTick ? `id: ${tick}\n` : '';
    this.ring[this.seq % RING_SIZE] = {
      tick,
      isTick,
      text: `${id}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    };
    this.seq++;
  }

  private flushClient(c: Client): void {
    const lo = Math.max(0, this.seq - RING_SIZE);
    if (c.next < lo) {
      const first = this.ring[lo % RING_SIZE]!;
      c.res.write(`event: gap\ndata: ${JSON.stringify({ to: first.tick })}\n\n`);
      c.next = lo;
    }
    let chunk = '';
    while (c.next < this.seq && c.res.writableLength + chunk.length < CLIENT_BACKLOG) {
      chunk += this.ring[c.next % RING_SIZE]!.text;
      c.next++;
    }
    if (chunk) c.res.write(chunk);
  }

  private flush(): void {
    for (const c of this.clients) this.flushClient(c);
  }

  private schedule(): void {
    if (this.scheduled || this.status !== 'running') return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.scheduled = true;
    setImmediate(() => this.loop());
  }

  private loop(): void {
    this.scheduled = false;
    if (this.status !== 'running') return;
    const L = this.life;
    const t0 = performance.now();
    let budget = Infinity;
    if (L.pace.speed > 0) {
      const due = Math.floor(((t0 - this.anchor.time) * L.pace.speed) / 1000) - (L.t - this.anchor.tick);
      // After a stall (a long command, a busy machine) do not race to catch up more than a second.
      budget = Math.min(due, Math.max(1, L.pace.speed));
    }
    while (L.runnable && budget > 0 && performance.now() - t0 < SLICE_MS) {
      L.advance();
      budget--;
    }
    const now = performance.now();
    if (now - this.rateMark.time >= 1000) {
      this.rate = ((L.t - this.rateMark.tick) * 1000) / (now - this.rateMark.time);
      this.rateMark = { time: now, tick: L.t };
    }
    this.flush();
    if (L.stopped) {
      this.end('completed');
      return;
    }
    if (!L.runnable) {
      this.rate = 0;
      this.anchor = { time: now, tick: L.t };
      return; // paused: a command wakes the loop
    }
    if (L.pace.speed > 0 && budget <= 0) {
      const wait = Math.max(1, Math.min(100, 1000 / L.pace.speed));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedule();
      }, wait);
    } else this.schedule();
  }

  /** End the lifetime: final metrics into the store, an `end` event to every client. */
  end(status: 'completed' | 'interrupted'): void {
    if (this.status !== 'running') return;
    this.status = status;
    if (this.timer) clearTimeout(this.timer);
    this.tickLog.detach();
    this.final = this.life.finalMetrics();
    this.run.finish(status, this.final);
    for (const c of this.clients) {
      this.flushClient(c);
      this.sendEnd(c);
    }
    this.onEnd?.();
  }

  private sendEnd(c: Client): void {
    c.res.write(`event: end\ndata: ${JSON.stringify({ status: this.status, final: this.final })}\n\n`);
    c.res.end();
    this.clients.delete(c);
  }
}

/** The command log of a live run directory, in order. */
export function readCommandLog(runDir: string): CommandRecord[] {
  let text = '';
  try {
    text = readFileSync(join(runDir, COMMANDS_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as CommandRecord;
      } catch {
        throw new LiveRunError(`${runDir}: ${COMMANDS_FILE} line ${i + 1} is not JSON`);
      }
    });
}

/** The spec, command log and length of a recorded live run: everything a replay needs. */
export function readLiveRun(runDir: string): {
  spec: LiveSpec;
  records: CommandRecord[];
  ticks: number;
  final: Record<string, number> | null;
  numeric: unknown;
} {
  const read = (f: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(runDir, f), 'utf8')) as unknown;
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
      throw new LiveRunError(`${runDir}: ${f} is ${why}; not a live run folder`);
    }
  };
  const info = read('config.json') as { experiment?: string; config?: LiveConfig; numeric?: unknown };
  const cfg = info.config;
  if (info.experiment !== LIVE_EXPERIMENT || cfg?.format !== 'steered.live' || cfg.version !== 1)
    throw new LiveRunError(`${runDir}: not a live run (config.json is not steered.live version 1)`);
  const inputs = read(INPUTS_FILE) as { world?: LiveSpec['world']; steering?: LiveSpec['steering'] };
  if (typeof inputs.world?.text !== 'string' || typeof inputs.steering?.text !== 'string')
    throw new LiveRunError(`${runDir}: ${INPUTS_FILE} lacks the world or steering text`);
  let final: Record<string, number> | null = null;
  try {
    final = (read('final.json') as { metrics?: Record<string, number> }).metrics ?? null;
  } catch {
    /* an interrupted session has no final.json: replay to the last logged tick */
  }
  const records = readCommandLog(runDir);
  const lastCommand = records.length ? records[records.length - 1]!.tick : 0;
  const ticks = final?.ticks ?? lastCommand;
  return {
    spec: {
      world: inputs.world,
      steering: inputs.steering,
      learner: cfg.learner,
      seed: cfg.seed,
      planning: cfg.planning,
      ...(cfg.experiment ? { experiment: cfg.experiment } : {}),
    },
    records,
    ticks,
    final,
    numeric: info.numeric ?? null,
  };
}

export class LiveRunError extends Error {
  override name = 'LiveRunError';
}

export type { TickEvent };
