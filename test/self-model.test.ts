/**
 * The self-model (what is learned by watching another agent after a first touch) and the planner's
 * three ways of imagining its own future with it. The planner runs on exact stand-ins: a corridor one
 * row high, a perfect world model, and one "this is rewarding" assessor that reads 1 on the food cell —
 * so what is tested is how imagination and scoring change with `futureSelf`, not learning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelfModel } from '../src/brain/learning/self-model.js';
import { Planner } from '../src/brain/learning/planner.js';
import type { WorldModel } from '../src/brain/learning/world-model.js';
import type { ThoughtAssessors } from '../src/brain/learning/assessors.js';
import { learnerConfig } from '../src/brain/learning/config.js';

/** A corridor of W cells in one row; features [misty]; the haze at HAZE, the food at FOOD. */
const W = 8;
const F = 1;
const X = W + F;
const HAZE = 3;
const FOOD = 7;
const STAY = 0,
  RIGHT = 4;
const DIMS = { pos: { start: 0, len: W, width: W }, features: { start: W, len: F } };
const CFG = learnerConfig().selfModel;

/** An observation standing in `cell`: misty reads 1 on the haze, 0.8 beside it, else 0. */
function obs(cell: number): Float32Array {
  const x = new Float32Array(X);
  x[cell] = 1;
  const d = Math.abs(cell - HAZE);
  x[W] = d === 0 ? 1 : d === 1 ? 0.8 : 0;
  return x;
}

/** A neighbour walks right from cell 0 onto the haze and stays there `linger` ticks, showing `shown`. */
function watchLinger(sm: SelfModel, linger: number, shown = 3): void {
  for (let c = 0; c <= HAZE; c++) sm.observeOther(obs(c), 0);
  for (let k = 0; k < linger; k++) sm.observeOther(obs(HAZE), shown);
  sm.lostSight();
}

test('self-model: moves are credited to a touch only after it; what the brain touched itself is no news', () => {
  const sm = new SelfModel(DIMS, CFG);
  watchLinger(sm, 5);
  // Before the touch (cells 0..2) nothing is credited; on the haze, five stays.
  assert.equal(sm.predictedMove(1, 1), -1);
  assert.equal(sm.predictedMove(1, HAZE), STAY);
  assert.equal(sm.moves[HAZE * 5 + STAY], 5);
  // The haze cell is where touching happens; beside it (0.8) it is not.
  assert.equal(sm.newTouches(HAZE), 1);
  assert.equal(sm.newTouches(HAZE - 1), 0);
  // Six ticks seen on the haze after the touch: the first showing nothing, then five showing 3.
  assert.equal(sm.predictedPleasure(1, HAZE), 15 / 6);
  // Once the brain has touched it itself, the haze is no first touch.
  sm.observeSelf(obs(HAZE));
  assert.equal(sm.newTouches(HAZE), 0);
});

test('self-model: a lost sight ends the track (the next agent seen starts untouched); evidence threshold holds', () => {
  const sm = new SelfModel(DIMS, { ...CFG, evidence: 3 });
  watchLinger(sm, 2); // two stays seen: below the threshold
  assert.equal(sm.predictedMove(1, HAZE), -1);
  // A new neighbour walks past cell 4 → 5 untouched: nothing credited to the touch.
  sm.observeOther(obs(4), 0);
  sm.observeOther(obs(5), 0);
  assert.equal(sm.moves[5 * 5 + RIGHT]! + sm.moves[4 * 5 + RIGHT]!, 0);
  watchLinger(sm, 2);
  assert.equal(sm.predictedMove(1, HAZE), STAY);
});

test('self-model: state round-trips; a checkpoint without it starts empty', () => {
  const a = new SelfModel(DIMS, CFG);
  watchLinger(a, 4);
  a.observeOther(obs(2), 0); // mid-track
  const b = new SelfModel(DIMS, CFG);
  b.loadState(structuredClone(a.saveState()));
  assert.deepEqual(b.moves, a.moves);
  assert.deepEqual(b.contact, a.contact);
  assert.deepEqual(b.saveState().meta, a.saveState().meta);
  b.loadState({ meta: undefined, tensors: {} });
  assert.equal(
    b.moves.reduce((s, v) => s + v, 0),
    0,
  );
  assert.equal(b.predictedMove(1, HAZE), -1);
  assert.throws(() => new SelfModel(DIMS, { ...CFG, contact: 0 }), /selfModel\.contact/);
});

function exactModel(N: number): WorldModel {
  const out = new Float32Array(N * X);
  return {
    latent: 1,
    xDim: X,
    predict(_h: Float32Array, x: Float32Array, acts: Int32Array, n: number) {
      for (let r = 0; r < n; r++) {
        let c = 0;
        for (let k = 0; k < W; k++) if (x[r * X + k]! > x[r * X + c]!) c = k;
        const a = acts[r]!;
        const nc = Math.min(W - 1, Math.max(0, c + (a === RIGHT ? 1 : a === 3 ? -1 : 0)));
        out.set(obs(nc), r * X);
      }
      return out;
    },
    advance() {},
  } as unknown as WorldModel;
}

