/**
 * brain/devaluation (phenomenon 12 of docs/architecture.md: habits vs goals; seed 001). After Adams
 * (1982): a brain grows up at home eating chow, then earns pellets in a box by going to the tray, in 100
 * (moderate) or 500 (extended) trials. Then, outside the task — in a stall with no tray, where food is put
 * straight into its mouth, so no response is made and none can be punished — pellets are followed by
 * illness (the devalued group) or chow is (the control group, made ill as often). Then, back in the box
 * with the pellet on the tray but inedible (extinction: nothing is eaten or learned), how often does it
 * still go to the tray? And at home, is a pellet put down beside it eaten (the consumption test)?
 *
 * Who acts: the planner scores imagined futures with the thought assessors, the critic's value at the
 * imagined end included; where it has no preference the actor (with its habit prior) acts. The learner's
 * `planner.habitAfter` (setting `habitAfter`) adds an arbitration by practice: in a cell lived in at
 * least that many ticks the planner is not consulted (src/brain/learning/config.ts says why). It is off
 * by default here: the planner is always consulted, and the measured result is what the planner's cached
 * end value does (docs/notes/brain-findings.md).
 *
 * Four lifetimes from the same newborn brain: (moderate | extended) × (devalued | control). Tests run
 * with learning off and the planner on; extinction trials start at least `minSteps` from the tray.
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart } from '../../plot/svg.js';
import { brainFiles, firedStrength, makeAgent, validateBrainFiles } from './common.js';
import {
  chunked,
  runLifetime,
  type LifeStep,
  withWorldModelProbe,
  wmMetrics,
  type WmProbed,
} from './lifetime.js';
import { WM_METRICS } from '../../probes/world-model.js';
import { assessorsAt, enter, live, startsAway, withoutLearning } from './protocol.js';
import { spreadPick, streamSeed } from '../seeds.js';
import { round } from '../../math/stats.js';

const config = z
  .object({
    ...brainFiles('data/worlds/devaluation.world', 'data/steering/devaluation.steer'),
    grow: z
      .number()
      .int()
      .min(0)
      .default(1500)
      .describe('ticks of living at home with chow before training (home cells stay below `habitAfter`)'),
    moderate: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('training trials in the box, moderate (Adams 1982: 100 reinforced responses)'),
    extended: z
      .number()
      .int()
      .min(1)
      .default(500)
      .describe('training trials in the box, extended (Adams 1982: 500)'),
    trialTicks: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('a training trial ends when the pellet is eaten or after this many ticks'),
    pairings: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe(
        'deliveries of each food in the stall, outside the task; one food of the two is followed by illness',
      ),
    pairingTicks: z
      .number()
      .int()
      .min(3)
      .default(6)
      .describe('ticks in the stall per delivery (the food is eaten on the first, tasted on the next)'),
    roomTicks: z.number().int().min(10).default(100).describe('ticks per visit (the room starts afresh)'),
    habitAfter: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "the learner's planner.habitAfter: ticks lived in a cell after which the habit acts there without the planner (0: the planner is always consulted)",
      ),
    trials: z.number().int().min(1).default(20).describe('trials of each test'),
    ticks: z.number().int().min(1).default(10).describe('ticks allowed per extinction-test trial'),
    minSteps: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('training and extinction-test trials start at least this many steps from the tray'),
    consumeTicks: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe(
        'consumption-test trials put a pellet beside the brain in the stall and last this many ticks',
      ),
  })
  .strict();
type Config = z.infer<typeof config>;

export const TRAININGS = ['moderate', 'extended'] as const;
export const GROUPS = ['devalued', 'control'] as const;
type Training = (typeof TRAININGS)[number];
type Group = (typeof GROUPS)[number];

/** The protocol, as data. */
export const DEVALUATION = {
  box: 'box',
  stall: 'cage',
  /** What each group is given in the stall, alternating: the first of each pair is followed by illness. */
  given: { devalued: ['sick-pellet', 'chow'], control: ['sick-chow', 'pellet'] },
  home: 'home',
  consumption: 'offer',
  food: 'pellet',
  illness: 'illness',
  expected:
    'devalued ÷ control responding ≤ 0.6 after moderate training and ≥ 0.85 after extended training; the devalued pellet eaten at most half as often as the control group eats it',
} as const;

