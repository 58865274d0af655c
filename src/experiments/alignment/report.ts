/**
 * alignment/report: every alignment world × every agent × several seeds, in one table.
 *
 * Worlds (tasks.ts): the ten AI Safety Gridworlds, coin-at-the-end, keys-and-chests, wireheading and
 * the drug room. Agents (agents.ts, brain-agents.ts; the extension point is `registerReportAgent`): each
 * is trained from scratch per world and seed, then evaluated with frozen weights/tables (`evalEpisodes`
 * episodes). Their probe rows (agent-rows.ts): outer alignment = return vs hidden performance per world;
 * tamper rate, drug avoidance, coin and end rates, extra keys, button and whisky rates; the value probe on
 * coin_end for agents that record values. With `brains` (on by default), the brain experiments whose
 * worlds are in the report add rows of their own (brain-rows.ts), one lifetime per seed at their defaults.
 * Rendering: tables.ts and figures.ts.
 */
import { mean, sem } from '../../math/stats.js';
import { defineExperiment, type Experiment, type Metrics, type RunContext } from '../experiment.js';
import { withConceptAliases } from '../brain/aliases.js';
import { agentRow } from './agent-rows.js';
import { REPORT_AGENTS } from './agents.js';
import { BRAIN_SOURCES, BrainRows, type BrainSource, type SeedValues } from './brain-rows.js';
import { type Cell, CellTable } from './cells.js';
import { probeFigure, returnFigure } from './figures.js';
import { type ReportConfig, reportConfig } from './report-config.js';
import { reportMetrics } from './report-metrics.js';
import { probeLabels, probeMetricKey, r4, type ProbeRow } from './rows.js';
import { reportMarkdown } from './tables.js';
import { REPORT_TASKS } from './tasks.js';
import type { ReportAgent, ReportAgentRun, ReportBudget, ReportTask } from './types.js';

export { REPORT_AGENTS, registerReportAgent } from './agents.js';
export { REPORT_TASKS } from './tasks.js';
export type {
  ReportAgent,
  ReportAgentRun,
  ReportBudget,
  ReportEpisode,
  ReportIO,
  ReportTask,
} from './types.js';

type Ctx = RunContext<ReportConfig>;

/** What one report run does: the worlds, the agents, the brain experiments, and the count of seed runs. */
interface Plan {
  tasks: ReportTask[];
  agents: ReportAgent[];
  brains: BrainSource[];
  total: number;
}

const supports = (t: ReportTask, a: ReportAgent) => !a.supports || a.supports(t);

function plan(c: ReportConfig): Plan {
  const tasks = REPORT_TASKS.filter((t) => c.envs.includes(t.name));
  const agents = c.agents.map((n) => REPORT_AGENTS.get(n)!);
  const brains = c.brains ? BRAIN_SOURCES.filter((b) => c.envs.includes(b.env)) : [];
  const cells = tasks.reduce((n, t) => n + agents.filter((a) => supports(t, a)).length, 0);
  return { tasks, agents, brains, total: (cells + brains.length) * c.seeds };
}

function budgetOf(c: ReportConfig): ReportBudget {
  const { tabularEpisodes, a2cSteps, evalEpisodes, brainTicks, brainPlanLive, brainPlanEval } = c;
  return { tabularEpisodes, a2cSteps, evalEpisodes, brainTicks, brainPlanLive, brainPlanEval };
}

/**
 * The report's units in the order they are assembled: every supported (world, agent) for every seed,
 * then every brain experiment for every seed. Fields are tab-separated (names hold no tabs).
 */
function unitKeys(p: Plan, seeds: number): string[] {
  const keys: string[] = [];
  for (const t of p.tasks)
    for (const a of p.agents)
      if (supports(t, a)) for (let s = 0; s < seeds; s++) keys.push(`cell\t${t.name}\t${a.name}\t${s}`);
  for (const b of p.brains) for (let s = 0; s < seeds; s++) keys.push(`brain\t${b.id}\t${s}`);
  return keys;
}

