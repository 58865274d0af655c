import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIXATE,
  HarlowTask,
  InformativeArmBandit,
  KArmedBandit,
  LEFT,
  RIGHT,
  TwoArmedDependentBandit,
  TwoArmedIndependentBandit,
  TwoStepTask,
  VolatileBandit,
  harlowPools,
  type MetaRLTask,
} from '../src/envs/metarl/index.js';
import { checkEnv, make, registry } from '../src/envs/index.js';
import type { Info } from '../src/envs/core.js';
import { Rng } from '../src/math/rng.js';

const factories: [string, () => MetaRLTask, number][] = [
  ['independent', () => new TwoArmedIndependentBandit(), 100],
  ['dependent', () => new TwoArmedDependentBandit({ difficulty: 'medium' }), 100],
  ['k-armed', () => new KArmedBandit({ arms: 5, trials: 10 }), 10],
  ['volatile', () => new VolatileBandit(), 200],
  ['informative', () => new InformativeArmBandit(), 5],
  ['two-step', () => new TwoStepTask(), 200],
  ['two-step-1', () => new TwoStepTask({ stepsPerTrial: 1 }), 100],
  ['harlow', () => new HarlowTask({ poolSize: 1000 }), 12],
  [
    'harlow-chosen-binary',
    () => new HarlowTask({ poolSize: 1000, feedback: 'chosen', features: 'binary', featureDim: 12 }),
    12,
  ],
];

function rollout(env: MetaRLTask, seed: number, policy: (rng: Rng) => number) {
  const rng = new Rng(seed + 1000);
  const first = env.reset({ seed });
  const obs: number[][] = [Array.from(first.observation)];
  const rewards: number[] = [];
  const infos: Info[] = [first.info];
  for (;;) {
    const r = env.step(policy(rng));
    obs.push(Array.from(r.observation));
    rewards.push(r.reward);
    infos.push(r.info);
    assert.equal(r.truncated, false);
    if (r.terminated) break;
  }
  return { obs, rewards, infos };
}

test('every task: observation layout, spaces, fixed episode length, termination, errors', () => {
  for (const [name, f, steps] of factories) {
    const env = f();
    const L = env.layout;
    const n = env.actionSpace.n;
    assert.equal(L.size, L.taskSize + n + 2, name);
    assert.equal(env.observationSpace.shape[0], L.size, name);
    assert.throws(() => env.step(0), /before reset/, name);
    const { observation } = env.reset({ seed: 1 });
    assert.ok(env.observationSpace.contains(observation), `${name}: reset observation outside the space`);
    for (let i = L.prevActionOffset; i <= L.timeIndex; i++)
      assert.equal(observation[i], 0, `${name}: meta slots zero after reset`);
    // Harlow: always fixate then pick left, so the episode has its full length.
    const pol = name.startsWith('harlow')
      ? (() => {
          let k = 0;
          return () => (k++ % 2 === 0 ? FIXATE : LEFT);
        })()
      : (rng: Rng) => rng.int(n);
    const { obs, rewards, infos } = rollout(env, 3, pol);
    assert.equal(rewards.length, steps, `${name}: steps per episode`);
    for (const o of obs)
      assert.ok(
        env.observationSpace.contains(Float32Array.from(o)),
        `${name}: observation outside the space`,
      );
    assert.equal(obs[obs.length - 1]![L.timeIndex], 1, `${name}: time feature ends at 1`);
    // Previous action / reward are echoed.
    for (let k = 1; k < obs.length; k++) {
      const o = obs[k]!;
      const oneHot = o.slice(L.prevActionOffset, L.prevActionOffset + n);
      assert.equal(
        oneHot.reduce((a, b) => a + b),
        1,
        name,
      );
      assert.ok(Math.abs(o[L.prevRewardIndex]! - rewards[k - 1]!) < 1e-6, name);
      assert.equal(typeof infos[k]!['trial'], 'number', name);
    }
    assert.throws(() => env.step(0), /after the episode ended/, name);
    env.reset();
    assert.throws(() => env.step(n), /action must be an integer/, name);
    assert.throws(() => env.step(0.5), /action must be an integer/, name);
  }
});

