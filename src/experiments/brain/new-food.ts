/**
 * brain/new-food (phenomenon 9 of docs/architecture.md, goal installation). A berry the agent has seen but never tasted stands
 * in a meadow. The experimenter puts one in its mouth once: a strong sweet reward, a large dopamine
 * burst, stored as an episode and replayed. Afterwards, from ≥ 4 steps away, the agent plans —
 * imagining paths in its world model and scoring them with its "reward is coming" assessor — to get
 * the berry again. Before the tasting it has no reason to go there.
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
import { enter, live, reachProbe } from './protocol.js';
import { mean, round } from '../../math/stats.js';

const config = z
  .object({
    ...brainFiles('data/worlds/meadow.world'),
    explore: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe('ticks of living in the meadow (berry visible, behind glass) before the probes'),
    consolidate: z
      .number()
      .int()
      .min(0)
      .default(200)
      .describe('ticks at home after the tasting (episodic replay consolidates it)'),
    roomTicks: z.number().int().min(10).default(100),
    ...reachProbeKeys('berry'),
  })
  .strict();
type Config = z.infer<typeof config>;

export const NEW_FOOD = {
  exploreRooms: ['meadow', 'meadow', 'home'],
  food: 'berry',
  room: 'meadow',
  expected: 'one tasting; reach rate from ≥ 4 steps: ≤ 0.2 before, ≥ 0.9 after',
};

interface Acc extends WmProbed {
  before: number[];
  after: number[];
  steps: number[];
  tastings: number;
}

const countTastings = (acc: Acc) => (r: { ate: string | null }) => {
  if (r.ate === NEW_FOOD.food) acc.tastings++;
};

/** The experimenter's one feeding: stand the agent next to the berry and step it onto it. */
function feedOnce(agent: Agent, acc: Acc): void {
  enter(agent, NEW_FOOD.room);
  const food = agent.world.find(NEW_FOOD.food)[0];
  if (!food) throw new Error(`room '${NEW_FOOD.room}' has no '${NEW_FOOD.food}'`);
  const moves: [number, number, number][] = [
    [0, 1, 1],
    [0, -1, 2],
    [1, 0, 3],
    [-1, 0, 4],
  ]; // from below → up, …
  const [dx, dy, action] = moves.find(([dx, dy]) => !agent.world.isWall(food.x + dx, food.y + dy))!;
  enter(agent, NEW_FOOD.room, [food.x + dx, food.y + dy]);
  agent.switches.forced = action;
  live(agent, 1, { onTick: countTastings(acc) });
  agent.switches.forced = -1;
  live(agent, 3, { onTick: countTastings(acc) });
}

export const newFood = defineExperiment({
  id: 'brain/new-food',
  title: 'Goal installation: one tasting of a new food, then planning to get it again',
  description:
    'The agent lives in a meadow where a berry it has never tasted stands behind glass. The experimenter feeds it one berry (a strong sweet reward). Reach probes (planning on, learning off, berry inedible so probing is not tasting) from cells ≥ 4 steps away measure whether it goes for the berry, before and after.',
  config,
  validate: validateBrainFiles,
  expected: NEW_FOOD.expected,
  criteria: [
    { key: 'tastings', op: '==', value: 1 },
    { key: 'reach_rate_before', op: '<=', value: 0.2 },
    { key: 'reach_rate_after', op: '>=', value: 0.9 },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    reach_rate_before: 'fraction of trials reaching the berry within `ticks`, before the tasting',
    reach_rate_after: 'the same after the one tasting',
    mean_steps_after: 'mean ticks to reach it, successful trials after',
    tastings: 'berries the agent ever tasted (1 by design)',
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = {
      wmProbe: [],
      before: [],
      after: [],
      steps: [],
      tastings: 0,
    };
    const probe = { trials: c.trials, ticks: c.ticks, minSteps: c.minSteps, seeds: 'newFoodReach' } as const;
    const steps: LifeStep<Acc>[] = [
      ...chunked<Acc>('explore', c.explore, c.roomTicks, (a, acc, _r: Rng, ticks, i) => {
        enter(a, NEW_FOOD.exploreRooms[i % NEW_FOOD.exploreRooms.length]!);
        for (const f of a.world.find(NEW_FOOD.food)) f.edible = false; // behind glass
        live(a, ticks, { onTick: countTastings(acc) });
      }),
      {
        label: 'probe before',
        run: (a, acc) => {
          acc.before = reachProbe(a, NEW_FOOD.room, NEW_FOOD.food, probe).reached;
        },
      },
      { label: 'one tasting', run: (a, acc) => feedOnce(a, acc) },
      ...chunked<Acc>('consolidate', c.consolidate, c.roomTicks, (a, acc, _r, ticks) => {
        enter(a, 'home');
        live(a, ticks, { onTick: countTastings(acc) });
      }),
      {
        label: 'probe after',
        run: (a, acc) => {
          const r = reachProbe(a, NEW_FOOD.room, NEW_FOOD.food, probe);
          acc.after = r.reached;
          acc.steps = r.steps;
        },
      },
    ];
    runLifetime(
      ctx,
      () => makeAgent(ctx, { planner: { horizon: c.horizon, candidates: c.candidates } }).agent,
      withWorldModelProbe(steps, () => NEW_FOOD.exploreRooms),
      acc,
      ctx.rng.fork('protocol'),
    );
    const m = {
      reach_rate_before: round(mean(acc.before)),
      reach_rate_after: round(mean(acc.after)),
      mean_steps_after: round(acc.steps.length ? mean(acc.steps) : NaN),
      tastings: acc.tastings,
    };
    ctx.figure(
      'reach',
      barChart({
        title: 'Reaching the berry from ≥ 4 steps',
        ylabel: 'reach rate',
        groups: ['before the tasting', 'after'],
        series: [{ label: 'reach rate', values: [m.reach_rate_before, m.reach_rate_after] }],
        ylim: [0, 1],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
