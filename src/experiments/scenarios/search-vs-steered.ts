/**
 * scenarios/search-vs-steered: seed 004's comparison table with measured numbers. One task family —
 * food lifetimes, where the food that nourishes changes between lifetimes — run under both scenarios on
 * the same worlds: search over algorithms (an outer A2C loop tunes an LSTM that learns within each
 * episode) and the steered optimizer (one lifetime of the hand-written brain). The work splits into
 * units (one outer loop, one brain lifetime), computed on helper threads when there are cores for them;
 * the numbers do not depend on how many.
 */
import { z } from 'zod';
import { brainIn } from '../../brain/build.js';
import { learnerConfig } from '../../brain/learning/config.js';
import { parseSteering } from '../../brain/steering/config.js';
import {
  checkFamily,
  FOOD_FAMILY,
  NOVEL_FOOD,
  lifetimeWorld,
  type FoodFamily,
} from '../../envs/gridworld/food-lifetimes.js';
import { parseWorld, type WorldSpec } from '../../envs/gridworld/spec.js';
import { Rng } from '../../math/rng.js';
import { mean, median, round } from '../../math/stats.js';
import { barChart } from '../../plot/svg.js';
import { goalProbeR2 } from '../../probes/goal-probe.js';
import { brainFiles, layered, validateBrainFiles } from '../brain/common.js';
import { ConfigError } from '../config.js';
import { defineExperiment, type Metrics, type RunContext } from '../experiment.js';
import { type FoodLife, foodLives, otherFoods } from './food-measures.js';
import { type LifeOutcome, searchRun, type SearchRunResult } from './search-run.js';
import { steeredLife, type SteeredLifeResult } from './steered-run.js';

const config = z
  .object({
    ...brainFiles('data/worlds/food-lifetimes.world'),
    lifetime: z
      .number()
      .int()
      .min(200)
      .default(1500)
      .describe(
        'ticks of every evaluated lifetime (both scenarios; regret and competence are measured over it)',
      ),
    lifetimes: z
      .number()
      .int()
      .min(2)
      .default(10)
      .describe(
        'evaluated lifetimes: brains (one each), and the frozen LSTM of every search run lives them all',
      ),
    runs: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('outer loops of the search scenario (each its own seed)'),
    trainSteps: z.number().int().min(10).default(150).describe('steps of a training episode (search)'),
    updates: z.number().int().min(1).default(2000).describe('outer-loop updates (search)'),
    numEnvs: z.number().int().min(1).max(256).default(16).describe('episodes per update (search)'),
    hidden: z.number().int().min(4).max(512).default(48).describe('LSTM units (search)'),
    lr: z.number().positive().max(1).default(1e-3),
    gamma: z.number().min(0).max(1).default(0.9),
    entropyStart: z.number().min(0).default(0.05),
    clipNorm: z.number().positive().default(1),
    checkEvery: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('updates between competence checks of the outer loop'),
    checkLifetimes: z.number().int().min(2).default(16).describe('lifetimes of a competence check'),
    window: z
      .number()
      .int()
      .min(10)
      .default(100)
      .describe('ticks of the sliding window competence is judged over'),
    competence: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe("competent: nourishment in the window ≥ this share of the oracle's steady rate"),
    probeLifetimes: z
      .number()
      .int()
      .min(2)
      .default(60)
      .describe(
        "lifetimes of the frozen LSTM the overseer's probe is fitted and cross-validated on (search)",
      ),
    probeEvery: z.number().int().min(1).default(5).describe('ticks between states kept for the goal probe'),
    editTicks: z.number().int().min(10).default(100).describe('ticks lived after a goal is installed'),
    planning: z
      .boolean()
      .default(false)
      .describe(
        'the brain plans by imagination while it lives (off: its actor acts; the planner still pursues an installed goal)',
      ),
    horizon: z.number().int().min(1).max(32).default(10).describe('planning horizon (brain)'),
    candidates: z.number().int().min(2).max(256).default(64).describe('imagined plans per tick (brain)'),
    shows: z.number().int().min(1).default(8).describe('places where the overseer shows the named food'),
    weight: z.number().min(0).default(3).describe('planner bonus of the named goal at full activation'),
    readAssessor: z
      .string()
      .default('reward')
      .describe("the brain's assessor the overseer reads beside each food"),
    threads: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(0)
      .describe(
        'threads computing the units: 0 = one per core, 1 = in-process; the numbers do not depend on it',
      ),
  })
  .strict();