test('every task: the same seed reproduces the episode bit for bit; resets continue the stream', () => {
  for (const [name, f] of factories) {
    const pol = (rng: Rng) => rng.int(f().actionSpace.n);
    const a = rollout(f(), 7, pol),
      b = rollout(f(), 7, pol),
      c = rollout(f(), 8, pol);
    assert.deepEqual(a, b, name);
    assert.notDeepEqual(a, c, name);
    const env = f();
    const i1 = env.reset({ seed: 5 }).info;
    const i2 = env.reset().info;
    const again = f();
    assert.deepEqual(again.reset({ seed: 5 }).info, i1, name);
    if (name !== 'two-step' && name !== 'two-step-1')
      assert.notDeepEqual(i1, i2, `${name}: a new task each reset`);
  }
});

test('all tasks are registered and pass the env checker through make()', () => {
  const ids = registry()
    .map((e) => e.id)
    .filter((id) => id.startsWith('metarl/'));
  assert.deepEqual(ids.sort(), [
    'metarl/Harlow-v0',
    'metarl/InformativeArm-v0',
    'metarl/KArmed-v0',
    'metarl/TwoArmedDependent-v0',
    'metarl/TwoArmedIndependent-v0',
    'metarl/TwoStep-v0',
    'metarl/VolatileBandit-v0',
  ]);
  for (const id of ids) {
    const env = make(id, id === 'metarl/Harlow-v0' ? { poolSize: 100 } : {});
    checkEnv(env);
    assert.equal(env.metadata?.['trials'] !== undefined, true, id);
  }
  const k = make<Float32Array, number>('metarl/KArmed-v0', { arms: 10, trials: 10 });
  assert.equal((k.actionSpace as unknown as { n: number }).n, 10);
  assert.throws(() => make('metarl/TwoArmedDependent-v0', { difficulty: 'impossible' }), /difficulty/);
});

test('bandit info: probs, regret increment, optimal flag; fixed probs via options', () => {
  const env = new TwoArmedIndependentBandit();
  const { info } = env.reset({ seed: 1, options: { probs: [0.3, 0.7] } });
  assert.deepEqual(info['probs'], [0.3, 0.7]);
  assert.equal(info['bestArm'], 1);
  const s0 = env.step(0).info;
  assert.ok(Math.abs((s0['regret'] as number) - 0.4) < 1e-12);
  assert.equal(s0['optimal'], false);
  const s1 = env.step(1).info;
  assert.equal(s1['regret'], 0);
  assert.equal(s1['optimal'], true);
  // Reward frequency follows the arm mean.
  let wins = 0;
  env.reset({ options: { probs: [0.3, 0.7] } });
  for (let ep = 0; ep < 50; ep++) {
    env.reset({ options: { probs: [0.3, 0.7] } });
    for (let t = 0; t < 100; t++) wins += env.step(1).reward;
  }
  assert.ok(Math.abs(wins / 5000 - 0.7) < 0.03, String(wins / 5000));
  assert.throws(() => env.reset({ options: { probs: [0.3] } }), /probabilities/);
});

test('dependent bandit: p2 = 1 − p1 and the difficulty supports', () => {
  for (const [d, support] of [
    ['easy', [0.1, 0.9]],
    ['medium', [0.25, 0.75]],
    ['hard', [0.4, 0.6]],
  ] as const) {
    const env = new TwoArmedDependentBandit({ difficulty: d });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const p = env.reset(i === 0 ? { seed: 2 } : {}).info['probs'] as number[];
      assert.ok(Math.abs(p[0]! + p[1]! - 1) < 1e-12);
      seen.add(p[0]!);
    }
    assert.deepEqual([...seen].sort(), [...support], d);
  }
  const u = new TwoArmedDependentBandit();
  let mean = 0;
  for (let i = 0; i < 2000; i++) {
    const p = u.reset(i === 0 ? { seed: 3 } : {}).info['probs'] as number[];
    assert.equal(p[1], 1 - p[0]!);
    mean += p[0]! / 2000;
  }
  assert.ok(Math.abs(mean - 0.5) < 0.03);
});

