/**
 * World-model probe: how faithfully does a brain imagine? With learning off, the agent lives a few
 * fresh stretches of its own experience (the actor acting, no planning — experience the world model
 * has never trained on), then the world model is rolled open-loop from every tick of those stretches
 * along the actions really taken, exactly as the planner imagines: predict the next senses, take the
 * most likely cell, advance the latent on the prediction. Each imagined step is compared with what
 * really followed.
 *
 *   pos_acc_k        share of rollouts whose most likely imagined cell after k steps is the real one
 *   feat_mae_k       mean absolute error, after k steps, of every sense but the position code
 *                    (features, context, taste, body, reward) — probabilities against the real senses
 *   impossible_rate  share of imagined moves (action ≠ stay) whose imagined step the world forbids:
 *                    into a wall, or to a cell that is no neighbour of the one imagined before
 *   pos_acc_det_k    pos_acc_k over the rollouts whose k steps all moved as the action said: none drawn
 *                    by the world's own chance (`BrainWorld.moveWasDrawn`: a safety game's fidget for
 *                    "stay", forced exploration after whisky). What a model can be asked to foresee;
 *                    pos_acc_k mixes in the world's randomness (a fidget lands on one of four cells)
 *   drawn_share      share of the recorded steps whose move the world drew at random
 *
 * A rollout starts at every recorded tick and runs as far as its stretch goes, up to 8 steps, never
 * across a discontinuity (a new stretch, an episode's end, a teleport); a horizon's numbers count the
 * rollouts that reached it. The agent's
 * whole state (weights, buffers, streams, body, world, switches) is restored afterwards, so probing
 * leaves a lifetime's later numbers as they would have been without it.
 */
import type { Agent } from '../brain/agent.js';
import type { BrainWorld } from '../brain/world.js';

export const WM_HORIZONS = [1, 3, 8] as const;

/** Metric keys of the probe (`wm.` + these). */
export const WM_METRICS = {
  'wm.pos_acc_1':
    'world-model probe: imagined cell right after 1 open-loop step (held-out stretches, learning off)',
  'wm.pos_acc_3': 'world-model probe: imagined cell right after 3 open-loop steps',
  'wm.pos_acc_8': 'world-model probe: imagined cell right after 8 open-loop steps',
  'wm.feat_mae_1': 'world-model probe: mean absolute error of the other senses after 1 step',
  'wm.feat_mae_3': 'world-model probe: mean absolute error of the other senses after 3 steps',
  'wm.feat_mae_8': 'world-model probe: mean absolute error of the other senses after 8 steps',
  'wm.impossible_rate': 'world-model probe: share of imagined moves into a wall or to a non-adjacent cell',
  'wm.pos_acc_det_1':
    'world-model probe: imagined cell right after 1 step, over rollouts whose moves the world did not draw at random',
  'wm.pos_acc_det_3': 'world-model probe: imagined cell right after 3 steps, none of them drawn at random',
  'wm.pos_acc_det_8': 'world-model probe: imagined cell right after 8 steps, none of them drawn at random',
  'wm.drawn_share':
    "world-model probe: share of recorded steps whose move the world drew at random (a safety game's fidget, forced exploration)",
} as const;

export type WmKey = keyof typeof WM_METRICS;
/** The probe's numbers; `wm.rollouts` counts the rollouts (NaN keys: no rollout reached that horizon). */
export type WmProbeResult = Record<WmKey, number> & { 'wm.rollouts': number };

export interface WmProbeOptions {
  /** Stretches of life recorded (default 8). */
  stretches?: number;
  /** Ticks per stretch (default 64). */
  ticks?: number;
  /**
   * Before each stretch: put the agent somewhere it lives (a room, a fresh episode). Default: where
   * it is. The probe calls `agent.refresh()` afterwards.
   */
  begin?(agent: Agent<BrainWorld>, i: number): void;
  /** Whether the stretch is over before the next tick (an episode that ended). Default: never. */
  ended?(agent: Agent<BrainWorld>): boolean;
}

/** Row-major cell of the position block's largest entry. */
function cellOf(x: Float32Array, o: number, n: number): number {
  let b = 0;
  for (let j = 1; j < n; j++) if (x[o + j]! > x[o + b]!) b = j;
  return b;
}

function neighbours(a: number, b: number, W: number): boolean {
  const dx = Math.abs((a % W) - (b % W)),
    dy = Math.abs(((a / W) | 0) - ((b / W) | 0));
  return dx + dy <= 1;
}

interface Stretch {
  x: Float32Array[];
  h: Float32Array[];
  a: number[];
  /** The move of the tick's action was drawn by the world's chance. */
  drawn: boolean[];
}

/** Live one stretch with learning off, recording the senses, latent and executed action of every tick. */
function record(
  agent: Agent<BrainWorld>,
  ticks: number,
  ended: (a: Agent<BrainWorld>) => boolean,
): Stretch[] {
  const L = agent.learner,
    P = L.dims.pos.len,
    p0 = L.dims.pos.start,
    W = agent.world.gridWidth;
  const out: Stretch[] = [];
  let cur: Stretch = { x: [], h: [], a: [], drawn: [] };
  for (let t = 0; t < ticks && !ended(agent); t++) {
    agent.tick();
    const x = L.x.slice();
    const prev = cur.x[cur.x.length - 1];
    // A jump the body cannot make in one step (a teleport, a respawn) starts a new stretch.
    if (prev && !neighbours(cellOf(prev, p0, P), cellOf(x, p0, P), W)) {
      out.push(cur);
      cur = { x: [], h: [], a: [], drawn: [] };
    }
    cur.x.push(x);
    cur.h.push(L.h.slice());
    cur.a.push(L.prevAction);
    cur.drawn.push(agent.world.moveWasDrawn?.() ?? false);
  }
  out.push(cur);
  return out;
}

