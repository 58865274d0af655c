/**
 * conditioning/<paradigm> and conditioning/battery: the classical-conditioning paradigms of
 * data/conditioning run on the baseline models (Rescorla–Wagner, TD with a complete serial compound, a
 * Kalman filter) and scored against the published data (Pearson r) and the ordinal checks that define
 * each phenomenon. docs/conditioning.md explains the file format and the readout.
 */
import { z } from 'zod';
import { barChart, linePlot } from '../../plot/svg.js';
import {
  BASELINE_MODELS,
  MODEL_TITLES,
  makeBaseline,
  parseParadigm,
  runParadigm,
  SHIPPED_PARADIGMS,
  type BaselineModel,
  type Paradigm,
  type ParadigmResult,
} from '../../conditioning/index.js';
import { defineExperiment, type Experiment, type Metrics } from '../experiment.js';
import type { Rng } from '../../math/rng.js';

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
};

type BaselineBlocks = {
  rw: { alpha: number };
  td: typeof import('../../conditioning/td.js').TD_DEFAULTS;
  kalman: typeof import('../../conditioning/kalman.js').KALMAN_DEFAULTS;
};

function runAll(
  p: Paradigm,
  models: readonly BaselineModel[],
  c: BaselineBlocks & { subjects: number },
  rng: Rng,
) {
  const out = new Map<BaselineModel, ParadigmResult>();
  for (const m of models)
    out.set(m, runParadigm(p, makeBaseline(m, p, c), { subjects: c.subjects, rng: rng.fork(m) }));
  return out;
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

function figure(p: Paradigm, results: Map<BaselineModel, ParadigmResult>): string {
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
        .enum(BASELINE_MODELS)
        .default('rw')
        .describe('the model whose responses are the response.* keys'),
      subjects: z.number().int().min(1).max(1000).default(20).describe('subjects per group'),
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
  for (const m of BASELINE_MODELS) {
    metrics[`${m}.r`] = `${MODEL_TITLES[m]}: Pearson r against the data`;
    metrics[`${m}.ordinal_pass`] = `${MODEL_TITLES[m]}: every ordinal check holds`;
  }
  return defineExperiment({
    id: `conditioning/${shipped.id}`,
    title: `Conditioning: ${shipped.title}`,
    description: `${shipped.about} Schedule and data: ${shipped.citation}${shipped.digitised ? `, digitised by ${shipped.digitised}` : ''}. Every group is run on \`subjects\` fresh subjects of each model; a point's response is the mean prediction on presentations of its cues (before their outcome), mapped to the figure's measure; r is Pearson's against the published points; the ordinal checks are: ${shipped.checks.map((c) => `\`${c.text}\``).join('; ') || 'none'}.`,
    config,
    metrics,
    headline: ['r', 'ordinal_pass', ...BASELINE_MODELS.flatMap((m) => [`${m}.r`, `${m}.ordinal_pass`])],
    validate(c, io) {
      if (c.paradigm) parseParadigm(io.readText(c.paradigm), c.paradigm);
    },
    run: async (ctx) => {
      const c = ctx.config;
      const p = c.paradigm ? parseParadigm(ctx.readText(c.paradigm), c.paradigm) : shipped;
      const results = runAll(p, BASELINE_MODELS, c, ctx.rng);
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
      for (const [name, r] of results) {
        m[`${name}.r`] = r4(r.r);
        m[`${name}.ordinal_pass`] = r.ordinalPass;
      }
      ctx.figure(`${p.id}.svg`, figure(p, results));
      return m;
    },
    summary: (m) => [
      `${shipped.title}: ${BASELINE_MODELS.map((x) => `${x} r=${m[`${x}.r`] ?? '—'} ${m[`${x}.ordinal_pass`] ? 'pass' : 'FAIL'}`).join(', ')}`,
    ],
  }) as unknown as Experiment;
}

const batteryConfig = z
  .object({
    paradigms: z
      .array(z.enum(SHIPPED.map((p) => p.id) as [string, ...string[]]))
      .default(SHIPPED.map((p) => p.id))
      .describe('which shipped paradigms to run'),
    subjects: z.number().int().min(1).max(1000).default(20).describe('subjects per group'),
    ...baselineBlocks,
  })
  .strict();

const batteryMetrics: Record<string, string> = {};
for (const p of SHIPPED)
  for (const m of BASELINE_MODELS) {
    batteryMetrics[`${p.id}.${m}.r`] = `${p.title}: ${MODEL_TITLES[m]}'s Pearson r against the data`;
    batteryMetrics[`${p.id}.${m}.ordinal_pass`] = `${p.title}: ${MODEL_TITLES[m]} passes every ordinal check`;
  }
for (const m of BASELINE_MODELS) {
  batteryMetrics[`${m}.ordinal_passed`] =
    `${MODEL_TITLES[m]}: number of paradigms whose ordinal checks all hold`;
  batteryMetrics[`${m}.mean_r`] = `${MODEL_TITLES[m]}: mean Pearson r over the paradigms with data`;
}
batteryMetrics['table_markdown'] =
  'the battery table: paradigm × model, r and ordinal pass/fail, as markdown';

export const conditioningBattery = defineExperiment({
  id: 'conditioning/battery',
  title: 'Conditioning battery: every paradigm against every model',
  description:
    'Runs each shipped conditioning paradigm (data/conditioning) on Rescorla–Wagner, TD with a complete serial compound and a Kalman filter, and prints one table: per paradigm and model, Pearson r against the published data and whether the ordinal checks that define the phenomenon hold.',
  config: batteryConfig,
  metrics: batteryMetrics,
  headline: BASELINE_MODELS.flatMap((m) => [`${m}.ordinal_passed`, `${m}.mean_r`]),
  run: async (ctx) => {
    const c = ctx.config;
    const m: Metrics = {};
    const rows: string[] = [
      `| paradigm | ${BASELINE_MODELS.map((x) => MODEL_TITLES[x]).join(' | ')} |`,
      `|---|${BASELINE_MODELS.map(() => '---|').join('')}`,
    ];
    const passed: Record<string, number> = {};
    const rs: Record<string, number[]> = {};
    const list = SHIPPED.filter((p) => c.paradigms.includes(p.id));
    list.forEach((p, i) => {
      ctx.progress(i, list.length, p.id);
      const res = runAll(p, BASELINE_MODELS, c, ctx.rng.fork(p.id));
      const cells: string[] = [];
      for (const [name, r] of res) {
        m[`${p.id}.${name}.r`] = r4(r.r);
        m[`${p.id}.${name}.ordinal_pass`] = r.ordinalPass;
        passed[name] = (passed[name] ?? 0) + (r.ordinalPass ? 1 : 0);
        if (r.r !== null) (rs[name] ??= []).push(r.r);
        cells.push(`${r.r === null ? '—' : r.r.toFixed(2)} ${r.ordinalPass ? 'pass' : '**fail**'}`);
      }
      rows.push(`| ${p.id} | ${cells.join(' | ')} |`);
    });
    ctx.progress(list.length, list.length);
    for (const name of BASELINE_MODELS) {
      m[`${name}.ordinal_passed`] = passed[name] ?? 0;
      const xs = rs[name] ?? [];
      m[`${name}.mean_r`] = r4(xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    }
    m['table_markdown'] = rows.join('\n');
    return m;
  },
  summary: (m) => [String(m['table_markdown'])],
});

export const conditioningExperiments: Experiment[] = [
  ...SHIPPED.map(paradigmExperiment),
  conditioningBattery as unknown as Experiment,
];
