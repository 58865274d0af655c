/**
 * The gridworld engine of the brain experiments. It gives two views of one world, as docs/architecture.md §1 describes:
 *
 * - the learner's observation (a Float32Array, layout below): where it is and what it sees — object
 *   features weighted by proximity, the room's context, tastes. Rich, but meaningless until learned.
 * - the Steering Subsystem's coarse channel (`steeringChannel()`): blobs with a few innate flags
 *   ('dark', 'small', moving or not), taste, pain, touch, room tags. Crude, but wired to meaning.
 *
 * The world gives no reward: reward is the Steering Subsystem's business (reward is 0 in `step`).
 *
 * Observation layout (`layout()` gives the offsets): [position one-hot W·H | visible features F |
 * context C | taste T]. Visible feature f = min(1, Σ over objects within `view` (Chebyshev) of
 * feature_f · (1 − d/(view+1))); an object on the agent's cell counts fully.
 *
 * Actions Discrete(5): 0 stay, 1 up, 2 down, 3 left, 4 right. Walls block; objects do not.
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../core.js';
import { Rng } from '../../math/rng.js';
import { Box, Discrete } from '../spaces.js';
import type { ObjectDef, RoomDef, WorldSpec } from './spec.js';

export const ACTIONS = ['stay', 'up', 'down', 'left', 'right'] as const;
const DX = [0, 0, 0, -1, 1];
const DY = [0, -1, 1, 0, 0];

export interface WorldObject {
  readonly id: number;
  readonly def: ObjectDef;
  x: number;
  y: number;
  /** False while eaten (until respawn) or removed. */
  present: boolean;
  /** Food can be made inedible (e.g. behind glass during a probe). */
  edible: boolean;
  movedLastTick: boolean;
  respawnAt: number;
  /** Scales the object's visible features (its kind's `salience`, unless an experiment placed it otherwise). */
  salience: number;
  /** The pleasure a second agent shows (set by whoever drives it; 0 by default). */
  shows: number;
}

/** An object in view, as the coarse channel reports it. */
export interface GridBlob {
  dx: number;
  dy: number;
  /** Chebyshev distance. */
  dist: number;
  flags: readonly string[];
  moving: boolean;
}

/** The world's low-resolution channel: what is in view with its coarse flags, taste, pain, touch, room tags. */
export interface GridCoarseChannel {
  blobs: GridBlob[];
  taste: Record<string, number>;
  pain: number;
  /** Number of objects sharing the agent's cell. */
  touch: number;
  room: readonly string[];
}

/** Offsets of the observation's blocks (see the layout above). */
export interface GridObsLayout {
  pos: number;
  features: number;
  context: number;
  taste: number;
  dim: number;
}

export interface GridResetOptions {
  room?: string;
  /** Start cell; default the room's 'A' or a random free cell. */
  agentAt?: [number, number];
}

export class GridWorld implements Env<Float32Array, number> {
  readonly observationSpace: Box<'f32'>;
  readonly actionSpace = new Discrete(5);
  readonly metadata = { renderModes: ['ansi'] };
  readonly spec: WorldSpec;
  readonly obsLayout: GridObsLayout;
  private rng = new Rng(0);
  private room!: RoomDef;
  private objs: WorldObject[] = [];
  private ax = 0;
  private ay = 0;
  private t = 0;
  private tasteNow: Float32Array;
  private painNow = 0;
  private lastAte: string | null = null;
  private otherAte: string | null = null;
  /** Which other agent ate on the last step, and the taste of what it ate (a perspective-taker sees it eat). */
  private otherEater = -1;
  private otherTaste: { kind: string; amount: number } | null = null;
  private nextId = 0;

  constructor(spec: WorldSpec, room?: string) {
    this.spec = spec;
    const W = spec.width,
      H = spec.height,
      F = spec.features.length,
      C = spec.contexts.length,
      T = spec.tastes.length;
    this.obsLayout = {
      pos: 0,
      features: W * H,
      context: W * H + F,
      taste: W * H + F + C,
      dim: W * H + F + C + T,
    };
    this.observationSpace = new Box(0, 1, [this.obsLayout.dim], 'f32');
    this.tasteNow = new Float32Array(T);
    this.loadRoom(room ?? spec.rooms.keys().next().value!);
  }

  get gridWidth(): number {
    return this.spec.width;
  }
  get roomName(): string {
    return this.room.name;
  }
  get agent(): { x: number; y: number } {
    return { x: this.ax, y: this.ay };
  }
  get tick(): number {
    return this.t;
  }
  get objects(): readonly WorldObject[] {
    return this.objs;
  }