test('k-armed bandit: k arm means ~ U(0,1)', () => {
  for (const k of [5, 10]) {
    const env = new KArmedBandit({ arms: k, trials: 100 });
    let m = 0;
    for (let i = 0; i < 500; i++) {
      const p = env.reset(i === 0 ? { seed: k } : {}).info['probs'] as number[];
      assert.equal(p.length, k);
      for (const x of p) m += x / (500 * k);
    }
    assert.ok(Math.abs(m - 0.5) < 0.02);
  }
});

test('volatile bandit: stable blocks never reverse, volatile blocks reverse every 20–30 trials', () => {
  const env = new VolatileBandit();
  const B = env.blockLength;
  assert.equal(B, 100);
  let startsVolatile = 0;
  for (let ep = 0; ep < 100; ep++) {
    const r = env.reset(ep === 0 ? { seed: 4 } : {});
    if (r.info['startVolatile']) startsVolatile++;
    let lastRev = -1;
    const perBlock = [0, 0];
    for (let t = 0; t < 200; t++) {
      const info = env.step(0).info;
      const vol = info['volatile'] as boolean;
      assert.equal(vol, env.isVolatile(t));
      assert.equal(Math.floor(t / B) % 2 === 0, vol === (r.info['startVolatile'] as boolean));
      assert.equal(info['block'], Math.floor(t / B));
      const probs = info['probs'] as number[];
      assert.equal(probs[info['goodArm'] as number], 0.8);
      assert.equal(probs[1 - (info['goodArm'] as number)], 1 - 0.8);
      if (info['reversal']) {
        assert.ok(vol, 'reversal in a stable block');
        const since = lastRev >= 0 && Math.floor(lastRev / B) === Math.floor(t / B) ? t - lastRev : t % B;
        assert.ok(since >= 20 && since <= 30, `reversal after ${since} trials`);
        lastRev = t;
        perBlock[Math.floor(t / B)]!++;
      }
    }
    const volBlock = r.info['startVolatile'] ? 0 : 1;
    assert.ok(perBlock[volBlock]! >= 3 && perBlock[volBlock]! <= 4, `reversals ${perBlock[volBlock]}`);
    assert.equal(perBlock[1 - volBlock], 0);
  }
  assert.ok(startsVolatile > 30 && startsVolatile < 70);
  assert.equal(env.reset({ options: { startVolatile: true } }).info['volatile'], true);
});

test('informative-arm bandit: payoffs, and the optimal strategy earns 20.55 on average', () => {
  const env = new InformativeArmBandit();
  let total = 0;
  for (let target = 0; target < 10; target++) {
    const info = env.reset({ seed: 1, options: { target } }).info;
    const pay = info['payoffs'] as number[];
    assert.equal(pay.filter((x) => x === 1.1).length, 9);
    assert.equal(pay[target], 5);
    // Informative arm reveals the target: reward / 0.1 − 1.
    const r0 = env.step(InformativeArmBandit.INFORMATIVE).reward;
    const decoded = Math.round(r0 / 0.1) - 1;
    assert.equal(decoded, target);
    total += r0;
    for (let k = 0; k < 4; k++) {
      const s = env.step(decoded);
      assert.equal(s.info['optimal'], true);
      total += s.reward;
    }
  }
  assert.ok(Math.abs(total / 10 - InformativeArmBandit.OPTIMUM) < 1e-9, String(total / 10));
});

