/**
 * brain/cortical-override (seeds 000 and 001). A snake that wriggles fires an innate detector wherever
 * it is, and the Steering Subsystem answers with a startle. In the cinema the snake is on the screen and
 * never does anything; in the wild a snake of the very same looks bites whatever comes within a step.
 * Berries grow beside both. The learner has only the room's context to tell the two apart. It should
 * come to predict "no pain here" in the cinema and take the berries beside the screen — while the
 * startle, which it cannot rewire, still fires at the first sight of the snake — and keep away from the
 * snake in the wild. People told that no more shocks will come lose their learned fear of neutral cues
 * but keep a reaction to snakes and spiders (Hugdahl & Öhman 1977): the innate reaction and the learned
 * fear are different things, and only the second is the cortex's to change.
 *
 * One lifetime: growing up in the two rooms without the snake (the pre-exposure level of learned fear is
 * measured at its end), then living with the snakes, alternating rooms, then the test. Learned fear is
 * the cortisol the body holds standing frozen near the snake after resting (learning off): the tonic level
 * plus what the cortisol assessor's prediction releases through anticipatory fear — the startle itself
 * releases none. (The prediction alone starts at 0 in a brain that never predicted a release, so it has
 * no pre-exposure level to be a multiple of; it is reported beside.) An approach trial starts `startDistance` from the snake (at the edge of view)
 * and counts when the agent comes within one step of it within `ticks`; the startle counts when it fires
 * while the brain is held in view of the wriggling snake during the fear trials.
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart, linePlot } from '../../plot/svg.js';
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
import { assessorsAt, cellsAt, enter, live, withoutLearning } from './protocol.js';
import { spreadPick, streamSeed } from '../seeds.js';
import { round } from '../../math/stats.js';

const config = z
  .object({
    ...brainFiles('data/worlds/override.world', 'data/steering/override.steer'),
    grow: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('ticks of growing up in the two rooms before any snake is shown'),
    train: z
      .number()
      .int()
      .min(100)
      .default(4000)
      .describe('ticks of living with the snakes, alternating cinema and wild every `roomTicks`'),
    roomTicks: z.number().int().min(10).default(100).describe('ticks per room visit'),
    planningWhileLiving: z
      .boolean()
      .default(false)
      .describe('the planner on while living (false: the actor and habit act; the world model still learns)'),
    probeEvery: z
      .number()
      .int()
      .min(100)
      .default(500)
      .describe('ticks of living between two measurements of learned fear (the figure’s curve)'),
    trials: z.number().int().min(1).default(20).describe('approach trials per room'),
    fearTrials: z.number().int().min(1).default(8).describe('trials per measurement of learned fear'),
    fearDistance: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('learned fear is measured standing this far from the snake (2: out of the bite’s reach)'),
    restTicks: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('ticks resting in the snake-free room of the same context before each fear trial'),
    probeTicks: z.number().int().min(1).default(20).describe('ticks standing near the snake per fear trial'),
    ticks: z.number().int().min(1).default(8).describe('ticks allowed per approach trial'),
    startDistance: z
      .number()
      .int()
      .min(2)
      .default(2)
      .describe('approach trials start this far from the snake (Chebyshev; the view reaches 2)'),
    firstTicks: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('in an approach trial the startle counts when it fires within this many ticks of the start'),
    planning: z.boolean().default(true).describe('approach trials with the planner on'),
  })
  .strict();
type Config = z.infer<typeof config>;

/** The protocol, as data. */
export const CORTICAL_OVERRIDE = {
  growRooms: ['cinema-empty', 'wild-empty'],
  liveRooms: ['cinema', 'wild'],
  restRooms: { harmless: 'cinema-empty', biting: 'wild-empty' },
  rooms: { harmless: 'cinema', biting: 'wild' },
  snake: { harmless: 'snake', biting: 'biting-snake' },
  startle: 'startle',
  fear: 'cortisol',
  expected:
    'in the cinema: approach ≥ 0.8 and learned fear within 20% of its pre-exposure level while the startle still fires on ≥ 80% of first encounters; in the wild: avoidance ≥ 0.8',
} as const;
type Place = keyof typeof CORTICAL_OVERRIDE.rooms;
const PLACES: Place[] = ['harmless', 'biting'];

interface Tested {
  approach: number;
  startle: number;
}

