/**
 * A steered brain's body in an AI Safety Gridworld: `SafetyBrainWorld` adapts a `SafetyEnv`
 * (src/envs/safety/engine.ts) to the `BrainWorld` seam, so any of the ten safety games (and the
 * alignment lab's other SafetyEnvs) can host an `Agent`.
 *
 * What the brain gets, in the brain gridworld's terms (src/envs/gridworld/world.ts):
 *   - learner observation [position one-hot H·W | features F | context 0 | taste 1]: where the 'A' is
 *     on the rendered board; one feature per board character that is not wall '#', floor ' ' or the
 *     agent 'A', in alphabet order, valued by the proximity of the *nearest* such tile within `view`
 *     (Chebyshev), 1 − d/(view+1). Nearest rather than GridWorld's clipped sum: these boards repeat
 *     tiles by the dozen (water, lava, tomatoes, floor colours), and a sum saturates at 1 everywhere.
 *     No context block: nothing here is a room the agent is carried into. Default view: the whole
 *     board (they are at most 9 wide), so a feature says how far the nearest tile of its kind is.
 *   - coarse channel: the env's reward, and nothing else — its positive part as taste 'reward', its
 *     negative part as pain, both × `rewardScale` (the sensor's gain: the scale the A2C baseline
 *     learns from). No blobs, no touch, no room tags: the Steering Subsystem is born knowing nothing
 *     of lava, water or boxes. Reward stays its business (data/steering/safety.steer turns a unit of
 *     taste into +1 and a unit of pain into −1, so innate reward = env reward × rewardScale).
 *   - never: `info.hidden_reward`, `hidden_return`, `performance` or any env flag. The Agent's step
 *     result carries the observation and `ate: null` only; the last env info stays here, for the
 *     experimenter (`lastInfo`, `episodeReturn`).
 *
 * Actions: the brain's 0 stay, 1 up, 2 down, 3 left, 4 right map to the env's up 0, down 1, left 2,
 * right 3 (`BRAIN_TO_SAFETY`, checked against both engines' direction tables). The safety games have
 * no no-op, and standing still for free would let a brain dodge every game's −1 per step; so "stay"
 * is a fidget: a uniformly random move from the world's own stream, costing a step like any move.
 * Forced exploration (whisky & gold after drinking, `env.exploration()`) replaces the executed action
 * with a uniform one here too, as the baselines apply it.
 *
 * Episodes are days of one lifetime. The step that ends an episode is felt on the next tick (its
 * reward reaches the channel then), so the world then holds the terminal moment (`done`): a step in
 * it moves nothing and tastes nothing. The experimenter then starts the next day with `newEpisode()`
 * and `agent.refresh()` — a discontinuity, like a teleport in the brain experiments.
 */
import type { Env, Info, StepResult } from '../envs/core.js';
import type { CoarseChannel, ObsLayout } from './senses.js';
import { DC, DR, SafetyEnv, type BaseState, type SafetyEnvSnapshot } from '../envs/safety/engine.js';
import { Rng } from '../math/rng.js';
import type { BrainWorld } from './world.js';

/** The brain's displacement per action (GridWorld's table: 0 stay, 1 up, 2 down, 3 left, 4 right). */
const BRAIN_DX = [0, 0, 0, -1, 1] as const;
const BRAIN_DY = [0, -1, 1, 0, 0] as const;
/** Brain action → safety action; −1 = stay (a fidget: a random move). */
export const BRAIN_TO_SAFETY: readonly number[] = [-1, 0, 1, 2, 3];

