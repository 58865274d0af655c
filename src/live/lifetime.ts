/**
 * A lifetime an overseer watches and steers: one brain in its world, ticked one tick at a time by
 * whoever drives it (the server's loop, a replay, a test), with commands applied at tick boundaries.
 *
 * Everything that decides the numbers is here and nothing else: the spec (files, learner blocks,
 * seed) and the command log. Pace (pause, speed, step) lives here as plain state for the driver to
 * read, but never changes what a tick computes — so a recorded session replays bit for bit at any pace.
 * No timers, no I/O: the driver injects where checkpoints go.
 */
import type { Agent, TickRecord } from '../brain/agent.js';
import { buildAgent } from '../brain/build.js';
import { learnerConfig, type LearnerConfig } from '../brain/learning/config.js';
import type { Plasticity } from '../brain/learning/learner.js';
import { Rng } from '../math/rng.js';
import { crc32 } from '../math/crc.js';
import { encodeTensors } from '../nn/serialize.js';
import { fitConcept } from '../experiments/brain/goal-injection.js';
import { nameConcept } from '../experiments/brain/name-a-goal.js';
import { ACTIONS } from '../envs/gridworld/world.js';
import {
  type Command,
  type CommandRecord,
  CommandError,
  SIMULATION_COMMANDS,
  type LiveSwitch,
} from './commands.js';

/** What a live lifetime is made of: its data files (text and name), learner blocks, seed. */
export interface LiveSpec {
  world: { text: string; file: string };
  steering: { text: string; file: string };
  /** Learner config blocks over the defaults (as an experiment's `learner` key). */
  learner?: Parameters<typeof learnerConfig>[0];
  seed: number;
  /** Plan by imagination from birth (the overseer can switch it). Default true. */
  planning?: boolean;
  /** The experiment whose files these are, when it was started from one (for the record). */
  experiment?: string;
}

/** The serialisable part of a spec: what the run's config keeps, paths instead of texts. */
export interface LiveConfig {
  format: 'steered.live';
  version: 1;
  experiment: string | null;
  world: string;
  steering: string;
  learner: Parameters<typeof learnerConfig>[0];
  seed: number;
  planning: boolean;
}

/** One tick as the overseer sees it (and the event stream sends it). */
export interface TickEvent {
  /** Ticks lived in this lifetime, this one included (the stream's event id). */
  tick: number;
  action: string;
  proposal: string;
  /** The reflex that overrode the learner, or null. */
  reflex: string | null;
  reward: number;
  /** The part of this tick's reward the overseer gave by hand. */
  human: number;
  dopamine: number;
  /** The value assessor's prediction (0 when the steering file has none). */
  value: number;
  body: Record<string, number>;
  /** Every assessor's prediction, per mode that produced one (predict, imagine, remember, empathize), with its gain. */
  outputs: { assessor: string; mode: string; value: number; gain: number }[];
  fired: { name: string; strength: number }[];
  room: string;
  agent: { x: number; y: number };
  objects: { name: string; x: number; y: number }[];
  /** Index of the episodic memory recalled (remember mode), or -1. */
  recalled: number;
  ate: string | null;
  /** The planner's best imagined paths (cells as the world model imagined them), best first; [] when not planning. */
  plans: { cells: [number, number][]; score: number }[];
  goals: string[];
  switches: Record<LiveSwitch, boolean>;
}

export interface LivePace {
  paused: boolean;
  /** Ticks per second; 0 = as fast as possible. */
  speed: number;
  /** Ticks still to run before pausing again (a `step` command), or 0. */
  stepping: number;
}

/** Where a `checkpoint` command's snapshot goes (the driver's store); returns where it went. */
export type CheckpointSink = (life: LiveLifetime, tick: number) => string;

/**
 * A live lifetime's own counters at a tick boundary (plain data; the agent saves itself). With the
 * agent's snapshot and the command log this is everything needed to continue exactly.
 */
export interface LiveState {
  format: 'steered.live-state';
  version: 1;
  t: number;
  /** Commands applied before this boundary's checkpoint (the checkpoint's own record is the next one). */
  commands: number;
  rewardSum: number;
  humanSum: number;
  dopamineSum: number;
  reflexes: number;
  eaten: Record<string, number>;
  humanNext: number;
  commandRng: [number, number, number, number];
}

const PLANS_SHOWN = 3;
const FIT_TICKS = 2000;
/** Places where a `name` command shows the object (brain/name-a-goal's default). */
const NAME_SHOWS = 8;