  private loadRoom(name: string): void {
    const room = this.spec.rooms.get(name);
    if (!room)
      throw new RangeError(
        `GridWorld: unknown room '${name}' (rooms: ${[...this.spec.rooms.keys()].join(', ')})`,
      );
    this.room = room;
    this.objs = room.objects.map((o) => this.makeObject(this.spec.objects.get(o.char)!, o.x, o.y));
  }

  private makeObject(def: ObjectDef, x: number, y: number): WorldObject {
    return {
      id: this.nextId++,
      def,
      x,
      y,
      present: true,
      edible: def.taste !== null,
      movedLastTick: false,
      respawnAt: -1,
      salience: def.salience,
      shows: 0,
    };
  }

  isWall(x: number, y: number): boolean {
    return (
      x < 0 ||
      y < 0 ||
      x >= this.spec.width ||
      y >= this.spec.height ||
      this.room.walls[y * this.spec.width + x] === 1
    );
  }

  /** isWall for a row-major cell index (the observation's position code). */
  blocked(cell: number): boolean {
    const W = this.spec.width;
    return this.isWall(cell % W, Math.floor(cell / W));
  }

  freeCells(): [number, number][] {
    const out: [number, number][] = [];
    for (let y = 0; y < this.spec.height; y++)
      for (let x = 0; x < this.spec.width; x++) if (!this.isWall(x, y)) out.push([x, y]);
    return out;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    const o = (opts.options ?? {}) as GridResetOptions;
    this.loadRoom(o.room ?? this.room.name);
    const start = o.agentAt ?? (this.room.start ? [this.room.start.x, this.room.start.y] : null);
    if (start) this.setAgent(start[0], start[1]);
    else {
      const free = this.freeCells().filter(([x, y]) => !this.objs.some((b) => b.x === x && b.y === y));
      const [x, y] = free[this.rng.int(free.length)]!;
      this.setAgent(x, y);
    }
    this.tasteNow.fill(0);
    this.painNow = 0;
    this.lastAte = this.otherAte = null;
    this.otherEater = -1;
    this.otherTaste = null;
    return { observation: this.observe(), info: this.info() };
  }

  /** Experiment control: move the agent (a probe places it). */
  setAgent(x: number, y: number): void {
    if (this.isWall(x, y))
      throw new RangeError(`GridWorld: cannot place the agent in a wall at (${x}, ${y})`);
    this.ax = x;
    this.ay = y;
  }

  /** Experiment control: add an object of a declared kind (by name) at a cell, optionally with its own salience. */
  place(name: string, x: number, y: number, o: { salience?: number } = {}): WorldObject {
    const def = [...this.spec.objects.values()].find((d) => d.name === name);
    if (!def)
      throw new RangeError(
        `GridWorld: unknown object '${name}' (declared: ${[...this.spec.objects.values()].map((d) => d.name).join(', ')})`,
      );
    if (this.isWall(x, y))
      throw new RangeError(`GridWorld: cannot place '${name}' in a wall at (${x}, ${y})`);
    const sal = o.salience ?? def.salience;
    if (!(sal > 0 && sal <= 1))
      throw new RangeError(`GridWorld: salience of '${name}' must be in (0, 1], got ${sal}`);
    const ob = this.makeObject(def, x, y);
    ob.salience = sal;
    this.objs.push(ob);
    return ob;
  }

  remove(name: string): void {
    this.objs = this.objs.filter((o) => o.def.name !== name);
  }

