/**
 * A lifetime as a list of steps (protocol phases, cut into chunks), checkpointed after each one with
 * the agent, the protocol's random stream and the experiment's accumulators — so a run killed anywhere
 * resumes from the last step boundary and ends with exactly the numbers of an uninterrupted one.
 */
import type { Agent, AgentMeta } from '../../brain/agent.js';
import { Rng } from '../../math/rng.js';
import { probeWorldModel, WM_METRICS, type WmKey, type WmProbeResult } from '../../probes/world-model.js';
import { mean, round } from '../../math/stats.js';
import { streamSeed } from '../seeds.js';
import type { LifetimeHost } from './measure.js';
import { enter } from './protocol.js';
import { TickLog, type TickLogState } from './tick-log.js';

export interface LifeStep<A> {
  /** Shown in progress; e.g. "conditioning 3/10". */
  label: string;
  /** Start a new lifetime (a new agent from `build`) before this step: one run can compare lifetimes. */
  rebirth?: boolean;
  run(agent: Agent, acc: A, rng: Rng): void;
}

/** An accumulator that collects the world-model probe of each lifetime (see `runLifetime`). */
export interface WmProbed {
  wmProbe: WmProbeResult[];
}

/** How a lifetime's probe stretches begin (and, optionally, end) when rooms alone do not say it. */
export interface WmStretches {
  begin(agent: Agent, i: number): void;
  ended?(agent: Agent): boolean;
}

/**
 * Where each lifetime's world-model probe lives: the rooms of lifetime `life` (stretch i of the probe
 * begins in rooms[i mod n], at a start seeded by the worldModelProbe stream, so every lifetime and
 * every brain is probed from the same starts), or the experiment's own way of starting a stretch like
 * the days it lived.
 */
export type WmProbeRooms = (life: number) => readonly string[] | WmStretches;

/** The step that ends a lifetime with the world-model probe (src/probes/world-model.ts). */
function wmProbeStep<A extends object>(where: readonly string[] | WmStretches, life: number): LifeStep<A> {
  const spec: WmStretches =
    'begin' in where
      ? where
      : {
          begin: (a, i) => enter(a, where[i % where.length]!, undefined, streamSeed('worldModelProbe', i)),
        };
  return {
    label: `world-model probe (lifetime ${life + 1})`,
    run: (agent, acc) => {
      const r = probeWorldModel(agent, {
        begin: (a, i) => spec.begin(a as Agent, i),
        ...(spec.ended ? { ended: (a) => spec.ended!(a as Agent) } : {}),
      });
      (acc as unknown as WmProbed).wmProbe.push(r);
    },
  };
}

/** The steps with a world-model probe at the end of each lifetime (before each rebirth, and last). */
export function withWorldModelProbe<A extends WmProbed>(
  steps: readonly LifeStep<A>[],
  rooms: WmProbeRooms,
): LifeStep<A>[] {
  const out: LifeStep<A>[] = [];
  let life = 0;
  steps.forEach((s, i) => {
    if (s.rebirth && i > 0) {
      out.push(wmProbeStep(rooms(life), life));
      life++;
    }
    out.push(s);
  });
  out.push(wmProbeStep(rooms(life), life));
  return out;
}

/** The probe's metric keys (WM_METRICS): each the mean over the lifetimes that measured it, rounded to 4 digits. */
export function wmMetrics(probes: readonly WmProbeResult[]): Record<WmKey, number> {
  const out = {} as Record<WmKey, number>;
  for (const k of Object.keys(WM_METRICS) as WmKey[]) {
    const xs = probes.map((p) => p[k]).filter(Number.isFinite);
    out[k] = xs.length ? round(mean(xs), 4) : NaN;
  }
  return out;
}

/**
 * Run the steps; `build(life)` makes a newborn agent for the life-th lifetime (0 at the start, +1 at each
 * `rebirth`; on resume, the lifetime the checkpoint is in). Returns the last agent.
 */
export function runLifetime<A extends object, C>(
  ctx: LifetimeHost<C>,
  build: (life: number) => Agent,
  steps: readonly LifeStep<A>[],
  acc: A,
  rng: Rng,
): Agent {
  const lifeAt = (i: number) =>
    Math.max(0, steps.slice(0, i + 1).filter((s, j) => s.rebirth && j > 0).length);
  let start = 0;
  let agent: Agent;
  let logState: TickLogState | undefined;
  if (ctx.resume) {
    const m = ctx.resume.meta as {
      agent?: AgentMeta;
      acc?: A;
      step?: number;
      protocolRng?: [number, number, number, number];
      lifeStep?: number;
      tickLog?: TickLogState;
    };
    if (!m.agent || !m.acc || m.lifeStep === undefined || !m.protocolRng)
      throw new Error('checkpoint is not a brain lifetime (missing agent/acc/lifeStep)');
    agent = build(lifeAt(m.lifeStep - 1));
    agent.restore({ meta: m.agent, tensors: ctx.resume.tensors });
    Object.assign(acc, m.acc);
    rng = Rng.fromState(m.protocolRng);
    start = m.lifeStep;
    logState = m.tickLog;
  } else agent = build(0);
  const log = new TickLog((step, row) => ctx.log(step, row), lifeAt(steps.length - 1) + 1, logState);
  log.attach(agent, lifeAt(Math.max(0, start - 1)));
  for (let i = start; i < steps.length; i++) {
    const s = steps[i]!;
    ctx.progress(i, steps.length, s.label);
    if (s.rebirth && i > 0) {
      agent = build(lifeAt(i));
      log.attach(agent, lifeAt(i));
    }
    s.run(agent, acc, rng);
    // A step ends on a row boundary, so a checkpoint holds no half-averaged window.
    log.flush();
    const snap = agent.snapshot();
    // The checkpoint's step is the protocol step (monotonic across rebirths; an agent's ticks restart).
    ctx.checkpoint(i + 1, {
      meta: {
        agent: snap.meta,
        acc: structuredClone(acc),
        lifeStep: i + 1,
        protocolRng: rng.state(),
        tickLog: { ...log.state },
      },
      tensors: snap.tensors,
    });
  }
  log.detach();
  ctx.progress(steps.length, steps.length, 'done');
  return agent;
}

/** Cut `ticks` of one activity into steps of at most `chunk` ticks. */
export function chunked<A>(
  label: string,
  ticks: number,
  chunk: number,
  run: (agent: Agent, acc: A, rng: Rng, ticks: number, index: number) => void,
): LifeStep<A>[] {
  const out: LifeStep<A>[] = [];
  const n = Math.max(1, Math.ceil(ticks / chunk));
  for (let i = 0; i < n; i++) {
    const t = Math.min(chunk, ticks - i * chunk);
    if (t <= 0) break;
    out.push({ label: `${label} ${i + 1}/${n}`, run: (a, acc, rng) => run(a, acc, rng, t, i) });
  }
  return out;
}
