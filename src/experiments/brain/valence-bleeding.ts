/**
 * brain/valence-bleeding (phenomenon 11 of docs/architecture.md, seed 001). A neutral object — a bell,
 * never eaten, never itself rewarded — stands beside the berries the brain eats. Afterwards, in a field
 * where the bell stands alone, the brain values it and goes to it: value has bled from the rewarded
 * object to the one that was merely there.
 *
 * Three lifetimes with the same innate wiring and learner: `unpaired` meets the same berries and the
 * same bells in separate rooms; `paired` lives where the bell stands beside each berry; `frozen` lives
 * the paired life with its world model (the latent) frozen throughout, which tests whether the value
 * reaches the bell through learned latent features — the route seed 001 proposes — or through the
 * senses present when the reward came. Then, in the paired life, unrewarded encounters with the bell
 * alone count how many it takes to undo what bled.
 *
 * Value and approach are measured with learning off: the critic's value with the agent beside the bell
 * in the field, and the fraction of approach trials (from `startDistance` away, where the bell is at the
 * edge of view; the planner on unless `planning` is false) in which it comes within one step of
 * the bell within `ticks`.
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import type { Rng } from '../../math/rng.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart, linePlot } from '../../plot/svg.js';
import { brainFiles, makeAgent, validateBrainFiles } from './common.js';
import {
  chunked,
  runLifetime,
  type LifeStep,
  withWorldModelProbe,
  wmMetrics,
  type WmProbed,
} from './lifetime.js';
import { WM_METRICS } from '../../probes/world-model.js';
import { assessorsAt, cellsAt, enter, live, withoutLearning } from './protocol.js';
import { spreadPick, streamSeed } from '../seeds.js';
import { mean, round } from '../../math/stats.js';

const config = z
  .object({
    ...brainFiles('data/worlds/bleed.world'),
    train: z
      .number()
      .int()
      .min(100)
      .default(3000)
      .describe('ticks of living with berries and bells (alternating rooms of `roomTicks`)'),
    roomTicks: z.number().int().min(10).default(100).describe('ticks per room visit'),
    trials: z.number().int().min(1).default(20).describe('approach trials per object'),
    ticks: z.number().int().min(1).default(8).describe('ticks allowed per approach trial'),
    startDistance: z
      .number()
      .int()
      .min(2)
      .default(2)
      .describe('approach trials start this far from the object (Chebyshev; the view reaches 2)'),
    planning: z
      .boolean()
      .default(true)
      .describe('approach trials with the planner on (false: the actor and habit alone)'),
    encounters: z
      .number()
      .int()
      .min(1)
      .default(40)
      .describe('most unrewarded encounters with the bell alone offered to undo the bleeding'),
    encounterTicks: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('ticks of one encounter, starting beside the bell'),
    undone: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe('the bleeding counts as undone when at most this share of the gained value is left'),
  })
  .strict();
type Config = z.infer<typeof config>;

export const CONDITIONS = ['unpaired', 'paired', 'frozen'] as const;
type Condition = (typeof CONDITIONS)[number];

/** The protocol, as data: the rooms each condition lives in, alternating. */
export const VALENCE_BLEEDING = {
  rooms: { unpaired: ['berries', 'bells'], paired: ['paired', 'garden'], frozen: ['paired', 'garden'] },
  test: 'field',
  neutral: 'bell',
  reference: 'rock',
  food: 'berry',
  expected:
    'the bell is valued and approached after pairing, not after unpaired exposure; freezing the latent would remove most of it if the value reached the bell through learned latent features — in this brain it does not (the assessors read the senses; docs/notes/brain-findings.md)',
} as const;

interface Tested {
  value: number;
  valueRock: number;
  reward: number;
  approach: number;
  approachRock: number;
  eaten: number;
  bellSeen: number;
}

interface Acc extends WmProbed {
  tested: Partial<Record<Condition, Tested>>;
  eaten: number;
  bellSeen: number;
  /** The bell's value after each corrective encounter (paired life). */
  corrections: number[];
}

/** Mean prediction of assessor `name` standing on each free cell beside `object` in the test room. */
function besideValue(a: Agent, object: string, name: string): number {
  enter(a, VALENCE_BLEEDING.test);
  const o = a.world.find(object)[0];
  if (!o) throw new Error(`room '${VALENCE_BLEEDING.test}' has no '${object}'`);
  const cells = cellsAt(a, o.x, o.y, 1);
  const k = a.learner.assessors.names.indexOf(name);
  if (k < 0) throw new Error(`the steering file has no '${name}' assessor`);
  return mean(cells.map((at) => assessorsAt(a, () => enter(a, VALENCE_BLEEDING.test, at))[name]!));
}

