/**
 * brain/name-a-goal: steering by naming (seed 004's hook: the concepts a word activates become a goal).
 * The overseer names an object by showing it — placing it at the agent's feet for a moment, learning
 * off — and the planner adopts as a goal whatever that cue activates in the brain's thought, relative
 * to the same moment without the object. No probe is fitted and nothing is labelled: one contrast
 * between "here, with the thing" and "here, without it", averaged over a few places.
 *
 * Compared with brain/goal-injection (a regression probe fitted on labelled closeness), the goal is
 * cheaper and reads no label, but it is only as good as the brain's imagination: the planner pursues
 * imagined moments that look like the cue, so a world model that imagines the cue's features in the
 * wrong place leads the agent there. The absent-object control measures exactly that: naming a thing
 * the brain has never sensed must not send it anywhere (a cue only activates senses the brain has felt).
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import type { Rng } from '../../math/rng.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart } from '../../plot/svg.js';
import { brainFiles, makeAgent, reachProbeKeys, validateBrainFiles } from './common.js';
import {
  chunked,
  runLifetime,
  type LifeStep,
  withWorldModelProbe,
  wmMetrics,
  type WmProbed,
} from './lifetime.js';
import { WM_METRICS } from '../../probes/world-model.js';
import { enter, live, reachProbe, withoutLearning } from './protocol.js';
import { mean, round } from '../../math/stats.js';
import { ConfigError } from '../config.js';
import { parseWorld } from '../../envs/gridworld/spec.js';

const config = z
  .object({
    ...brainFiles('data/worlds/meadow.world'),
    explore: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe('ticks of living in the meadow before the probes'),
    shows: z
      .number()
      .int()
      .min(1)
      .default(8)
      .describe(
        'places where the overseer shows the named object (each paired with the same place without it)',
      ),
    weight: z.number().min(0).default(3).describe('planner bonus of the named goal at full activation'),
    roomTicks: z.number().int().min(10).default(100),
    absent: z
      .string()
      .default('berry')
      .describe(
        'the control: an object of the world that is not in the test room, named instead of the flower',
      ),
    ...reachProbeKeys('flower'),
  })
  .strict();
type Config = z.infer<typeof config>;

export const NAME_A_GOAL = {
  // As brain/goal-injection: the brain grows up in the field and at home, never in the meadow, so the
  // control object (the meadow's berry) is one it has never sensed.
  exploreRooms: ['field', 'field', 'home'],
  named: 'flower',
  room: 'field',
  expected:
    'reach rate to the never-rewarded flower from ≥ 4 steps: ≤ 0.2 before naming it, ≥ 0.8 after; ≤ 0.2 after naming an object that is not in the room',
};

/** The goal a cue installs: linear in the thought, 0 at the places without the object, 1 with it. */
export interface NamedGoal {
  w: number[];
  b: number;
  /** Length of the cue's contrast over the perceptual block (how much the cue changed the thought). */
  contrast: number;
}

/**
 * Name `object` in `room`: at `shows` random free cells the brain lives one frozen moment there as it is
 * and one with the object placed at its feet; the goal is the direction from the mean "without" thought
 * to the mean "with" thought, scaled so that it reads 0 and 1 at those means (clipped to [0, 1] by the
 * planner). Like brain/goal-injection's probe it reads the perceptual block of the thought (what is
 * sensed, the room, tastes), where the world model's imagination is scored faithfully.
 */
export function nameConcept(
  agent: Agent,
  rng: Rng,
  shows: number,
  target: { room: string; object: string },
): NamedGoal {
  return withoutLearning(agent, () => {
    const lay = agent.world.obsLayout,
      lo = lay.features,
      D = lay.dim - lo;
    const without = new Float64Array(D),
      withIt = new Float64Array(D);
    enter(agent, target.room);
    const cells = agent.world.freeCells();
    const moment = (into: Float64Array) =>
      live(agent, 1, {
        onTick: (_r, a) => {
          // a.learner.s was formed from the senses at the cell before this tick's move.
          for (let j = 0; j < D; j++) into[j]! += a.learner.s[lo + j]! / shows;
        },
      });
    for (let i = 0; i < shows; i++) {
      const at = cells[rng.int(cells.length)]!;
      enter(agent, target.room, at);
      moment(without);
      enter(agent, target.room, at);
      agent.world.remove(target.object);
      agent.world.place(target.object, at[0], at[1]);
      agent.refresh();
      moment(withIt);
    }
    // A cue can only activate what the brain knows: senses it has never felt (none of the moments in
    // its replay memory holds them) carry no learned concept, and are left out of the goal.
    const R = agent.learner.replay,
      X = R.xDim,
      n = Math.min(R.count, R.size);
    const known = new Uint8Array(D);
    for (let t = 0; t < n; t++) for (let j = 0; j < D; j++) if (R.x[t * X + lo + j]! > 0) known[j] = 1;
    const contrast = (j: number) => (known[j] ? withIt[j]! - without[j]! : 0);
    let n2 = 0;
    for (let j = 0; j < D; j++) n2 += contrast(j) ** 2;
    const w = new Array<number>(agent.learner.S).fill(0);
    let b = 0;
    if (n2 > 0)
      for (let j = 0; j < D; j++) {
        const d = contrast(j) / n2;
        w[lo + j] = d;
        b -= d * without[j]!;
      }
    return { w, b, contrast: Math.sqrt(n2) };
  });
}

