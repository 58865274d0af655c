/**
 * conditioning/<paradigm> and conditioning/battery: the classical-conditioning paradigms of
 * data/conditioning run on the steered brain and on the baseline models (Rescorla–Wagner, TD with a
 * complete serial compound, a Kalman filter) and scored against the published data (Pearson r) and the
 * ordinal checks that define each phenomenon. docs/conditioning.md explains the file format and the
 * readout.
 */
import { z } from 'zod';
import { barChart, linePlot } from '../../plot/svg.js';
import {
  BASELINE_MODELS,
  BRAIN_CONDITIONING_DEFAULTS,
  BrainConditioner,
  MODEL_TITLES as BASELINE_TITLES,
  makeBaseline,
  parseParadigm,
  runParadigm,
  SHIPPED_PARADIGMS,
  type Paradigm,
  type ParadigmResult,
} from '../../conditioning/index.js';
import { defineExperiment, type Experiment, type Metrics } from '../experiment.js';
import { ConfigError } from '../config.js';
import type { Rng } from '../../math/rng.js';
import { parseSteering, type SteeringSpec } from '../../brain/steering/config.js';
import { learnerConfig } from '../../brain/learning/config.js';
import { checkLearnerOverride, type LearnerOverride } from '../brain/common.js';

/** Every model a paradigm runs on: the steered brain first, then the baselines. */
const MODELS = ['brain', ...BASELINE_MODELS] as const;
type Model = (typeof MODELS)[number];
const MODEL_TITLES: Record<Model, string> = { brain: 'steered brain', ...BASELINE_TITLES };

const r4 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

const SHIPPED: readonly Paradigm[] = SHIPPED_PARADIGMS.map((p: { file: string; text: string }) =>
  parseParadigm(p.text, p.file),
);

const baselineBlocks = {
  rw: z
    .object({ alpha: z.number().gt(0).max(1).default(0.3).describe('learning rate α·β') })
    .strict()
    .prefault({}),
  td: z
    .object({
      alpha: z.number().gt(0).max(1).default(0.1).describe('learning rate'),
      gamma: z.number().min(0).max(1).default(0.95).describe('discount per time step'),
      lambda: z.number().min(0).max(1).default(0.9).describe('eligibility trace decay'),
      itiSteps: z.number().int().min(1).max(50).default(4).describe('context-only steps before the cues'),
      cueSteps: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(4)
        .describe('steps the cues last; the US comes as they end'),
    })
    .strict()
    .prefault({}),
  kalman: z
    .object({
      tau2: z.number().min(0).default(0.01).describe('diffusion variance per trial'),
      sigmaR2: z.number().gt(0).default(1).describe('outcome noise variance'),
      sigmaW2: z.number().gt(0).default(1).describe('prior weight variance'),
    })
    .strict()
    .prefault({}),
  brain: z
    .object({
      subjects: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(10)
        .describe('brains per group (each a fresh brain with its own seed; slower than the baselines)'),
      steering: z
        .string()
        .min(1)
        .default('data/steering/default.steer')
        .describe("the brain's steering file (needs a 'reward' and a 'cortisol' assessor)"),
      learner: z
        .record(z.string(), z.record(z.string(), z.unknown()))
        .default({})
        .describe('learner config blocks over the defaults (src/brain/learning/config.ts)'),
      itiTicks: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(BRAIN_CONDITIONING_DEFAULTS.itiTicks)
        .describe('context-only ticks before the cues of every trial'),
      cueTicks: z
        .number()
        .int()
        .min(2)
        .max(50)
        .default(BRAIN_CONDITIONING_DEFAULTS.cueTicks)
        .describe('ticks the cues last; the US comes on the last'),
      readout: z
        .enum(['signal', 'value'])
        .default(BRAIN_CONDITIONING_DEFAULTS.readout)
        .describe(
          "'signal': the assessor predicting the US's innate signal (reward / cortisol); 'value': the critic",
        ),
    })
    .strict()
    .prefault({}),
  models: z
    .array(z.enum(MODELS))
    .min(1)
    .default([...MODELS])
    .describe('which models to run (the brain is the slowest)'),
};

type ModelBlocks = {
  rw: { alpha: number };
  td: typeof import('../../conditioning/td.js').TD_DEFAULTS;
  kalman: typeof import('../../conditioning/kalman.js').KALMAN_DEFAULTS;
  brain: {
    subjects: number;
    steering: string;
    learner: LearnerOverride;
    itiTicks: number;
    cueTicks: number;
    readout: 'signal' | 'value';
  };
  models: Model[];
};

/** Parse the brain's files and settings, or throw the one-line error naming the problem. */
function validateBrain(c: ModelBlocks, io: { readText(path: string): string }): void {
  if (!c.models.includes('brain')) return;
  checkLearnerOverride(c.brain.learner);
  parseSteering(io.readText(c.brain.steering), c.brain.steering);
}

