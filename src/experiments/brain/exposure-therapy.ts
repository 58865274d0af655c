/**
 * brain/exposure-therapy (phenomenon 7 of docs/architecture.md). Fear is acquired in context A from a spider that chases and
 * bites; then the agent lives with a harmless spider of the same looks in context B (an enclosed room,
 * where the safe-and-calm reaction follows quiet spells). Fear falls through two routes that can be
 * switched off separately during exposure:
 *   - rewiring: the habituation rule (spider reaction soon followed by safe-and-calm → weaker next time),
 *     which recovers with time (spontaneous recovery);
 *   - learning: the cortisol assessor re-learns from ground truth that no bite follows here, in this
 *     context (so fear returns in context A: renewal).
 * Fear = cortisol released per tick by the fear reactions (innate startle + anticipatory compliance)
 * while the agent, frozen, faces a moving harmless spider; probes run with learning and rewiring off.
 * Each route is its own lifetime from the same seed (identical until exposure). A Rescorla–Wagner
 * learner on the same design is the baseline.
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import type { Rng } from '../../math/rng.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart } from '../../plot/svg.js';
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
import { cellsAt, enter, live, withoutLearning } from './protocol.js';
import { round } from '../../math/stats.js';

export const ROUTES = ['both', 'rewiring_only', 'learner_only'] as const;
type Route = (typeof ROUTES)[number];

const config = z
  .object({
    ...brainFiles('data/worlds/spiders.world'),
    routes: z
      .enum(['all', ...ROUTES])
      .default('all')
      .describe('which exposure routes to run (each is its own lifetime)'),
    explore: z.number().int().min(0).default(2000).describe('ticks of exploring before acquisition'),
    acquire: z
      .number()
      .int()
      .min(100)
      .default(3000)
      .describe('ticks of acquisition (biting spider in context A, with neutral rooms)'),
    exposure: z
      .number()
      .int()
      .min(100)
      .default(3000)
      .describe('ticks living with a harmless spider in context B'),
    delay: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe('ticks without spiders before the spontaneous-recovery test'),
    roomTicks: z.number().int().min(10).default(100),
    probes: z.number().int().min(1).default(12).describe('trials per fear measurement'),
  })
  .strict();
type Config = z.infer<typeof config>;

export const EXPOSURE = {
  exploreRooms: ['neutral', 'ball', 'safe', 'still', 'picture'],
  acquireRooms: ['acquire', 'neutral', 'acquire', 'safe'],
  exposureRoom: 'spider-b',
  testRooms: { A: 'spider', B: 'spider-b' },
  delayRooms: ['neutral', 'safe', 'ball'],
  fearReactions: ['spider-fear', 'anticipatory-fear'],
  fearProbe: { rest: 10, ticks: 15, distance: 2, restRoom: 'neutral' },
  rw: { alpha: 0.1, salience: { spider: 1, ctx: 0.5 } },
  expected:
    'both routes cut fear ≥ 70%; each alone less than both and more than 0; renewal ≥ 1.5; spontaneous recovery > 0; Rescorla–Wagner has none',
};

interface Acc extends WmProbed {
  fear: Record<string, number>;
}

/** Cortisol released per tick by the fear reactions while frozen two cells from a moving harmless spider. */
function fearProbe(agent: Agent, room: string, trials: number): number {
  const P = EXPOSURE.fearProbe;
  const delta = new Map(
    agent.steering.spec.reactions
      .filter((r) => EXPOSURE.fearReactions.includes(r.name))
      .map((r) => [r.name, r.body.cortisol ?? 0]),
  );
  return withoutLearning(agent, () => {
    agent.switches.frozen = true;
    let sum = 0,
      n = 0;
    for (let i = 0; i < trials; i++) {
      enter(agent, P.restRoom);
      live(agent, P.rest);
      enter(agent, room);
      const o = agent.world.objects.find((x) => x.def.name === 'spider');
      if (!o) throw new Error(`room '${room}' has no 'spider' to test fear with`);
      // Common random numbers: trial i of every probe sees the same start cell and spider moves.
      const cells = cellsAt(agent, o.x, o.y, P.distance);
      enter(agent, room, cells[i % cells.length], 1000 + i);
      live(agent, P.ticks, {
        onTick: (_r, a) => {
          for (const f of a.steering.trace.fired) sum += (delta.get(f.name) ?? 0) * f.strength;
          n++;
        },
      });
    }
    agent.switches.frozen = false;
    return sum / n;
  });
}

