import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CoinFlip,
  Corridor,
  Dict,
  Box,
  Discrete,
  FlattenObservation,
  OrderEnforcing,
  OrderEnforcingError,
  RecordEpisodeStatistics,
  TimeLimit,
  TransformReward,
  UnknownEnvError,
  make,
  register,
  deregister,
  registry,
  type EpisodeStatistics,
  type Env,
} from '../src/envs/index.js';

test('seeding: same reset seed → same trajectory; reset() without seed continues the stream', () => {
  const run = (seed: number) => {
    const env = new CoinFlip({ flips: 5 });
    const obs: number[] = [env.reset({ seed }).observation];
    for (let ep = 0; ep < 3; ep++) {
      for (let t = 0; t < 5; t++) obs.push(env.step(1).observation);
      obs.push(env.reset().observation);
    }
    return obs;
  };
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3), run(4));
  // Episodes after an unseeded reset differ from the first one (stream continues, not restarted).
  const r = run(3);
  assert.notDeepEqual(r.slice(0, 6), r.slice(6, 12));
});

test('TimeLimit sets truncated (not terminated) on the limit step and resets its counter', () => {
  const env = new TimeLimit(new Corridor({ length: 10 }), 3);
  env.reset();
  const r1 = env.step(0),
    r2 = env.step(0),
    r3 = env.step(0);
  assert.deepEqual([r1.truncated, r2.truncated, r3.truncated], [false, false, true]);
  assert.equal(r3.terminated, false);
  env.reset();
  assert.equal(env.elapsedSteps, 0);
  assert.equal(env.step(1).truncated, false);
  // Reaching the goal exactly on the limit step: both flags, as in Gymnasium.
  const e2 = new TimeLimit(new Corridor({ length: 3 }), 2);
  e2.reset();
  e2.step(1);
  const last = e2.step(1);
  assert.deepEqual([last.terminated, last.truncated], [true, true]);
});

test('OrderEnforcing: step/render before reset throw one clear line', () => {
  const env = new OrderEnforcing(new Corridor());
  assert.throws(
    () => env.step(1),
    (e: unknown) =>
      e instanceof OrderEnforcingError &&
      e.message === 'Cannot call step() before reset(): call env.reset() first.',
  );
  assert.throws(() => env.render(), /^OrderEnforcingError: Cannot call render\(\) before reset\(\)/);
  env.reset();
  assert.equal(env.step(1).reward, -1);
  assert.equal(env.render(), '.A..G');
  // make() installs it too.
  assert.throws(() => make('toy/Corridor-v0').step(0), OrderEnforcingError);
});

test('RecordEpisodeStatistics: info.episode = {r, l, t} only on the last step of each episode', () => {
  const env = new RecordEpisodeStatistics(new TimeLimit(new Corridor({ length: 4 }), 5));
  env.reset();
  // right, left, right, right, right → reaches cell 3 on step 5: rewards -1 -1 -1 -1 +10.
  const rs = [1, 0, 1, 1, 1].map((a) => env.step(a));
  for (const r of rs.slice(0, 4)) assert.equal('episode' in r.info, false);
  const ep = rs[4]!.info.episode as EpisodeStatistics;
  assert.equal(ep.r, 6);
  assert.equal(ep.l, 5);
  assert.ok(typeof ep.t === 'number' && ep.t >= 0);
  // Second episode cut by the time limit: five lefts, return -5.
  env.reset();
  let last: ReturnType<typeof env.step> | undefined;
  for (let i = 0; i < 5; i++) last = env.step(0);
  assert.equal(last!.truncated, true);
  assert.deepEqual(
    { r: (last!.info.episode as EpisodeStatistics).r, l: (last!.info.episode as EpisodeStatistics).l },
    { r: -5, l: 5 },
  );
  assert.deepEqual(env.returnQueue, [6, -5]);
  assert.deepEqual(env.lengthQueue, [5, 5]);
  assert.equal(env.episodeCount, 2);
});

test('wrappers forward spaces, metadata, steering channel, and only when present', () => {
  const env = make('toy/Corridor-v0', { length: 3 });
  assert.equal(String(env.observationSpace), 'Box(0, 2, [1], f32)');
  assert.deepEqual(env.metadata, { renderModes: ['ansi'] });
  env.reset();
  env.step(1);
  env.step(1);
  assert.deepEqual(env.steeringChannel?.(), { atGoal: true });
  assert.equal(new TimeLimit(new CoinFlip(), 3).steeringChannel, undefined);
  assert.equal(String(env), 'TimeLimit<OrderEnforcing<PassiveEnvChecker<Corridor>>>');
  assert.equal(env.render(), '..A');
  assert.ok(env.unwrapped instanceof Corridor);
  assert.equal(env.spec.id, 'toy/Corridor-v0');
  const scaled = new TransformReward(new Corridor(), (r) => r * 2);
  scaled.reset();
  assert.equal(scaled.step(1).reward, -2);
});