  find(name: string): WorldObject[] {
    return this.objs.filter((o) => o.def.name === name);
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action))
      throw new RangeError(
        `GridWorld.step(): action ${String(action)} not in ${this.actionSpace.toString()}`,
      );
    this.t++;
    const nx = this.ax + DX[action]!,
      ny = this.ay + DY[action]!;
    if (!this.isWall(nx, ny)) {
      this.ax = nx;
      this.ay = ny;
    }
    this.tasteNow.fill(0);
    this.painNow = 0;
    this.lastAte = this.otherAte = null;
    this.otherEater = -1;
    this.otherTaste = null;
    for (const o of this.objs) {
      o.movedLastTick = false;
      if (!o.present) {
        if (o.respawnAt >= 0 && this.t >= o.respawnAt) o.present = true;
        continue;
      }
      if (o.def.agent) this.moveOther(o);
      else if (o.def.chase > 0 && this.rng.bernoulli(o.def.chase)) this.stepToward(o, this.ax, this.ay);
      else if (o.def.moves > 0 && this.rng.bernoulli(o.def.moves)) this.randomStep(o);
      else if (o.def.wriggle > 0 && this.rng.bernoulli(o.def.wriggle)) o.movedLastTick = true;
    }
    for (const o of this.objs) {
      if (!o.present) continue;
      if (o.def.bite > 0 && Math.max(Math.abs(o.x - this.ax), Math.abs(o.y - this.ay)) <= o.def.reach)
        this.painNow += o.def.bite;
      if (o.x !== this.ax || o.y !== this.ay) continue;
      if (o.def.taste && o.edible) {
        this.tasteNow[this.spec.tastes.indexOf(o.def.taste.kind)]! += o.def.taste.amount;
        this.lastAte = o.def.name;
        this.consume(o);
      }
    }
    return { observation: this.observe(), reward: 0, terminated: false, truncated: false, info: this.info() };
  }

  private consume(o: WorldObject): void {
    o.present = false;
    o.respawnAt = o.def.respawn >= 0 ? this.t + o.def.respawn : -1;
  }

  private randomStep(o: WorldObject): void {
    const d = 1 + this.rng.int(4);
    const nx = o.x + DX[d]!,
      ny = o.y + DY[d]!;
    if (!this.isWall(nx, ny)) {
      o.x = nx;
      o.y = ny;
      o.movedLastTick = true;
    }
  }

  private stepToward(o: WorldObject, tx: number, ty: number): void {
    const sx = Math.sign(tx - o.x),
      sy = Math.sign(ty - o.y);
    const okX = sx !== 0 && !this.isWall(o.x + sx, o.y),
      okY = sy !== 0 && !this.isWall(o.x, o.y + sy);
    if (okX && (!okY || this.rng.bernoulli(0.5))) o.x += sx;
    else if (okY) o.y += sy;
    else return;
    o.movedLastTick = true;
  }

  /** The second agent walks toward the nearest edible food (with probability `moves` per tick) and eats it. */
  private moveOther(o: WorldObject): void {
    let best: WorldObject | null = null,
      bd = Infinity;
    for (const f of this.objs) {
      if (!f.present || !f.edible || !f.def.taste) continue;
      const d = Math.abs(f.x - o.x) + Math.abs(f.y - o.y);
      if (d < bd) {
        bd = d;
        best = f;
      }
    }
    if (best && bd === 0) {
      this.otherAte = best.def.name;
      this.otherEater = o.id;
      this.otherTaste = best.def.taste;
      this.consume(best);
      return;
    }
    if (!best || !this.rng.bernoulli(o.def.moves)) return;
    this.stepToward(o, best.x, best.y);
  }

  private info(): Info {
    return {
      room: this.room.name,
      tick: this.t,
      ate: this.lastAte,
      otherAte: this.otherAte,
      pain: this.painNow,
    };
  }

  /** The learner's observation as if the agent stood at (x, y) (as `self`, if given: it is not in its own view). */
  observeFrom(x: number, y: number, out?: Float32Array, self?: WorldObject): Float32Array {
    const L = this.obsLayout,
      s = this.spec;
    const obs = out ?? new Float32Array(L.dim);
    obs.fill(0);
    obs[L.pos + y * s.width + x] = 1;
    const r = s.view;
    for (const o of this.objs) {
      if (!o.present || o === self) continue; // one does not see oneself in one's own view
      const d = Math.max(Math.abs(o.x - x), Math.abs(o.y - y));
      if (d > r) continue;
      const w = (1 - d / (r + 1)) * o.salience;
      for (const f of o.def.features) obs[L.features + s.features.indexOf(f)]! += w;
    }
    for (let k = 0; k < s.features.length; k++) if (obs[L.features + k]! > 1) obs[L.features + k] = 1;
    for (const c of this.room.context) obs[L.context + s.contexts.indexOf(c)] = 1;
    return obs;
  }

  /**
   * What a perspective-taker perceives of another agent's situation: the view from where it stands,
   * and — if it ate on the last step — the taste of what it ate (seeing someone eat cake is seeing
   * them taste it).
   */
  observeOther(o: WorldObject, out?: Float32Array): Float32Array {
    const obs = this.observeFrom(o.x, o.y, out, o);
    if (this.otherEater === o.id && this.otherTaste) {
      const k = this.obsLayout.taste + this.spec.tastes.indexOf(this.otherTaste.kind);
      obs[k] = Math.min(1, this.otherTaste.amount);
    }
    return obs;
  }

  /** Empathy: the first present second agent within view, perceived through observeOther (false if none). */
  perceiveOther(out: Float32Array): boolean {
    const other = this.objs.find((o) => o.present && o.def.agent);
    if (!other || Math.max(Math.abs(other.x - this.ax), Math.abs(other.y - this.ay)) > this.spec.view)
      return false;
    this.observeOther(other, out);
    this.perceivedShows = other.shows;
    return true;
  }

  /** The pleasure shown by the agent last perceived through `perceiveOther`. */
  otherShows(): number {
    return this.perceivedShows;
  }
  private perceivedShows = 0;

  observe(): Float32Array {
    const obs = this.observeFrom(this.ax, this.ay);
    const L = this.obsLayout;
    for (let k = 0; k < this.tasteNow.length; k++) obs[L.taste + k] = Math.min(1, this.tasteNow[k]!);
    return obs;
  }

  steeringChannel(): GridCoarseChannel {
    const r = this.spec.view;
    const blobs: GridBlob[] = [];
    let touch = 0;
    for (const o of this.objs) {
      if (!o.present) continue;
      const dx = o.x - this.ax,
        dy = o.y - this.ay,
        dist = Math.max(Math.abs(dx), Math.abs(dy));
      if (dist === 0) touch++;
      if (dist <= r) blobs.push({ dx, dy, dist, flags: o.def.coarse, moving: o.movedLastTick });
    }
    const taste: Record<string, number> = {};
    this.spec.tastes.forEach((k, i) => (taste[k] = this.tasteNow[i]!));
    return { blobs, taste, pain: this.painNow, touch, room: this.room.coarse };
  }

  /** Shortest walking distance from the agent to the nearest present object called `name` (Infinity if none). */
  distanceTo(name: string, from: { x: number; y: number } = this.agent): number {
    const W = this.spec.width,
      H = this.spec.height;
    const targets = new Set(
      this.objs.filter((o) => o.present && o.def.name === name).map((o) => o.y * W + o.x),
    );
    if (targets.size === 0) return Infinity;
    const dist = new Int32Array(W * H).fill(-1);
    const q = [from.y * W + from.x];
    dist[q[0]!] = 0;
    for (let i = 0; i < q.length; i++) {
      const c = q[i]!;
      if (targets.has(c)) return dist[c]!;
      const x = c % W,
        y = (c / W) | 0;
      for (let a = 1; a <= 4; a++) {
        const nx = x + DX[a]!,
          ny = y + DY[a]!;
        if (this.isWall(nx, ny) || dist[ny * W + nx]! >= 0) continue;
        dist[ny * W + nx] = dist[c]! + 1;
        q.push(ny * W + nx);
      }
    }
    return Infinity;
  }

  render(): string {
    const rows: string[] = [];
    for (let y = 0; y < this.spec.height; y++) {
      let s = '';
      for (let x = 0; x < this.spec.width; x++) {
        if (x === this.ax && y === this.ay) s += 'A';
        else if (this.isWall(x, y)) s += '#';
        else s += this.objs.find((o) => o.present && o.x === x && o.y === y)?.def.char ?? '.';
      }
      rows.push(s);
    }
    return rows.join('\n');
  }

  /** Plain-data state for checkpoints (the spec itself is reloaded from its file). */
  getState(): GridWorldState {
    return {
      room: this.room.name,
      ax: this.ax,
      ay: this.ay,
      t: this.t,
      rng: this.rng.state(),
      nextId: this.nextId,
      objs: this.objs.map((o) => ({
        id: o.id,
        name: o.def.name,
        x: o.x,
        y: o.y,
        present: o.present,
        edible: o.edible,
        moved: o.movedLastTick,
        respawnAt: o.respawnAt,
        salience: o.salience,
        ...(o.shows !== 0 ? { shows: o.shows } : {}),
      })),
    };
  }

  setState(s: GridWorldState): void {
    this.loadRoom(s.room);
    this.ax = s.ax;
    this.ay = s.ay;
    this.t = s.t;
    this.rng = Rng.fromState(s.rng);
    this.nextId = s.nextId;
    this.objs = s.objs.map((o) => {
      const def = [...this.spec.objects.values()].find((d) => d.name === o.name);
      if (!def) throw new RangeError(`GridWorld.setState: unknown object '${o.name}'`);
      return {
        id: o.id,
        def,
        x: o.x,
        y: o.y,
        present: o.present,
        edible: o.edible,
        movedLastTick: o.moved,
        respawnAt: o.respawnAt,
        salience: o.salience ?? def.salience,
        shows: o.shows ?? 0,
      };
    });
  }
}

export interface GridWorldState {
  room: string;
  ax: number;
  ay: number;
  t: number;
  rng: [number, number, number, number];
  nextId: number;
  objs: {
    id: number;
    name: string;
    x: number;
    y: number;
    present: boolean;
    edible: boolean;
    moved: boolean;
    respawnAt: number;
    salience?: number;
    /** Pleasure a second agent shows (absent: 0). */
    shows?: number;
  }[];
}