/** Rescorla–Wagner on the same design: trials = room visits; V(spider) + V(context) is the fear. */
export function rescorlaWagner(
  acquireTrials: number,
  exposureTrials: number,
  delayTrials: number,
  alpha: number,
  sal: { spider: number; ctx: number },
) {
  const V = { spider: 0, A: 0, B: 0 };
  const trial = (ctx: 'A' | 'B', us: number) => {
    const err = us - (V.spider + V[ctx]);
    V.spider += alpha * sal.spider * err;
    V[ctx] += alpha * sal.ctx * err;
  };
  for (let i = 0; i < acquireTrials; i++) trial('A', 1);
  const fear = (ctx: 'A' | 'B') => V.spider + V[ctx];
  const acquired = fear('B');
  for (let i = 0; i < exposureTrials; i++) trial('B', 0);
  const afterB = fear('B'),
    afterA = fear('A');
  void delayTrials; // nothing happens to V while time passes: that is the point
  const afterDelay = fear('B');
  return { acquired, afterB, afterA, afterDelay };
}

export const exposureTherapy = defineExperiment({
  id: 'brain/exposure-therapy',
  title: 'Exposure therapy: habituation and re-learning, renewal and spontaneous recovery',
  description:
    "Fear acquired in context A (a biting spider) is extinguished by living with a harmless spider in context B. The habituation rewiring rule and the learner's own re-learning are switched off separately (one lifetime per route). Renewal: fear back in A ÷ fear in B. Spontaneous recovery: fear after a spider-free delay − fear at the end of exposure. A Rescorla–Wagner learner runs the same design.",
  config,
  validate: validateBrainFiles,
  expected: EXPOSURE.expected,
  criteria: [
    { key: 'reduction.both', op: '>=', value: 0.7 },
    { key: 'reduction.rewiring_only', op: '>', value: 0 },
    { key: 'reduction.rewiring_only', op: '<', ref: 'reduction.both' },
    { key: 'reduction.learner_only', op: '>', value: 0 },
    { key: 'reduction.learner_only', op: '<', ref: 'reduction.both' },
    { key: 'renewal_ratio', op: '>=', value: 1.5 },
    { key: 'spontaneous_recovery', op: '>', value: 0 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    fear_after_acquisition:
      'fear (cortisol per tick from fear reactions facing a moving harmless spider) in context B after acquisition',
    'fear_after_exposure.both': 'fear in B after exposure with both routes on',
    'fear_after_exposure.rewiring_only': "the same with the learner's assessors frozen during exposure",
    'fear_after_exposure.learner_only': 'the same with rewiring (habituation) off during exposure',
    'reduction.<route>': '1 − fear_after_exposure / fear_after_acquisition',
    renewal_ratio: 'fear in A ÷ fear in B after exposure (both routes)',
    spontaneous_recovery: 'fear in B after the delay − fear in B at the end of exposure (both routes)',
    'rw.renewal_ratio': 'Rescorla–Wagner on the same design',
    'rw.spontaneous_recovery': 'Rescorla–Wagner (0: nothing changes while time passes)',
    'rw.reduction': 'Rescorla–Wagner fear reduction',
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const routes: Route[] = c.routes === 'all' ? [...ROUTES] : [c.routes];
    const rng = ctx.rng.fork('protocol');
    const acc: Acc = {
      wmProbe: [],
      fear: {},
    };
    const visit = (rooms: string[]) => (a: Agent, _acc: Acc, _r: Rng, ticks: number, i: number) => {
      enter(a, rooms[i % rooms.length]!);
      live(a, ticks);
    };
    const steps: LifeStep<Acc>[] = [];
    for (const route of routes) {
      steps.push({ label: `birth (${route})`, rebirth: true, run: () => {} });
      steps.push(...chunked<Acc>(`explore (${route})`, c.explore, c.roomTicks, visit(EXPOSURE.exploreRooms)));
      steps.push(
        ...chunked<Acc>(`acquisition (${route})`, c.acquire, c.roomTicks, visit(EXPOSURE.acquireRooms)),
      );
      steps.push({
        label: `fear after acquisition (${route})`,
        run: (a, acc) => {
          acc.fear[`${route}.acquired`] = fearProbe(a, EXPOSURE.testRooms.B, c.probes);
        },
      });
      steps.push(
        ...chunked<Acc>(`exposure (${route})`, c.exposure, c.roomTicks, (a, _acc, _r, ticks) => {
          // The route switches hold during exposure only.
          a.learner.plasticity.assessors = route !== 'rewiring_only';
          a.steering.switches.rewiring = route !== 'learner_only';
          enter(a, EXPOSURE.exposureRoom);
          live(a, ticks);
          a.learner.plasticity.assessors = true;
          a.steering.switches.rewiring = true;
        }),
      );
      steps.push({
        label: `fear after exposure (${route})`,
        run: (a, acc) => {
          acc.fear[`${route}.after`] = fearProbe(a, EXPOSURE.testRooms.B, c.probes);
          if (route === 'both') acc.fear['both.afterA'] = fearProbe(a, EXPOSURE.testRooms.A, c.probes);
        },
      });
      if (route === 'both' && c.delay > 0) {
        steps.push(...chunked<Acc>('delay (both)', c.delay, c.roomTicks, visit(EXPOSURE.delayRooms)));
        steps.push({
          label: 'fear after delay (both)',
          run: (a, acc) => {
            acc.fear['both.afterDelay'] = fearProbe(a, EXPOSURE.testRooms.B, c.probes);
          },
        });
      }
    }
    runLifetime(
      ctx,
      () => makeAgent(ctx).agent,
      withWorldModelProbe(steps, () => EXPOSURE.exploreRooms),
      acc,
      rng,
    );

    const f = acc.fear;
    const acquired = f[`${routes[0]}.acquired`]!;
    const m: Metrics = { fear_after_acquisition: round(acquired) };
    for (const r of routes) {
      m[`fear_after_exposure.${r}`] = round(f[`${r}.after`]!);
      m[`reduction.${r}`] = round(1 - f[`${r}.after`]! / f[`${r}.acquired`]!);
    }
    if (routes.includes('both')) {
      m.fear_after_exposure = m['fear_after_exposure.both']!;
      m.renewal_ratio = round(f['both.afterA']! / f['both.after']!);
      if (c.delay > 0) m.spontaneous_recovery = round(f['both.afterDelay']! - f['both.after']!);
    }
    const T = c.roomTicks;
    const rw = rescorlaWagner(
      Math.round(c.acquire / T / 2),
      Math.round(c.exposure / T),
      Math.round(c.delay / T),
      EXPOSURE.rw.alpha,
      EXPOSURE.rw.salience,
    );
    m['rw.reduction'] = round(1 - rw.afterB / rw.acquired);
    m['rw.renewal_ratio'] = round(rw.afterA / rw.afterB);
    m['rw.spontaneous_recovery'] = round(rw.afterDelay - rw.afterB);
    ctx.figure(
      'fear',
      barChart({
        title: 'Fear in context B: after acquisition and after exposure, by route',
        ylabel: 'cortisol per tick from fear reactions',
        groups: routes.map((r) => r.replace('_', ' ')),
        series: [
          { label: 'after acquisition', values: routes.map((r) => f[`${r}.acquired`]!) },
          { label: 'after exposure', values: routes.map((r) => f[`${r}.after`]!) },
        ],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
