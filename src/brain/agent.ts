/**
 * The agent: one world, one Steering Subsystem, one Learning Subsystem, one lifetime that is never
 * reset. `tick()` is the whole data flow of DESIGN §2, top to bottom:
 *
 *   world → observation → steering senses and learning senses → learning proposes → assessors score →
 *   steering reacts, rewards, supplies ground truth → learning updates → action to the world
 *
 * Every signal of the tick is left in `last` for recorders and probes.
 */
import type { TensorRecord } from '../nn/serialize.js';
import { loadParams, paramsToTensors } from '../nn/serialize.js';
import type { CoarseChannel } from './senses.js';
import type { BrainWorld } from './world.js';
import type { GridBrainWorld } from './grid-world.js';
import { Rng } from '../math/rng.js';
import type { DownMessage, NonMotorOutput, UpMessage } from './messages.js';
import type { SteeringState, SteeringSubsystem } from './steering/steering.js';
import type { LearningSubsystem, Plasticity } from './learning/learner.js';
import type { Optimizer } from '../nn/optim.js';

export interface AgentSwitches {
  /** Plan by imagination each tick (else act on the actor's proposal). */
  planning: boolean;
  /** Recall the stored moment most like the present and re-assess it (remember mode). */
  remember: boolean;
  /** When another agent is in view, assess its situation with one's own models (empathize mode). */
  empathize: boolean;
  /** Freeze motor output (probes that measure a reaction without letting the agent move). */
  frozen: boolean;
  /** The experimenter moves the body (e.g. puts food in the mouth): this action is executed, or -1. */
  forced: number;
}

export interface TickRecord {
  tick: number;
  action: number;
  proposal: number;
  reflex: number;
  channel: CoarseChannel;
  down: DownMessage;
  up: UpMessage;
  recalled: number;
  empathized: boolean;
  /** What the agent ate on this tick's step (world info), or null. */
  ate: string | null;
}

/** `W`: the world the brain lives in — the brain gridworld by default, or any adapter (brain/world.ts). */
export class Agent<W extends BrainWorld = GridBrainWorld> {
  readonly world: W;
  readonly steering: SteeringSubsystem;
  readonly learner: LearningSubsystem;
  readonly switches: AgentSwitches = {
    planning: false,
    remember: false,
    empathize: false,
    frozen: false,
    forced: -1,
  };
  obs: Float32Array;
  readonly body: Float32Array;
  ticks = 0;
  /** The reward of the last tick (a sense, when the learner config asks for it). */
  lastReward = 0;
  last: TickRecord | null = null;
  private readonly otherObs: Float32Array;

  constructor(world: W, steering: SteeringSubsystem, learner: LearningSubsystem) {
    this.world = world;
    this.steering = steering;
    this.learner = learner;
    this.obs = world.observe();
    this.body = new Float32Array(steering.spec.body.vars.length);
    this.otherObs = new Float32Array(world.obsLayout.dim);
    const init = new Float64Array(steering.spec.body.vars.map((v) => v.baseline));
    steering.spec.body.vars.forEach((v, i) => (this.body[i] = (init[i]! - v.min) / (v.max - v.min)));
  }

  /** Re-read the world's observation after an experiment moved things around (teleport, new room). */
  refresh(): void {
    this.obs = this.world.observe();
    this.learner.discontinuity();
  }

  tick(): TickRecord {
    const L = this.learner,
      S = this.steering,
      sw = this.switches;
    // world → observation: what the last action led to (the learner's senses and the coarse channel)
    const channel = this.world.steeringChannel();
    // learning senses (the body as the Steering Subsystem last reported it)
    L.sense(this.obs, this.body, this.lastReward);
    // learning proposes (imagining, if planning)
    const proposal = L.propose(sw.planning);
    // assessors score the present thought; outputs leave through the modes
    L.assess();
    const outputs: NonMotorOutput[] = [];
    L.emitOutputs(outputs, sw.planning);
    const recalled = sw.remember ? L.remember(outputs) : -1;
    let empathized = false;
    if (sw.empathize && this.world.perceiveOther(this.otherObs)) {
      L.empathize(this.otherObs, outputs);
      empathized = true;
    }
    const down: DownMessage = {
      motor: { action: sw.frozen ? 0 : proposal, gain: L.cfg.gains.predict },
      outputs,
    };
    // steering reacts: body, reflexes, reward, dopamine, ground truth
    const up = S.step(channel, down);
    this.body.set(up.body);
    this.lastReward = up.reward;
    // learning updates
    L.learn(up);
    // action to the world: a reflex overrides; a command below the motor threshold does not move the body
    let action = down.motor.gain >= S.spec.motorThreshold ? down.motor.action : 0;
    if (up.reflex >= 0 && !sw.frozen) action = up.reflex;
    if (sw.forced >= 0) action = sw.forced;
    L.executed(action);
    const res = this.world.step(action);
    this.obs = res.observation;
    this.ticks++;
    this.last = {
      tick: this.ticks,
      action,
      proposal,
      reflex: up.reflex,
      channel,
      down,
      up,
      recalled,
      empathized,
      ate: (res.info.ate as string | null) ?? null,
    };
    return this.last;
  }

  // ---- checkpoint ----------------------------------------------------------------------------------
  private optimizers(): [string, Optimizer][] {
    const L = this.learner;
    return [
      ['wm', L.wm.opt],
      ...L.assessors.groups.map((g): [string, Optimizer] => [g.name, g.opt]),
      ['actor', L.actor.opt],
      ['habit', L.actor.habitOpt],
    ];
  }

