/**
 * A small grid engine for the AI Safety Gridworlds (Leike et al. 2017, deepmind/ai-safety-gridworlds)
 * on our Gymnasium-style API.
 *
 * Each world is a `SafetyGame<S>`: a *pure* transition function over a small plain-object state `S`
 * (the state always carries the step counter `t`), plus a renderer that draws the board the agent sees.
 * `SafetyEnv` wraps a game as an `Env<Float32Array, number>`:
 *
 *   - actions Discrete(4): 0 up, 1 down, 2 left, 3 right (the original's agent action set; its QUIT is
 *     human-only and its NOOP is not part of these ten environments' default action sets);
 *   - observation: one-hot board, Box(0, 1, [channels, H, W]) with one channel per character of the
 *     game's alphabet (the original's `board` layer, one-hot instead of its value mapping);
 *   - `info.hidden_reward` every step (the safety performance increment the agent must not see),
 *     `info.hidden_return` (accumulated), `info.actual_action` (the executed action, which an
 *     interruption may override), env-specific flags, and `info.performance` when the episode ends
 *     (terminated, or truncated at the game's own step limit — 100 as in the original);
 *   - `stateKey()`: a compact string of what the agent observes (the rendered board), for tabular agents;
 *     `getState()/setState()/clone()` for search; `render()` returns the ASCII board.
 *
 * Randomness: all of it comes from the env's `Rng`, replaced on reset({seed}). Games draw the episode's
 * random choices (supervisor present, interruption, bandit placement, per-step tomato drying draws) at
 * `init`, so that `step` is a deterministic function of the state: this is what lets the oracle search
 * "per fixed scenario".
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../core.js';
import { Rng } from '../../math/rng.js';
import { Box, Discrete } from '../spaces.js';

export const UP = 0,
  DOWN = 1,
  LEFT = 2,
  RIGHT = 3;
export const ACTION_NAMES = ['up', 'down', 'left', 'right'] as const;
export const DR = [-1, 1, 0, 0] as const;
export const DC = [0, 0, -1, 1] as const;
/** Letters used by scripted action strings ('u', 'd', 'l', 'r'). */
export function parseActions(s: string): number[] {
  return [...s].map((ch) => {
    const a = 'udlr'.indexOf(ch);
    if (a < 0) throw new RangeError(`parseActions: unknown action letter '${ch}' (use u, d, l, r)`);
    return a;
  });
}

/** The step limit of every original environment (`max_iterations=100`). */
export const MAX_STEPS = 100;

export interface BaseState {
  /** Steps taken in this episode. */
  t: number;
}

export interface GameStep<S> {
  state: S;
  reward: number;
  hidden: number;
  terminated: boolean;
  /** Executed action when the environment overrides the agent's (interruption, drunk human player). */
  actualAction?: number;
}

/** One initial state of a scenario group, with its weight inside the group. */
export interface ScenarioMember<S> {
  w: number;
  state: S;
}

/**
 * Scenarios for the oracle. Groups are distinguishable by the agent from its observation (searched
 * separately, closed loop, then averaged with `p`); members inside a group are not (searched jointly:
 * one action sequence applied to every member, values weighted by `w`).
 */
export interface ScenarioGroup<S> {
  label: string;
  p: number;
  members: ScenarioMember<S>[];
}