test('FlattenObservation: Dict observation → flat Box, Discrete parts one-hot', () => {
  class DictEnv implements Env<{ cell: number; v: Float32Array }, number> {
    observationSpace = new Dict({ v: new Box(-1, 1, [2]), cell: new Discrete(3) });
    actionSpace = new Discrete(2);
    metadata = {};
    private c = 0;
    reset() {
      this.c = 0;
      return { observation: { cell: this.c, v: Float32Array.of(0.5, -0.5) }, info: {} };
    }
    step(a: number) {
      this.c = Math.min(2, this.c + a);
      return {
        observation: { cell: this.c, v: Float32Array.of(0, 1) },
        reward: 0,
        terminated: false,
        truncated: false,
        info: {},
      };
    }
  }
  const env = new FlattenObservation(new DictEnv());
  assert.equal(String(env.observationSpace), 'Box([0, 0, 0, -1, -1], 1, [5], f32)');
  assert.deepEqual(Array.from(env.reset().observation), [1, 0, 0, 0.5, -0.5]);
  const o = env.step(1).observation;
  assert.deepEqual(Array.from(o), [0, 1, 0, 0, 1]);
  assert.ok(env.observationSpace.contains(o));
});

test('make: maxEpisodeSteps from spec, overridable, null disables; kwargs validated by schema', () => {
  const env = make('toy/Corridor-v0', { length: 40 });
  env.reset();
  let r: ReturnType<typeof env.step>;
  let n = 0;
  do {
    r = env.step(0);
    n++;
  } while (!r.truncated);
  assert.equal(n, 50);
  const short = make('toy/Corridor-v0', { maxEpisodeSteps: 2 });
  short.reset();
  short.step(0);
  assert.equal(short.step(0).truncated, true);
  const unlimited = make('toy/Corridor-v0', { maxEpisodeSteps: null });
  unlimited.reset();
  for (let i = 0; i < 60; i++) assert.equal(unlimited.step(0).truncated, false);
  assert.throws(
    () => make('toy/Corridor-v0', { lenght: 3 }),
    /^EnvOptionsError: make\("toy\/Corridor-v0"\): bad options: .*"lenght"/,
  );
  assert.throws(() => make('toy/CoinFlip-v0', { p: 2 }), /bad options: p: /);
});

test('make of an unknown id: UnknownEnvError naming the id and the nearest registered ids', () => {
  const check = (id: string, expected: string[]) => {
    try {
      make(id);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof UnknownEnvError);
      assert.equal(e.id, id);
      assert.deepEqual(e.suggestions, expected);
      assert.ok(e.message.includes(`"${id}"`));
      for (const s of expected) assert.ok(e.message.includes(`"${s}"`));
    }
  };
  check('toy/Coridor-v0', ['toy/Corridor-v0']);
  check('toy/Corridor-v3', ['toy/Corridor-v0']);
  check('Corridor-v0', ['toy/Corridor-v0']);
  check('toy/CoinFlip', ['toy/CoinFlip-v0']);
  assert.throws(
    () => make('physics/Pendulum-v1'),
    (e: unknown) =>
      e instanceof UnknownEnvError &&
      /No environment registered with id "physics\/Pendulum-v1"\. See registry\(\)/.test(e.message),
  );
});

test('register/registry: listing, duplicate ids, malformed ids', () => {
  const ids = registry().map((e) => e.id);
  assert.ok(ids.includes('toy/Corridor-v0') && ids.includes('toy/CoinFlip-v0'));
  assert.ok(registry().every((e) => e.description.length > 0));
  const entryPoint = () => new CoinFlip();
  register({ id: 'test/Tmp-v0', entryPoint, description: 'temporary' });
  register({ id: 'test/Tmp-v0', entryPoint, description: 'temporary' });
  assert.throws(
    () => register({ id: 'test/Tmp-v0', entryPoint: () => new CoinFlip(), description: 'x' }),
    /already registered/,
  );
  assert.throws(
    () => register({ id: 'bad id!', entryPoint, description: 'x' }),
    /Malformed environment id "bad id!"/,
  );
  assert.ok(deregister('test/Tmp-v0'));
});