/**
 * Measure the agent's world model (see the file comment). Where stretches begin is `begin`'s choice
 * (seed it for the same starts in every lifetime); the agent is restored from a copy of its snapshot
 * afterwards.
 */
export function probeWorldModel(agent: Agent<BrainWorld>, o: WmProbeOptions = {}): WmProbeResult {
  const stretches = o.stretches ?? 8,
    ticks = o.ticks ?? 64;
  const L = agent.learner;
  // A deep copy: the snapshot shares the live buffers, which the stretches below overwrite.
  const before = structuredClone(agent.snapshot());
  Object.assign(L.plasticity, {
    worldModel: false,
    assessors: false,
    actor: false,
    habit: false,
    memory: false,
    replay: false,
    selfModel: false,
  });
  agent.steering.switches.rewiring = false;
  Object.assign(agent.switches, {
    planning: false,
    remember: false,
    empathize: false,
    frozen: false,
    forced: -1,
  });
  const recorded: Stretch[] = [];
  try {
    for (let i = 0; i < stretches; i++) {
      o.begin?.(agent, i);
      agent.refresh();
      recorded.push(...record(agent, ticks, o.ended ?? (() => false)));
    }
  } finally {
    agent.restore(before);
  }
  return rollouts(agent, recorded);
}

/**
 * Open-loop rollouts from every recorded tick, each as far as its stretch goes (up to 8 steps): a
 * horizon's numbers count the rollouts that reached it, so short episodes still inform the short
 * horizons.
 */
function rollouts(agent: Agent<BrainWorld>, recorded: readonly Stretch[]): WmProbeResult {
  const L = agent.learner,
    wm = L.wm,
    X = wm.xDim,
    Lt = wm.latent,
    P = L.dims.pos.len,
    p0 = L.dims.pos.start,
    W = agent.world.gridWidth,
    Hmax = WM_HORIZONS[WM_HORIZONS.length - 1]!;
  const ctx = L.cfg.planner.holdContext ? L.dims.context : undefined;
  const hit = new Float64Array(Hmax + 1),
    mae = new Float64Array(Hmax + 1),
    count = new Float64Array(Hmax + 1),
    hitDet = new Float64Array(Hmax + 1),
    countDet = new Float64Array(Hmax + 1);
  let moves = 0,
    impossible = 0,
    steps = 0,
    drawn = 0;
  const xB = new Float32Array(X),
    hB = new Float32Array(Lt),
    act = [0];
  for (const s of recorded) {
    for (let t = 0; t + 1 < s.x.length; t++) {
      steps++;
      if (s.drawn[t]) drawn++;
      xB.set(s.x[t]!);
      hB.set(s.h[t]!);
      let cell = cellOf(xB, p0, P);
      // The rollout so far followed the actions alone (no move drawn by the world's chance).
      let determined = true;
      for (let k = 1; k <= Hmax && t + k < s.x.length; k++) {
        act[0] = s.a[t + k - 1]!;
        if (s.drawn[t + k - 1]) determined = false;
        const xp = wm.predict(hB, xB, act, 1);
        const real = s.x[t + k]!;
        const next = cellOf(xp, p0, P);
        const right = next === cellOf(real, p0, P);
        count[k]!++;
        if (right) hit[k]!++;
        if (determined) {
          countDet[k]!++;
          if (right) hitDet[k]!++;
        }
        let e = 0;
        for (let j = 0; j < X; j++) if (j < p0 || j >= p0 + P) e += Math.abs(xp[j]! - real[j]!);
        mae[k]! += e / Math.max(1, X - P);
        if (act[0] !== 0) {
          moves++;
          if (next !== cell && (!neighbours(cell, next, W) || agent.world.blocked(next))) impossible++;
        }
        // As the planner imagines: the most likely cell, the room held, the latent advanced on the prediction.
        xB.set(xp.subarray(0, X));
        xB.fill(0, p0, p0 + P);
        xB[p0 + next] = 1;
        if (ctx && ctx.len > 0) for (let j = 0; j < ctx.len; j++) xB[ctx.start + j] = s.x[t]![ctx.start + j]!;
        wm.advance(xB, act, 1, hB, hB);
        cell = next;
      }
    }
  }
  const at = (a: Float64Array, k: number, c = count) => (c[k]! > 0 ? a[k]! / c[k]! : NaN);
  return {
    'wm.pos_acc_1': at(hit, 1),
    'wm.pos_acc_3': at(hit, 3),
    'wm.pos_acc_8': at(hit, 8),
    'wm.feat_mae_1': at(mae, 1),
    'wm.feat_mae_3': at(mae, 3),
    'wm.feat_mae_8': at(mae, 8),
    'wm.impossible_rate': moves > 0 ? impossible / moves : NaN,
    'wm.pos_acc_det_1': at(hitDet, 1, countDet),
    'wm.pos_acc_det_3': at(hitDet, 3, countDet),
    'wm.pos_acc_det_8': at(hitDet, 8, countDet),
    'wm.drawn_share': steps > 0 ? drawn / steps : NaN,
    'wm.rollouts': count[1]!,
  };
}
