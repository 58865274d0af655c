import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Box,
  CoinFlip,
  Corridor,
  Dict,
  Discrete,
  SyncVectorEnv,
  TimeLimit,
  TransformObservation,
  Wrapper,
  type Env,
} from '../src/envs/index.js';

/** Records the actions a sub-env actually receives, to prove next-step autoreset ignores them. */
class Spy<O, A> extends Wrapper<O, A> {
  readonly actions: A[] = [];
  resets = 0;
  override reset(opts?: Parameters<Env<O, A>['reset']>[0]) {
    this.resets++;
    return super.reset(opts);
  }
  override step(a: A) {
    this.actions.push(a);
    return super.step(a);
  }
}

interface Row {
  obs: number[];
  rew: number[];
  term: number[];
  trunc: number[];
}

function row(r: {
  observation: Float32Array;
  reward: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
}): Row {
  return {
    obs: Array.from(r.observation),
    rew: Array.from(r.reward),
    term: Array.from(r.terminated),
    trunc: Array.from(r.truncated),
  };
}

// Two length-3 corridors (start 0, goal cell 2): -1 per step, +10 arriving at the goal.
const ACTIONS = [
  [1, 1],
  [1, 0],
  [0, 1],
  [1, 1],
  [1, 1],
];

test('next-step autoreset, step by step: the step after an episode ends resets, returns reward 0 and flags 0, ignores the action', () => {
  const spies = [0, 1].map(() => new Spy(new Corridor({ length: 3 })));
  const v = new SyncVectorEnv(spies.map((s) => () => s));
  assert.equal(v.metadata.autoresetMode, 'next-step');
  assert.deepEqual(Array.from(v.reset().observation), [0, 0]);
  const got = ACTIONS.map((a) => row(v.step(Int32Array.from(a))));
  assert.deepEqual(got, [
    { obs: [1, 1], rew: [-1, -1], term: [0, 0], trunc: [0, 0] },
    { obs: [2, 0], rew: [10, -1], term: [1, 0], trunc: [0, 0] }, // env 0 reaches the goal: final obs returned here
    { obs: [0, 1], rew: [0, -1], term: [0, 0], trunc: [0, 0] }, // env 0 reset, its action 0 ignored
    { obs: [1, 2], rew: [-1, 10], term: [0, 1], trunc: [0, 0] },
    { obs: [2, 0], rew: [10, 0], term: [1, 0], trunc: [0, 0] }, // env 1 reset
  ]);
  assert.deepEqual(spies[0]!.actions, [1, 1, 1, 1]);
  assert.deepEqual(spies[1]!.actions, [1, 0, 1, 1]);
  assert.deepEqual([spies[0]!.resets, spies[1]!.resets], [2, 2]);
});

test('same-step autoreset, step by step: reset inside the ending step, final_obs/final_info in that env’s info', () => {
  const spies = [0, 1].map(() => new Spy(new Corridor({ length: 3 })));
  const v = new SyncVectorEnv(
    spies.map((s) => () => s),
    { autoresetMode: 'same-step' },
  );
  assert.equal(v.metadata.autoresetMode, 'same-step');
  v.reset();
  const results = ACTIONS.map((a) => v.step(a));
  assert.deepEqual(results.map(row), [
    { obs: [1, 1], rew: [-1, -1], term: [0, 0], trunc: [0, 0] },
    { obs: [0, 0], rew: [10, -1], term: [1, 0], trunc: [0, 0] }, // env 0 ended and was reset in this step
    { obs: [0, 1], rew: [-1, -1], term: [0, 0], trunc: [0, 0] }, // its action (0, left at cell 0) was used
    { obs: [1, 0], rew: [-1, 10], term: [0, 1], trunc: [0, 0] },
    { obs: [0, 1], rew: [10, -1], term: [1, 0], trunc: [0, 0] },
  ]);
  const i1 = results[1]!.info;
  assert.deepEqual(Array.from(i1[0]!.final_obs as Float32Array), [2]);
  assert.deepEqual(i1[0]!.final_info, {});
  assert.equal('final_obs' in i1[1]!, false);
  assert.deepEqual(Array.from(results[3]!.info[1]!.final_obs as Float32Array), [2]);
  assert.deepEqual(
    spies[0]!.actions,
    ACTIONS.map((a) => a[0]),
  );
});

