import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Box,
  CoinFlip,
  Corridor,
  Discrete,
  EnvCheckError,
  checkEnv,
  deregister,
  make,
  register,
  type Env,
} from '../src/envs/index.js';
import { Rng } from '../src/math/rng.js';

/** A correct env the broken ones start from: position in Box(0, 4, [1]), random start from the seed. */
class Good implements Env<any, any> {
  observationSpace: any = new Box(0, 4, [1]);
  actionSpace: any = new Discrete(2);
  metadata = {};
  protected rng = new Rng(0);
  protected pos = 0;
  reset(opts: { seed?: number } = {}): any {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.pos = this.rng.int(4);
    return { observation: Float32Array.of(this.pos), info: {} };
  }
  step(a: number): any {
    this.pos = Math.max(0, Math.min(4, this.pos + (a === 1 ? 1 : -1)));
    return {
      observation: Float32Array.of(this.pos),
      reward: this.rng.uniform(),
      terminated: this.pos === 4,
      truncated: false,
      info: {},
    };
  }
}

let leak = 0; // Shared mutable state stands in for hidden global randomness.

function expectCheck(env: Env<any, any>, message: string): void {
  assert.throws(
    () => checkEnv(env),
    (e: unknown) => {
      assert.ok(e instanceof EnvCheckError, `expected EnvCheckError, got ${String(e)}`);
      assert.equal(e.message, message);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    },
  );
}

test('checkEnv passes correct envs with no warnings', () => {
  for (const env of [
    new Good(),
    new Corridor({ randomStart: true, slip: 0.2 }),
    new CoinFlip(),
    make('toy/Corridor-v0'),
  ]) {
    assert.deepEqual(checkEnv(env as Env<any, any>).warnings, []);
  }
});

test('checkEnv explains misuse in one line each', () => {
  expectCheck(
    new (class extends Good {
      override reset(o?: { seed?: number }): any {
        const r = super.reset(o);
        return [r.observation, r.info];
      }
    })(),
    'reset() must return {observation, info}; got an array (a Python-style (obs, info) tuple?)',
  );
  expectCheck(
    new (class extends Good {
      override reset(o?: { seed?: number }): any {
        return { observation: super.reset(o).observation };
      }
    })(),
    "reset() must return {observation, info}; 'info' is missing (return info: {} if there is none)",
  );
  expectCheck(
    new (class extends Good {
      override reset(o?: { seed?: number }): any {
        super.reset(o);
        return { observation: Float64Array.of(this.pos), info: {} };
      }
    })(),
    'reset() observation not in observationSpace Box(0, 4, [1], f32): expected a Float32Array, got a Float64Array',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        const r = super.step(a);
        return { ...r, observation: Float32Array.of(7) };
      }
    })(),
    'step() observation not in observationSpace Box(0, 4, [1], f32): element 0 = 7 outside [0, 4]',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        const r = super.step(a);
        return { ...r, terminated: r.terminated ? 1 : 0 };
      }
    })(),
    'step() returned terminated as a number; it must be boolean',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        const r = super.step(a);
        return { ...r, truncated: undefined };
      }
    })(),
    'step() returned truncated as undefined; it must be boolean',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        const { observation, reward, terminated, info } = super.step(a);
        return { observation, reward, done: terminated, info };
      }
    })(),
    "step() returned 'done' (old Gym API); return terminated (MDP ended) and truncated (cut short by a time limit) instead",
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        const r = super.step(a);
        return [r.observation, r.reward, r.terminated, r.truncated, r.info];
      }
    })(),
    'step() must return {observation, reward, terminated, truncated, info}; got an array of length 5 (a Python-style tuple?)',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        return { ...super.step(a), reward: '1' };
      }
    })(),
    'step() returned reward as a string; it must be a number',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        return { ...super.step(a), reward: NaN };
      }
    })(),
    'step() returned reward NaN; it must be a finite number',
  );
  expectCheck(
    new (class extends Good {
      override reset(o?: { seed?: number }): any {
        super.reset(o);
        this.pos = leak++ % 4;
        return { observation: Float32Array.of(this.pos), info: {} };
      }
    })(),
    'reset({seed}) is not deterministic: two resets with seed 0 gave different observations',
  );
  expectCheck(
    new (class extends Good {
      override step(a: number): any {
        return { ...super.step(a), reward: leak++ };
      }
    })(),
    'step() is not deterministic: after reset({seed: 0}) and the same actions, step 1 differed',
  );
  expectCheck(
    new (class extends Good {
      override step(): any {
        throw new TypeError('cannot read properties of undefined\n    at stack');
      }
    })(),
    'step() threw: cannot read properties of undefined',
  );
  expectCheck(
    new (class extends Good {
      override observationSpace: any = { kind: 'Box', sample: () => 0 };
    })(),
    'env.observationSpace must be a Space (with kind, seed, sample, contains); got an object with keys {kind, sample}',
  );
  expectCheck(
    new (class extends Good {
      override reset(o?: { seed?: number }): any {
        return { ...super.reset(o), info: null };
      }
    })(),
    'reset() info must be a plain object; got null',
  );
});

test('checkEnv warnings for soft issues', () => {
  const aliasing = new (class extends Good {
    private buf = new Float32Array(1);
    override reset(o?: { seed?: number }): any {
      super.reset(o);
      this.buf[0] = this.pos;
      return { observation: this.buf, info: {} };
    }
    override step(a: number): any {
      const r = super.step(a);
      this.buf[0] = this.pos;
      return { ...r, observation: this.buf };
    }
  })();
  assert.deepEqual(checkEnv(aliasing).warnings, [
    'step() returned the same observation object as the previous call; agents that keep observations will see them change',
  ]);
  const wideActions = new (class extends Good {
    override actionSpace: any = new Box(0, 2, [1]);
    override step(a: any): any {
      return super.step((a as Float32Array)[0]! > 1 ? 1 : 0);
    }
  })();
  assert.deepEqual(checkEnv(wideActions).warnings, [
    'actionSpace Box(0, 2, [1], f32) is not normalised to [-1, 1]; most continuous-control agents assume it',
  ]);
});

test('make() installs the passive checker: first reset/step results are checked', () => {
  register({
    id: 'test/BrokenStep-v0',
    description: 'step returns terminated as a number',
    entryPoint: () =>
      new (class extends Good {
        override step(a: number): any {
          return { ...super.step(a), terminated: 0 };
        }
      })(),
  });
  try {
    const env = make('test/BrokenStep-v0');
    env.reset({ seed: 1 });
    assert.throws(
      () => env.step(1),
      /^EnvCheckError: step\(\) returned terminated as a number; it must be boolean$/,
    );
    const unchecked = make('test/BrokenStep-v0', { disableEnvChecker: true });
    unchecked.reset();
    assert.equal(unchecked.step(1).terminated, 0);
  } finally {
    deregister('test/BrokenStep-v0');
  }
});