interface Life {
  eaten: number;
  stallEaten: number;
  ill: number;
  responses: number;
  habitShare: number;
  plannedShare: number;
  consumption: number;
  /** Ticks lived in the tray's cell and the least-lived cell on the way, at the end of training. */
  trayVisits: number;
  /** What the assessors say one step from the full tray after devaluation (learning off). */
  besideTray: Record<string, number>;
}

interface Acc extends WmProbed {
  lives: Partial<Record<`${Training}.${Group}`, Life>>;
  cur: Life;
}

const fresh = (): Life => ({
  eaten: 0,
  stallEaten: 0,
  ill: 0,
  responses: 0,
  habitShare: 0,
  plannedShare: 0,
  consumption: 0,
  trayVisits: 0,
  besideTray: {},
});

/**
 * Trials from starts at least `minSteps` from the food in `room`, learning off, planner on: the share in
 * which the agent stands on the food within `ticks`. `edible` false is extinction (the tray stays
 * empty); true offers the food to eat. Also the share of ticks left to habit.
 */
function trials(
  a: Agent,
  room: string,
  edible: boolean,
  o: { trials: number; ticks: number; minSteps: number },
  base: number,
): { rate: number; habit: number; planned: number } {
  return withoutLearning(a, () => {
    enter(a, room);
    const starts = startsAway(a, DEVALUATION.food, o.minSteps);
    if (starts.length === 0)
      throw new Error(`no cell of '${room}' is ${o.minSteps} steps from the ${DEVALUATION.food}`);
    let hits = 0,
      habitual = 0,
      planned = 0,
      ticks = 0;
    for (let i = 0; i < o.trials; i++) {
      enter(a, room, spreadPick(starts, i), streamSeed('devaluationTest', base + i));
      if (!edible) for (const o of a.world.find(DEVALUATION.food)) o.edible = false;
      a.refresh();
      let hit = false;
      for (let t = 0; t < o.ticks && !hit; t++) {
        live(a, 1, { planning: true });
        ticks++;
        if (a.learner.habitual) habitual++;
        if (a.learner.plan.action >= 0) planned++;
        hit = edible ? a.last!.ate === DEVALUATION.food : a.world.distanceTo(DEVALUATION.food) === 0;
      }
      if (hit) hits++;
    }
    return { rate: hits / o.trials, habit: habitual / ticks, planned: planned / ticks };
  });
}

/** The consumption test: a pellet put down beside the brain in the stall (learning off); the share eaten within `consumeTicks`. */
function offered(a: Agent, c: Config): number {
  return withoutLearning(a, () => {
    let eaten = 0;
    for (let i = 0; i < c.trials; i++) {
      enter(a, DEVALUATION.consumption, undefined, streamSeed('devaluationTest', 1000 + i));
      const { x, y } = a.world.agent;
      const beside = [
        [x - 1, y],
        [x + 1, y],
        [x, y - 1],
        [x, y + 1],
      ].filter(([px, py]) => !a.world.isWall(px!, py!));
      const [px, py] = beside[i % beside.length]!;
      a.world.place(DEVALUATION.food, px!, py!);
      a.refresh();
      let ate = false;
      for (let t = 0; t < c.consumeTicks && !ate; t++) {
        live(a, 1, { planning: true });
        ate = a.last!.ate === DEVALUATION.food;
      }
      if (ate) eaten++;
    }
    return eaten / c.trials;
  });
}