/** "This is rewarding" (lead 0): 1 on the food cell. And a value that reads 1 everywhere near it. */
function assessors(N: number): ThoughtAssessors {
  const out = new Float32Array(N * 2);
  return {
    specs: [
      { name: 'reward-now', kind: 'predictor', lead: 0, valence: 1 },
      { name: 'value', kind: 'value', lead: 1, valence: 1 },
    ],
    assess(s: Float32Array, n: number) {
      for (let r = 0; r < n; r++) {
        let c = 0;
        for (let k = 0; k < W; k++) if (s[r * (X + 1) + k]! > s[r * (X + 1) + c]!) c = k;
        out[r * 2] = c === FOOD ? 1 : 0;
        out[r * 2 + 1] = c >= HAZE ? 1 : 0; // the hovering trap: the value is high beside the food too
      }
      return out;
    },
  } as unknown as ThoughtAssessors;
}

function planner(sm: SelfModel): Planner {
  const cfg = learnerConfig({ planner: { horizon: 8, candidates: 4, valueAt: 'peak' } }).planner;
  return new Planner(exactModel(4), assessors(4), cfg, DIMS.pos, undefined, undefined, sm);
}

const straight = Array(8).fill(RIGHT);
const wait = Array(8).fill(STAY);

function judge(sm: SelfModel, fs: 'ignorant' | 'realistic' | 'hedonist') {
  const p = planner(sm);
  p.futureSelf = fs;
  const [go, stay] = p.scoreSequences(obs(0), new Float32Array(1), [straight, wait]);
  const cells = p.imaginedCells(0, new Int32Array(8));
  return { go: go!, stay: stay!, end: cells[7]! };
}

test('planner.futureSelf: realistic imagines staying where the neighbour stayed and scores what happens; hedonist counts the pleasure; ignorant goes on', () => {
  const sm = new SelfModel(DIMS, CFG);
  watchLinger(sm, 10);
  const ign = judge(sm, 'ignorant'),
    real = judge(sm, 'realistic'),
    hed = judge(sm, 'hedonist');
  assert.equal(ign.end, FOOD);
  assert.equal(real.end, HAZE);
  assert.equal(hed.end, HAZE);
  // The ignorant brain reaches the food: going beats waiting. The realistic one imagines itself stuck
  // in the haze, never eating: going is worth no more than waiting (nothing happens in either).
  assert.ok(ign.go > ign.stay);
  assert.ok(real.go <= real.stay + 1e-9, `realistic go ${real.go} vs stay ${real.stay}`);
  // The hedonist imagines the same moves and counts 3 per imagined tick in the haze.
  assert.ok(hed.go > ign.go + 3, `hedonist ${hed.go} vs ignorant ${ign.go}`);
});

test('planner.futureSelf: with nothing watched, realistic and hedonist plan exactly as the ignorant brain', () => {
  const sm = new SelfModel(DIMS, CFG);
  const ign = judge(sm, 'ignorant');
  assert.deepEqual(judge(sm, 'realistic'), ign);
  assert.deepEqual(judge(sm, 'hedonist'), ign);
  assert.throws(() => {
    const p = planner(sm);
    p.futureSelf = 'stoic' as 'ignorant';
  }, /futureSelf/);
});

test('brain/goal-preservation: a world without its rooms, or an unknown futureSelf, exits 2 with one line', async () => {
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { steered } = await import('../test-support/cli.js');
  const root = mkdtempSync(join(tmpdir(), 'steered-goalpres-'));
  const r = steered(
    ['run', 'brain/goal-preservation', '--set', 'world=data/worlds/drug.world', '--json'],
    root,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /drug\.world has no room 'placebo-den'/);
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(join(root, 'runs.db')), 'no database row');
  const fs = steered(
    ['run', 'brain/goal-preservation', '--set', 'learner={"planner":{"futureSelf":"stoic"}}'],
    root,
  );
  assert.equal(fs.code, 2, fs.stderr);
  assert.equal(fs.stderr.trim().split('\n').length, 1, fs.stderr);
  assert.match(fs.stderr, /futureSelf must be one of ignorant, realistic, hedonist, got "stoic"/);
});

test('planner.scoreSequences: one to `candidates` sequences of the horizon, else a RangeError naming the limit', () => {
  const p = planner(new SelfModel(DIMS, CFG));
  const x = obs(0),
    h = new Float32Array(1);
  assert.throws(() => p.scoreSequences(x, h, []), /1 to 4 sequences, got 0/);
  assert.throws(() => p.scoreSequences(x, h, Array(5).fill(straight)), /1 to 4 sequences, got 5/);
  assert.throws(() => p.scoreSequences(x, h, [[RIGHT, RIGHT]]), /length 8, got 2/);
  // Scoring is a pure function of the plans and the models: the same numbers twice.
  assert.deepEqual(p.scoreSequences(x, h, [straight, wait]), p.scoreSequences(x, h, [straight, wait]));
});