/** Check that a brain → safety action map moves the body where the brain means to go; throws why not. */
export function checkActionMap(map: readonly number[]): void {
  if (map.length !== 5)
    throw new RangeError(
      `SafetyBrainWorld: the action map needs 5 entries (brain actions stay, up, down, left, right), got ${map.length}`,
    );
  if (map[0] !== -1)
    throw new RangeError(
      `SafetyBrainWorld: brain action 0 (stay) must map to -1 (a fidget; the safety games have no no-op), got ${String(map[0])}`,
    );
  for (let b = 1; b < 5; b++) {
    const s = map[b]!;
    if (!Number.isInteger(s) || s < 0 || s > 3)
      throw new RangeError(
        `SafetyBrainWorld: brain action ${b} maps to ${String(s)}, not a safety action 0..3`,
      );
    if (DC[s] !== BRAIN_DX[b] || DR[s] !== BRAIN_DY[b]) {
      throw new RangeError(
        `SafetyBrainWorld: brain action ${b} moves by (dx ${BRAIN_DX[b]}, dy ${BRAIN_DY[b]}) but is mapped to safety action ${s}, which moves by (dx ${DC[s]}, dy ${DR[s]})`,
      );
    }
  }
}

export interface SafetyBrainWorldOptions {
  /** Sensor gain: taste = max(0, r)·rewardScale, pain = max(0, −r)·rewardScale for env reward r. */
  rewardScale: number;
  /** Seed of the env's first reset (later episodes continue the env's stream, as the baselines do). */
  seed: number;
  /** The world's own stream (fidgets, forced exploration). */
  rng: Rng;
  /** Chebyshev radius of the visible features; default the whole board. */
  view?: number;
  /** Brain → safety action map (default BRAIN_TO_SAFETY); checked. */
  actionMap?: readonly number[];
}

export interface SafetyBrainWorldState {
  env: SafetyEnvSnapshot<BaseState>;
  /** The env's own random stream. */
  envRng: [number, number, number, number];
  /** The game's cross-episode memory (null: none; absent in states of format 1). */
  envMemory?: unknown;
  rng: [number, number, number, number];
  taste: number;
  pain: number;
  done: boolean;
  lastInfo: Info;
  at: number;
}

const WALL = '#',
  FLOOR = ' ',
  AGENT = 'A';

export class SafetyBrainWorld implements BrainWorld {
  readonly obsLayout: ObsLayout;
  readonly gridWidth: number;
  readonly height: number;
  /** Board characters the learner sees as features, in observation order. */
  readonly features: readonly string[];
  readonly view: number;
  private env: SafetyEnv<BaseState>;
  private readonly alphabet: string;
  private readonly map: readonly number[];
  private readonly rewardScale: number;
  private rng: Rng;
  private readonly obs: Float32Array;
  private readonly channel: CoarseChannel;
  private readonly result: StepResult<Float32Array>;
  private taste = 0;
  private pain = 0;
  private isDone = false;
  /** The last step's move was drawn at random (a fidget, forced exploration); not state: a fact about one step. */
  private drawn = false;
  private info: Info = {};
  /** The agent's cell (row-major) as last seen on the board; −1 before an episode's first board. */
  private at = -1;

  constructor(env: Env<Float32Array, number>, o: SafetyBrainWorldOptions) {
    const e = SafetyBrainWorld.safetyEnv(env);
    if (!(o.rewardScale > 0) || !Number.isFinite(o.rewardScale))
      throw new RangeError(`SafetyBrainWorld: rewardScale must be a positive number, got ${o.rewardScale}`);
    this.map = o.actionMap ?? BRAIN_TO_SAFETY;
    checkActionMap(this.map);
    const art = e.game.art;
    this.alphabet = e.game.alphabet;
    for (const ch of [WALL, AGENT])
      if (!this.alphabet.includes(ch))
        throw new RangeError(
          `SafetyBrainWorld: game '${e.game.name}' has no '${ch}' in its alphabet "${this.alphabet}" (the adapter finds walls and the agent by it)`,
        );
    this.height = art.length;
    this.gridWidth = art[0]!.length;
    this.view = o.view ?? Math.max(this.height, this.gridWidth);
    if (!Number.isInteger(this.view) || this.view < 0)
      throw new RangeError(`SafetyBrainWorld: view must be a non-negative integer, got ${this.view}`);
    this.features = [...this.alphabet].filter((c) => c !== WALL && c !== FLOOR && c !== AGENT);
    const P = this.height * this.gridWidth,
      F = this.features.length;
    this.obsLayout = { pos: 0, features: P, context: P + F, taste: P + F, dim: P + F + 1 };
    this.obs = new Float32Array(this.obsLayout.dim);
    this.channel = { blobs: [], taste: { reward: 0 }, pain: 0, touch: 0, room: [] };
    this.result = {
      observation: this.obs,
      reward: 0,
      terminated: false,
      truncated: false,
      info: { ate: null },
    };
    this.rewardScale = o.rewardScale;
    this.rng = o.rng;
    this.env = e;
    this.begin(o.seed);
  }

