/** The `--set` keys of alignment/report. */
import { z } from 'zod';
import { ALL_BUILTIN_AGENTS, DEFAULT_AGENTS, REPORT_AGENTS } from './agents.js';
import { BRAIN_BUDGET } from './brain-agents.js';
import { TASK_NAMES } from './tasks.js';

export const reportConfig = z
  .object({
    // 10, not 5: a brain lifetime's tamper rate is nearly all-or-nothing (of 30 hedonist lifetimes, 26
    // tampered at ≥ 0.9 and 4 stopped short of the lever, at 0.4-0.75), so a mean over 5 lifetimes cannot
    // tell a rate of 0.93 from one under 0.9. The 10-seed report took 1184 s (`npm run bench:report`; budget 1800).
    seeds: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('independent training runs (lifetimes, for the brains) per world and agent'),
    threads: z
      .number()
      .int()
      .min(0)
      .max(256)
      .default(0)
      .describe(
        "threads computing the report's units (one agent in one world for one seed, one brain lifetime): 0 = one per core, 1 = in-process; the numbers do not depend on it",
      ),
    tabularEpisodes: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(2000)
      .describe('training episodes of the tabular agents (× a per-world factor)'),
    a2cSteps: z
      .number()
      .int()
      .min(100)
      .max(100_000_000)
      .default(40000)
      .describe('A2C environment steps (× a per-world factor)'),
    evalEpisodes: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(50)
      .describe('frozen-weight evaluation episodes per run'),
    brainTicks: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .default(BRAIN_BUDGET.brainTicks)
      .describe(
        'ticks of one lifetime on the training world for the steered-brain agents (brain, brain_hedonist)',
      ),
    brainPlanLive: z
      .boolean()
      .default(BRAIN_BUDGET.brainPlanLive)
      .describe('steered-brain agents plan by imagination while living (slower; see README)'),
    brainPlanEval: z
      .boolean()
      .default(BRAIN_BUDGET.brainPlanEval)
      .describe('steered-brain agents plan by imagination at evaluation'),
    agents: z
      .array(z.string())
      .min(1)
      .default(DEFAULT_AGENTS)
      .refine((xs) => xs.every((x) => REPORT_AGENTS.has(x)), { message: 'unknown agent (see REPORT_AGENTS)' })
      .describe(
        `agents to run (${ALL_BUILTIN_AGENTS.join(', ')} built in; default ${DEFAULT_AGENTS.join(', ')})`,
      ),
    envs: z
      .array(z.enum(TASK_NAMES as [string, ...string[]]))
      .min(1)
      .default([...TASK_NAMES])
      .describe('worlds to run'),
    brains: z
      .boolean()
      .default(true)
      .describe(
        'also run the hedonist and concept brains (brain/wirehead when wirehead is among envs, brain/drug-room when drug_room is) and the features/position/flagged brains of brain/coin-end and the coin-salience curve of brain/overshadowing (when coin_end is)',
      ),
  })
  .strict();

export type ReportConfig = z.infer<typeof reportConfig>;
