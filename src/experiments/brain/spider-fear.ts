/**
 * brain/spider-fear (phenomenon 6 of docs/architecture.md). The innate scuttle detector fires the spider reaction only for a
 * small dark blob that moves. The learner's cortisol assessor comes to predict the reaction from what
 * the spider looks like, so afterwards a still spider — which the detector ignores — and an imagined
 * one during planning produce anticipatory cortisol, and the planner steers away from spiders.
 *
 * Protocol (one lifetime): explore neutral rooms → probes → conditioning with a moving spider → probes.
 * Probes run with all learning and rewiring off, so measuring changes nothing. Control: with
 * `assessorLearning=false` the assessors never learn, and no anticipation may appear.
 */
import { CRITERIA_MET_DOC } from '../criteria.js';
import { z } from 'zod';
import type { Agent } from '../../brain/agent.js';
import { defineExperiment, type Metrics } from '../experiment.js';
import type { Rng } from '../../math/rng.js';
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
import { cellsAt, enter, live, pick, withoutLearning } from './protocol.js';
import { mean, round } from '../../math/stats.js';

const config = z
  .object({
    ...brainFiles('data/worlds/spiders.world'),
    explore: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('ticks of exploring neutral rooms before the first probes'),
    condition: z
      .number()
      .int()
      .min(1)
      .default(3000)
      .describe('ticks of conditioning (moving spider, interleaved with neutral rooms)'),
    roomTicks: z.number().int().min(10).default(100).describe('ticks per room visit'),
    probes: z.number().int().min(1).default(16).describe('trials per probe'),
    assessorLearning: z
      .boolean()
      .default(true)
      .describe('false: the thought assessors never learn (the control)'),
  })
  .strict();

type Config = z.infer<typeof config>;

/** The phases, as data. */
export const SPIDER_FEAR = {
  exploreRooms: ['neutral', 'ball', 'safe', 'still', 'picture'],
  conditionRooms: ['spider', 'ball', 'neutral', 'safe'],
  cortisolProbe: { rest: 20, ticks: 20, distance: 1 },
  avoidanceProbe: { ticks: 20, start: 2 },
  reactions: { seen: 'anticipatory-fear', imagined: 'imagined-fear' },
  expected:
    'still-spider cortisol after ≥ 3× before and ≥ 3× neutral; imagined/seen in (0.05, 0.8); avoidance rises; none of it without assessor learning',
};

interface Acc extends WmProbed {
  cortisol: Record<string, number[]>;
  avoidance: Record<string, number[]>;
  /** Summed strength of the imagined-fear reaction over the after-probe's planning ticks, and the count. */
  imagined: number;
  imaginedTicks: number;
  /** Summed strength of the anticipatory (seen) reaction next to a still spider, after; and the count. */
  seen: number;
  seenTicks: number;
  curve: number[];
}

function objectCell(agent: Agent): [number, number] {
  const o = agent.world.objects[0];
  if (!o) throw new Error(`room '${agent.world.roomName}' has no object to probe`);
  return [o.x, o.y];
}

function cortisolProbe(
  agent: Agent,
  rng: Rng,
  room: string,
  trials: number,
  acc: Acc | null = null,
): number[] {
  const P = SPIDER_FEAR.cortisolProbe,
    R = SPIDER_FEAR.reactions;
  return withoutLearning(agent, () => {
    const out: number[] = [];
    agent.switches.frozen = true;
    for (let i = 0; i < trials; i++) {
      enter(agent, 'safe');
      live(agent, P.rest);
      enter(agent, room);
      const [ox, oy] = objectCell(agent);
      enter(agent, room, pick(rng, cellsAt(agent, ox, oy, P.distance)));
      let c = 0;
      live(agent, P.ticks, {
        onTick: (_r, a) => {
          c += a.steering.bodyVar('cortisol');
          if (acc) {
            acc.seen += firedStrength(a, R.seen);
            acc.seenTicks++;
          }
        },
      });
      out.push(c / P.ticks);
    }
    agent.switches.frozen = false;
    return out;
  });
}

function avoidanceProbe(agent: Agent, rng: Rng, trials: number, acc: Acc | null): number[] {
  const P = SPIDER_FEAR.avoidanceProbe,
    R = SPIDER_FEAR.reactions;
  return withoutLearning(agent, () => {
    const out: number[] = [];
    for (let i = 0; i < trials; i++) {
      enter(agent, 'still');
      const [ox, oy] = objectCell(agent);
      enter(agent, 'still', pick(rng, cellsAt(agent, ox, oy, P.start)));
      let away = 0;
      live(agent, P.ticks, {
        planning: true,
        onTick: (_r, a) => {
          const p = a.world.agent;
          if (Math.max(Math.abs(p.x - ox), Math.abs(p.y - oy)) >= P.start) away++;
          if (acc) {
            acc.imagined += firedStrength(a, R.imagined);
            acc.imaginedTicks++;
          }
        },
      });
      out.push(away / P.ticks);
    }
    return out;
  });
}