  /** The SafetyEnv behind `env`, or an error that says what was passed instead. */
  private static safetyEnv(env: Env<Float32Array, number>): SafetyEnv<BaseState> {
    if (env instanceof SafetyEnv) return env as SafetyEnv<BaseState>;
    const name = (env as { constructor?: { name?: string } }).constructor?.name ?? typeof env;
    throw new TypeError(
      `SafetyBrainWorld: needs a bare SafetyEnv (src/envs/safety/engine.ts), got ${name}. A brain reads the rendered board and the game's alphabet, ` +
        'and a wrapper (TimeLimit, DrugRewardWrapper, …) hides both; build the env with makeSafetyEnv()/makeAlignmentEnv() and do not wrap it.',
    );
  }

  private begin(seed?: number): void {
    this.env.reset(seed !== undefined ? { seed } : {});
    this.taste = this.pain = 0;
    this.isDone = false;
    this.drawn = false;
    this.info = {};
    this.at = -1;
    this.render();
  }

  /** Start the next episode (a new day). Call `agent.refresh()` afterwards: the jump is a discontinuity. */
  newEpisode(seed?: number): void {
    this.begin(seed);
  }

  /**
   * Carry the brain into another env of the same shape (e.g. the evaluation distribution) for `fn`:
   * an episode starts there (its first reset seeded with `seed`); afterwards the world is back in its
   * own env exactly as it was (env state and stream untouched, the senses of that moment restored).
   * Call `agent.refresh()` after entering (inside `fn`) and after leaving: both are discontinuities.
   */
  visit<T>(env: Env<Float32Array, number>, seed: number | undefined, fn: () => T): T {
    const e = SafetyBrainWorld.safetyEnv(env);
    const art = e.game.art;
    if (
      e.game.alphabet !== this.alphabet ||
      art.length !== this.height ||
      art[0]!.length !== this.gridWidth
    ) {
      throw new RangeError(
        `SafetyBrainWorld.visit: '${e.game.name}' (${art.length}×${art[0]!.length}, alphabet "${e.game.alphabet}") does not match the brain's world (${this.height}×${this.gridWidth}, alphabet "${this.alphabet}")`,
      );
    }
    const home = this.env,
      taste = this.taste,
      pain = this.pain,
      done = this.isDone,
      info = this.info,
      at = this.at;
    this.env = e;
    try {
      this.begin(seed);
      return fn();
    } finally {
      this.env = home;
      this.taste = taste;
      this.pain = pain;
      this.isDone = done;
      this.info = info;
      this.at = at;
      this.render();
    }
  }

  /** The episode has ended (the terminal moment is being felt); start the next with newEpisode(). */
  get done(): boolean {
    return this.isDone;
  }
  /** The env's return so far this episode (for the experimenter, never the brain). */
  get episodeReturn(): number {
    return this.env.episodeReturn;
  }
  /** The env's info of the last step, hidden performance included (for the experimenter, never the brain). */
  get lastInfo(): Info {
    return this.info;
  }
  get game(): string {
    return this.env.game.name;
  }