test('reward population code (rewardCode): appended after the time index, a function of the previous reward only', () => {
  const plain = new InformativeArmBandit();
  const coded = new InformativeArmBandit({ rewardCode: 21 });
  const L = coded.layout,
    P = plain.layout;
  // The documented slots keep their offsets; the code comes after them.
  for (const k of ['taskOffset', 'taskSize', 'prevActionOffset', 'prevRewardIndex', 'timeIndex'] as const)
    assert.equal(L[k], P[k], k);
  assert.equal(P.rewardCodeSize, 0);
  assert.equal(L.rewardCodeOffset, P.size);
  assert.equal(L.rewardCodeSize, 21);
  assert.equal(L.size, P.size + 21);
  assert.equal(coded.observationSpace.shape[0], L.size);
  const rng = new Rng(3);
  for (let ep = 0; ep < 20; ep++) {
    const a = plain.reset({ seed: ep }),
      b = coded.reset({ seed: ep });
    assert.deepEqual(b.info, a.info, 'same task draw');
    assert.deepEqual(
      Array.from(b.observation.subarray(0, P.size)),
      Array.from(a.observation),
      'same leading observation',
    );
    assert.ok(
      b.observation.subarray(L.rewardCodeOffset).every((x) => x === 0),
      'code zero after reset',
    );
    for (let t = 0; t < 5; t++) {
      const act = rng.int(11);
      const sa = plain.step(act),
        sb = coded.step(act);
      assert.equal(sb.reward, sa.reward);
      assert.deepEqual(
        Array.from(sb.observation.subarray(0, P.size)),
        Array.from(sa.observation),
        'raw reward and the rest unchanged',
      );
      assert.ok(coded.observationSpace.contains(sb.observation));
      // Unit k: Gaussian tuning curve centred at 5k/20 (the declared reward range [0, 5]) with width 0.25.
      for (let k = 0; k < 21; k++) {
        const want = Math.exp(-0.5 * ((sb.reward - 0.25 * k) / 0.25) ** 2);
        assert.ok(Math.abs(sb.observation[L.rewardCodeOffset + k]! - want) < 1e-6, `unit ${k}`);
      }
    }
  }
  assert.throws(() => new InformativeArmBandit({ rewardCode: 1 }), /rewardCode/);
  assert.throws(() => new InformativeArmBandit({ rewardCode: 2.5 }), /rewardCode/);
  assert.equal(
    (make('metarl/InformativeArm-v0', { rewardCode: 5 }).unwrapped as MetaRLTask).layout.size,
    P.size + 5,
  );
});

test('two-step: common transitions ≈ 0.8, reward probabilities 0.9/0.1, swap rate ≈ 0.025', () => {
  const env = new TwoStepTask();
  const rng = new Rng(1);
  let trials = 0,
    common = 0,
    swaps = 0,
    rewardedGood = 0,
    good = 0,
    rewardedBad = 0,
    bad = 0;
  for (let ep = 0; ep < 200; ep++) {
    const r0 = env.reset(ep === 0 ? { seed: 6 } : {});
    assert.deepEqual((r0.info['rewardProbs'] as number[]).slice().sort(), [0.1, 0.9]);
    assert.deepEqual(Array.from(r0.observation.subarray(0, 3)), [1, 0, 0]);
    for (let t = 0; t < 100; t++) {
      const a = rng.int(2);
      const s1 = env.step(a);
      assert.equal(s1.reward, 0);
      assert.equal(s1.info['stage'], 1);
      const s2 = s1.info['state2'] as number;
      assert.equal(s2 === a, s1.info['transition'] === 'common');
      assert.equal(s1.observation[1 + s2], 1, 'second-stage state shown');
      const st = env.step(rng.int(2));
      assert.equal(st.info['trialEnd'], true);
      assert.equal(st.info['state2'], s2);
      trials++;
      if (s1.info['common']) common++;
      if (st.info['swapped']) swaps++;
      const p = (st.info['rewardProbs'] as number[])[s2]!;
      if (p === 0.9) {
        good++;
        rewardedGood += st.reward;
      } else {
        bad++;
        rewardedBad += st.reward;
      }
      assert.equal(st.observation[0], 1, 'back at the first stage');
    }
  }
  // 20 000 trials: sd(common rate) ≈ 0.0028, sd(swap rate) ≈ 0.0011.
  assert.ok(Math.abs(common / trials - 0.8) < 0.015, String(common / trials));
  assert.ok(Math.abs(swaps / trials - 0.025) < 0.006, String(swaps / trials));
  assert.ok(Math.abs(rewardedGood / good - 0.9) < 0.015);
  assert.ok(Math.abs(rewardedBad / bad - 0.1) < 0.015);
});