export class LiveLifetime {
  readonly spec: LiveSpec;
  readonly agent: Agent;
  readonly cfg: LearnerConfig;
  /** Ticks lived. */
  t = 0;
  readonly pace: LivePace = { paused: false, speed: 0, stepping: 0 };
  /** Every command applied so far, in order. */
  readonly log: CommandRecord[] = [];
  stopped = false;
  onTick: ((e: TickEvent) => void) | null = null;
  /** The raw record of every lived tick (for loggers that read the brain, e.g. the run's TickLog). */
  onRecord: ((r: TickRecord) => void) | null = null;
  onCommand: ((r: CommandRecord, result: unknown) => void) | null = null;
  checkpointSink: CheckpointSink | null = null;

  private readonly pending: CommandRecord[] = [];
  private commandRng: Rng;
  private readonly birthPlasticity: Plasticity;
  private humanNext = 0;
  // Running sums for the final metrics.
  private rewardSum = 0;
  private humanSum = 0;
  private dopamineSum = 0;
  private reflexes = 0;
  private readonly eaten: Record<string, number> = {};
  private readonly cellsBuf: Int32Array;

  constructor(spec: LiveSpec) {
    this.spec = spec;
    const root = new Rng(spec.seed);
    this.cfg = learnerConfig(spec.learner ?? {});
    this.agent = buildAgent(
      { world: spec.world, steering: spec.steering },
      this.cfg,
      root.fork('agent').nextU32(),
    );
    this.commandRng = root.fork('commands');
    this.agent.switches.planning = spec.planning ?? true;
    this.birthPlasticity = { ...this.agent.learner.plasticity };
    this.cellsBuf = new Int32Array(this.agent.learner.planner.H);
  }

  config(): LiveConfig {
    const s = this.spec;
    return {
      format: 'steered.live',
      version: 1,
      experiment: s.experiment ?? null,
      world: s.world.file,
      steering: s.steering.file,
      learner: s.learner ?? {},
      seed: s.seed,
      planning: s.planning ?? true,
    };
  }

  /**
   * Queue a command for the next tick boundary; returns the tick it applies at (ticks lived then).
   * Pace commands take effect at once for the driver, and are logged at the same boundary.
   */
  submit(command: Command, source: string): number {
    if (this.stopped) throw new CommandError('the lifetime has stopped');
    const rec: CommandRecord = { tick: this.t, source, command };
    const p = this.pace;
    switch (command.type) {
      case 'pause':
        p.paused = true;
        p.stepping = 0;
        break;
      case 'resume':
        p.paused = false;
        p.stepping = 0;
        break;
      case 'step':
        p.paused = true;
        p.stepping += command.n;
        break;
      case 'speed':
        p.speed = command.ticksPerSecond;
        break;
      default:
        break;
    }
    this.pending.push(rec);
    return rec.tick;
  }

  /** Whether the driver should tick now (not paused, or a step still owed). */
  get runnable(): boolean {
    return !this.stopped && (!this.pace.paused || this.pace.stepping > 0);
  }

  /** Apply what is queued (at this boundary), then live one tick. Returns its event (null once stopped). */
  advance(): TickEvent | null {
    this.applyPending();
    if (this.stopped) return null;
    if (this.pace.stepping > 0) this.pace.stepping--;
    const human = this.humanNext;
    this.humanNext = 0;
    const r = this.agent.tick();
    this.t++;
    this.rewardSum += r.up.reward;
    this.humanSum += human;
    this.dopamineSum += r.up.dopamine;
    if (r.reflex >= 0) this.reflexes++;
    if (r.ate) this.eaten[r.ate] = (this.eaten[r.ate] ?? 0) + 1;
    this.onRecord?.(r);
    const e = this.onTick ? this.event(r, human) : null;
    if (e) this.onTick!(e);
    return e;
  }

  /** Apply the commands queued so far without ticking (e.g. a stop while paused); returns them with their results. */
  applyPending(): { rec: CommandRecord; result: unknown }[] {
    const done: { rec: CommandRecord; result: unknown }[] = [];
    while (this.pending.length && !this.stopped) {
      const rec = this.pending.shift()!;
      rec.tick = this.t;
      const result =
        SIMULATION_COMMANDS.has(rec.command.type) || rec.command.type === 'checkpoint'
          ? this.apply(rec.command)
          : null;
      this.log.push(rec);
      this.onCommand?.(rec, result);
      done.push({ rec, result });
    }
    return done;
  }

