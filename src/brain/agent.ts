/**
 * The agent: one world, one Steering Subsystem, one Learning Subsystem, one lifetime that is never
 * reset. `tick()` is the whole data flow of docs/architecture.md §2, top to bottom:
 *
 *   world → observation → steering senses and learning senses → learning proposes → assessors score →
 *   steering reacts, rewards, supplies ground truth → learning updates → action to the world
 *
 * Every signal of the tick is left in `last` for recorders and probes.
 */
import { CorruptDataError } from '../nn/serialize.js';
import type { CoarseChannel } from './senses.js';
import type { BrainWorld } from './world.js';
import type { GridBrainWorld } from './grid-world.js';
import type { DownMessage, NonMotorOutput, UpMessage } from './messages.js';
import type { SteeringSubsystem } from './steering/steering.js';
import type { LearningSubsystem } from './learning/learner.js';
import { bufferTensor, mergeTensors, readBuffer } from './state.js';
import { type AgentCheckpointV1, fromFormat1, isFormat1 } from './agent-format1.js';
import { AGENT_FORMAT, type AgentCheckpoint } from './agent-checkpoint.js';
import type { AgentSwitches } from './switches.js';

export type { AgentSwitches } from './switches.js';
export { AGENT_FORMAT, type AgentCheckpoint, type AgentMeta } from './agent-checkpoint.js';
export type { AgentCheckpointV1, AgentMetaV1 } from './agent-format1.js';

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
      L.empathize(this.otherObs, outputs, this.world.otherShows?.() ?? 0);
      empathized = true;
    } else L.notEmpathizing();
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
  /**
   * The agent's state (format 2): each component saves itself — the learner composes its world model,
   * assessors, actor, planner, memory and replay; the Steering Subsystem and the world save their own —
   * and the agent adds what is its own (senses of the present tick, body, counters, switches). Weights
   * are shared with the live agent, not copied: encode or clone the snapshot before the agent ticks on.
   */
  snapshot(): AgentCheckpoint {
    const learner = this.learner.saveState(),
      steering = this.steering.saveState();
    const tensors = mergeTensors(mergeTensors({}, learner.tensors), steering.tensors);
    mergeTensors(tensors, {
      'buf.agent.obs': bufferTensor(this.obs),
      'buf.agent.body': bufferTensor(this.body),
    });
    return {
      meta: {
        format: AGENT_FORMAT,
        ticks: this.ticks,
        lastReward: this.lastReward,
        switches: { ...this.switches },
        steering: steering.meta,
        world: this.world.getState(),
        learner: learner.meta,
      },
      tensors,
    };
  }

  /** Continue from a snapshot of an agent of the same make (format 2, or format 1 of older files). */
  restore(c: AgentCheckpoint | AgentCheckpointV1): void {
    const s = isFormat1(c.meta) ? fromFormat1(c as AgentCheckpointV1, this.snapshot().tensors) : c;
    const format = (s.meta as { format?: unknown }).format;
    if (format !== AGENT_FORMAT)
      throw new CorruptDataError(
        `agent checkpoint format ${String(format)} is not one this version reads (1 or ${AGENT_FORMAT})`,
      );
    const m = (s as AgentCheckpoint).meta;
    this.learner.loadState({ meta: m.learner, tensors: s.tensors });
    this.steering.loadState({ meta: m.steering, tensors: s.tensors });
    this.world.setState(m.world);
    readBuffer(s.tensors, 'agent.obs', this.obs);
    readBuffer(s.tensors, 'agent.body', this.body);
    Object.assign(this.switches, m.switches);
    this.ticks = m.ticks;
    this.lastReward = m.lastReward;
  }
}