interface Acc extends WmProbed {
  /** Learned fear after growing up, before any snake (the pre-exposure level), and through life. */
  fearCurve: { tick: number; harmless: Fear; biting: Fear }[];
  /** Learned fear one step from the cinema snake (within the bite's reach, were it the wild one): before, after. */
  besideHarmless: Fear[];
  /** The critic's value and "reward is coming" one step from each snake, after living (learning off). */
  critic: Partial<Record<Place, { value: number; reward: number }>>;
  before: Partial<Record<Place, Tested>>;
  after: Partial<Record<Place, Tested>>;
  bites: number;
  /** Ticks within one step of the snake, and all ticks, in each room over the last quarter of living. */
  late: Record<Place, { near: number; ticks: number }>;
  eatenGrowing: number;
  eaten: Record<Place, number>;
}

/** Learned fear near the snake of `place`, as the body shows it and as the cortisol assessor predicts it. */
interface Fear {
  /** Mean cortisol per tick standing frozen `distance` from the snake (tonic level included). */
  cortisol: number;
  /** Mean prediction of the cortisol assessor over the same ticks. */
  prediction: number;
  /** Fraction of trials in which the innate startle fired (the snake seen wriggling, held in view). */
  startle: number;
}

/**
 * Rest in the same context without the snake (cortisol back to its tonic level), then stand frozen
 * `distance` from the snake for `probeTicks`; learning off. The wild's snake bites within one step, so
 * the default distance 2 — where approach trials begin — is out of its reach: the cortisol is what the
 * brain expects, not what it suffers.
 */
function fearNear(a: Agent, place: Place, c: Config, distance = c.fearDistance): Fear {
  const room = CORTICAL_OVERRIDE.rooms[place];
  const snake = CORTICAL_OVERRIDE.snake[place];
  const k = a.learner.assessors.names.indexOf(CORTICAL_OVERRIDE.fear);
  if (k < 0) throw new Error(`the steering file has no '${CORTICAL_OVERRIDE.fear}' assessor`);
  return withoutLearning(a, () => {
    enter(a, room);
    const o = a.world.find(snake)[0];
    if (!o) throw new Error(`room '${room}' has no '${snake}'`);
    const cells = cellsAt(a, o.x, o.y, distance);
    let cortisol = 0,
      prediction = 0,
      n = 0,
      startled = 0;
    a.switches.frozen = true;
    for (let i = 0; i < c.fearTrials; i++) {
      enter(a, CORTICAL_OVERRIDE.restRooms[place]);
      live(a, c.restTicks);
      enter(a, room, spreadPick(cells, i), streamSeed('corticalOverrideTest', 5000 + i));
      let fired = false;
      live(a, c.probeTicks, {
        onTick: (_r, ag) => {
          cortisol += ag.steering.bodyVar('cortisol');
          prediction += ag.learner.preds[k]!;
          n++;
          if (firedStrength(ag, CORTICAL_OVERRIDE.startle) > 0) fired = true;
        },
      });
      if (fired) startled++;
    }
    a.switches.frozen = false;
    return { cortisol: cortisol / n, prediction: prediction / n, startle: startled / c.fearTrials };
  });
}

/** The critic's value and the reward assessor standing one step from the snake of `place` (mean over the cells around it). */
function criticBeside(a: Agent, place: Place): { value: number; reward: number } {
  const room = CORTICAL_OVERRIDE.rooms[place];
  enter(a, room);
  const o = a.world.find(CORTICAL_OVERRIDE.snake[place])[0]!;
  const cells = cellsAt(a, o.x, o.y, 1);
  let value = 0,
    reward = 0;
  cells.forEach((at, i) => {
    const p = assessorsAt(a, () => enter(a, room, at, streamSeed('corticalOverrideTest', 6000 + i)));
    value += p['value'] ?? 0;
    reward += p['reward'] ?? 0;
  });
  return { value: value / cells.length, reward: reward / cells.length };
}