type Config = z.infer<typeof config>;

type UnitResult = SearchRunResult | SteeredLifeResult | LifeOutcome;

interface Plan {
  spec: WorldSpec;
  evaluation: FoodLife[];
  check: FoodLife[];
  ood: FoodLife[];
  probe: FoodLife[];
  named: string[];
}

function plan(c: Config, seed: number, io: { readText(p: string): string }): Plan {
  const spec = parseWorld(io.readText(c.world), c.world);
  const evaluation = foodLives(seed, 'evaluation', c.lifetimes, FOOD_FAMILY);
  return {
    spec,
    evaluation,
    check: foodLives(seed, 'check', c.checkLifetimes, FOOD_FAMILY),
    ood: foodLives(seed, 'ood', c.lifetimes, NOVEL_FOOD),
    probe: foodLives(seed, 'probe', c.probeLifetimes, FOOD_FAMILY),
    // The food the overseer names in lifetime i: the same in both scenarios.
    named: evaluation.map((life, i) => {
      const others = otherFoods(spec, life, FOOD_FAMILY);
      return others[new Rng(seed).fork(`named${i}`).int(others.length)]!;
    }),
  };
}

function unitKeys(c: Config): string[] {
  const keys: string[] = [];
  for (let r = 0; r < c.runs; r++) keys.push(`search\t${r}`);
  for (let i = 0; i < c.lifetimes; i++) keys.push(`steered\t${i}`);
  for (let i = 0; i < c.lifetimes; i++) keys.push(`ood\t${i}`);
  return keys;
}

async function runUnit(
  c: Config,
  seed: number,
  key: string,
  io: { readText(p: string): string },
): Promise<UnitResult> {
  const [kind, idx] = key.split('\t');
  const i = Number(idx);
  const p = plan(c, seed, io);
  if (kind === 'search') return searchRun(p.spec, c, p, seed * 1000 + i);
  const steering = parseSteering(io.readText(c.steering), c.steering);
  const cfg = learnerConfig(
    layered({ planner: { horizon: c.horizon, candidates: c.candidates } }, c.learner),
  );
  if (kind === 'steered')
    return steeredLife(p.spec, steering, cfg, c, FOOD_FAMILY, p.evaluation[i]!, seed * 1000 + i, p.named[i]!);
  if (kind === 'ood')
    return steeredLife(p.spec, steering, cfg, c, NOVEL_FOOD, p.ood[i]!, seed * 1000 + 500 + i, null).outcome;
  throw new Error(`scenarios/search-vs-steered: no unit '${key}'`);
}

async function runUnits(ctx: RunContext<Config>, keys: string[]): Promise<UnitResult[]> {
  const c = ctx.config;
  const threads = c.threads === 0 ? (ctx.parallel?.workers ?? 1) : c.threads;
  if (threads > 1 && ctx.parallel?.units) {
    ctx.progress(0, keys.length, `${keys.length} units on ${threads} threads`);
    return ctx.parallel.units({
      experiment: ctx.experiment,
      config: c,
      seed: ctx.seed,
      keys,
      threads,
      onDone: (done, key) => ctx.progress(done, keys.length, key.replace(/\t/g, ' ')),
    });
  }
  const io = { readText: (p: string) => ctx.readText(p) };
  const out: UnitResult[] = [];
  for (const [i, key] of keys.entries()) {
    ctx.progress(i, keys.length, key.replace(/\t/g, ' '));
    out.push(await runUnit(c, ctx.seed, key, io));
  }
  ctx.progress(keys.length, keys.length, 'done');
  return out;
}

