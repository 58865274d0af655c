/** The baseline conditioning models by name, with their settings in one place. */
import { KALMAN_DEFAULTS, KalmanFilter, type KalmanConfig } from './kalman.js';
import { StimulusCoder, type ConditioningModel } from './model.js';
import type { Paradigm } from './paradigm.js';
import { RW_DEFAULTS, RescorlaWagner, type RescorlaWagnerConfig } from './rescorla-wagner.js';
import { TD_DEFAULTS, TdSerialCompound, type TdConfig } from './td.js';

export const BASELINE_MODELS = ['rw', 'td', 'kalman'] as const;
export type BaselineModel = (typeof BASELINE_MODELS)[number];

export const MODEL_TITLES: Record<BaselineModel, string> = {
  rw: 'Rescorla–Wagner',
  td: 'TD, complete serial compound',
  kalman: 'Kalman filter',
};

export interface BaselineSettings {
  rw: RescorlaWagnerConfig;
  td: TdConfig;
  kalman: KalmanConfig;
}

export const BASELINE_DEFAULTS: BaselineSettings = {
  rw: RW_DEFAULTS,
  td: TD_DEFAULTS,
  kalman: KALMAN_DEFAULTS,
};

export function makeBaseline(
  name: BaselineModel,
  p: Paradigm,
  s: BaselineSettings = BASELINE_DEFAULTS,
): ConditioningModel {
  switch (name) {
    case 'rw':
      return new RescorlaWagner(new StimulusCoder(p.cues, p.contexts), s.rw);
    case 'kalman':
      return new KalmanFilter(new StimulusCoder(p.cues, p.contexts), s.kalman);
    case 'td':
      return new TdSerialCompound(p.cues, p.contexts, s.td);
  }
}