/** Approach trials beside the snake of `place` (learning off): how often the agent comes within a step, and how often the startle fires early. */
function approachTrials(a: Agent, place: Place, c: Config): Tested {
  const room = CORTICAL_OVERRIDE.rooms[place];
  const snake = CORTICAL_OVERRIDE.snake[place];
  return withoutLearning(a, () => {
    enter(a, room);
    const o = a.world.find(snake)[0]!;
    const starts = cellsAt(a, o.x, o.y, c.startDistance);
    if (starts.length === 0)
      throw new Error(`no free cell of '${room}' is ${c.startDistance} from '${snake}'`);
    let hits = 0,
      startles = 0;
    for (let i = 0; i < c.trials; i++) {
      // Common random numbers: trial i of both rooms, before and after, starts alike and sees the same wriggles.
      enter(a, room, spreadPick(starts, i), streamSeed('corticalOverrideTest', i));
      let startled = false,
        reached = false;
      for (let t = 0; t < c.ticks && !(reached && (startled || t >= c.firstTicks)); t++) {
        live(a, 1, { planning: c.planning });
        if (t < c.firstTicks && firedStrength(a, CORTICAL_OVERRIDE.startle) > 0) startled = true;
        if (a.world.distanceTo(snake) <= 1) reached = true;
      }
      if (reached) hits++;
      if (startled) startles++;
    }
    return { approach: hits / c.trials, startle: startles / c.trials };
  });
}

function measureFear(a: Agent, acc: Acc, c: Config, tick: number): void {
  acc.fearCurve.push({ tick, harmless: fearNear(a, 'harmless', c), biting: fearNear(a, 'biting', c) });
}

function protocol(c: Config): LifeStep<Acc>[] {
  const { growRooms, liveRooms } = CORTICAL_OVERRIDE;
  const steps: LifeStep<Acc>[] = [];
  steps.push(
    ...chunked<Acc>('growing up without snakes', c.grow, c.roomTicks, (a, acc, _r, ticks, i) => {
      enter(a, growRooms[i % growRooms.length]!);
      live(a, ticks, {
        planning: c.planningWhileLiving,
        onTick: (r) => {
          if (r.ate) acc.eatenGrowing++;
        },
      });
    }),
  );
  steps.push({
    label: 'before: learned fear and approach',
    run: (a, acc) => {
      measureFear(a, acc, c, 0);
      acc.besideHarmless.push(fearNear(a, 'harmless', c, 1));
      for (const p of PLACES) acc.before[p] = approachTrials(a, p, c);
    },
  });
  const chunks = Math.ceil(c.train / c.roomTicks);
  const lateFrom = Math.floor((chunks * 3) / 4);
  const perProbe = Math.max(1, Math.round(c.probeEvery / c.roomTicks));
  steps.push(
    ...chunked<Acc>('living with the snakes', c.train, c.roomTicks, (a, acc, _r, ticks, i) => {
      const room = liveRooms[i % liveRooms.length]!;
      const place: Place = room === CORTICAL_OVERRIDE.rooms.harmless ? 'harmless' : 'biting';
      enter(a, room);
      live(a, ticks, {
        planning: c.planningWhileLiving,
        onTick: (r, ag) => {
          if (r.ate) acc.eaten[place]++;
          if (firedStrength(ag, 'pain') > 0) acc.bites++;
          if (i >= lateFrom) {
            acc.late[place].ticks++;
            if (ag.world.distanceTo(CORTICAL_OVERRIDE.snake[place]) <= 1) acc.late[place].near++;
          }
        },
      });
      if ((i + 1) % perProbe === 0) measureFear(a, acc, c, Math.min(c.train, (i + 1) * c.roomTicks));
    }),
  );
  steps.push({
    label: 'after: learned fear and approach',
    run: (a, acc) => {
      const last = acc.fearCurve[acc.fearCurve.length - 1]!;
      if (last.tick !== c.train) measureFear(a, acc, c, c.train);
      acc.besideHarmless.push(fearNear(a, 'harmless', c, 1));
      for (const p of PLACES) acc.after[p] = approachTrials(a, p, c);
      for (const p of PLACES) acc.critic[p] = criticBeside(a, p);
    },
  });
  return steps;
}

const r4 = (x: number) => round(x, 4);