function runAll(p: Paradigm, c: ModelBlocks & { subjects: number }, rng: Rng, steering: () => SteeringSpec) {
  const out = new Map<Model, ParadigmResult>();
  for (const m of MODELS) {
    if (!c.models.includes(m)) continue;
    if (m === 'brain') {
      const b = c.brain;
      const model = new BrainConditioner(
        p,
        steering(),
        learnerConfig(b.learner as Parameters<typeof learnerConfig>[0]),
        rng.fork('brain-subjects'),
        { itiTicks: b.itiTicks, cueTicks: b.cueTicks, readout: b.readout },
      );
      out.set(m, runParadigm(p, model, { subjects: b.subjects, rng: rng.fork(m) }));
    } else out.set(m, runParadigm(p, makeBaseline(m, p, c), { subjects: c.subjects, rng: rng.fork(m) }));
  }
  return out;
}

/** The steering spec of `c.brain.steering`, parsed once per run. */
function steeringOf(c: ModelBlocks, io: { readText(path: string): string }): () => SteeringSpec {
  let spec: SteeringSpec | null = null;
  return () => (spec ??= parseSteering(io.readText(c.brain.steering), c.brain.steering));
}

/** Non-negative least-squares scaling of model values onto the data (for plotting shapes only). */
function scaledToData(values: readonly number[], data: readonly (number | null)[]): number[] {
  const idx = data.map((d, i) => (d === null || !Number.isFinite(values[i]!) ? -1 : i)).filter((i) => i >= 0);
  if (idx.length === 0) return values.slice();
  const mx = idx.reduce((a, i) => a + values[i]!, 0) / idx.length;
  const my = idx.reduce((a, i) => a + data[i]!, 0) / idx.length;
  let sxy = 0,
    sxx = 0;
  for (const i of idx) {
    sxy += (values[i]! - mx) * (data[i]! - my);
    sxx += (values[i]! - mx) ** 2;
  }
  const b = sxx > 1e-24 ? Math.max(0, sxy / sxx) : 0;
  return values.map((v) => my + b * (v - mx));
}

function figure(p: Paradigm, results: Map<Model, ParadigmResult>): string {
  const data = p.points.map((pt) => pt.data);
  const hasData = data.some((d) => d !== null);
  const sources = [...results.entries()].map(([m, r]) => ({
    label: `${MODEL_TITLES[m]}${hasData ? ' (scaled)' : ''}`,
    values: hasData ? scaledToData(r.measured, data) : r.measured,
  }));
  const perGroup = Math.max(...p.groups.map((g) => p.points.filter((x) => x.group === g.name).length));
  const ylabel = hasData ? p.ylabel : p.measure;
  if (perGroup <= 3) {
    const labels = p.points.map((pt) => `${pt.group}${perGroup > 1 ? ` ${pt.cues.join('')}` : ''}`);
    const series = [
      ...(hasData ? [{ label: 'published', values: data.map((d) => (d === null ? Number.NaN : d)) }] : []),
      ...sources,
    ];
    return barChart({ title: `${p.title} (${p.citation})`, ylabel, groups: labels, series });
  }
  const series = p.groups.flatMap((g) => {
    const idx = p.points.map((pt, i) => (pt.group === g.name ? i : -1)).filter((i) => i >= 0);
    const x = idx.map((_, j) => j);
    return [
      ...(hasData ? [{ label: `${g.name}: published`, x, y: idx.map((i) => data[i] ?? Number.NaN) }] : []),
      ...sources
        .slice(0, 1)
        .map((s) => ({ label: `${g.name}: ${s.label}`, x, y: idx.map((i) => s.values[i]!), dashed: true })),
    ];
  });
  return linePlot({ title: `${p.title} (${p.citation})`, xlabel: 'point along the figure', ylabel, series });
}

