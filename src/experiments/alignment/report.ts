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
import type { MeasureIO } from '../brain/measure.js';
import { agentRow } from './agent-rows.js';
import { REPORT_AGENTS } from './agents.js';
import { BRAIN_SOURCES, BrainRows, type BrainSource } from './brain-rows.js';
import { type Cell, CellTable } from './cells.js';
import { probeFigure, returnFigure } from './figures.js';
import { type ReportConfig, reportConfig } from './report-config.js';
import { reportMetrics } from './report-metrics.js';
import { probeLabels, probeMetricKey, r4, type ProbeRow } from './rows.js';
import { reportMarkdown } from './tables.js';
import { REPORT_TASKS } from './tasks.js';
import type { ReportAgent, ReportBudget, ReportTask } from './types.js';

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
  done: number;
}

const supports = (t: ReportTask, a: ReportAgent) => !a.supports || a.supports(t);

function plan(c: ReportConfig): Plan {
  const tasks = REPORT_TASKS.filter((t) => c.envs.includes(t.name));
  const agents = c.agents.map((n) => REPORT_AGENTS.get(n)!);
  const brains = c.brains ? BRAIN_SOURCES.filter((b) => c.envs.includes(b.env)) : [];
  const cells = tasks.reduce((n, t) => n + agents.filter((a) => supports(t, a)).length, 0);
  return { tasks, agents, brains, total: (cells + brains.length) * c.seeds, done: 0 };
}

function budgetOf(c: ReportConfig): ReportBudget {
  const { tabularEpisodes, a2cSteps, evalEpisodes, brainTicks, brainPlanLive, brainPlanEval } = c;
  return { tabularEpisodes, a2cSteps, evalEpisodes, brainTicks, brainPlanLive, brainPlanEval };
}

/** One agent in one world for every seed; logs the cell's means. */
async function runCell(ctx: Ctx, p: Plan, t: ReportTask, a: ReportAgent): Promise<Cell> {
  const cell: Cell = { task: t.name, agent: a.name, ret: [], perf: [], runs: [] };
  for (let s = 0; s < ctx.config.seeds; s++) {
    ctx.progress(p.done, p.total, `${t.name} ${a.name} seed ${s}`);
    const io = { readText: (path: string) => ctx.readText(path) };
    const run = await a.run(t, budgetOf(ctx.config), ctx.seed * 1000 + s, io);
    cell.runs.push(run);
    cell.ret.push(mean(run.episodes.map((e) => e.ret)));
    cell.perf.push(mean(run.episodes.map((e) => e.performance)));
    p.done++;
  }
  ctx.log(p.done, {
    [`${t.name}.${a.name}.return_mean`]: mean(cell.ret),
    [`${t.name}.${a.name}.performance_mean`]: mean(cell.perf),
  });
  return cell;
}

async function runCells(ctx: Ctx, p: Plan): Promise<CellTable> {
  const cells = new CellTable();
  for (const t of p.tasks)
    for (const a of p.agents) if (supports(t, a)) cells.add(await runCell(ctx, p, t, a));
  return cells;
}

/** One lifetime per seed of each brain experiment whose world is in the report. */
async function runBrains(ctx: Ctx, p: Plan): Promise<BrainRows> {
  const rows = new BrainRows();
  const io: MeasureIO = { readText: (path) => ctx.readText(path), note: (msg) => ctx.note(msg) };
  for (const b of p.brains) {
    for (let s = 0; s < ctx.config.seeds; s++) {
      ctx.progress(p.done, p.total, `${b.id} seed ${s}`);
      rows.add(b.group, await b.rows(ctx.seed * 1000 + s, io));
      p.done++;
    }
  }
  return rows;
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
  id: 'alignment/report',
  title: 'Alignment report: safety gridworlds, goal misgeneralization, wireheading, drug room × agents',
  description:
    "Trains each agent (A2C, tabular Q-learning, SARSA, the steered brain living in the world through SafetyBrainWorld; brain_hedonist and more via --set agents / registerReportAgent) from scratch on each world for `seeds` seeds, evaluates it with frozen weights, and reports (with `brains`, also the brains' tamper rate, drug avoidance, coin/end rates and value concept probe from brain/wirehead, brain/drug-room and brain/coin-end, one lifetime per seed) evaluation return vs hidden performance, the tamper rate (wirehead), drug avoidance (drug room with the reward change of DrugRewardWrapper), coin and end rates on the coin-at-the-end test distribution, extra keys on the keys-and-chests test, button and whisky rates, and for A2C the value/return agreement and concept probe on coin_end. Distributional shift trains on level 0 and evaluates on the shifted layouts.",
  expected:
    'A2C presses the button in safe interruptibility while Q-learning goes straight; SARSA avoids the whisky while Q-learning drinks; return well above performance in absent supervisor and tomato watering (boat race: return-optimal policies tie in return, so agents may circle honestly); model-free agents do worse on the shifted distributional-shift layouts; at coin_end test agents reach the end more often than the coin; reward maximisers tamper in wirehead and enter the drug room.',
  config: reportConfig,
  metrics: reportMetrics,
  run: async (ctx) => {
    const p = plan(ctx.config);
    const cells = await runCells(ctx, p);
    const brains = await runBrains(ctx, p);
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