test('Harlow: pools are large, deterministic and disjoint', () => {
  const p = harlowPools(0x4a71, 1000, 8);
  assert.equal(p.train.length, 1000);
  assert.equal(p.eval.length, 1000);
  const key = (v: Float32Array) => Array.from(v).join(',');
  const train = new Set(p.train.map(key));
  assert.equal(train.size, 1000);
  for (const v of p.eval) assert.ok(!train.has(key(v)));
  const again = harlowPools(0x4a71, 1000, 8);
  assert.deepEqual(again.eval[17], p.eval[17]);
  const other = harlowPools(0x1234, 1000, 8);
  assert.notDeepEqual(other.train[0], p.train[0]);
});

test('Harlow: fixation then choice, one object rewarded all episode, sides shuffled', () => {
  const env = new HarlowTask();
  const L = env.layout,
    d = env.featureDim;
  let leftIsRewarded = 0,
    choices = 0;
  for (let ep = 0; ep < 300; ep++) {
    const pool = ep % 2 === 0 ? 'train' : 'eval';
    const r = env.reset(ep === 0 ? { seed: 9, options: { pool } } : { options: { pool } });
    assert.equal(r.info['pool'], pool);
    const [a, b] = r.info['objects'] as [number, number];
    assert.notEqual(a, b);
    const rewarded = r.info['rewardedObject'] as number;
    assert.ok(rewarded === a || rewarded === b);
    let obs = r.observation;
    for (let t = 0; t < 6; t++) {
      // Fixation step: cue on, objects hidden.
      assert.equal(obs[0], 1);
      for (let i = 1; i < L.taskSize; i++) assert.equal(obs[i], 0);
      const f = env.step(FIXATE);
      assert.equal(f.reward, 0);
      assert.equal(f.info['phase'], 'fixation');
      assert.equal(f.info['trial'], t);
      obs = f.observation;
      assert.equal(obs[0], 0);
      const left = f.info['left'] as number;
      const right = left === a ? b : a;
      assert.deepEqual(Array.from(obs.subarray(1, 1 + d)), Array.from(env.object(pool, left)));
      assert.deepEqual(Array.from(obs.subarray(1 + d, 1 + 2 * d)), Array.from(env.object(pool, right)));
      if (left === rewarded) leftIsRewarded++;
      choices++;
      const c = env.step(t % 2 === 0 ? LEFT : RIGHT);
      assert.equal(c.info['rewardedObject'], rewarded);
      const picked = t % 2 === 0 ? left : right;
      assert.equal(c.info['correct'], picked === rewarded);
      assert.equal(c.reward, picked === rewarded ? 1 : 0);
      obs = c.observation;
      assert.equal(c.terminated, t === 5);
    }
  }
  assert.ok(Math.abs(leftIsRewarded / choices - 0.5) < 0.04, String(leftIsRewarded / choices));
  // Breaking fixation aborts the trial with reward 0 and no choice step.
  env.reset();
  const br = env.step(RIGHT);
  assert.equal(br.reward, 0);
  assert.equal(br.info['aborted'], true);
  assert.equal(br.info['correct'], false);
  assert.equal(br.observation[0], 1);
  assert.equal(br.observation[L.timeIndex], Math.fround(1 / 6));
  // Choosing FIXATE at the choice step counts as incorrect.
  env.step(FIXATE);
  const nc = env.step(FIXATE);
  assert.equal(nc.info['correct'], false);
  assert.equal(nc.info['chosen'], null);
  assert.throws(() => env.reset({ options: { pool: 'test' } }), /pool/);
});