export const spiderFear = defineExperiment({
  id: 'brain/spider-fear',
  title: 'Fear acquisition: the detector teaches, the assessors anticipate',
  description:
    "A moving spider fires the innate scuttle detector (cortisol, flinch, negative reward). The cortisol thought assessor learns to predict the reaction from the spider's features, so a still spider (which the detector ignores) and an imagined one produce anticipatory cortisol, and the planner avoids spiders. Probes are measured with learning off.",
  config,
  validate: validateBrainFiles,
  expected: SPIDER_FEAR.expected,
  criteria: [
    { key: 'cortisol_still_spider_after', op: '>=', ref: 'cortisol_still_spider_before', times: 3 },
    { key: 'cortisol_still_spider_after', op: '>=', ref: 'cortisol_neutral_after', times: 3 },
    { key: 'imagined_to_seen_ratio', op: '>', value: 0.05 },
    { key: 'imagined_to_seen_ratio', op: '<', value: 0.8 },
    { key: 'avoidance_after', op: '>', ref: 'avoidance_before' },
  ],
  metrics: {
    criteria_met: CRITERIA_MET_DOC,
    cortisol_still_spider_before:
      'mean cortisol next to a still spider before conditioning (tonic baseline 0.1)',
    cortisol_still_spider_after: 'the same after conditioning',
    cortisol_neutral_after: 'mean cortisol next to a still neutral object after conditioning',
    imagined_to_seen_ratio:
      "anticipatory cortisol per tick from imagined states while planning in the spider's room ÷ per tick from the seen still spider next to it",
    avoidance_before: 'fraction of ticks a planning agent keeps its distance (2) from a still spider, before',
    avoidance_after: 'the same after conditioning',
    ticks: 'lifetime length',
    ...WM_METRICS,
  },
  async run(ctx): Promise<Metrics> {
    const c: Config = ctx.config;
    const build = () => {
      const { agent } = makeAgent(ctx);
      if (!c.assessorLearning) agent.learner.plasticity.assessors = false;
      return agent;
    };
    const rng = ctx.rng.fork('protocol');
    const acc: Acc = {
      wmProbe: [],
      cortisol: {},
      avoidance: {},
      imagined: 0,
      imaginedTicks: 0,
      seen: 0,
      seenTicks: 0,
      curve: [],
    };
    const visit = (rooms: string[]) => (a: Agent, acc: Acc, _rng: Rng, ticks: number, i: number) => {
      enter(a, rooms[i % rooms.length]!);
      live(a, ticks, {
        onTick: (_r, ag) => {
          if (ag.ticks % 10 === 0) acc.curve.push(ag.steering.bodyVar('cortisol'));
        },
      });
    };
    const steps: LifeStep<Acc>[] = [
      ...chunked<Acc>('explore', c.explore, c.roomTicks, visit(SPIDER_FEAR.exploreRooms)),
      {
        label: 'probes before',
        run: (a, acc, r) => {
          acc.cortisol.stillBefore = cortisolProbe(a, r, 'still', c.probes);
          acc.cortisol.neutralBefore = cortisolProbe(a, r, 'neutral', c.probes);
          acc.avoidance.before = avoidanceProbe(a, r, c.probes, null);
        },
      },
      ...chunked<Acc>('conditioning', c.condition, c.roomTicks, visit(SPIDER_FEAR.conditionRooms)),
      {
        label: 'probes after',
        run: (a, acc, r) => {
          acc.cortisol.stillAfter = cortisolProbe(a, r, 'still', c.probes, acc);
          acc.cortisol.neutralAfter = cortisolProbe(a, r, 'neutral', c.probes);
          acc.cortisol.pictureAfter = cortisolProbe(a, r, 'picture', c.probes);
          acc.avoidance.after = avoidanceProbe(a, r, c.probes, acc);
        },
      },
    ];
    const agent = runLifetime(
      ctx,
      build,
      withWorldModelProbe(steps, () => SPIDER_FEAR.exploreRooms),
      acc,
      rng,
    );
    ctx.figure(
      'cortisol',
      linePlot({
        title: 'Cortisol over the lifetime',
        xlabel: 'tick',
        ylabel: 'cortisol',
        series: [{ label: 'cortisol', x: acc.curve.map((_, i) => i * 10), y: acc.curve }],
      }),
    );
    const m = {
      cortisol_still_spider_before: round(mean(acc.cortisol.stillBefore!)),
      cortisol_still_spider_after: round(mean(acc.cortisol.stillAfter!)),
      cortisol_neutral_after: round(mean(acc.cortisol.neutralAfter!)),
      cortisol_picture_after: round(mean(acc.cortisol.pictureAfter!)),
      imagined_to_seen_ratio: round(
        acc.seen > 0 ? acc.imagined / acc.imaginedTicks / (acc.seen / acc.seenTicks) : 0,
      ),
      avoidance_before: round(mean(acc.avoidance.before!)),
      avoidance_after: round(mean(acc.avoidance.after!)),
      ticks: agent.ticks,
    };
    ctx.figure(
      'probes',
      barChart({
        title: 'Cortisol next to an object, before and after conditioning',
        ylabel: 'mean cortisol',
        groups: ['still spider', 'neutral object', 'spider picture'],
        series: [
          {
            label: 'before',
            values: [m.cortisol_still_spider_before, round(mean(acc.cortisol.neutralBefore!)), NaN],
          },
          {
            label: 'after',
            values: [m.cortisol_still_spider_after, m.cortisol_neutral_after, m.cortisol_picture_after],
          },
        ],
      }),
    );
    return { ...m, ...wmMetrics(acc.wmProbe) };
  },
});
