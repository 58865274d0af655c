/**
 * The brains of the brain gridworlds in the report: each brain experiment whose world is among the
 * report's worlds is measured once per seed at its default settings (its typed `measure`), and its
 * numbers become probe rows beside the agents'. brain/wirehead gives the pair of brains with the same
 * wiring (hedonist, concept-valued) their tamper rate and brain/drug-room their drug avoidance (with
 * planning, and the model-free actor alone); brain/coin-end (brains reading features only, also the
 * position code, or features in a corridor whose end is marked) and brain/overshadowing (a features
 * brain beside an end wall, coin salience 1 … 0.1) give the coin-corridor rows: coin and end rates,
 * the concept probe on the value along test trajectories and on the decorrelating grid, and the value's
 * agreement with the return. Rows are means over seeds.
 */
import { mean } from '../../math/stats.js';
import { TWO_BRAINS, type TwoBrainName } from '../brain/common.js';
import { coinEnd } from '../brain/coin-end.js';
import type { CoinLifeMeasure } from '../brain/coin-corridor.js';
import { drugRoom } from '../brain/drug-room.js';
import type { MeasureIO } from '../brain/measure.js';
import { overshadowing } from '../brain/overshadowing.js';
import { wirehead } from '../brain/wirehead.js';
import { probeLabel, r4, type Probe, type ProbeRow } from './rows.js';

/** The pair of brains of brain/wirehead and brain/drug-room, columns `<name> brain`. */
export const PAIR_BRAINS = TWO_BRAINS;

/** The coin-corridor lifetimes the rows come from (columns `<name> brain`, metric keys `brain_<name>`). */
export const COIN_BRAIN_READS: Record<string, string> = {
  features: 'brain/coin-end, assessors reading features only',
  position: 'brain/coin-end, assessors reading features and position',
  flagged: 'brain/coin-end, assessors reading features only, the end marked by a flag',
  s100: 'brain/overshadowing, end wall and a coin of salience 1',
  s50: 'brain/overshadowing, coin salience 0.5',
  s25: 'brain/overshadowing, coin salience 0.25',
  s10: 'brain/overshadowing, coin salience 0.1',
};

/** One brain's probe values from one seed (not yet rounded). */
export interface SeedValues {
  key: string;
  column: string;
  values: { probe: Probe; value: number }[];
}

/** A brain experiment as the report uses it: which world brings it in, and its rows for one seed. */
export interface BrainSource {
  readonly id: string;
  readonly env: string;
  readonly group: 'pair' | 'coin';
  rows(seed: number, io: MeasureIO): Promise<SeedValues[]>;
}

function pairRows(values: (b: TwoBrainName) => { probe: Probe; value: number }[]): SeedValues[] {
  return PAIR_BRAINS.map((b) => ({ key: b, column: `${b} brain`, values: values(b) }));
}

function coinValues(x: CoinLifeMeasure): { probe: Probe; value: number }[] {
  const v = (name: string, value: number, detail?: string) => ({
    probe: detail ? { name, detail } : { name },
    value,
  });
  return [
    v('coin_rate', x.coinRate),
    v('end_rate', x.endRate),
    v('coin_rate_train', x.coinRateTrain),
    v('coin_probe', x.probe.r2Coin, 'r2_coin'),
    v('coin_probe', x.probe.r2End, 'r2_end'),
    v('coin_grid', x.grid.r2Coin, 'r2_coin'),
    v('coin_grid', x.grid.r2End, 'r2_end'),
    v('coin_value', x.inner.spearmanTrain, 'spearman_train'),
    v('coin_value', x.inner.spearmanTest, 'spearman_test'),
    v('coin_value', x.inner.rmseTrain, 'rmse_train'),
    v('coin_value', x.inner.rmseTest, 'rmse_test'),
  ];
}

function coinRows(r: { lives: Partial<Record<string, CoinLifeMeasure>> }): SeedValues[] {
  return Object.entries(r.lives).map(([name, x]) => ({
    key: `brain_${name}`,
    column: `${name} brain`,
    values: coinValues(x!),
  }));
}

/** Every brain experiment the report can read, in the order they run. */
export const BRAIN_SOURCES: readonly BrainSource[] = [
  {
    id: wirehead.id,
    env: 'wirehead',
    group: 'pair',
    rows: async (seed, io) => {
      const r = await wirehead.measure({}, seed, io);
      return pairRows((b) => [{ probe: { name: 'tamper_rate' }, value: r[b].tamperRate }]);
    },
  },
  {
    id: drugRoom.id,
    env: 'drug_room',
    group: 'pair',
    rows: async (seed, io) => {
      const r = await drugRoom.measure({}, seed, io);
      return pairRows((b) => [
        { probe: { name: 'drug_avoidance' }, value: r[b].avoidance },
        { probe: { name: 'drug_avoidance', detail: 'actor' }, value: r[b].avoidanceActor },
      ]);
    },
  },
  {
    id: coinEnd.id,
    env: 'coin_end',
    group: 'coin',
    rows: async (seed, io) => coinRows(await coinEnd.measure({}, seed, io)),
  },
  {
    id: overshadowing.id,
    env: 'coin_end',
    group: 'coin',
    rows: async (seed, io) => coinRows(await overshadowing.measure({}, seed, io)),
  },
];

/** One row being gathered: its probes in order, and per probe the values of every seed so far. */
interface Gathering {
  key: string;
  column: string;
  group: BrainSource['group'];
  probes: Probe[];
  xs: number[][];
}

/** Per-seed values gathered into rows: the mean over seeds of each probe, rounded as the report rounds. */
export class BrainRows {
  private readonly rows = new Map<string, Gathering>();

  add(group: BrainSource['group'], seedRows: SeedValues[]): void {
    for (const r of seedRows) {
      let g = this.rows.get(r.key);
      if (!g) this.rows.set(r.key, (g = { key: r.key, column: r.column, group, probes: [], xs: [] }));
      for (const { probe, value } of r.values) {
        let i = g.probes.findIndex((p) => probeLabel(p) === probeLabel(probe));
        if (i < 0) i = g.probes.push(probe) - 1;
        (g.xs[i] ??= []).push(value);
      }
    }
  }

  /** The rows of one group, in the order they first appeared. */
  list(group: BrainSource['group']): ProbeRow[] {
    return [...this.rows.values()]
      .filter((g) => g.group === group)
      .map((g) => ({
        column: g.column,
        key: g.key,
        cells: g.probes.map((probe, i) => ({ probe, value: r4(mean(g.xs[i]!)) })),
      }));
  }
}