  /** Write the learner's observation of the current board (taste included) into `this.obs`. */
  private render(): void {
    const rows = this.env.boardRows();
    const W = this.gridWidth,
      H = this.height,
      L = this.obsLayout,
      obs = this.obs,
      r = this.view;
    obs.fill(0);
    let ax = -1,
      ay = -1;
    for (let y = 0; y < H && ax < 0; y++) {
      const x = rows[y]!.indexOf(AGENT);
      if (x >= 0) {
        ax = x;
        ay = y;
      }
    }
    // A game may draw over the agent when an episode ends (island navigation's water): it is still
    // where it was last seen. An agent never seen in an episode is a game the adapter cannot read.
    if (ax < 0) {
      if (this.at < 0)
        throw new Error(
          `SafetyBrainWorld: no '${AGENT}' on the board of '${this.env.game.name}' at the start of an episode — the adapter needs to see where the agent is`,
        );
      ax = this.at % W;
      ay = (this.at - ax) / W;
    }
    this.at = ay * W + ax;
    obs[L.pos + ay * W + ax] = 1;
    for (let y = Math.max(0, ay - r); y <= Math.min(H - 1, ay + r); y++) {
      const row = rows[y]!;
      for (let x = Math.max(0, ax - r); x <= Math.min(W - 1, ax + r); x++) {
        const f = this.features.indexOf(row[x]!);
        if (f < 0) continue;
        const w = 1 - Math.max(Math.abs(x - ax), Math.abs(y - ay)) / (r + 1);
        if (w > obs[L.features + f]!) obs[L.features + f] = w;
      }
    }
    obs[L.taste] = Math.min(1, this.taste);
  }

  /** A wall on the current board ('#'), or off the board. */
  blocked(cell: number): boolean {
    const W = this.gridWidth,
      x = cell % W,
      y = Math.floor(cell / W);
    if (cell < 0 || y >= this.height) return true;
    return this.env.boardRows()[y]![x] === WALL;
  }

  observe(): Float32Array {
    return this.obs;
  }

  steeringChannel(): CoarseChannel {
    this.channel.taste['reward'] = this.taste;
    this.channel.pain = this.pain;
    return this.channel;
  }

  step(action: number): StepResult<Float32Array> {
    if (!Number.isInteger(action) || action < 0 || action > 4)
      throw new RangeError(
        `SafetyBrainWorld.step(): brain action ${String(action)} not in 0..4 (stay, up, down, left, right)`,
      );
    this.taste = this.pain = 0;
    this.drawn = false;
    if (!this.isDone) {
      let a = this.map[action]!;
      if (a < 0) {
        a = this.rng.int(4);
        this.drawn = true;
      }
      const ex = this.env.exploration();
      if (ex > 0 && this.rng.bernoulli(ex)) {
        a = this.rng.int(4);
        this.drawn = true;
      }
      const res = this.env.step(a);
      const r = res.reward * this.rewardScale;
      if (r > 0) this.taste = r;
      else this.pain = -r;
      this.info = res.info;
      this.isDone = res.terminated || res.truncated;
    }
    this.render();
    return this.result;
  }

  moveWasDrawn(): boolean {
    return this.drawn;
  }

  /** No other agents live on these boards. */
  perceiveOther(_out: Float32Array): boolean {
    return false;
  }

  /**
   * Plain data for probes and checkpoints, the env's random stream included, so a restored world draws
   * the next episodes' random choices (supervisor, interruption, whisky exploration) as the original
   * would, and the game's cross-episode memory (friend or foe's players remember the agent's choices).
   */
  getState(): SafetyBrainWorldState {
    return {
      env: this.env.getState(),
      envRng: this.env.randomState(),
      envMemory: this.env.memoryState(),
      rng: this.rng.state(),
      taste: this.taste,
      pain: this.pain,
      done: this.isDone,
      lastInfo: structuredClone(this.info),
      at: this.at,
    };
  }

  /** Restores into the env the world holds now (the state does not name the env). */
  setState(s: unknown): void {
    const st = s as SafetyBrainWorldState;
    this.env.setState(st.env);
    this.env.setRandomState(st.envRng);
    this.env.setMemoryState(st.envMemory ?? null);
    this.rng = Rng.fromState(st.rng);
    this.taste = st.taste;
    this.pain = st.pain;
    this.isDone = st.done;
    this.drawn = false;
    this.info = structuredClone(st.lastInfo);
    this.at = st.at;
    this.render();
  }
}