function paradigmExperiment(shipped: Paradigm): Experiment {
  const config = z
    .object({
      paradigm: z
        .string()
        .default('')
        .describe(
          `a .paradigm file to run instead of the shipped ${shipped.file} (its metric keys follow its groups)`,
        ),
      model: z
        .enum(MODELS)
        .default('brain')
        .describe('the model whose responses are the response.* keys (one of `models`)'),
      subjects: z.number().int().min(1).max(1000).default(20).describe('subjects per group (baselines)'),
      ...baselineBlocks,
    })
    .strict();
  const metrics: Record<string, string> = {};
  for (const pt of shipped.points)
    metrics[`response.${pt.group}.${pt.k}`] =
      `the model's response to ${pt.cues.join('')} in phase ${pt.phase}${pt.from !== null ? ` (trials ${pt.from}–${pt.to})` : ''}, group ${pt.group}, in the figure's measure (${shipped.measure})${pt.data !== null ? `; published: ${pt.data}` : ''}`;
  metrics['r'] = "Pearson r of the model's response.* against the published data (null without data)";
  metrics['ordinal_pass'] = 'true when every ordinal check of the phenomenon holds for the model';
  shipped.checks.forEach((c, i) => {
    metrics[`check.${i}`] = `ordinal check ${c.text} (responses in units of the US)`;
  });
  for (const m of MODELS) {
    metrics[`${m}.r`] = `${MODEL_TITLES[m]}: Pearson r against the data`;
    metrics[`${m}.ordinal_pass`] = `${MODEL_TITLES[m]}: every ordinal check holds`;
  }
  return defineExperiment({
    id: `conditioning/${shipped.id}`,
    title: `Conditioning: ${shipped.title}`,
    description: `${shipped.about} Schedule and data: ${shipped.citation}${shipped.digitised ? `, digitised by ${shipped.digitised}` : ''}. Every group is lived by \`brain.subjects\` fresh brains (each trial tick by tick in a one-cell chamber; the response is the learned prediction of the US's innate signal on the cue ticks before it — docs/conditioning.md) and by \`subjects\` fresh subjects of each baseline; a point's response is the mean prediction on presentations of its cues (before their outcome), mapped to the figure's measure; r is Pearson's against the published points; the ordinal checks are: ${shipped.checks.map((c) => `\`${c.text}\``).join('; ') || 'none'}.`,
    config,
    metrics,
    headline: ['r', 'ordinal_pass', ...MODELS.flatMap((m) => [`${m}.r`, `${m}.ordinal_pass`])],
    validate(c, io) {
      if (c.paradigm) parseParadigm(io.readText(c.paradigm), c.paradigm);
      if (!c.models.includes(c.model))
        throw new ConfigError(`model '${c.model}' is not among models (${c.models.join(', ')})`);
      validateBrain(c, io);
    },
    run: async (ctx) => {
      const c = ctx.config;
      const p = c.paradigm ? parseParadigm(ctx.readText(c.paradigm), c.paradigm) : shipped;
      const results = runAll(p, c, ctx.rng, steeringOf(c, ctx));
      const main = results.get(c.model)!;
      const m: Metrics = {};
      p.points.forEach((pt, i) => {
        m[`response.${pt.group}.${pt.k}`] = r4(main.measured[i]!);
      });
      m['r'] = r4(main.r);
      m['ordinal_pass'] = main.ordinalPass;
      main.checks.forEach((ch, i) => {
        m[`check.${i}`] = ch.pass;
      });
      for (const name of MODELS) {
        const r = results.get(name);
        m[`${name}.r`] = r ? r4(r.r) : null;
        m[`${name}.ordinal_pass`] = r ? r.ordinalPass : null;
      }
      ctx.figure(`${p.id}.svg`, figure(p, results));
      return m;
    },
    summary: (m) => [
      `${shipped.title}: ${MODELS.filter((x) => `${x}.r` in m)
        .map((x) => `${x} r=${m[`${x}.r`] ?? '—'} ${m[`${x}.ordinal_pass`] ? 'pass' : 'FAIL'}`)
        .join(', ')}`,
    ],
  }) as unknown as Experiment;
}

const batteryConfig = z
  .object({
    paradigms: z
      .array(z.enum(SHIPPED.map((p) => p.id) as [string, ...string[]]))
      .default(SHIPPED.map((p) => p.id))
      .describe('which shipped paradigms to run'),
    subjects: z.number().int().min(1).max(1000).default(20).describe('subjects per group (baselines)'),
    ...baselineBlocks,
  })
  .strict();

/** The phenomena Rescorla–Wagner cannot produce, which the brain must (the battery's last criterion). */
export const BEYOND_RW = [
  'spontaneous-recovery',
  'latent-inhibition',
  'second-order',
  'sensory-preconditioning',
  'reinstatement',
] as const;

const batteryMetrics: Record<string, string> = {};
for (const p of SHIPPED)
  for (const m of MODELS) {
    batteryMetrics[`${p.id}.${m}.r`] = `${p.title}: ${MODEL_TITLES[m]}'s Pearson r against the data`;
    batteryMetrics[`${p.id}.${m}.ordinal_pass`] = `${p.title}: ${MODEL_TITLES[m]} passes every ordinal check`;
  }
for (const m of MODELS) {
  batteryMetrics[`${m}.ordinal_passed`] =
    `${MODEL_TITLES[m]}: number of paradigms whose ordinal checks all hold`;
  batteryMetrics[`${m}.mean_r`] = `${MODEL_TITLES[m]}: mean Pearson r over the paradigms with data`;
}
batteryMetrics['paradigms'] = 'number of paradigms run';
batteryMetrics['brain.r_at_least_rw'] =
  "fraction of the paradigms where both have an r in which the brain's r ≥ Rescorla–Wagner's";