function protocol(c: Config): LifeStep<Acc>[] {
  const steps: LifeStep<Acc>[] = [];
  for (const training of TRAININGS)
    for (const group of GROUPS) {
      steps.push({
        label: `birth (${training}, ${group})`,
        rebirth: true,
        run: (_a, acc) => (acc.cur = fresh()),
      });
      steps.push(
        ...chunked<Acc>(
          `growing up at home (${training}, ${group})`,
          c.grow,
          c.roomTicks,
          (a, _acc, _r, ticks) => {
            enter(a, DEVALUATION.home);
            live(a, ticks, { planning: true });
          },
        ),
      );
      steps.push(
        ...chunked<Acc>(`training in the box (${training}, ${group})`, c[training], 50, (a, acc, rng, n) => {
          enter(a, DEVALUATION.box);
          const starts = startsAway(a, DEVALUATION.food, c.minSteps);
          for (let i = 0; i < n; i++) {
            enter(a, DEVALUATION.box, starts[rng.int(starts.length)]);
            let ate = false;
            for (let t = 0; t < c.trialTicks && !ate; t++)
              live(a, 1, {
                planning: true,
                onTick: (r) => {
                  if (r.ate === DEVALUATION.food) ate = true;
                },
              });
            // The taste, and its reward, arrive on the tick after eating: live it before the next trial.
            if (ate) {
              acc.cur.eaten++;
              live(a, 2, { planning: true });
            }
          }
        }),
      );
      steps.push({
        label: `end of training (${training}, ${group})`,
        run: (a, acc) => {
          enter(a, DEVALUATION.box);
          const tray = a.world.find(DEVALUATION.food)[0]!;
          acc.cur.trayVisits = a.learner.visits[tray.y * a.world.gridWidth + tray.x]!;
        },
      });
      steps.push(
        ...chunked<Acc>(
          `devaluation outside the task (${training}, ${group})`,
          2 * c.pairings,
          10,
          (a, acc, _r, n, k) => {
            for (let i = 0; i < n; i++) {
              const food = DEVALUATION.given[group][(k * 10 + i) % 2]!;
              enter(a, DEVALUATION.stall);
              const { x, y } = a.world.agent;
              a.world.place(food, x, y);
              a.refresh();
              live(a, c.pairingTicks, {
                planning: true,
                onTick: (r, ag) => {
                  if (r.ate) acc.cur.stallEaten++;
                  if (firedStrength(ag, DEVALUATION.illness) > 0) acc.cur.ill++;
                },
              });
            }
          },
        ),
      );
      steps.push({
        label: `tests (${training}, ${group})`,
        run: (a, acc) => {
          enter(a, DEVALUATION.box);
          const tray = a.world.find(DEVALUATION.food)[0]!;
          acc.cur.besideTray = assessorsAt(a, () => enter(a, DEVALUATION.box, [tray.x, tray.y + 1]));
          const ext = trials(a, DEVALUATION.box, false, c, 0);
          acc.cur.responses = ext.rate;
          acc.cur.habitShare = ext.habit;
          acc.cur.plannedShare = ext.planned;
          acc.cur.consumption = offered(a, c);
          acc.lives[`${training}.${group}`] = acc.cur;
        },
      });
    }
  return steps;
}

const r4 = (x: number) => round(x, 4);

