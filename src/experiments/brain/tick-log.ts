/**
 * A brain lifetime's scalars for the run's metrics log (metrics.jsonl and the TensorBoard file): the
 * reward, the dopamine error, every body variable and every thought assessor's present prediction,
 * averaged over windows of lived ticks. Probe ticks (inside `withoutLearning`) are not lived ticks —
 * they measure with the brain frozen and the world restored — so they are left out.
 *
 * Only reads: logging never changes the brain, the world or a random stream, so a run's metrics are the
 * same with or without it. The step of a row is the number of ticks lived in the run so far (summed over
 * its lifetimes, so steps keep rising across a rebirth).
 *
 * Size: the first ROWS_PER_DOUBLING rows average WINDOW ticks each, the next as many twice that, and so
 * on — a 5000-tick life gives 500 rows, the longest default run (overshadowing, ≤ 25 000 ticks) under
 * 2000, and a life of a million ticks under 7000.
 */
import type { Agent, TickRecord } from '../../brain/agent.js';
import type { BrainWorld } from '../../brain/world.js';

type AnyAgent = Agent<BrainWorld>;

export const WINDOW = 10;
export const ROWS_PER_DOUBLING = 1000;

/** What a checkpoint keeps so that a resumed run logs the rows an uninterrupted one would. */
export interface TickLogState {
  /** Ticks lived in the run so far (the step of the next row's end). */
  ticks: number;
  rows: number;
}

type Sink = (step: number, metrics: Record<string, number>) => void;

export class TickLog {
  readonly state: TickLogState;
  private agent: AnyAgent | null = null;
  private life = -1;
  private names: string[] = [];
  private sums = new Float64Array(0);
  private n = 0;
  /** Nesting depth of probes (withoutLearning) now running: their ticks are not logged. */
  probing = 0;

  /** `lives`: how many lifetimes the run has; with more than one, each row says which it is from. */
  constructor(
    private readonly sink: Sink,
    private readonly lives: number,
    state: TickLogState = { ticks: 0, rows: 0 },
  ) {
    this.state = { ...state };
  }

  /** Ticks averaged into one row now. */
  window(): number {
    return WINDOW * 2 ** Math.floor(this.state.rows / ROWS_PER_DOUBLING);
  }

  /** Log the ticks of `agent`, the `life`-th lifetime, from now on. */
  attach(agent: AnyAgent, life: number): void {
    this.detach();
    this.agent = agent;
    this.life = life;
    ATTACHED.set(agent, this);
    const body = agent.steering.spec.body.vars.map((v) => `body/${v.name}`);
    const assessors = agent.learner.assessors.names.map((n) => `assessor/${n}`);
    this.names = ['reward', 'dopamine', ...body, ...assessors];
    this.sums = new Float64Array(this.names.length);
    this.n = 0;
  }

  /** Stop logging (the lifetime is over; what an experiment does with the agent afterwards is not lived). */
  detach(): void {
    this.flush();
    if (this.agent) ATTACHED.delete(this.agent);
    this.agent = null;
  }

  record(r: TickRecord): void {
    const a = this.agent;
    if (!a || this.probing > 0) return;
    const s = this.sums;
    s[0]! += r.up.reward;
    s[1]! += r.up.dopamine;
    let k = 2;
    for (const v of a.steering.spec.body.vars) s[k++]! += a.steering.bodyVar(v.name);
    const preds = a.learner.preds;
    for (let i = 0; i < a.learner.assessors.names.length; i++) s[k++]! += preds[i]!;
    this.n++;
    this.state.ticks++;
    if (this.n >= this.window()) this.flush();
  }

  /** Write the window so far as one row (a lifetime step ends here, and a checkpoint may follow). */
  flush(): void {
    if (this.n === 0) return;
    const row: Record<string, number> = {};
    this.names.forEach((name, i) => (row[name] = this.sums[i]! / this.n));
    if (this.lives > 1) row.life = this.life;
    this.sink(this.state.ticks, row);
    this.state.rows++;
    this.sums.fill(0);
    this.n = 0;
  }
}

const ATTACHED = new WeakMap<object, TickLog>();

/** The log `agent`'s ticks go to, if a lifetime attached one. */
export function tickLogOf(agent: object): TickLog | undefined {
  return ATTACHED.get(agent);
}
