/**
 * brain/crosstalk (DESIGN §4.8, seed 000). The Steering Subsystem has a "strong lower, weak higher"
 * reaction (missing out: a weak signal that something better is on offer than what one really has).
 * The Down message carries each signal's gain but not the mode that produced it, so the reaction
 * cannot tell imagining a cake, remembering one and watching a neighbour eat one apart — it fires
 * for all three. Control: the same modes on, nothing better than the apple at hand anywhere.
 *
 * Trials run with learning off and the body frozen on an apple tree — it eats an apple every tick, so
 * the real (strong) reward is an apple's — and each condition switches on one mode (planning =
 * imagination, recall = memory, perspective-taking = empathy). The reaction compares the weak
 * "reward is coming" with the reward really arriving.
 */
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import type { Rng } from '../../math/rng.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import { barChart } from '../svg.js';
import { brainFiles, firedStrength, makeAgent, round, validateBrainFiles } from './common.js';
import { chunked, runLifetime, type LifeStep } from './lifetime.js';
import { enter, live, mean, withoutLearning } from './protocol.js';

const config = z.object({
  ...brainFiles('data/worlds/orchard.world'),
  learn: z.number().int().min(0).default(10000).describe('ticks of living among apples and cakes (and a neighbour) first'),
  roomTicks: z.number().int().min(10).default(100),
  trials: z.number().int().min(1).default(20).describe('trials per condition'),
  window: z.number().int().min(1).default(5).describe('ticks per trial'),
  recall: z.number().min(0).max(1).default(0.5).describe('cosine similarity of perceived senses needed to recall an episode'),
}).strict();
type Config = z.infer<typeof config>;

export const CROSSTALK = {
  learnRooms: ['orchard', 'grove', 'orchard'],
  reaction: 'missing-out',
  conditions: ['imagination', 'memory', 'empathy', 'control'] as const,
  expected: 'missing-out fires in ≥ 50% of imagination, memory and empathy trials, ≤ 5% of control trials',
};
type Condition = (typeof CROSSTALK.conditions)[number];

interface Acc {
  fired: Record<string, number[]>;
}

/** Where the agent stands (beside an apple) and what else is placed, per condition and trial. */
function setUp(agent: Agent, cond: Condition, i: number): void {
  const W = agent.world;
  // The agent on the right half, an apple beside it; alternatives to its left.
  const ax = 5 + (i % 2), ay = 2 + (i % 4);
  const room = cond === 'control' ? 'grove-empty' : 'orchard-empty';
  enter(agent, room, [ax, ay], 9000 + i);
  W.place('apple-tree', ax, ay); // under the frozen agent: it eats an apple every tick — what it has
  // Imagination and memory share the scene (a cake two cells off, out of reach); only the mode differs.
  if (cond === 'imagination' || cond === 'memory') W.place('cake', ax - 2, ay).edible = false;
  if (cond === 'empathy') {
    W.place('cake', ax - 2, ay + 1);
    W.place('neighbour', ax - 2, ay);
  }
  if (cond === 'control') {
    W.place('apple', ax - 2, ay + 1);
    W.place('neighbour', ax - 2, ay);
  }
  agent.refresh();
}

function runCondition(agent: Agent, cond: Condition, c: Config): number[] {
  return withoutLearning(agent, () => {
    const sw = agent.switches;
    const out: number[] = [];
    for (let i = 0; i < c.trials; i++) {
      setUp(agent, cond, i);
      sw.frozen = true;
      sw.planning = cond === 'imagination' || cond === 'control';
      sw.remember = cond === 'memory' || cond === 'control';
      sw.empathize = cond === 'empathy' || cond === 'control';
      // Two ticks of lead-in: the first apple is tasted on the second tick, and until then the real
      // reward is 0 — anything at all would look better.
      live(agent, 2);
      let fired = 0;
      live(agent, c.window, { onTick: (_r, a) => { if (firedStrength(a, CROSSTALK.reaction) > 0) fired = 1; } });
      Object.assign(sw, { frozen: false, planning: false, remember: false, empathize: false });
      out.push(fired);
    }
    return out;
  });
}

export const crosstalk = defineExperiment({
  id: 'brain/crosstalk',
  title: 'Mode crosstalk: imagination, memory and empathy look alike to the Steering Subsystem',
  description:
    'After learning what apples and cakes are worth, the agent stands frozen eating apples. A cake out of reach that it imagines walking to, or that reminds it of a cake it once ate, or a neighbour eating a cake, each send a weak "reward is coming" above the strong one; the missing-out reaction fires for all three. Control: same modes on, only apples.',
  config,
  validate: validateBrainFiles,
  expected: CROSSTALK.expected,
  metrics: {
    rate_imagination: 'fraction of trials where missing-out fired (planning on, a cake two cells away)',
    rate_memory: 'the same with recall on (the sight of the cake cues the memory of eating one)',
    rate_empathy: 'the same with perspective-taking on, a neighbour at a cake',
    rate_control: 'all three modes on, nothing better than the apple at hand',
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const acc: Acc = { fired: {} };
    const steps: LifeStep<Acc>[] = [
      ...chunked<Acc>('learn', c.learn, c.roomTicks, (a, _acc, _r: Rng, ticks, i) => {
        enter(a, CROSSTALK.learnRooms[i % CROSSTALK.learnRooms.length]!);
        live(a, ticks);
      }),
      ...CROSSTALK.conditions.map((cond) => ({ label: `trials: ${cond}`, run: (a: Agent, acc: Acc) => { acc.fired[cond] = runCondition(a, cond, c); } })),
    ];
    runLifetime(ctx, () => makeAgent(ctx, { memory: { recall: c.recall } }).agent, steps, acc, ctx.rng.fork('protocol'));
    const m: Metrics = {};
    for (const cond of CROSSTALK.conditions) m[`rate_${cond}`] = round(mean(acc.fired[cond]!));
    ctx.figure('crosstalk', barChart({
      title: 'Missing-out fires for any weak better signal', ylabel: 'fraction of trials', groups: [...CROSSTALK.conditions],
      series: [{ label: 'fired', values: CROSSTALK.conditions.map((k) => m[`rate_${k}`] as number) }], ylim: [0, 1],
    }));
    return m;
  },
});