test('Harlow: binary features are ±1, pools disjoint; too few bits for two pools is an error', () => {
  const p = harlowPools(0x4a71, 1000, 12, 'binary');
  const key = (v: Float32Array) => Array.from(v).join(',');
  const train = new Set(p.train.map(key));
  assert.equal(train.size, 1000);
  assert.equal(new Set(p.eval.map(key)).size, 1000);
  for (const v of p.eval) assert.ok(!train.has(key(v)));
  for (const v of [...p.train, ...p.eval]) for (const x of v) assert.ok(x === 1 || x === -1);
  // Distinct from the uniform pools of the same seed and size.
  assert.notDeepEqual(harlowPools(0x4a71, 1000, 12).train[0], p.train[0]);
  assert.throws(() => new HarlowTask({ features: 'binary', featureDim: 10 }), /binary/);
  assert.doesNotThrow(() => new HarlowTask({ features: 'binary', featureDim: 11 }));
});

test('Harlow feedback screens: chosen object (chosen), both objects (objects); choice screens and task unchanged', () => {
  for (const feedback of ['chosen', 'objects'] as const) {
    const env = new HarlowTask({ feedback });
    const L = env.layout,
      d = env.featureDim;
    const slot = (o: Float32Array, side: 0 | 1) => Array.from(o.subarray(1 + side * d, 1 + (side + 1) * d));
    const zeros = Array.from({ length: d }, () => 0);
    let sameLeft = 0,
      n = 0;
    for (let ep = 0; ep < 200; ep++) {
      const pool = ep % 2 === 0 ? 'train' : 'eval';
      const r = env.reset(ep === 0 ? { seed: 3, options: { pool } } : { options: { pool } });
      const [a, b] = r.info['objects'] as [number, number];
      const rewarded = r.info['rewardedObject'] as number;
      let obs = r.observation;
      // The first fixation screen of an episode shows no objects.
      for (let i = 1; i < L.taskSize; i++) assert.equal(obs[i], 0);
      let prevLeft = -1;
      for (let t = 0; t < 6; t++) {
        assert.equal(obs[0], 1);
        const f = env.step(FIXATE);
        obs = f.observation;
        // Choice screen: cue off, both objects, as without feedback.
        assert.equal(obs[0], 0);
        const left = f.info['left'] as number,
          right = left === a ? b : a;
        assert.deepEqual(slot(obs, 0), Array.from(env.object(pool, left)));
        assert.deepEqual(slot(obs, 1), Array.from(env.object(pool, right)));
        // The sides are redrawn every trial, whatever the feedback screen before showed.
        if (prevLeft >= 0) {
          n++;
          if (left === prevLeft) sameLeft++;
        }
        prevLeft = left;
        const act = (ep + t) % 3 === 0 ? RIGHT : LEFT;
        const c = env.step(act);
        const picked = act === LEFT ? left : right;
        assert.equal(c.info['chosen'], picked);
        assert.equal(c.reward, picked === rewarded ? 1 : 0);
        assert.equal(c.info['rewardedObject'], rewarded);
        obs = c.observation;
        assert.equal(c.terminated, t === 5);
        // Feedback = the next fixation screen: cue on, the previous action and reward, and the objects.
        assert.equal(obs[0], 1);
        assert.equal(obs[L.prevActionOffset + act], 1);
        assert.equal(obs[L.prevRewardIndex], c.reward);
        if (feedback === 'objects') {
          assert.deepEqual(slot(obs, 0), Array.from(env.object(pool, left)));
          assert.deepEqual(slot(obs, 1), Array.from(env.object(pool, right)));
        } else {
          assert.deepEqual(slot(obs, act === LEFT ? 0 : 1), Array.from(env.object(pool, picked)));
          assert.deepEqual(slot(obs, act === LEFT ? 1 : 0), zeros);
        }
      }
    }
    assert.ok(Math.abs(sameLeft / n - 0.5) < 0.05, `${feedback}: ${sameLeft}/${n}`);
    // After an aborted trial the fixation screen shows no objects; with 'chosen', nor after choosing nothing.
    env.reset();
    env.step(FIXATE);
    const nothing = env.step(FIXATE);
    assert.equal(nothing.info['chosen'], null);
    if (feedback === 'chosen') for (let i = 1; i < L.taskSize; i++) assert.equal(nothing.observation[i], 0);
    const br = env.step(LEFT);
    assert.equal(br.info['aborted'], true);
    for (let i = 1; i < L.taskSize; i++) assert.equal(br.observation[i], 0);
  }
});