  private apply(c: Command): unknown {
    const a = this.agent;
    switch (c.type) {
      case 'reward':
        a.steering.giveReward(c.value);
        this.humanNext += c.value;
        return null;
      case 'seize':
        a.steering.seizeRewardChannel(c.value);
        return null;
      case 'switch':
        this.setSwitch(c.name, c.on);
        return null;
      case 'place': {
        const w = a.world;
        if (![...w.spec.objects.values()].some((d) => d.name === c.object))
          throw new CommandError(`place: this world has no kind of object named ${c.object}`);
        if (c.remove) w.remove(c.object);
        else {
          if (w.isWall(c.x!, c.y!)) throw new CommandError(`place: (${c.x}, ${c.y}) is a wall`);
          w.place(c.object, c.x!, c.y!);
        }
        a.refresh();
        return null;
      }
      case 'goal': {
        const goals = a.learner.planner.goals;
        if (c.remove) {
          a.learner.planner.goals = goals.filter((g) => g.name !== c.object);
          return null;
        }
        // The overseer reads the learner's thoughts near the object (learning off, world restored)
        // and hands the fitted concept to the planner, as brain/goal-injection does.
        if (!a.world.find(c.object).some((o) => o.present))
          throw new CommandError(`goal: there is no ${c.object} in room ${a.world.roomName}`);
        const f = fitConcept(a, this.commandRng.fork(`goal:${c.object}`), FIT_TICKS, {
          room: a.world.roomName,
          object: c.object,
        });
        a.learner.planner.goals = goals.filter((g) => g.name !== c.object);
        a.learner.injectGoal({
          name: c.object,
          kind: 'linear',
          w: Float32Array.from(f.w),
          b: f.b,
          weight: c.weight,
        });
        return { r2: f.r2, cvR2: f.cvR2 };
      }
      case 'name': {
        // Steering by naming: the overseer shows the object at the agent's feet in this room (learning
        // off, world restored) and the contrast it makes becomes the goal, as brain/name-a-goal does.
        if (![...a.world.spec.objects.values()].some((d) => d.name === c.object))
          throw new CommandError(`name: this world has no kind of object named ${c.object}`);
        const g = nameConcept(a, this.commandRng.fork(`name:${c.object}`), NAME_SHOWS, {
          room: a.world.roomName,
          object: c.object,
        });
        a.learner.planner.goals = a.learner.planner.goals.filter((x) => x.name !== c.object);
        a.learner.injectGoal({
          name: c.object,
          kind: 'linear',
          w: Float32Array.from(g.w),
          b: g.b,
          weight: c.weight,
        });
        return { contrast: g.contrast };
      }
      case 'checkpoint':
        return this.checkpointSink ? { path: this.checkpointSink(this, this.t) } : null;
      case 'stop':
        this.stopped = true;
        return null;
      default:
        return null;
    }
  }

  /** The lifetime's counters now (call at a tick boundary, e.g. from a checkpoint sink). */
  saveState(): LiveState {
    return {
      format: 'steered.live-state',
      version: 1,
      t: this.t,
      commands: this.log.length,
      rewardSum: this.rewardSum,
      humanSum: this.humanSum,
      dopamineSum: this.dopamineSum,
      reflexes: this.reflexes,
      eaten: { ...this.eaten },
      humanNext: this.humanNext,
      commandRng: this.commandRng.state(),
    };
  }

  /**
   * Continue from a checkpoint: the agent's snapshot, these counters, and the command log up to and
   * including the checkpoint's own record (`log`, as recorded). Only on a lifetime that has not ticked.
   */
  restore(state: LiveState, agent: Parameters<Agent['restore']>[0], log: readonly CommandRecord[]): void {
    if (this.t !== 0 || this.log.length) throw new Error('restore: the lifetime has already lived');
    if (state?.format !== 'steered.live-state' || state.version !== 1)
      throw new CommandError('checkpoint has no live lifetime state (steered.live-state version 1)');
    if (log.length < state.commands + 1 || log[state.commands]!.command.type !== 'checkpoint')
      throw new CommandError(
        `the command log does not match the checkpoint (record ${state.commands + 1} should be the checkpoint at tick ${state.t})`,
      );
    this.agent.restore(agent);
    this.t = state.t;
    this.rewardSum = state.rewardSum;
    this.humanSum = state.humanSum;
    this.dopamineSum = state.dopamineSum;
    this.reflexes = state.reflexes;
    Object.assign(this.eaten, state.eaten);
    this.humanNext = state.humanNext;
    this.commandRng = Rng.fromState(state.commandRng);
    this.log.push(...log.slice(0, state.commands + 1));
  }

  private setSwitch(name: LiveSwitch, on: boolean): void {
    const a = this.agent;
    if (name === 'learning') {
      const p = a.learner.plasticity;
      for (const k of Object.keys(p) as (keyof Plasticity)[]) p[k] = on ? this.birthPlasticity[k] : false;
    } else if (name === 'rewiring') a.steering.switches.rewiring = on;
    else a.switches[name] = on;
  }

  switches(): Record<LiveSwitch, boolean> {
    const a = this.agent,
      p = a.learner.plasticity;
    return {
      learning: Object.values(p).some(Boolean),
      rewiring: a.steering.switches.rewiring,
      planning: a.switches.planning,
      remember: a.switches.remember,
      empathize: a.switches.empathize,
      frozen: a.switches.frozen,
    };
  }