/** One unit: an agent trained and evaluated in a world, or one brain lifetime; seed s of the run's seed. */
async function runUnit(
  c: ReportConfig,
  seed: number,
  key: string,
  io: { readText(path: string): string },
  note: (msg: string) => void = () => {},
): Promise<ReportAgentRun | SeedValues[]> {
  const [kind, name, third, fourth] = key.split('\t');
  if (kind === 'cell') {
    const t = REPORT_TASKS.find((x) => x.name === name);
    const a = REPORT_AGENTS.get(third ?? '');
    if (!t || !a) throw new Error(`alignment/report: no unit '${key}'`);
    return a.run(t, budgetOf(c), seed * 1000 + Number(fourth), io);
  }
  const b = BRAIN_SOURCES.find((x) => x.id === name);
  if (kind !== 'brain' || !b) throw new Error(`alignment/report: no unit '${key}'`);
  return b.rows(seed * 1000 + Number(third), { readText: (path) => io.readText(path), note });
}

/** 1 for a brain experiment's lifetimes, 0 for a cell. */
const heavy = (key: string): number => (key.startsWith('brain\t') ? 1 : 0);

/** Every unit's result in key order: on helper threads when there are several, else one by one here. */
async function runUnits(ctx: Ctx, p: Plan, keys: string[]): Promise<(ReportAgentRun | SeedValues[])[]> {
  const threads = ctx.config.threads === 0 ? (ctx.parallel?.workers ?? 1) : ctx.config.threads;
  if (threads > 1 && ctx.parallel?.units) {
    ctx.progress(0, p.total, `${keys.length} units on ${threads} threads`);
    // Threads take the next unit when free: handing out the brain lifetimes (the longest units, ~1 min
    // each) first lets the threads finish together on short cells. Results return in key order.
    const order = keys.map((_, i) => i).sort((a, b) => heavy(keys[b]!) - heavy(keys[a]!) || a - b);
    const got = await ctx.parallel.units<ReportAgentRun | SeedValues[]>({
      experiment: ctx.experiment,
      config: ctx.config,
      seed: ctx.seed,
      keys: order.map((i) => keys[i]!),
      threads,
      onDone: (done, key) => ctx.progress(done, p.total, key.replace(/\t/g, ' ')),
    });
    const out = new Array<ReportAgentRun | SeedValues[]>(keys.length);
    order.forEach((i, j) => (out[i] = got[j]!));
    return out;
  }
  const io = { readText: (path: string) => ctx.readText(path) };
  const out: (ReportAgentRun | SeedValues[])[] = [];
  for (const [i, key] of keys.entries()) {
    ctx.progress(i, p.total, key.replace(/\t/g, ' '));
    out.push(await runUnit(ctx.config, ctx.seed, key, io, (msg) => ctx.note(msg)));
  }
  return out;
}

/** The cells and brain rows from the units' results (in unitKeys order); logs each cell's means. */
function assemble(
  ctx: Ctx,
  p: Plan,
  results: (ReportAgentRun | SeedValues[])[],
): { cells: CellTable; brains: BrainRows } {
  const cells = new CellTable();
  let i = 0;
  for (const t of p.tasks)
    for (const a of p.agents) {
      if (!supports(t, a)) continue;
      const cell: Cell = { task: t.name, agent: a.name, ret: [], perf: [], runs: [] };
      for (let s = 0; s < ctx.config.seeds; s++) {
        const run = results[i++] as ReportAgentRun;
        cell.runs.push(run);
        cell.ret.push(mean(run.episodes.map((e) => e.ret)));
        cell.perf.push(mean(run.episodes.map((e) => e.performance)));
      }
      ctx.log(i, {
        [`${t.name}.${a.name}.return_mean`]: mean(cell.ret),
        [`${t.name}.${a.name}.performance_mean`]: mean(cell.perf),
      });
      cells.add(cell);
    }
  const brains = new BrainRows();
  for (const b of p.brains)
    for (let s = 0; s < ctx.config.seeds; s++) brains.add(b.group, results[i++] as SeedValues[]);
  return { cells, brains };
}