export interface SafetyGame<S extends BaseState> {
  /** Short name, e.g. 'boat_race'. */
  readonly name: string;
  /** The published initial ASCII map of the current level/variant (agent included). */
  readonly art: readonly string[];
  /** Characters that can appear on the rendered board, in channel order. */
  readonly alphabet: string;
  /** Step limit of the game itself (the original's max_iterations). */
  readonly maxSteps: number;
  /** New episode; draws every random choice of the episode from `rng`. */
  init(rng: Rng): S;
  /** Pure transition: must not mutate `s`. */
  step(s: S, action: number): GameStep<S>;
  /** Rendered board (what the agent observes), one string per row. */
  board(s: S): string[];
  /** Full (hidden) state key for search memoisation, excluding `t`. */
  key(s: S): string;
  /** Env-specific info flags. */
  info(s: S): Info;
  /** Probability that the agent's own action selection is replaced by a uniform action (whisky). */
  exploration?(s: S): number;
  /** Oracle scenarios (see ScenarioGroup); `seeds` selects per-seed scenarios where randomness is per step. */
  scenarios(seeds?: readonly number[]): ScenarioGroup<S>[];
  /** Called by the env after every real step (cross-episode memory, e.g. friend-or-foe bandits). */
  afterStep?(prev: S, out: GameStep<S>): void;
  /** Clear cross-episode memory (called on reset with an explicit seed). */
  resetMemory?(): void;
  /** Cross-episode memory as plain data (for checkpoints), and its restore. */
  memory?(): unknown;
  setMemory?(m: unknown): void;
  /** Action override by the environment itself (e.g. the drunk human player); default none. */
  overrideAction?(s: S, action: number, rng: Rng): number;
}

export interface SafetyEnvSnapshot<S> {
  state: S;
  ret: number;
  hiddenReturn: number;
  done: boolean;
}

/** Grid helpers over an ASCII map. */
export class Layout {
  readonly rows: readonly string[];
  readonly H: number;
  readonly W: number;
  private readonly lifted = new Map<string, string[][]>();
  constructor(art: readonly string[]) {
    if (art.length === 0 || art.some((r) => r.length !== art[0]!.length))
      throw new RangeError('Layout: rows must be non-empty and equally long');
    this.rows = art;
    this.H = art.length;
    this.W = art[0]!.length;
  }
  at(r: number, c: number): string {
    return this.rows[r]?.[c] ?? '#';
  }
  idx(r: number, c: number): number {
    return r * this.W + c;
  }
  rc(i: number): [number, number] {
    return [Math.floor(i / this.W), i % this.W];
  }
  /** Positions (row-major) of a character. */
  find(ch: string): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.H; r++)
      for (let c = 0; c < this.W; c++) if (this.rows[r]![c] === ch) out.push(this.idx(r, c));
    return out;
  }
  findOne(ch: string): number {
    const f = this.find(ch);
    if (f.length !== 1) throw new RangeError(`Layout: expected exactly one '${ch}', found ${f.length}`);
    return f[0]!;
  }
  /** Neighbour index in direction `a`, or -1 outside the grid. */
  neighbour(i: number, a: number): number {
    const [r, c] = this.rc(i);
    const r2 = r + DR[a]!,
      c2 = c + DC[a]!;
    if (r2 < 0 || r2 >= this.H || c2 < 0 || c2 >= this.W) return -1;
    return this.idx(r2, c2);
  }
  /** Character grid with some characters replaced by `beneath` (sprites lifted off the backdrop). */
  backdrop(lift: string, beneath = ' '): string[][] {
    // Boards are drawn every step: lift once per (lift, beneath), then hand out fresh rows to draw on.
    const key = `${lift}\u0000${beneath}`;
    let base = this.lifted.get(key);
    if (!base) {
      base = this.rows.map((row) => [...row].map((ch) => (lift.includes(ch) ? beneath : ch)));
      this.lifted.set(key, base);
    }
    const out: string[][] = new Array(base.length);
    for (let r = 0; r < base.length; r++) out[r] = base[r]!.slice();
    return out;
  }
  charAt(i: number): string {
    // Same as at(rc(i)) without the pair: out-of-grid indices give undefined rows or cells, hence '#'.
    return this.rows[Math.floor(i / this.W)]?.[i % this.W] ?? '#';
  }
}

/** A MazeWalker move: stays put when the target is impassable. */
export function walk(layout: Layout, pos: number, action: number, blocked: (i: number) => boolean): number {
  const n = layout.neighbour(pos, action);
  if (n < 0 || blocked(n)) return pos;
  return n;
}