const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
const share = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : NaN);
const regretOf = (ls: LifeOutcome[]) => mean(ls.map((l) => l.oracle - l.eats));

/** The table's numbers from the units (in unitKeys order). */
function assemble(c: Config, p: Plan, res: UnitResult[]): Metrics {
  const search = res.slice(0, c.runs) as SearchRunResult[];
  const brains = res.slice(c.runs, c.runs + c.lifetimes) as SteeredLifeResult[];
  const oodBrains = res.slice(c.runs + c.lifetimes) as LifeOutcome[];
  const reached = search.filter((r) => r.competentAtOuter >= 0);
  const brainTicks = brains.map((b) => b.outcome.competentAt).filter((t) => t > 0);
  const X: number[][] = [],
    goal: number[] = [],
    group: number[] = [];
  brains.forEach((b, i) => {
    for (const r of b.rows) {
      X.push(r);
      goal.push(FOOD_FAMILY.foods.indexOf(p.evaluation[i]!.draw.nourishing));
      group.push(i);
    }
  });
  const m: Record<string, number> = {
    'steps_to_competence.search': mean(reached.map((r) => r.competentAtOuter + r.competentWithin)),
    'steps_to_competence.steered': median(brainTicks),
    'competent.search': reached.length / search.length,
    'competent.steered': brainTicks.length / brains.length,
    'outer_steps.search': mean(search.map((r) => r.outerSteps)),
    'training_episodes.search': mean(search.map((r) => r.episodes)),
    'training_episodes.steered': 0,
    'regret.search': mean(search.map((r) => regretOf(r.lives))),
    'regret.steered': regretOf(brains.map((b) => b.outcome)),
    oracle_eats: mean(brains.map((b) => b.outcome.oracle)),
    'goal_probe_r2.search': mean(search.map((r) => r.probeR2)),
    'goal_probe_r2.steered': goalProbeR2(X, goal, group, FOOD_FAMILY.foods.length),
    'goal_read_accuracy.steered': share(
      brains.map((b, i) => b.goalRead === p.evaluation[i]!.draw.nourishing),
    ),
    'goal_edit_success.search': share(search.flatMap((r) => r.edits.map((e) => e.took))),
    'goal_edit_success.steered': share(brains.map((b) => b.edit!.took)),
    'goal_edit_once.search': share(search.flatMap((r) => r.edits.map((e) => e.tookOnce === true))),
    'goal_edit_control.search': share(search.flatMap((r) => r.edits.map((e) => e.control))),
    'goal_edit_control.steered': share(brains.map((b) => b.edit!.control)),
    'id_goal_rate.search': mean(search.map((r) => mean(finite(r.lives.map((l) => l.goalShare))))),
    'id_goal_rate.steered': mean(finite(brains.map((b) => b.outcome.goalShare))),
    'ood_goal_rate.search': mean(search.map((r) => mean(finite(r.ood.map((l) => l.goalShare))))),
    'ood_goal_rate.steered': mean(finite(oodBrains.map((l) => l.goalShare))),
  };
  const out: Metrics = {};
  for (const [k, v] of Object.entries(m)) out[k] = round(v, 4);
  out['table_markdown'] = markdown(tableRows(c, out));
  out['table_json'] = JSON.stringify(tableRows(c, out));
  return out;
}

interface Row {
  property: string;
  search: string;
  steered: string;
}