/** Each cell's mean and standard error over seeds of return and performance. */
function cellMetrics(cells: CellTable): Metrics {
  const m: Metrics = {};
  for (const c of cells.list()) {
    const k = `${c.task}.${c.agent}`;
    m[`${k}.return_mean`] = r4(mean(c.ret));
    m[`${k}.performance_mean`] = r4(mean(c.perf));
    m[`${k}.return_sem`] = r4(sem(c.ret));
    m[`${k}.performance_sem`] = r4(sem(c.perf));
  }
  return m;
}

function rowMetrics(rows: readonly ProbeRow[]): Metrics {
  const m: Metrics = {};
  for (const r of rows) for (const c of r.cells) m[probeMetricKey(c.probe, r.key)] = c.value;
  return m;
}

export const alignmentReport = defineExperiment({
  unit: (config, seed, key, io) => runUnit(config, seed, key, io),
  id: 'alignment/report',
  title: 'Alignment report: safety gridworlds, goal misgeneralization, wireheading, drug room × agents',
  description:
    "Trains each agent (A2C, tabular Q-learning, SARSA, the steered brain living in the world through SafetyBrainWorld; brain_hedonist and more via --set agents / registerReportAgent) from scratch on each world for `seeds` seeds, evaluates it with frozen weights, and reports (with `brains`, also the brains' tamper rate, drug avoidance, coin/end rates and value concept probe from brain/wirehead, brain/drug-room and brain/coin-end, one lifetime per seed) evaluation return vs hidden performance, the tamper rate (wirehead), drug avoidance (drug room with the reward change of DrugRewardWrapper), coin and end rates on the coin-at-the-end test distribution, extra keys on the keys-and-chests test, button and whisky rates, and for A2C the value/return agreement and concept probe on coin_end. Distributional shift trains on level 0 and evaluates on the shifted layouts.",
  expected:
    'A2C presses the button in safe interruptibility while Q-learning goes straight; SARSA avoids the whisky while Q-learning drinks; return well above performance in absent supervisor and tomato watering (boat race: return-optimal policies tie in return, so agents may circle honestly); model-free agents do worse on the shifted distributional-shift layouts; at coin_end test agents reach the end more often than the coin; reward maximisers tamper in wirehead and enter the drug room.',
  config: reportConfig,
  metrics: reportMetrics,
  // The docs page's per-seed columns (a run is the whole report over `seeds` seeds).
  headline: [
    'tamper_rate.a2c',
    'tamper_rate.brain',
    'tamper_rate.hedonist',
    'tamper_rate.concept',
    'end_rate.a2c',
    'end_rate.brain',
    'chests_opened.a2c',
    'chests_opened.brain',
  ],
  run: async (ctx) => {
    const p = plan(ctx.config);
    const { cells, brains } = assemble(ctx, p, await runUnits(ctx, p, unitKeys(p, ctx.config.seeds)));
    ctx.progress(p.total, p.total);
    const coinTask = p.tasks.find((t) => t.name === 'coin_end');
    const agentRows = p.agents.map((a) => agentRow(cells, a.name, coinTask));
    const [pairs, coins] = [brains.list('pair'), brains.list('coin')];
    // Metric keys and probe labels in the order agents, coin brains, pair brains; columns put the pair first.
    const labels = probeLabels([...agentRows, ...coins, ...pairs]);
    const columns = [...agentRows, ...pairs, ...coins];
    const names = p.agents.map((a) => a.name);
    const md = reportMarkdown(p.tasks, names, cells, columns, labels);
    ctx.note(`\n${md}`);
    ctx.figure('return-vs-performance', returnFigure(p.tasks, names, cells, ctx.config.seeds));
    if (labels.length) ctx.figure('probe-rates', probeFigure(columns, labels));
    const m = {
      ...cellMetrics(cells),
      ...rowMetrics([...agentRows, ...coins, ...pairs]),
      table_markdown: md,
    };
    return withConceptAliases(m);
  },
});

export const alignmentReportExperiments: Experiment[] = [alignmentReport as unknown as Experiment];
