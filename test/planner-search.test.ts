/**
 * The planner's search on a small world with a known best plan. The world model and the assessor are
 * exact stand-ins (a 9×9 open grid; one assessor whose appeal falls with the distance to a goal cell),
 * so what is tested is the search alone: how often the plan it keeps is an optimal one, and that this
 * grows with the rounds of the cross-entropy method (compute), from random shooting's rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Planner, type PlanResult } from '../src/brain/learning/planner.js';
import type { WorldModel } from '../src/brain/learning/world-model.js';
import type { ThoughtAssessors } from '../src/brain/learning/assessors.js';
import { learnerConfig, type LearnerConfig } from '../src/brain/learning/config.js';
import { Rng } from '../src/math/rng.js';

const W = 9;
const P = W * W;
const DX = [0, 0, 0, -1, 1];
const DY = [0, -1, 1, 0, 0];
const START = { x: 1, y: 1 };
/** Six moves away (three right, three down): C(6,3) = 20 of the 5^6 = 15625 sequences reach it in six. */
const GOAL = { x: 4, y: 4 };
const FAR = 6;

/** Exact dynamics on a one-hot position code (no latent state worth the name). */
function exactModel(N: number): WorldModel {
  const out = new Float32Array(N * P);
  return {
    latent: 1,
    xDim: P,
    predict(_h: Float32Array, x: Float32Array, acts: Int32Array, n: number) {
      out.fill(0);
      for (let r = 0; r < n; r++) {
        let c = 0;
        for (let k = 0; k < P; k++) if (x[r * P + k]! > x[r * P + c]!) c = k;
        const nx = Math.min(W - 1, Math.max(0, (c % W) + DX[acts[r]!]!));
        const ny = Math.min(W - 1, Math.max(0, Math.floor(c / W) + DY[acts[r]!]!));
        out[r * P + ny * W + nx] = 1;
      }
      return out;
    },
    advance() {},
  } as unknown as WorldModel;
}

/** One appetitive assessor: 1 at the goal, falling linearly with the Manhattan distance to 0 at FAR. */
function goalAssessor(N: number): ThoughtAssessors {
  const out = new Float32Array(N);
  return {
    specs: [{ name: 'good', kind: 'truth', valence: 1 }],
    assess(s: Float32Array, n: number) {
      for (let r = 0; r < n; r++) {
        let c = 0;
        for (let k = 0; k < P; k++) if (s[r * (P + 1) + k]! > s[r * (P + 1) + c]!) c = k;
        const d = Math.abs((c % W) - GOAL.x) + Math.abs(Math.floor(c / W) - GOAL.y);
        out[r] = Math.max(0, 1 - d / FAR);
      }
      return out;
    },
  } as unknown as ThoughtAssessors;
}

function makePlanner(over: Partial<LearnerConfig['planner']>): Planner {
  const cfg = learnerConfig({ planner: over }).planner;
  return new Planner(exactModel(cfg.candidates), goalAssessor(cfg.candidates), cfg, { start: 0, len: P });
}

/** Whether the plan kept reaches the goal within the horizon (the optimum: 6 steps, none wasted). */
function reaches(plan: Int32Array): boolean {
  let x = START.x,
    y = START.y;
  for (const a of plan) {
    x = Math.min(W - 1, Math.max(0, x + DX[a]!));
    y = Math.min(W - 1, Math.max(0, y + DY[a]!));
  }
  return x === GOAL.x && y === GOAL.y;
}

/** Fraction of fresh plans (new planner, new random stream) whose kept plan is optimal. */
function optimalRate(over: Partial<LearnerConfig['planner']>, trials: number): number {
  const x = new Float32Array(P);
  x[START.y * W + START.x] = 1;
  const h = new Float32Array(1);
  let hit = 0;
  for (let t = 0; t < trials; t++) {
    const p = makePlanner(over);
    const out: PlanResult = { action: -1, bestScore: 0, spread: 0, imagined: new Float32Array(1) };
    p.plan(x, h, new Rng(1000 + t), out);
    if (reaches(p.bestPlan)) hit++;
  }
  return hit / trials;
}

test('cross-entropy rounds find the known best plan more often as compute grows', () => {
  const trials = 200;
  const rates = [1, 2, 4, 8].map((iterations) => optimalRate({ iterations, horizon: 6 }, trials));
  // Random shooting (one round of 32 sticky candidates) rarely holds one of the 20 optimal sequences.
  assert.ok(rates[0]! < 0.5, `random shooting: ${rates.join(', ')}`);
  // Each doubling of the rounds helps (beyond a binomial standard error of the difference at n = 200).
  for (let i = 1; i < rates.length; i++)
    assert.ok(rates[i]! >= rates[i - 1]!, `rates must not fall with compute: ${rates.join(', ')}`);
  assert.ok(rates[3]! - rates[0]! > 0.3, `8 rounds vs 1: ${rates.join(', ')}`);
  assert.ok(rates[3]! > 0.9, `8 rounds: ${rates.join(', ')}`);
});