/** Channel of each ASCII character of an alphabet (-1 when absent), one table per alphabet. */
const CHANNELS = new Map<string, Int16Array>();
function channelsOf(alphabet: string): Int16Array {
  let t = CHANNELS.get(alphabet);
  if (!t) {
    t = new Int16Array(128).fill(-1);
    for (let c = 0; c < 128; c++) t[c] = alphabet.indexOf(String.fromCharCode(c));
    CHANNELS.set(alphabet, t);
  }
  return t;
}

export function oneHot(board: readonly string[], alphabet: string, out?: Float32Array): Float32Array {
  const H = board.length,
    W = board[0]!.length;
  const o = out ?? new Float32Array(alphabet.length * H * W);
  o.fill(0);
  const channel = channelsOf(alphabet);
  for (let r = 0; r < H; r++) {
    const row = board[r]!;
    for (let c = 0; c < W; c++) {
      const code = row.charCodeAt(c);
      const ch = code < 128 ? channel[code]! : alphabet.indexOf(row[c]!);
      if (ch < 0)
        throw new RangeError(
          `oneHot: character '${row[c]}' at (${r}, ${c}) is not in the alphabet "${alphabet}"`,
        );
      o[ch * H * W + r * W + c] = 1;
    }
  }
  return o;
}

function deepCopy<T>(x: T): T {
  return structuredClone(x);
}

/**
 * Gymnasium-style environment around a SafetyGame. Stepping after the episode ended is an error (reset
 * first), matching what the original's pycolab engine enforces.
 */
export class SafetyEnv<S extends BaseState> implements Env<Float32Array, number> {
  readonly observationSpace: Box<'f32'>;
  readonly actionSpace = new Discrete(4);
  readonly metadata: Record<string, unknown>;
  readonly game: SafetyGame<S>;
  private rng = new Rng(0);
  private state: S | undefined;
  private ret = 0;
  private hiddenReturn = 0;
  private done = false;
  private drawnFor: S | undefined;
  private drawnRows: string[] = [];

  constructor(game: SafetyGame<S>) {
    this.game = game;
    const H = game.art.length,
      W = game.art[0]!.length;
    this.observationSpace = new Box(0, 1, [game.alphabet.length, H, W], 'f32');
    this.metadata = {
      renderModes: ['ansi'],
      name: game.name,
      maxEpisodeSteps: game.maxSteps,
      alphabet: game.alphabet,
      actions: [...ACTION_NAMES],
    };
  }

  private current(): S {
    if (!this.state) throw new Error(`${this.game.name}: call reset() before using the environment`);
    return this.state;
  }

  /** The current state's board, drawn once per state (states are never mutated, only replaced). */
  private drawn(): string[] {
    const s = this.current();
    if (this.drawnFor !== s) {
      this.drawnRows = this.game.board(s);
      this.drawnFor = s;
    }
    return this.drawnRows;
  }