  private buffers(): [string, Float32Array | Int32Array | Uint8Array][] {
    const L = this.learner,
      r = L.replay,
      m = L.memory;
    return [
      ['replay.x', r.x],
      ['replay.hPrev', r.hPrev],
      ['replay.h', r.h],
      ['replay.action', r.action],
      ['replay.prevAction', r.prevAction],
      ['replay.reward', r.reward],
      ['replay.kind', r.kind],
      ['replay.target', r.target],
      ['replay.complete', r.complete],
      ['memory.keys', m.keys],
      ['memory.s', m.s],
      ['memory.s2', m.s2],
      ['memory.reward', m.reward],
      ['memory.kind', m.kind],
      ['memory.target', m.target],
      ['memory.len', m.len],
      ['memory.salience', m.salience],
      ['memory.tick', m.tick],
      ['learner.nowKind', L.nowKind],
      ['learner.nowTarget', L.nowTarget],
      ['learner.visits', L.visits],
      ['learner.x', L.x],
      ['learner.h', L.h],
      ['learner.hPrev', L.hPrev],
      ['learner.s', L.s],
      ['planner.best', L.planner.bestPlan],
      ['agent.obs', this.obs],
      ['agent.body', this.body],
    ];
  }

  snapshot(): { meta: AgentMeta; tensors: Record<string, TensorRecord> } {
    const L = this.learner;
    const tensors: Record<string, TensorRecord> = paramsToTensors(L.params(), 'param.');
    const optSteps: Record<string, number> = {};
    for (const [k, o] of this.optimizers()) {
      const st = o.state();
      optSteps[k] = st.step;
      for (const [n, t] of Object.entries(st.tensors)) tensors[`opt.${k}.${n}`] = t;
    }
    for (const [k, b] of this.buffers()) {
      tensors[`buf.${k}`] =
        b instanceof Float32Array
          ? { dtype: 'f32', shape: [b.length], data: b.slice() }
          : { dtype: 'f64', shape: [b.length], data: Float64Array.from(b) };
    }
    L.planner.goals.forEach(
      (g, i) => (tensors[`goal.${i}`] = { dtype: 'f32', shape: [g.w.length], data: g.w.slice() }),
    );
    return {
      meta: {
        ticks: this.ticks,
        lastReward: this.lastReward,
        optSteps,
        replayCount: L.replay.count,
        memoryCount: L.memory.count,
        prevAction: L.prevAction,
        proposal: L.proposal,
        learnerTick: L.tick,
        learnerRng: L.rng.state(),
        gap: L.gapState(),
        plasticity: { ...L.plasticity },
        switches: { ...this.switches },
        steering: this.steering.getState(),
        steeringSwitches: { ...this.steering.switches },
        world: this.world.getState(),
        goals: L.planner.goals.map((g) => ({
          name: g.name,
          kind: g.kind ?? 'logistic',
          b: g.b,
          weight: g.weight,
        })),
      },
      tensors,
    };
  }

  restore(s: { meta: AgentMeta; tensors: Record<string, TensorRecord> }): void {
    const L = this.learner,
      m = s.meta;
    loadParams(L.params(), s.tensors, 'param.');
    for (const [k, o] of this.optimizers()) {
      const tensors: Record<string, TensorRecord> = {};
      const pre = `opt.${k}.`;
      for (const [n, t] of Object.entries(s.tensors)) if (n.startsWith(pre)) tensors[n.slice(pre.length)] = t;
      o.loadState({ step: m.optSteps[k]!, tensors });
    }
    for (const [k, b] of this.buffers()) {
      const t = s.tensors[`buf.${k}`];
      // Checkpoints written before session 6 lack memory.tick; it only steers salient world-model replay.
      if (!t && k === 'memory.tick') {
        b.fill(-1);
        continue;
      }
      // Checkpoints written before session 7 lack the visit counts; they only steer planner.familiarity.
      if (!t && k === 'learner.visits') {
        b.fill(0);
        continue;
      }
      if (!t || t.data.length !== b.length)
        throw new Error(`checkpoint buffer '${k}' is missing or has the wrong size`);
      for (let i = 0; i < b.length; i++) b[i] = t.data[i]!;
    }
    L.replay.count = m.replayCount;
    L.memory.count = m.memoryCount;
    L.prevAction = m.prevAction;
    L.proposal = m.proposal;
    L.tick = m.learnerTick;
    L.rng = Rng.fromState(m.learnerRng);
    L.setGapState(m.gap);
    Object.assign(L.plasticity, m.plasticity);
    Object.assign(this.switches, m.switches);
    this.steering.setState(m.steering);
    Object.assign(this.steering.switches, m.steeringSwitches);
    this.world.setState(m.world);
    L.planner.goals = m.goals.map((g, i) => ({ ...g, w: Float32Array.from(s.tensors[`goal.${i}`]!.data) }));
    this.ticks = m.ticks;
    this.lastReward = m.lastReward;
  }
}

export interface AgentMeta {
  ticks: number;
  lastReward: number;
  optSteps: Record<string, number>;
  replayCount: number;
  memoryCount: number;
  prevAction: number;
  proposal: number;
  learnerTick: number;
  learnerRng: [number, number, number, number];
  gap: [boolean, boolean];
  plasticity: Plasticity;
  switches: AgentSwitches;
  steering: SteeringState;
  steeringSwitches: { rewiring: boolean };
  /** The world's own plain-data state (GridWorldState for the brain gridworld). */
  world: unknown;
  goals: { name: string; kind: 'logistic' | 'linear'; b: number; weight: number }[];
}