/** Fraction of trials (from `startDistance` away, learning off) that come within one step of `object`. */
function approachRate(a: Agent, object: string, c: Config): number {
  return withoutLearning(a, () => {
    enter(a, VALENCE_BLEEDING.test);
    const o = a.world.find(object)[0]!;
    const starts = cellsAt(a, o.x, o.y, c.startDistance);
    if (starts.length === 0)
      throw new Error(`no free cell of the test room is ${c.startDistance} from '${object}'`);
    let hits = 0;
    for (let i = 0; i < c.trials; i++) {
      enter(a, VALENCE_BLEEDING.test, spreadPick(starts, i), streamSeed('valenceBleedingTest', i));
      for (let t = 0; t < c.ticks; t++) {
        live(a, 1, { planning: c.planning });
        if (a.world.distanceTo(object) <= 1) {
          hits++;
          break;
        }
      }
    }
    return hits / c.trials;
  });
}

function test(a: Agent, acc: Acc, c: Config): Tested {
  const { neutral, reference } = VALENCE_BLEEDING;
  return {
    value: besideValue(a, neutral, 'value'),
    valueRock: besideValue(a, reference, 'value'),
    reward: besideValue(a, neutral, 'reward'),
    approach: approachRate(a, neutral, c),
    approachRock: approachRate(a, reference, c),
    eaten: acc.eaten,
    bellSeen: acc.bellSeen,
  };
}

/** Unrewarded encounters with the bell alone (learning on); the bell's value after each. */
function correct(a: Agent, acc: Acc, c: Config): void {
  enter(a, VALENCE_BLEEDING.test);
  const o = a.world.find(VALENCE_BLEEDING.neutral)[0]!;
  const cells = cellsAt(a, o.x, o.y, 1);
  for (let e = 0; e < c.encounters; e++) {
    enter(a, VALENCE_BLEEDING.test, spreadPick(cells, e), streamSeed('valenceBleedingTest', 1000 + e));
    live(a, c.encounterTicks, { planning: false });
    acc.corrections.push(besideValue(a, VALENCE_BLEEDING.neutral, 'value'));
  }
}

function protocol(c: Config): LifeStep<Acc>[] {
  const steps: LifeStep<Acc>[] = [];
  for (const cond of CONDITIONS) {
    steps.push({
      label: `birth (${cond})`,
      rebirth: true,
      run: (a, acc) => {
        acc.eaten = 0;
        acc.bellSeen = 0;
        // The frozen brain's world model never learns: its latent stays what it was at birth.
        if (cond === 'frozen') a.learner.plasticity.worldModel = false;
      },
    });
    const rooms = VALENCE_BLEEDING.rooms[cond];
    steps.push(
      ...chunked<Acc>(
        `live with berries and bells (${cond})`,
        c.train,
        c.roomTicks,
        (a, acc, _r: Rng, ticks, i) => {
          enter(a, rooms[i % rooms.length]!);
          live(a, ticks, {
            planning: false,
            onTick: (r, ag) => {
              if (r.ate === VALENCE_BLEEDING.food) acc.eaten++;
              if (ag.world.distanceTo(VALENCE_BLEEDING.neutral) <= 2) acc.bellSeen++;
            },
          });
        },
      ),
    );
    steps.push({ label: `test (${cond})`, run: (a, acc) => (acc.tested[cond] = test(a, acc, c)) });
    if (cond === 'paired')
      steps.push({ label: 'corrective encounters (paired)', run: (a, acc) => correct(a, acc, c) });
  }
  return steps;
}

const r4 = (x: number) => round(x, 4);