test('truncation autoresets like termination in both modes', () => {
  const mk = () => new TimeLimit(new Corridor({ length: 3 }), 2);
  const next = new SyncVectorEnv([mk]);
  next.reset();
  const n = [0, 0, 0, 0].map(() => row(next.step([0])));
  assert.deepEqual(
    n.map((r) => [r.rew[0], r.trunc[0]]),
    [
      [-1, 0],
      [-1, 1],
      [0, 0],
      [-1, 0],
    ],
  );
  const same = new SyncVectorEnv([mk], { autoresetMode: 'same-step' });
  same.reset();
  const s = [0, 0, 0].map(() => same.step([0]));
  assert.deepEqual(
    s.map((r) => [r.reward[0], r.truncated[0], 'final_obs' in r.info[0]!]),
    [
      [-1, 0, false],
      [-1, 1, true],
      [-1, 0, false],
    ],
  );
});

test('vector seeding: reset({seed}) seeds sub-env i with seed + i; reproducible trajectories', () => {
  const run = () => {
    const v = new SyncVectorEnv([0, 1, 2].map(() => () => new CoinFlip({ flips: 3 })));
    const out: number[][] = [Array.from(v.reset({ seed: 10 }).observation)];
    for (let t = 0; t < 8; t++) out.push(Array.from(v.step([1, 0, 1]).observation));
    return out;
  };
  const a = run();
  assert.deepEqual(a, run());
  const singles = [10, 11, 12].map((s) => new CoinFlip({ flips: 3 }).reset({ seed: s }).observation);
  assert.deepEqual(a[0], singles);
  // Per-env seed arrays are accepted too.
  const v = new SyncVectorEnv([0, 1].map(() => () => new CoinFlip()));
  assert.deepEqual(Array.from(v.reset({ seed: [11, 10] }).observation), [singles[1], singles[0]]);
});

test('batch layouts: Box → one flat typed array (row per env), Discrete → Int32Array, others → array', () => {
  const mkBox = () =>
    new TransformObservation(
      new Corridor({ length: 3 }),
      (o: Float32Array) => Float32Array.of(o[0]!, -o[0]!),
      new Box(-2, 2, [2]),
    );
  const vb = new SyncVectorEnv([mkBox, mkBox]);
  assert.equal(String(vb.observationSpace), 'Box(-2, 2, [2, 2], f32)');
  vb.reset();
  const r = vb.step([1, 0]);
  assert.ok(r.observation instanceof Float32Array);
  assert.deepEqual(Array.from(r.observation), [1, -1, 0, -0]);
  assert.ok(vb.observationSpace.contains(r.observation));
  assert.ok(
    r.reward instanceof Float64Array &&
      r.terminated instanceof Uint8Array &&
      r.truncated instanceof Uint8Array,
  );

  const vd = new SyncVectorEnv([() => new CoinFlip(), () => new CoinFlip()]);
  const o = vd.reset({ seed: 0 }).observation;
  assert.ok(o instanceof Int32Array && o.length === 2);
  assert.equal(String(vd.observationSpace), 'MultiDiscrete([2, 2])');
  assert.ok(vd.observationSpace.contains(o));

  class DictEnv implements Env<{ k: number }, number> {
    observationSpace = new Dict({ k: new Discrete(3) });
    actionSpace = new Discrete(2);
    reset() {
      return { observation: { k: 1 }, info: { hello: 1 } };
    }
    step() {
      return { observation: { k: 2 }, reward: 0, terminated: false, truncated: false, info: {} };
    }
  }
  const vo = new SyncVectorEnv([() => new DictEnv(), () => new DictEnv()]);
  const ro = vo.reset();
  assert.deepEqual(ro.observation, [{ k: 1 }, { k: 1 }]);
  assert.deepEqual(ro.info, [{ hello: 1 }, { hello: 1 }]);
  assert.ok(vo.observationSpace.contains(vo.step([0, 1]).observation));
});

test('vector misuse: step before reset, wrong action count, mismatched spaces', () => {
  const v = new SyncVectorEnv([() => new Corridor(), () => new Corridor()]);
  assert.throws(() => v.step([0, 0]), /before reset/);
  v.reset();
  assert.throws(() => v.step([0]), /expected 2 action values for 2 sub-envs, got an array of length 1/);
  assert.throws(
    () => new SyncVectorEnv([() => new Corridor({ length: 3 }), () => new Corridor({ length: 4 })]),
    /sub-env 1 has spaces Box\(0, 3/,
  );
  assert.throws(
    () => new SyncVectorEnv([() => new Corridor()], { autoresetMode: 'sometimes' as never }),
    /autoresetMode must be/,
  );
});