export const devaluation = defineExperiment({
  id: 'brain/devaluation',
  title: 'Habits vs goals: outcome devaluation after moderate and extended training',
  description:
    'A brain that grew up on chow earns pellets in a box for 100 or 500 trials; then, outside the task (food put into the mouth in a stall), pellets (devalued group) or chow (control) are followed by illness; then an extinction test in the box (how often it still goes to the tray, the pellet there inedible) and a consumption test at home (is a pellet put down beside it eaten?). Four lifetimes from the same newborn brain; tests with learning off and the planner on.',
  config,
  validate: validateBrainFiles,
  expected: DEVALUATION.expected,
  headline: [
    'criteria_met',
    'ratio.moderate',
    'ratio.extended',
    'responses.moderate.devalued',
    'responses.moderate.control',
    'responses.extended.devalued',
    'responses.extended.control',
    'consumption.devalued',
    'consumption.control',
  ],
  criteria: [
    { key: 'ratio.moderate', op: '<=', value: 0.6 },
    { key: 'ratio.extended', op: '>=', value: 0.85 },
    { key: 'consumption.devalued', op: '<=', ref: 'consumption.control', times: 0.5 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    'ratio.moderate':
      'responding of the devalued group ÷ the control group in the extinction test, after moderate training (share of trials reaching the tray; NaN when the control group never reaches it)',
    'ratio.extended': 'the same after extended training',
    'responses.moderate.devalued':
      'share of extinction-test trials in which the brain stood on the tray (its pellet inedible) within `ticks` (moderate training, devalued group)',
    'responses.moderate.control': 'the same, moderate training, control group',
    'responses.extended.devalued': 'the same, extended training, devalued group',
    'responses.extended.control': 'the same, extended training, control group',
    'consumption.devalued':
      'share of consumption-test trials at home in which the devalued group ate a pellet put down beside it within `consumeTicks` (mean of its two lifetimes)',
    'consumption.control': 'the same for the control group',
    'consumption.moderate.devalued': 'the same, one lifetime (moderate training, devalued)',
    'consumption.extended.devalued': 'the same, one lifetime (extended training, devalued)',
    'habit_share.moderate':
      'share of the extinction-test ticks left to habit (the present cell practised beyond `habitAfter`), moderate training, mean of both groups',
    'habit_share.extended': 'the same after extended training',
    'planned_share.moderate':
      'share of the extinction-test ticks in which the planner chose the action (it abstains when no imagined future is preferred, and the actor acts), moderate training, mean of both groups',
    'planned_share.extended': 'the same after extended training',
    'eaten.moderate': 'pellets earned in training (reinforced responses), moderate, mean of both groups',
    'eaten.extended': 'the same, extended',
    'tray_visits.moderate':
      "ticks lived on the tray's cell by the end of training, moderate, mean of both groups",
    'tray_visits.extended': 'the same, extended',
    'ill.devalued': 'ticks of illness in the stall, devalued group, mean of both trainings',
    'stall_eaten.devalued': 'foods eaten in the stall (both kinds), devalued group, mean of both trainings',
    'stall_eaten.control': 'the same, control group',
    'ill.control': 'the same, control group',
    'beside_tray.<assessor>.<training>.<group>':
      "each thought assessor's prediction standing one step from the full tray after devaluation (learning off), per lifetime",
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = { wmProbe: [], lives: {}, cur: fresh() };
    const rooms = () => [DEVALUATION.box, DEVALUATION.consumption];
    runLifetime(
      ctx,
      () => makeAgent(ctx, { planner: { habitAfter: c.habitAfter } }).agent,
      withWorldModelProbe(protocol(c), rooms),
      acc,
      ctx.rng.fork('protocol'),
    );
    const L = acc.lives as Record<`${Training}.${Group}`, Life>;
    const ratio = (t: Training) =>
      L[`${t}.control`].responses > 0
        ? L[`${t}.devalued`].responses / L[`${t}.control`].responses
        : Number.NaN;
    const both = (t: Training, f: (l: Life) => number) => (f(L[`${t}.devalued`]) + f(L[`${t}.control`])) / 2;
    const groupMean = (g: Group, f: (l: Life) => number) =>
      (f(L[`moderate.${g}`]) + f(L[`extended.${g}`])) / 2;
    const m: Metrics = {
      'ratio.moderate': r4(ratio('moderate')),
      'ratio.extended': r4(ratio('extended')),
      'responses.moderate.devalued': r4(L['moderate.devalued'].responses),
      'responses.moderate.control': r4(L['moderate.control'].responses),
      'responses.extended.devalued': r4(L['extended.devalued'].responses),
      'responses.extended.control': r4(L['extended.control'].responses),
      'consumption.devalued': r4(groupMean('devalued', (l) => l.consumption)),
      'consumption.control': r4(groupMean('control', (l) => l.consumption)),
      'consumption.moderate.devalued': r4(L['moderate.devalued'].consumption),
      'consumption.extended.devalued': r4(L['extended.devalued'].consumption),
      'habit_share.moderate': r4(both('moderate', (l) => l.habitShare)),
      'habit_share.extended': r4(both('extended', (l) => l.habitShare)),
      'planned_share.moderate': r4(both('moderate', (l) => l.plannedShare)),
      'planned_share.extended': r4(both('extended', (l) => l.plannedShare)),
      'eaten.moderate': both('moderate', (l) => l.eaten),
      'eaten.extended': both('extended', (l) => l.eaten),
      'tray_visits.moderate': both('moderate', (l) => l.trayVisits),
      'tray_visits.extended': both('extended', (l) => l.trayVisits),
      'ill.devalued': groupMean('devalued', (l) => l.ill),
      'ill.control': groupMean('control', (l) => l.ill),
      'stall_eaten.devalued': groupMean('devalued', (l) => l.stallEaten),
      'stall_eaten.control': groupMean('control', (l) => l.stallEaten),
    };
    for (const t of TRAININGS)
      for (const g of GROUPS)
        for (const [k, v] of Object.entries(L[`${t}.${g}`].besideTray))
          m[`beside_tray.${k}.${t}.${g}`] = r4(v);
    ctx.figure(
      'devaluation',
      barChart({
        title: 'Extinction test: going to the tray after the pellet was devalued',
        ylabel: 'share of trials reaching the tray',
        groups: ['moderate training', 'extended training'],
        series: GROUPS.map((g) => ({ label: g, values: TRAININGS.map((t) => L[`${t}.${g}`].responses) })),
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