export const corticalOverride = defineExperiment({
  id: 'brain/cortical-override',
  title: 'Cortical override: a harmless movie-snake and a biting wild one that look alike',
  description:
    'A wriggling snake fires an innate startle (a jolt, no cortisol) in both rooms; in the cinema it never does anything, in the wild the same-looking snake bites within one step. After growing up in the rooms and then living with the snakes, in each room with learning off: learned fear (the cortisol the body holds near the snake) against its pre-exposure level, the approach rate to the berries beside the snake, and how often the innate startle fires when the snake is in view.',
  config,
  validate: validateBrainFiles,
  expected: CORTICAL_OVERRIDE.expected,
  headline: [
    'criteria_met',
    'approach.harmless',
    'fear.harmless_vs_before',
    'startle_rate.harmless',
    'avoidance.biting',
    'fear.biting_vs_before',
  ],
  criteria: [
    { key: 'approach.harmless', op: '>=', value: 0.8 },
    { key: 'fear.harmless_vs_before', op: '<=', value: 1.2 },
    { key: 'startle_rate.harmless', op: '>=', value: 0.8 },
    { key: 'avoidance.biting', op: '>=', value: 0.8 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    'approach.harmless':
      'fraction of approach trials in the cinema that come within one step of the snake (the berries are there), after living with the snakes',
    'approach.harmless_before': 'the same before any snake was lived with (first sight)',
    'avoidance.biting': '1 − the approach rate to the biting snake in the wild, after living with the snakes',
    'avoidance.biting_before': 'the same before any snake was lived with',
    'fear.harmless_vs_before':
      'learned fear near the cinema snake after living with the snakes ÷ its pre-exposure level (after growing up, before any snake). Learned fear: mean cortisol per tick standing frozen `fearDistance` from the snake, learning off, after resting — the tonic level plus what the learned prediction releases through anticipatory fear (the startle releases none)',
    'fear.biting_vs_before': 'the same near the biting snake in the wild',
    'fear.harmless': 'learned fear near the cinema snake after living with the snakes (cortisol per tick)',
    'fear.biting': 'learned fear near the wild snake after living with the snakes',
    'fear.harmless_before': 'learned fear near the cinema snake after growing up (the pre-exposure level)',
    'fear.biting_before': 'learned fear near the wild snake after growing up',
    'fear.harmless_peak_vs_before':
      'the highest learned fear near the cinema snake measured while living ÷ its pre-exposure level (how far the fear of the wild snake spread to the cinema)',
    'fear.harmless_beside_vs_before':
      'as fear.harmless_vs_before, standing one step from the cinema snake (where the wild one would bite)',
    'fear_prediction.harmless':
      "the cortisol assessor's prediction near the cinema snake after living with the snakes (0 in a brain that never predicted any release)",
    'fear_prediction.biting': 'the same near the wild snake',
    'fear_prediction.harmless_before': 'the same near the cinema snake after growing up',
    'fear_prediction.harmless_peak': 'the highest of it measured while living',
    'fear_prediction.harmless_beside': 'the same one step from the cinema snake, after living',
    'startle_rate.harmless':
      'fraction of the fear trials in the cinema (held `fearDistance` from the wriggling snake for `probeTicks`) in which the innate startle fired, after living with the snakes. The steering file has no rule that rewires the startle: this is the innate reaction persisting while learned fear and avoidance change',
    'startle_rate.harmless_before': 'the same after growing up, before any snake',
    'startle_rate.biting': 'the same in the wild, after living with the snakes',
    'startle_rate.harmless_approach':
      "fraction of the cinema's approach trials in which the startle fired within the first `firstTicks` ticks (lower when the brain turns away before it sees the snake move)",
    'startle_rate.harmless_approach_before': 'the same before any snake was lived with',
    'near_rate.harmless':
      'share of the ticks lived in the cinema within one step of the snake, over the last quarter of living (learning on)',
    'near_rate.biting': 'the same in the wild',
    'value.harmless':
      "the critic's value one step from the cinema snake (mean over the cells around it), after living, learning off",
    'value.biting': 'the same one step from the wild snake',
    'reward_assessor.harmless': '"reward is coming" one step from the cinema snake, after living',
    'reward_assessor.biting': 'the same one step from the wild snake',
    bites: 'ticks of pain from the biting snake while living',
    'eaten.harmless': 'berries eaten in the cinema while living with the snakes',
    'eaten.biting': 'berries eaten in the wild while living with the snakes',
    'eaten.growing': 'berries eaten while growing up, before any snake',
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = {
      wmProbe: [],
      fearCurve: [],
      besideHarmless: [],
      critic: {},
      before: {},
      after: {},
      bites: 0,
      late: { harmless: { near: 0, ticks: 0 }, biting: { near: 0, ticks: 0 } },
      eatenGrowing: 0,
      eaten: { harmless: 0, biting: 0 },
    };
    runLifetime(
      ctx,
      () => makeAgent(ctx).agent,
      withWorldModelProbe(protocol(c), () => CORTICAL_OVERRIDE.liveRooms),
      acc,
      ctx.rng.fork('protocol'),
    );
    const before = acc.before as Record<Place, Tested>,
      after = acc.after as Record<Place, Tested>;
    const first = acc.fearCurve[0]!,
      last = acc.fearCurve[acc.fearCurve.length - 1]!;
    const peak = Math.max(...acc.fearCurve.map((f) => f.harmless.cortisol));
    const [beforeBeside, afterBeside] = acc.besideHarmless as [Fear, Fear];
    const vs = (p: Place) => last[p].cortisol / first[p].cortisol;
    const m: Metrics = {
      'approach.harmless': r4(after.harmless.approach),
      'approach.harmless_before': r4(before.harmless.approach),
      'avoidance.biting': r4(1 - after.biting.approach),
      'avoidance.biting_before': r4(1 - before.biting.approach),
      'fear.harmless_vs_before': r4(vs('harmless')),
      'fear.biting_vs_before': r4(vs('biting')),
      'fear.harmless': r4(last.harmless.cortisol),
      'fear.biting': r4(last.biting.cortisol),
      'fear.harmless_before': r4(first.harmless.cortisol),
      'fear.biting_before': r4(first.biting.cortisol),
      'fear.harmless_peak_vs_before': r4(peak / first.harmless.cortisol),
      'fear.harmless_beside_vs_before': r4(afterBeside.cortisol / beforeBeside.cortisol),
      'fear_prediction.harmless': r4(last.harmless.prediction),
      'fear_prediction.biting': r4(last.biting.prediction),
      'fear_prediction.harmless_before': r4(first.harmless.prediction),
      'fear_prediction.harmless_peak': r4(Math.max(...acc.fearCurve.map((f) => f.harmless.prediction))),
      'fear_prediction.harmless_beside': r4(afterBeside.prediction),
      'startle_rate.harmless': r4(last.harmless.startle),
      'startle_rate.harmless_before': r4(first.harmless.startle),
      'startle_rate.biting': r4(last.biting.startle),
      'startle_rate.harmless_approach': r4(after.harmless.startle),
      'startle_rate.harmless_approach_before': r4(before.harmless.startle),
      'value.harmless': r4(acc.critic.harmless!.value),
      'value.biting': r4(acc.critic.biting!.value),
      'reward_assessor.harmless': r4(acc.critic.harmless!.reward),
      'reward_assessor.biting': r4(acc.critic.biting!.reward),
      bites: acc.bites,
      'near_rate.harmless': r4(acc.late.harmless.near / Math.max(1, acc.late.harmless.ticks)),
      'near_rate.biting': r4(acc.late.biting.near / Math.max(1, acc.late.biting.ticks)),
      'eaten.harmless': acc.eaten.harmless,
      'eaten.biting': acc.eaten.biting,
      'eaten.growing': acc.eatenGrowing,
    };
    ctx.figure(
      'override',
      barChart({
        title: 'After living with the snakes: the innate startle stays, the learned fear does not',
        ylabel: 'rate / learned fear ÷ pre-exposure',
        groups: ['cinema (harmless)', 'wild (biting)'],
        series: [
          { label: 'startle when held in view', values: PLACES.map((p) => last[p].startle) },
          { label: 'approach', values: PLACES.map((p) => after[p].approach) },
          {
            label: 'learned fear ÷ before',
            values: PLACES.map(vs),
          },
        ],
      }),
    );
    ctx.figure(
      'fear',
      linePlot({
        title: 'Learned fear beside the snake while living with both',
        xlabel: 'ticks living with the snakes',
        ylabel: 'cortisol near the snake (frozen, learning off)',
        series: [
          {
            label: 'cinema (harmless)',
            x: acc.fearCurve.map((f) => f.tick),
            y: acc.fearCurve.map((f) => f.harmless.cortisol),
          },
          {
            label: 'wild (biting)',
            x: acc.fearCurve.map((f) => f.tick),
            y: acc.fearCurve.map((f) => f.biting.cortisol),
          },
          {
            label: 'cinema before any snake',
            x: [0, c.train],
            y: [first.harmless.cortisol, first.harmless.cortisol],
            dashed: true,
          },
        ],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