interface Acc extends WmProbed {
  before: number[];
  after: number[];
  absent: number[];
  contrast: number;
}

export const nameAGoal = defineExperiment({
  id: 'brain/name-a-goal',
  title: 'Steering by naming: the concepts a shown object activates become a goal',
  description:
    "The overseer names the blue flower by showing it (placed at the agent's feet for a moment, learning off); the contrast it makes in the thought, against the same places without it, becomes a planner goal. No probe, no labels. Reach probes from ≥ 4 steps before and after; control: naming an object that is not in the room.",
  config,
  validate(cfg, io) {
    validateBrainFiles(cfg, io);
    // The protocol names objects of the world file: the flower must be in the test room, the control not.
    const c = cfg as Config;
    const spec = parseWorld(io.readText(c.world), c.world);
    const room = spec.rooms.get(NAME_A_GOAL.room);
    const inRoom = (name: string) =>
      room?.objects.some((o) => [...spec.objects.values()].find((d) => d.char === o.char)?.name === name) ??
      false;
    if (!room)
      throw new ConfigError(`${c.world} has no room '${NAME_A_GOAL.room}' (brain/name-a-goal tests there)`);
    if (!inRoom(NAME_A_GOAL.named))
      throw new ConfigError(`${c.world}: room '${NAME_A_GOAL.room}' has no ${NAME_A_GOAL.named}`);
    if (![...spec.objects.values()].some((d) => d.name === c.absent))
      throw new ConfigError(
        `absent = '${c.absent}' is not an object of ${c.world} (objects: ${[...spec.objects.values()].map((d) => d.name).join(', ')})`,
      );
    if (inRoom(c.absent))
      throw new ConfigError(
        `absent = '${c.absent}' is in room '${NAME_A_GOAL.room}'; the control needs an object that is not`,
      );
  },
  expected: NAME_A_GOAL.expected,
  criteria: [
    { key: 'reach_rate_before', op: '<=', value: 0.2 },
    { key: 'reach_rate_after', op: '>=', value: 0.8 },
    { key: 'reach_rate_absent', op: '<=', value: 0.2 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    reach_rate_before: 'fraction of trials reaching the flower within `ticks`, before any naming',
    reach_rate_after: 'the same after the flower was named',
    reach_rate_absent:
      'fraction of trials reaching the flower after the `absent` object (not in the room) was named instead',
    cue_contrast: "length of the flower cue's contrast in the thought's perceptual block",
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = { wmProbe: [], before: [], after: [], absent: [], contrast: NaN };
    const probe = {
      trials: c.trials,
      ticks: c.ticks,
      minSteps: c.minSteps,
      seeds: 'nameAGoalReach',
    } as const;
    const withGoal = (a: Agent, name: string, g: NamedGoal, fn: () => number[]): number[] => {
      a.learner.injectGoal({ name, kind: 'linear', w: Float32Array.from(g.w), b: g.b, weight: c.weight });
      try {
        return fn();
      } finally {
        a.learner.planner.goals = a.learner.planner.goals.filter((x) => x.name !== name);
      }
    };
    const steps: LifeStep<Acc>[] = [
      ...chunked<Acc>('explore', c.explore, c.roomTicks, (a, _acc, _r, ticks, i) => {
        enter(a, NAME_A_GOAL.exploreRooms[i % NAME_A_GOAL.exploreRooms.length]!);
        live(a, ticks);
      }),
      {
        label: 'probe before',
        run: (a, acc) => {
          acc.before = reachProbe(a, NAME_A_GOAL.room, NAME_A_GOAL.named, probe).reached;
        },
      },
      {
        label: 'name the flower, probe',
        run: (a, acc, r) => {
          const g = nameConcept(a, r.fork('flower'), c.shows, {
            room: NAME_A_GOAL.room,
            object: NAME_A_GOAL.named,
          });
          acc.contrast = g.contrast;
          acc.after = withGoal(
            a,
            NAME_A_GOAL.named,
            g,
            () => reachProbe(a, NAME_A_GOAL.room, NAME_A_GOAL.named, probe).reached,
          );
        },
      },
      {
        label: 'name an absent object, probe',
        run: (a, acc, r) => {
          const g = nameConcept(a, r.fork('absent'), c.shows, { room: NAME_A_GOAL.room, object: c.absent });
          acc.absent = withGoal(
            a,
            c.absent,
            g,
            () => reachProbe(a, NAME_A_GOAL.room, NAME_A_GOAL.named, probe).reached,
          );
        },
      },
    ];
    runLifetime(
      ctx,
      () => makeAgent(ctx, { planner: { horizon: c.horizon, candidates: c.candidates } }).agent,
      withWorldModelProbe(steps, () => NAME_A_GOAL.exploreRooms),
      acc,
      ctx.rng.fork('protocol'),
    );
    const m = {
      reach_rate_before: round(mean(acc.before)),
      reach_rate_after: round(mean(acc.after)),
      reach_rate_absent: round(mean(acc.absent)),
      cue_contrast: round(acc.contrast),
    };
    ctx.figure(
      'reach',
      barChart({
        title: 'Reaching the never-rewarded flower from ≥ 4 steps',
        ylabel: 'reach rate',
        groups: ['before naming', 'flower named', `${c.absent} named (absent)`],
        series: [
          { label: 'reach rate', values: [m.reach_rate_before, m.reach_rate_after, m.reach_rate_absent] },
        ],
        ylim: [0, 1],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