export const valenceBleeding = defineExperiment({
  id: 'brain/valence-bleeding',
  title: 'Valence bleeding: a neutral object seen beside a rewarded one comes to be valued',
  description:
    "Three lifetimes: the bell beside every berry (paired), the same berries and bells in separate rooms (unpaired), and the paired life with the world model frozen (frozen). In a field where the bell stands alone: the critic's value beside it and how often the brain goes to it (learning off); then, in the paired life, how many unrewarded encounters with the bell undo the value it gained.",
  config,
  validate: validateBrainFiles,
  expected: VALENCE_BLEEDING.expected,
  headline: [
    'criteria_met',
    'value.paired',
    'value.unpaired',
    'value.frozen',
    'approach.paired',
    'approach.unpaired',
    'approach.frozen',
    'frozen_share',
    'corrections_to_undo',
  ],
  criteria: [
    { key: 'value.paired', op: '>', ref: 'value.unpaired' },
    { key: 'approach.paired', op: '>', ref: 'approach.unpaired' },
    { key: 'frozen_share', op: '<=', value: 0.5 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    'value.paired':
      "the critic's value beside the bell in the field (mean over its free neighbouring cells), paired life",
    'value.unpaired': 'the same, unpaired life',
    'value.frozen': 'the same, paired life with the world model frozen',
    'value_rock.paired':
      "the critic's value beside the rock (never paired with anything), paired life — a reference",
    'value_rock.unpaired': 'the same, unpaired life',
    'reward_assessor.paired': '"reward is coming" beside the bell, paired life',
    'reward_assessor.unpaired': 'the same, unpaired life',
    'approach.paired': 'fraction of approach trials reaching within one step of the bell, paired life',
    'approach.unpaired': 'the same, unpaired life',
    'approach.frozen': 'the same, frozen life',
    'approach_rock.paired': 'the same for the rock, paired life — a reference',
    frozen_share:
      'share of the paired effect left with the latent frozen: (value.frozen − value.unpaired) ÷ (value.paired − value.unpaired)',
    corrections_to_undo: `unrewarded encounters with the bell alone until its value is back within \`undone\` of the unpaired level (encounters + 1 when never)`,
    'eaten.paired': 'berries eaten while living, paired life',
    'eaten.unpaired': 'the same, unpaired life',
    'bell_seen.paired': 'ticks with the bell within two steps while living, paired life',
    'bell_seen.unpaired': 'the same, unpaired life',
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = { wmProbe: [], tested: {}, eaten: 0, bellSeen: 0, corrections: [] };
    runLifetime(
      ctx,
      () => makeAgent(ctx).agent,
      withWorldModelProbe(protocol(c), (life) => VALENCE_BLEEDING.rooms[CONDITIONS[life]!]),
      acc,
      ctx.rng.fork('protocol'),
    );
    const t = acc.tested as Record<Condition, Tested>;
    const gain = t.paired.value - t.unpaired.value;
    const left = (v: number) => (gain > 0 ? (v - t.unpaired.value) / gain : Number.NaN);
    const undoneAt = acc.corrections.findIndex((v) => left(v) <= c.undone);
    const m: Metrics = {
      'value.paired': r4(t.paired.value),
      'value.unpaired': r4(t.unpaired.value),
      'value.frozen': r4(t.frozen.value),
      'value_rock.paired': r4(t.paired.valueRock),
      'value_rock.unpaired': r4(t.unpaired.valueRock),
      'reward_assessor.paired': r4(t.paired.reward),
      'reward_assessor.unpaired': r4(t.unpaired.reward),
      'approach.paired': r4(t.paired.approach),
      'approach.unpaired': r4(t.unpaired.approach),
      'approach.frozen': r4(t.frozen.approach),
      'approach_rock.paired': r4(t.paired.approachRock),
      frozen_share: r4(left(t.frozen.value)),
      corrections_to_undo: gain > 0 ? (undoneAt < 0 ? c.encounters + 1 : undoneAt + 1) : 0,
      'eaten.paired': t.paired.eaten,
      'eaten.unpaired': t.unpaired.eaten,
      'bell_seen.paired': t.paired.bellSeen,
      'bell_seen.unpaired': t.unpaired.bellSeen,
    };
    ctx.figure(
      'bleeding',
      barChart({
        title: 'The bell in the field, after living with berries',
        ylabel: "critic's value beside it / approach rate",
        groups: [...CONDITIONS],
        series: [
          { label: 'value beside the bell', values: CONDITIONS.map((k) => t[k].value) },
          { label: 'approach rate', values: CONDITIONS.map((k) => t[k].approach) },
        ],
      }),
    );
    ctx.figure(
      'corrections',
      linePlot({
        title: 'Undoing it: unrewarded encounters with the bell (paired life)',
        xlabel: 'encounter',
        ylabel: "critic's value beside the bell",
        series: [
          {
            label: 'paired (0: before any)',
            x: [0, ...acc.corrections.map((_, i) => i + 1)],
            y: [t.paired.value, ...acc.corrections],
          },
          {
            label: 'unpaired level',
            x: [0, acc.corrections.length],
            y: [t.unpaired.value, t.unpaired.value],
            dashed: true,
          },
        ],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