test('one round is random shooting exactly: the same plan and the same random draws as before', () => {
  const x = new Float32Array(P);
  x[START.y * W + START.x] = 1;
  const h = new Float32Array(1);
  const a = makePlanner({}),
    b = makePlanner({ iterations: 1, elites: 3, smoothing: 0.9 });
  const ra = new Rng(7),
    rb = new Rng(7);
  const out = () => ({ action: -1, bestScore: 0, spread: 0, imagined: new Float32Array(1) });
  for (let t = 0; t < 5; t++) {
    const oa = a.plan(x, h, ra, out()),
      ob = b.plan(x, h, rb, out());
    assert.deepEqual([oa.action, oa.bestScore, oa.spread], [ob.action, ob.bestScore, ob.spread]);
  }
  assert.deepEqual(ra.state(), rb.state(), 'elites and smoothing draw nothing when there is one round');
});

test('the abstention spread is the first round’s: a converged search still acts when a plan is preferred', () => {
  const x = new Float32Array(P);
  x[START.y * W + START.x] = 1;
  const p = makePlanner({ iterations: 8 });
  const o = p.plan(x, new Float32Array(1), new Rng(3), {
    action: -1,
    bestScore: 0,
    spread: 0,
    imagined: new Float32Array(1),
  });
  assert.ok(o.spread > 0.1, `spread ${o.spread}`);
  assert.ok(
    o.action === 2 || o.action === 4,
    `first move of an optimal plan is down or right, got ${o.action}`,
  );
});

test('bad search settings are refused with the key named', () => {
  for (const [over, re] of [
    [{ iterations: 0 }, /planner\.iterations/],
    [{ iterations: 1.5 }, /planner\.iterations/],
    [{ elites: 0 }, /planner\.elites/],
    [{ elites: 32, iterations: 2 }, /planner\.elites/],
    [{ smoothing: 1 }, /planner\.smoothing/],
    [{ commitment: 1 }, /planner\.commitment/],
    [{ commitment: -0.1 }, /planner\.commitment/],
  ] as const)
    assert.throws(() => makePlanner(over), re);
  // With one round the elites are unused: a small planner (fewer candidates than elites) is fine.
  assert.doesNotThrow(() => makePlanner({ candidates: 4 }));
});

/**
 * Two goals three cells left and right of the start, worth the same but for a hair that flips side
 * every tick — as a learned model's small errors move with every new real moment. Undiscounted, both
 * stay within the horizon whichever way the agent stepped, so without commitment the planner follows the
 * hair and dithers; with it, it carries out the plan it has.
 */
function flickeringGoals(N: number, favourRight: () => boolean): ThoughtAssessors {
  const out = new Float32Array(N);
  const L = { x: 1, y: 4 },
    R = { x: 7, y: 4 };
  return {
    specs: [{ name: 'good', kind: 'truth', valence: 1 }],
    assess(s: Float32Array, n: number) {
      for (let r = 0; r < n; r++) {
        let c = 0;
        for (let k = 0; k < P; k++) if (s[r * (P + 1) + k]! > s[r * (P + 1) + c]!) c = k;
        const x = c % W,
          y = Math.floor(c / W);
        const at = (g: { x: number; y: number }) => x === g.x && y === g.y;
        out[r] = at(L) ? (favourRight() ? 1 : 1.05) : at(R) ? (favourRight() ? 1.05 : 1) : 0;
      }
      return out;
    },
  } as unknown as ThoughtAssessors;
}

/** Walk `ticks` ticks by the planner's actions from the middle of row 4; returns the cells visited. */
function walk(commitment: number, ticks: number, seed: number): number[] {
  const cfg = learnerConfig({ planner: { commitment, gamma: 1 } }).planner;
  let tick = 0;
  const p = new Planner(
    exactModel(cfg.candidates),
    flickeringGoals(cfg.candidates, () => tick % 2 === 1),
    cfg,
    { start: 0, len: P },
  );
  const rng = new Rng(seed);
  let x0 = 4;
  const y0 = 4;
  const xs: number[] = [];
  for (; tick < ticks; tick++) {
    const x = new Float32Array(P);
    x[y0 * W + x0] = 1;
    const o = p.plan(x, new Float32Array(1), rng, {
      action: -1,
      bestScore: 0,
      spread: 0,
      imagined: new Float32Array(1),
    });
    if (o.action === 3) x0 = Math.max(0, x0 - 1);
    if (o.action === 4) x0 = Math.min(W - 1, x0 + 1);
    xs.push(x0);
  }
  return xs;
}

test('commitment: a plan is carried out when the favourite flickers by a hair; without it the planner dithers', () => {
  const reached = (xs: number[]) => xs.some((x) => x === 1 || x === 7);
  let free = 0,
    kept = 0;
  const seeds = 40;
  for (let s = 0; s < seeds; s++) {
    if (reached(walk(0, 8, s))) free++;
    if (reached(walk(0.2, 8, s))) kept++;
  }
  // Three steps away, eight ticks to go: a planner that holds a course arrives.
  assert.ok(kept >= 0.9 * seeds, `with commitment 0.2, a goal reached on ${kept} of ${seeds}`);
  assert.ok(free <= 0.5 * seeds, `without commitment, a goal reached on ${free} of ${seeds}`);
});