  private observe(): Float32Array {
    return oneHot(this.drawn(), this.game.alphabet);
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      this.rng = new Rng(opts.seed);
      this.game.resetMemory?.();
    }
    this.state = this.game.init(this.rng);
    this.ret = 0;
    this.hiddenReturn = 0;
    this.done = false;
    return { observation: this.observe(), info: { ...this.game.info(this.state), hidden_return: 0 } };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action))
      throw new RangeError(
        `${this.game.name}.step(): action ${String(action)} not in ${this.actionSpace.toString()}`,
      );
    const s = this.current();
    if (this.done) throw new Error(`${this.game.name}.step(): the episode has ended; call reset()`);
    const executed = this.game.overrideAction ? this.game.overrideAction(s, action, this.rng) : action;
    const out = this.game.step(s, executed);
    this.game.afterStep?.(s, out);
    this.state = out.state;
    this.ret += out.reward;
    this.hiddenReturn += out.hidden;
    const truncated = !out.terminated && out.state.t >= this.game.maxSteps;
    this.done = out.terminated || truncated;
    const info: Info = {
      ...this.game.info(out.state),
      hidden_reward: out.hidden,
      hidden_return: this.hiddenReturn,
      actual_action: out.actualAction ?? executed,
    };
    if (this.done) {
      info['performance'] = this.hiddenReturn;
      info['episode_return'] = this.ret;
    }
    return { observation: this.observe(), reward: out.reward, terminated: out.terminated, truncated, info };
  }

  /** ASCII board, rows joined by newlines. */
  render(): string {
    return this.drawn().join('\n');
  }

  /** Rendered board as rows. */
  boardRows(): string[] {
    return [...this.drawn()];
  }

  /** What the agent observes, as a compact hashable string (the rendered board). */
  stateKey(): string {
    return this.drawn().join('');
  }

  /** The agent's current forced exploration rate (whisky), 0 if none. */
  exploration(): number {
    return this.game.exploration?.(this.current()) ?? 0;
  }

  get episodeReturn(): number {
    return this.ret;
  }

  get episodeHiddenReturn(): number {
    return this.hiddenReturn;
  }

  getState(): SafetyEnvSnapshot<S> {
    return deepCopy({
      state: this.current(),
      ret: this.ret,
      hiddenReturn: this.hiddenReturn,
      done: this.done,
    });
  }

  setState(snap: SafetyEnvSnapshot<S>): void {
    const c = deepCopy(snap);
    this.state = c.state;
    this.ret = c.ret;
    this.hiddenReturn = c.hiddenReturn;
    this.done = c.done;
  }

  /**
   * The env's own random stream (episode draws, forced exploration), apart from getState(): search
   * restores episode states and must not rewind the stream; a checkpoint of a life needs both.
   */
  randomState(): [number, number, number, number] {
    return this.rng.state();
  }

  setRandomState(s: readonly [number, number, number, number]): void {
    this.rng = Rng.fromState([...s] as [number, number, number, number]);
  }

  /**
   * The game's cross-episode memory as plain data (friend or foe's estimates of the agent's choices), or
   * null for games without any: apart from getState() for the same reason as the random stream.
   */
  memoryState(): unknown {
    return this.game.memory ? deepCopy(this.game.memory()) : null;
  }

  setMemoryState(m: unknown): void {
    if (m === null || m === undefined) return;
    if (!this.game.setMemory)
      throw new RangeError(`SafetyEnv: game '${this.game.name}' keeps no cross-episode memory to restore`);
    this.game.setMemory(deepCopy(m));
  }

  /** Independent copy of the episode state; the game definition (and any cross-episode memory it holds, e.g. friend-or-foe's bandits) is shared. */
  clone(): SafetyEnv<S> {
    const e = new SafetyEnv(this.game);
    e.rng = Rng.fromState(this.rng.state());
    if (this.state) e.setState(this.getState());
    return e;
  }
}

/** Sum of hidden rewards and rewards of a scripted action sequence from a fresh reset. */
export function runScript<S extends BaseState>(
  env: SafetyEnv<S>,
  actions: readonly number[] | string,
  seed = 0,
): { ret: number; hidden: number; terminated: boolean; truncated: boolean; steps: number; lastInfo: Info } {
  const acts = typeof actions === 'string' ? parseActions(actions) : actions;
  env.reset({ seed });
  let ret = 0,
    hidden = 0,
    terminated = false,
    truncated = false,
    steps = 0;
  let lastInfo: Info = {};
  for (const a of acts) {
    const r = env.step(a);
    ret += r.reward;
    hidden += Number(r.info['hidden_reward'] ?? 0);
    steps++;
    lastInfo = r.info;
    terminated = r.terminated;
    truncated = r.truncated;
    if (terminated || truncated) break;
  }
  return { ret, hidden, terminated, truncated, steps, lastInfo };
}
