/**
 * The meta-RL figures of Wang et al. 2018 as SVG strings (plot/svg.ts), from the analysis
 * results in this directory. Trials are shown 1-based, as in the papers.
 */
import { barChart, linePlot, type Series } from '../../plot/svg.js';
import type { CurveStats } from './curves.js';
import type { LaggedRegression, StayAnalysis } from './twostep.js';
import { TRIAL_TYPES } from './twostep.js';
import type { VolatilityFit } from './volatility.js';

export interface LabelledCurve {
  label: string;
  /** A curve with error bars, or bare per-trial values (e.g. EvaluationResult.curves.cumulativeRegret). */
  curve: CurveStats | readonly number[];
  dashed?: boolean;
}

export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** Line series with NaN points dropped (svg.ts would draw them as broken coordinates). */
function series(c: LabelledCurve, x0 = 1): Series {
  const mean = 'mean' in c.curve ? c.curve.mean : c.curve;
  const sem = 'mean' in c.curve ? c.curve.sem : undefined;
  const x: number[] = [],
    y: number[] = [],
    err: number[] = [];
  mean.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    x.push(x0 + i);
    y.push(v);
    const e = sem?.[i];
    err.push(e !== undefined && Number.isFinite(e) ? e : 0);
  });
  const s: Series = { label: c.label, x, y, dashed: c.dashed ?? false };
  return sem ? { ...s, err } : s;
}

function size(o: FigureOptions): { width?: number; height?: number } {
  const out: { width?: number; height?: number } = {};
  if (o.width !== undefined) out.width = o.width;
  if (o.height !== undefined) out.height = o.height;
  return out;
}

/** Cumulative expected regret against trial, one line per agent (the trained network and baselines). */
export function regretFigure(agents: readonly LabelledCurve[], o: FigureOptions = {}): string {
  return linePlot({
    title: o.title ?? 'Cumulative regret',
    xlabel: 'trial',
    ylabel: 'cumulative expected regret',
    series: agents.map((a) => series(a)),
    ...size(o),
  });
}

/** Fraction of optimal (or correct) choices at each trial. */
export function accuracyFigure(agents: readonly LabelledCurve[], o: FigureOptions = {}): string {
  return linePlot({
    title: o.title ?? 'Accuracy by trial',
    xlabel: 'trial',
    ylabel: 'P(optimal choice)',
    series: agents.map((a) => series(a)),
    ylim: [0, 1],
    ...size(o),
  });
}

/** Harlow accuracy by trial (Wang et al. 2018 Fig. 6): chance on trial 1, near ceiling from trial 2. */
export function harlowAccuracyFigure(agents: readonly LabelledCurve[], o: FigureOptions = {}): string {
  return linePlot({
    title: o.title ?? 'Harlow task: accuracy by trial',
    xlabel: 'trial',
    ylabel: 'fraction correct',
    series: agents.map((a) => series(a)),
    ylim: [0, 1],
    ...size(o),
  });
}

/** Stay probabilities, rewarded/unrewarded × common/rare, with binomial SEM bars (Fig. 3 layout). */
export function stayProbabilityFigure(stay: StayAnalysis, o: FigureOptions = {}): string {
  return barChart({
    title: o.title ?? 'Two-step: stay probability',
    ylabel: 'P(repeat first-stage choice)',
    groups: ['rewarded', 'unrewarded'],
    series: [
      {
        label: 'common',
        values: [stay.stay_rewarded_common, stay.stay_unrewarded_common],
        err: [stay.sem[0], stay.sem[2]],
      },
      {
        label: 'rare',
        values: [stay.stay_rewarded_rare, stay.stay_unrewarded_rare],
        err: [stay.sem[1], stay.sem[3]],
      },
    ],
    ylim: [0, 1],
    ...size(o),
  });
}

const TYPE_LABEL: Record<(typeof TRIAL_TYPES)[number], string> = {
  rewarded_common: 'rewarded, common',
  rewarded_rare: 'rewarded, rare',
  unrewarded_common: 'unrewarded, common',
  unrewarded_rare: 'unrewarded, rare',
};

/** Lagged regression weights per trial type against lag, ±1 SE bands; rare transitions dashed. */
export function laggedRegressionFigure(reg: LaggedRegression, o: FigureOptions = {}): string {
  return linePlot({
    title: o.title ?? 'Two-step: lagged logistic regression',
    xlabel: 'trials back',
    ylabel: 'weight (repeat choice)',
    series: TRIAL_TYPES.map((k) => ({
      label: TYPE_LABEL[k],
      x: reg.lags,
      y: reg.coef[k],
      err: reg.se[k],
      dashed: k.endsWith('rare'),
    })),
    ...size(o),
  });
}

/** Fitted delta-rule learning rate per volatility phase, one bar series per agent, ±1 SE. */
export function learningRateFigure(
  fits: readonly { label: string; fit: VolatilityFit }[],
  o: FigureOptions = {},
): string {
  const err = (x: number): number => (Number.isFinite(x) ? x : 0);
  return barChart({
    title: o.title ?? 'Volatile bandit: fitted learning rate',
    ylabel: 'learning rate α',
    groups: ['stable', 'volatile'],
    series: fits.map(({ label, fit }) => ({
      label,
      values: [fit.lr_stable, fit.lr_volatile],
      err: [err(fit.se.lr_stable), err(fit.se.lr_volatile)],
    })),
    ylim: [0, 1],
    ...size(o),
  });
}