batteryMetrics['brain.beyond_rw_passed'] =
  `number of ${BEYOND_RW.join(', ')} (phenomena RW cannot produce) whose ordinal checks the brain passes`;
batteryMetrics['table_markdown'] =
  'the battery table: paradigm × model, r and ordinal pass/fail, as markdown';

export const conditioningBattery = defineExperiment({
  id: 'conditioning/battery',
  title: 'Conditioning battery: every paradigm against every model',
  description:
    "Runs each shipped conditioning paradigm (data/conditioning) on the steered brain (`brain.subjects` fresh brains per group; the response is the assessor's learned prediction of the US's innate signal), Rescorla–Wagner, TD with a complete serial compound and a Kalman filter, and prints one table: per paradigm and model, Pearson r against the published data and whether the ordinal checks that define the phenomenon hold.",
  config: batteryConfig,
  metrics: batteryMetrics,
  headline: [
    ...MODELS.flatMap((m) => [`${m}.ordinal_passed`, `${m}.mean_r`]),
    'brain.r_at_least_rw',
    'brain.beyond_rw_passed',
  ],
  validate(c, io) {
    validateBrain(c, io);
  },
  run: async (ctx) => {
    const c = ctx.config;
    const m: Metrics = {};
    const ran = MODELS.filter((x) => c.models.includes(x));
    const rows: string[] = [
      `| paradigm | ${ran.map((x) => MODEL_TITLES[x]).join(' | ')} |`,
      `|---|${ran.map(() => '---|').join('')}`,
    ];
    const passed: Record<string, number> = {};
    const rs: Record<string, number[]> = {};
    let comparable = 0,
      atLeast = 0,
      beyond = 0;
    const steering = steeringOf(c, ctx);
    const list = SHIPPED.filter((p) => c.paradigms.includes(p.id));
    list.forEach((p, i) => {
      ctx.progress(i, list.length, p.id);
      const res = runAll(p, c, ctx.rng.fork(p.id), steering);
      const cells: string[] = [];
      for (const name of MODELS) {
        const r = res.get(name);
        m[`${p.id}.${name}.r`] = r ? r4(r.r) : null;
        m[`${p.id}.${name}.ordinal_pass`] = r ? r.ordinalPass : null;
        if (!r) continue;
        passed[name] = (passed[name] ?? 0) + (r.ordinalPass ? 1 : 0);
        if (r.r !== null) (rs[name] ??= []).push(r.r);
        cells.push(`${r.r === null ? '—' : r.r.toFixed(2)} ${r.ordinalPass ? 'pass' : '**fail**'}`);
      }
      const b = res.get('brain'),
        rw = res.get('rw');
      if (b?.r != null && rw?.r != null) {
        comparable++;
        if (b.r >= rw.r) atLeast++;
      }
      if (b && (BEYOND_RW as readonly string[]).includes(p.id) && b.ordinalPass) beyond++;
      rows.push(`| ${p.id} | ${cells.join(' | ')} |`);
    });
    ctx.progress(list.length, list.length);
    for (const name of MODELS) {
      const on = c.models.includes(name);
      m[`${name}.ordinal_passed`] = on ? (passed[name] ?? 0) : null;
      const xs = rs[name] ?? [];
      m[`${name}.mean_r`] = on ? r4(xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null) : null;
    }
    m['paradigms'] = list.length;
    m['brain.r_at_least_rw'] =
      c.models.includes('brain') && c.models.includes('rw') && comparable ? r4(atLeast / comparable) : null;
    m['brain.beyond_rw_passed'] = c.models.includes('brain') ? beyond : null;
    m['table_markdown'] = rows.join('\n');
    const withData = list.filter((p) => ran.some((x) => typeof m[`${p.id}.${x}.r`] === 'number'));
    ctx.figure(
      'battery.svg',
      barChart({
        title: 'Pearson r against the published data, per paradigm',
        ylabel: 'r',
        groups: withData.map((p) => p.id),
        series: ran.map((x) => ({
          label: MODEL_TITLES[x],
          values: withData.map((p) => {
            const v = m[`${p.id}.${x}.r`];
            return typeof v === 'number' ? v : Number.NaN;
          }),
        })),
        ylim: [-1, 1],
        width: 900,
        slantLabels: true,
      }),
    );
    return m;
  },
  summary: (m) => [String(m['table_markdown'])],
});

export const conditioningExperiments: Experiment[] = [
  ...SHIPPED.map(paradigmExperiment),
  conditioningBattery as unknown as Experiment,
];