  private event(r: TickRecord, human: number): TickEvent {
    const a = this.agent,
      w = a.world,
      S = a.steering;
    const body: Record<string, number> = {};
    for (const v of S.spec.body.vars) body[v.name] = S.bodyVar(v.name);
    // The learner emits one block of assessor outputs per active mode, in this order (Agent.tick).
    const modes = ['predict'];
    if (a.switches.planning) modes.push('imagine');
    if (r.recalled >= 0) modes.push('remember');
    if (r.empathized) modes.push('empathize');
    const K = Math.max(1, a.learner.assessors.names.length);
    const outputs = r.down.outputs.map((o, i) => ({
      assessor: o.assessor,
      mode: modes[Math.floor(i / K)] ?? 'predict',
      value: o.value,
      gain: o.gain,
    }));
    const value = outputs.find((o) => o.assessor === 'value')?.value ?? 0;
    return {
      tick: this.t,
      action: ACTIONS[r.action] ?? String(r.action),
      proposal: ACTIONS[r.proposal] ?? String(r.proposal),
      reflex: r.reflex >= 0 ? (ACTIONS[r.reflex] ?? String(r.reflex)) : null,
      reward: r.up.reward,
      human,
      dopamine: r.up.dopamine,
      value,
      body,
      outputs,
      fired: S.trace.fired.map((f) => ({ name: f.name, strength: f.strength })),
      room: w.roomName,
      agent: { ...w.agent },
      objects: w.objects.filter((o) => o.present).map((o) => ({ name: o.def.name, x: o.x, y: o.y })),
      recalled: r.recalled,
      ate: r.ate,
      plans: a.switches.planning ? this.plans() : [],
      goals: a.learner.planner.goals.map((g) => g.name),
      switches: this.switches(),
    };
  }

  /** The best few candidates of the last plan, as the cells the world model imagined. */
  private plans(): TickEvent['plans'] {
    const P = this.agent.learner.planner,
      width = this.agent.world.gridWidth,
      scores = P.scores;
    const order = Array.from(scores.keys())
      .sort((i, j) => scores[j]! - scores[i]!)
      .slice(0, PLANS_SHOWN);
    return order.map((n) => {
      P.imaginedCells(n, this.cellsBuf);
      return {
        cells: Array.from(this.cellsBuf, (c) => [c % width, Math.floor(c / width)] as [number, number]),
        score: scores[n]!,
      };
    });
  }

  /**
   * The lifetime's final numbers: totals, means, the body at the end, and a CRC-32 of the whole agent
   * state (weights, optimizer moments, random streams, world) — equal only if every bit is.
   */
  finalMetrics(): Record<string, number> {
    const a = this.agent,
      n = Math.max(1, this.t);
    const snap = a.snapshot();
    const m: Record<string, number> = {
      ticks: this.t,
      commands: this.log.length,
      reward_total: this.rewardSum,
      human_reward_total: this.humanSum,
      dopamine_mean: this.dopamineSum / n,
      reflex_rate: this.reflexes / n,
    };
    for (const v of a.steering.spec.body.vars) m[`body.${v.name}`] = a.steering.bodyVar(v.name);
    for (const [k, v] of Object.entries(this.eaten).sort()) m[`ate.${k}`] = v;
    m.state_crc32 = crc32(encodeTensors(snap.tensors, JSON.parse(JSON.stringify(snap.meta))));
    return m;
  }
}

/**
 * Live `spec` again from birth with a recorded command log, to `ticks` ticks (or its stop): the same
 * lifetime, bit for bit. Pace commands are replayed too (they change nothing computed).
 */
export function replay(
  spec: LiveSpec,
  records: readonly CommandRecord[],
  ticks: number,
  onTick?: (e: TickEvent) => void,
): LiveLifetime {
  const life = new LiveLifetime(spec);
  if (onTick) life.onTick = onTick;
  return playLog(life, records, 0, ticks);
}

/**
 * Drive `life` through `records` from index `from` (each applied at the boundary of its tick) until
 * `ticks` ticks are lived or a stop: a replay from birth (from 0) or the rest of a log after a checkpoint.
 */
export function playLog(
  life: LiveLifetime,
  records: readonly CommandRecord[],
  from: number,
  ticks: number,
): LiveLifetime {
  let i = from;
  if (i < records.length && records[i]!.tick < life.t)
    throw new CommandError(`command log out of order at tick ${records[i]!.tick}`);
  for (;;) {
    while (i < records.length && records[i]!.tick === life.t) {
      life.submit(records[i]!.command, records[i]!.source);
      i++;
    }
    if (life.t >= ticks || life.stopped) {
      life.applyPending();
      break;
    }
    if (i < records.length && records[i]!.tick < life.t)
      throw new CommandError(`command log out of order at tick ${records[i]!.tick}`);
    life.advance();
  }
  return life;
}