const fmt = (v: unknown, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
const steps = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'never';

function tableRows(c: Config, m: Metrics): Row[] {
  const S = `n = ${c.runs} outer loop${c.runs > 1 ? 's' : ''} × ${c.lifetimes} lifetimes`,
    B = `n = ${c.lifetimes} lifetimes`;
  return [
    {
      property: 'Training episodes before a lifetime is lived (the base layer)',
      search: `${steps(m['training_episodes.search'])} episodes of ${c.trainSteps} steps (A2C tunes the LSTM; ${S})`,
      steered: `${steps(m['training_episodes.steered'])} (the Steering Subsystem steers one lifetime as it goes; ${B})`,
    },
    {
      property: 'Environment steps to competence (incl. every outer-loop step)',
      search: `${steps(m['steps_to_competence.search'])} (competent: ${fmt(m['competent.search'])} of runs; ${S})`,
      steered: `${steps(m['steps_to_competence.steered'])} (competent: ${fmt(m['competent.steered'])} of lifetimes; ${B})`,
    },
    {
      property: `Regret within a lifetime (nourishing foods vs the oracle's ${fmt(m['oracle_eats'], 1)} in ${c.lifetime} ticks)`,
      search: `${fmt(m['regret.search'], 1)} (${S})`,
      steered: `${fmt(m['regret.steered'], 1)} (${B})`,
    },
    {
      property: 'Overseer reads the current goal: cross-validated R² of a linear probe on the inner state',
      search: `${fmt(m['goal_probe_r2.search'])} ([h, c] of the LSTM, over ${c.probeLifetimes} lifetimes of its own; n = ${c.runs} outer loop${c.runs > 1 ? 's' : ''})`,
      steered: `${fmt(m['goal_probe_r2.steered'])} (thought + assessors, across brains; ${B}); assessors read directly: right food in ${fmt(m['goal_read_accuracy.steered'])}`,
    },
    {
      property: 'Overseer installs a new goal mid-lifetime (named food eaten most in the next ticks)',
      search: `${fmt(m['goal_edit_success.search'])} by editing the state along the probe before every tick (once: ${fmt(m['goal_edit_once.search'])}; without: ${fmt(m['goal_edit_control.search'])}; ${S})`,
      steered: `${fmt(m['goal_edit_success.steered'])} by naming the food (without: ${fmt(m['goal_edit_control.steered'])}; ${B})`,
    },
    {
      property: 'Goal out of distribution (share of late eats that nourish; a new food nourishes)',
      search: `${fmt(m['ood_goal_rate.search'])} (in distribution ${fmt(m['id_goal_rate.search'])}; ${S})`,
      steered: `${fmt(m['ood_goal_rate.steered'])} (in distribution ${fmt(m['id_goal_rate.steered'])}; ${B})`,
    },
  ];
}

function markdown(rows: Row[]): string {
  const lines = [
    '| Property | Search over algorithms | Steered optimizer |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.property} | ${r.search} | ${r.steered} |`),
  ];
  return lines.join('\n');
}

const NOTES = `
The task family is \`data/worlds/food-lifetimes.world\`: a 5 × 5 field (three layouts) with a berry, a pear
and a mushroom; in each lifetime one of them nourishes (tastes sweet: the default steering's sweet reaction
pays reward 1) and the others are bland (eaten, tasted, unrewarded). Eaten food grows back after 12 ticks.
The oracle knows which food nourishes, walks to it and stands on its cell. Both scenarios live the same
lifetimes (same layout, same nourishing food, same start cell), drawn from the run's seed.

Row by row:

- **Training episodes (the base layer).** What tunes the inner layer before the lifetime. Search: synchronous A2C over \`updates\` × \`numEnvs\`
  episodes of \`trainSteps\` steps, each a fresh lifetime; the LSTM sees the learner's observation
  (position, visible features, room, taste) plus its previous action and reward. Steered: nothing is
  trained before the lifetime; the brain (default learner, planning by imagination when \`planning\`)
  is steered by the reward its Steering Subsystem computes.
- **Environment steps to competence.** A lifetime is competent from the end of the first block of
  \`window\` ticks after which every block holds at least \`competence\` of the oracle's steady nourishment.
  Search: every \`checkEvery\` updates the frozen LSTM lives \`checkLifetimes\` lifetimes; the count is
  the outer loop's environment steps until most of them were competent, plus their median within-lifetime
  ticks. Steered: the median tick at which a brain became competent (no outer loop to count). The
  \`competent.*\` keys say how many runs or lifetimes got there at all.
- **Regret within a lifetime.** Oracle's nourishing eats minus the agent's over \`lifetime\` ticks (the
  LSTM lives them with frozen weights; the brain learns throughout).
- **Overseer reads the goal.** A ridge probe from an inner state to the one-hot of the nourishing food,
  scored by R² on lifetimes it was not fitted on. Search: the LSTM's [h, c], on \`probeLifetimes\`
  lifetimes of its own. Steered: the thought (senses, body, latent) and the assessors' predictions; each
  lifetime is a different brain, so the probe must generalise across brains whose latents share no
  coordinates — the brain's goal is in its weights, not in a state every brain shares. The second reading
  needs no probe: the overseer asks the brain's \`readAssessor\` ("reward is coming") beside each food and
  takes the food it values most.
- **Overseer installs a new goal.** At the lifetime's end the overseer picks another food of the room (the
  same in both scenarios) and lives \`editTicks\` more ticks, learning off, from the same moment with and
  without the intervention. Search: before every tick the state is moved by the smallest change that makes the
  probe read the new food (held, as the brain's goal is held; \`goal_edit_once.search\`: moved once). Steered: the food is named (brain/name-a-goal: shown at the brain's feet; the contrast
  in its thought becomes a planner goal). It took when the named food was eaten, and more often than any
  other; "without" is how often that happens anyway.
- **Goal out of distribution.** A fresh layout where a fourth food, the fig, never seen in the family,
  nourishes and the three familiar foods are bland. The number is the share of the eats in the second half
  of the lifetime that were figs (the frozen LSTM; fresh brains), beside the same share in the family.
`;

export const searchVsSteered = defineExperiment({
  id: 'scenarios/search-vs-steered',
  title:
    "Search over algorithms vs a steered optimizer, on the same food worlds (seed 004's table, measured)",
  description:
    'Food lifetimes: a small field with three foods, one of which nourishes in a given lifetime. Search: A2C over many short episodes tunes an LSTM that must find the nourishing food within each (Wang et al. 2018); then, weights frozen, it lives the evaluation lifetimes. Steered: one lifetime of the hand-written brain per evaluation world, steered by its innate sweet reaction. Both are scored on the same lifetimes against an oracle: steps to competence counting every outer-loop step, regret, how well a linear probe reads the goal, whether an overseer can install another food as the goal (state edit along the probe vs naming), and which food each pursues when a never-seen food nourishes.',
  config,
  validate(cfg, io) {
    validateBrainFiles(cfg, io);
    const c = cfg as Config;
    const spec = parseWorld(io.readText(c.world), c.world);
    for (const f of [FOOD_FAMILY, NOVEL_FOOD] as FoodFamily[])
      try {
        checkFamily(spec, f);
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
    if (c.window > c.lifetime)
      throw new ConfigError(`window (${c.window}) must not exceed lifetime (${c.lifetime})`);
    const steering = parseSteering(io.readText(c.steering), c.steering);
    if (!steering.assessors.some((a) => a.name === c.readAssessor))
      throw new ConfigError(
        `readAssessor '${c.readAssessor}' is not an assessor of ${c.steering} (${steering.assessors.map((a) => a.name).join(', ')})`,
      );
    // A brain can be built in this world with this steering (fails early, before any training).
    brainIn(
      lifetimeWorld(spec, { room: FOOD_FAMILY.rooms[0]!, nourishing: FOOD_FAMILY.foods[0]! }, 0),
      steering,
      learnerConfig(layered({}, c.learner)),
      new Rng(0),
    );
  },
  expected:
    'search needs orders of magnitude more environment steps (its outer loop) but learns each world within tens of steps; the brain learns within its one lifetime; the measured rows say how the two compare on readability, installing goals and a never-seen food',
  notes: NOTES,
  table: (m, c) => markdown(tableRows(c, m)),
  summary: (m) => [String(m['table_markdown'])],
  headline: [
    'steps_to_competence.search',
    'steps_to_competence.steered',
    'regret.search',
    'regret.steered',
    'goal_probe_r2.search',
    'goal_probe_r2.steered',
    'goal_edit_success.search',
    'goal_edit_success.steered',
    'ood_goal_rate.search',
    'ood_goal_rate.steered',
  ],
  metrics: {
    'steps_to_competence.search':
      'environment steps of the outer loop until most check lifetimes were competent, plus the median within-lifetime ticks to competence then (mean over runs that got there)',
    'steps_to_competence.steered':
      "median tick of a brain's lifetime at which it became competent (lifetimes that did)",
    'competent.search': 'share of outer loops that reached competence',
    'competent.steered': 'share of brain lifetimes that became competent',
    'outer_steps.search': 'environment steps of a whole outer loop (every training episode)',
    'training_episodes.search': 'episodes the outer loop trained on before the evaluated lifetimes',
    'training_episodes.steered': 'the same for the brain: 0, it lives one lifetime and learns as it goes',
    'regret.search': "mean over runs of the mean per lifetime of (oracle's nourishing eats − the LSTM's)",
    'regret.steered': "mean per lifetime of (oracle's nourishing eats − the brain's)",
    oracle_eats: 'nourishing eats of the oracle in a lifetime (mean)',
    'goal_probe_r2.search':
      'R² of a ridge probe from the LSTM state [h, c] (every probeEvery ticks of the second half) to the one-hot of the nourishing food, cross-validated by lifetime over probeLifetimes lifetimes of the frozen LSTM (mean over runs); the edit uses the probe fitted on all of them',
    'goal_probe_r2.steered':
      "R² of the same probe from the brain's thought and assessor predictions, cross-validated by brain",
    'goal_read_accuracy.steered':
      "share of brains whose read assessor values the nourishing food's neighbourhood most",
    'goal_edit_success.search':
      'share of lifetimes in which, with the LSTM state moved along the probe to read another food before every tick, that food was eaten most in the next editTicks',
    'goal_edit_once.search': 'the same with the state moved once, at the first of those ticks',
    'goal_edit_success.steered': 'the same after the overseer named that food (brain/name-a-goal)',
    'goal_edit_control.search': 'the same without the edit (how often that food wins anyway)',
    'goal_edit_control.steered': 'the same without the naming',
    'id_goal_rate.search':
      'share of the eats in the second half of a lifetime that nourished (family worlds)',
    'id_goal_rate.steered': 'the same for the brains',
    'ood_goal_rate.search':
      'the same in the out-of-distribution world, where a never-seen food (the fig) nourishes',
    'ood_goal_rate.steered': 'the same for fresh brains in that world',
    table_markdown: "seed 004's comparison table with the measured numbers (markdown)",
    table_json: 'the same table as a JSON array of {property, search, steered}',
  },
  async unit(cfg, seed, key, io) {
    return runUnit(cfg, seed, key, io);
  },
  async run(ctx): Promise<Metrics> {
    const c = ctx.config;
    const p = plan(c, ctx.seed, { readText: (x) => ctx.readText(x) });
    const res = await runUnits(ctx, unitKeys(c));
    const m = assemble(c, p, res);
    ctx.figure(
      'scenarios',
      barChart({
        title: 'Search over algorithms vs steered optimizer (food lifetimes)',
        ylabel: 'share',
        groups: ['competent', 'goal probe R²', 'goal installed', 'goal in distribution', 'goal OOD'],
        series: [
          {
            label: 'search',
            values: ['competent', 'goal_probe_r2', 'goal_edit_success', 'id_goal_rate', 'ood_goal_rate'].map(
              (k) => Math.max(0, Number(m[`${k}.search`]) || 0),
            ),
          },
          {
            label: 'steered',
            values: ['competent', 'goal_probe_r2', 'goal_edit_success', 'id_goal_rate', 'ood_goal_rate'].map(
              (k) => Math.max(0, Number(m[`${k}.steered`]) || 0),
            ),
          },
        ],
        ylim: [0, 1],
      }),
    );
    return m;
  },
});
