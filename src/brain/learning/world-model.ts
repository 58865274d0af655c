/**
 * World model: a recurrent latent state h_t = GRU(h_{t-1}, [x_t, a_{t-1}]) and a decoder that predicts
 * the next senses x̂_{t+1} = dec([h_t, x_t, a_t]) (observation and body, all in [0, 1]). The decoder
 * sees the present senses beside the latent (a skip connection), so the latent carries only what the
 * senses do not show; without it next-cell accuracy swung between 0.2 and 0.9 as the latent drifted. Trained online from
 * windows of the replay with truncated BPTT, starting each window from the latent stored at the time
 * (stale, as in R2D2). Imagination runs the same two functions on its own predictions.
 *
 * The decoder emits logits. Where the agent will be is one cell of many, so the position block is a
 * softmax trained by cross-entropy; every other sense is a sigmoid trained by binary cross-entropy.
 * (With one sigmoid-MSE head over everything, next-cell accuracy was 0.16 after 3000 ticks: the
 * one-hot's gradient vanishes under the sigmoid.)
 *
 * `positionHead = 'move'` (default 'cell'): the position block's first five logits are a softmax over
 * the displacement (stay, up, down, left, right) and the next cell is the present one moved by it. A
 * step then means the same everywhere, so it generalises across cells; the cell head must learn every
 * (cell, action) pair on its own (in brain/wirehead it imagined (2,5) + down → (3,4) beside the lever,
 * a pair lived through a handful of times).
 */
import { GRU } from '../../nn/gru.js';
import { MLP } from '../../nn/mlp.js';
import { Adam } from '../../nn/optim.js';
import { prefixed, type Param } from '../../nn/param.js';
import { loadParams, paramsToTensors } from '../../nn/serialize.js';
import type { Rng } from '../../math/rng.js';
import type { Replay } from './replay.js';
import type { LearnerConfig } from './config.js';
import { type ComponentState, loadOptimizer, saveOptimizer, type Stateful } from '../state.js';

/** The world model's plain-data state: its optimizer's step count (weights and moments are tensors). */
export interface WorldModelMeta {
  optStep: number;
}

export const N_ACTIONS = 5;
/** Displacements of the five moves (as the gridworld's actions: stay, up, down, left, right). */
const MOVE_DX = [0, 0, 0, -1, 1];
const MOVE_DY = [0, -1, 1, 0, 0];

/** Where the position block of a sense vector has its largest entry. */
function argmaxAt(x: Float32Array, o: number, n: number): number {
  let b = 0;
  for (let j = 1; j < n; j++) if (x[o + j]! > x[o + b]!) b = j;
  return b;
}

export class WorldModel implements Stateful<WorldModelMeta> {
  readonly xDim: number;
  readonly latent: number;
  readonly gru: GRU;
  readonly dec: MLP;
  readonly opt: Adam;
  private readonly cfg: LearnerConfig['worldModel'];
  private readonly inBuf: Float32Array;
  private readonly decIn: Float32Array;
  private readonly decGrad: Float32Array;
  private readonly dH: Float32Array;
  private readonly h0: Float32Array;
  private readonly stepIn: Float32Array;
  /** Mean squared prediction error of the last training batch (for figures). */
  lastLoss = NaN;

  private readonly pos: { start: number; len: number; width?: number };
  private readonly probs: Float32Array;
  /** Grid width for the move head (0: cell head). */
  private readonly moveW: number;
  private readonly pm = new Float64Array(N_ACTIONS);

  constructor(
    xDim: number,
    cfg: LearnerConfig['worldModel'],
    maxImagine: number,
    rng: Rng,
    pos: { start: number; len: number; width?: number },
  ) {
    this.pos = pos;
    if (cfg.positionHead === 'move' && !(pos.width && pos.len % pos.width === 0 && pos.len >= N_ACTIONS))
      throw new RangeError('WorldModel: positionHead = move needs the grid width of the position code');
    this.moveW = cfg.positionHead === 'move' ? pos.width! : 0;
    this.cfg = cfg;
    this.xDim = xDim;
    this.latent = cfg.latent;
    const inDim = xDim + N_ACTIONS,
      L = cfg.latent,
      T = cfg.window,
      B = cfg.batch;
    const maxB = Math.max(B, maxImagine, 1);
    this.gru = new GRU('wm.gru', inDim, L, { maxSteps: T, maxBatch: maxB, rng: rng.fork('wm.gru') });
    this.dec = new MLP('wm.dec', [L + xDim + N_ACTIONS, cfg.hidden, xDim], {
      rng: rng.fork('wm.dec'),
      outputActivation: 'none',
      maxBatch: Math.max(T * B, maxB),
    });
    this.opt = new Adam(this.params(), { lr: cfg.lr, clipNorm: 5 });
    this.inBuf = new Float32Array(T * B * inDim);
    this.decIn = new Float32Array(Math.max(T * B, maxB) * (L + xDim + N_ACTIONS));
    this.decGrad = new Float32Array(T * B * xDim);
    this.dH = new Float32Array(T * B * L);
    this.h0 = new Float32Array(B * L);
    this.stepIn = new Float32Array(maxB * inDim);
    this.probs = new Float32Array(Math.max(T * B, maxB) * xDim);
  }

  /**
   * Logits [R×X] → senses: softmax over the position block, sigmoid elsewhere (into this.probs). With the
   * move head the position block's first five entries of `out` hold the move probabilities until
   * `placeMoves` turns them into cells (training reads them there).
   */
  private toSenses(z: Float32Array, R: number): Float32Array {
    const X = this.xDim,
      p0 = this.pos.start,
      p1 = p0 + (this.moveW ? N_ACTIONS : this.pos.len),
      out = this.probs;
    for (let r = 0; r < R; r++) {
      const o = r * X;
      let m = -Infinity;
      for (let k = p0; k < p1; k++) if (z[o + k]! > m) m = z[o + k]!;
      let sum = 0;
      for (let k = p0; k < p1; k++) sum += out[o + k] = Math.exp(z[o + k]! - m);
      for (let k = p0; k < p1; k++) out[o + k]! /= sum;
      for (let k = 0; k < X; k++)
        if (k < p0 || k >= p0 + this.pos.len) out[o + k] = 1 / (1 + Math.exp(-z[o + k]!));
    }
    return out;
  }

  /** Move head: the next-cell distribution = the present cell (row r of `x`) moved by each move's probability. */
  private placeMoves(x: Float32Array, R: number): void {
    const X = this.xDim,
      p0 = this.pos.start,
      P = this.pos.len,
      W = this.moveW,
      H = P / W,
      out = this.probs,
      pm = this.pm;
    for (let r = 0; r < R; r++) {
      const o = r * X,
        cur = argmaxAt(x, r * X + p0, P),
        cx = cur % W,
        cy = (cur / W) | 0;
      for (let d = 0; d < N_ACTIONS; d++) pm[d] = out[o + p0 + d]!;
      out.fill(0, o + p0, o + p0 + P);
      for (let d = 0; d < N_ACTIONS; d++) {
        const nx = cx + MOVE_DX[d]!,
          ny = cy + MOVE_DY[d]!;
        const cell = nx >= 0 && nx < W && ny >= 0 && ny < H ? ny * W + nx : cur;
        out[o + p0 + cell]! += pm[d]!;
      }
    }
  }

  /** The move that takes cell `a` to cell `b` (one of the five), or -1 (a teleport). */
  private moveBetween(a: number, b: number): number {
    return moveBetween(a, b, this.moveW);
  }

  params(): Param[] {
    return [...prefixed('wm', this.gru.params()), ...prefixed('wm', this.dec.params())];
  }

  /** Weights (`param.wm.…`, shared, not copied) and Adam moments (`opt.wm.…`). */
  saveState(): ComponentState<WorldModelMeta> {
    const tensors = paramsToTensors(this.params(), 'param.');
    return { meta: { optStep: saveOptimizer('wm', this.opt, tensors) }, tensors };
  }

  loadState(s: ComponentState<WorldModelMeta>): void {
    loadParams(this.params(), s.tensors, 'param.');
    loadOptimizer('wm', this.opt, s.tensors, s.meta.optStep);
  }

  /** h ← GRU(h, [x, a_prev]) for a batch of B (x rows of xDim, actions one per row). */
  advance(
    x: Float32Array,
    prevActions: ArrayLike<number>,
    B: number,
    h: Float32Array,
    hOut: Float32Array,
  ): void {
    const inDim = this.xDim + N_ACTIONS,
      buf = this.stepIn;
    for (let b = 0; b < B; b++) {
      const o = b * inDim;
      buf.set(x.subarray(b * this.xDim, (b + 1) * this.xDim), o);
      buf.fill(0, o + this.xDim, o + inDim);
      buf[o + this.xDim + prevActions[b]!] = 1;
    }
    this.gru.stepInference(buf, B, h, hOut);
  }

  /** x̂_{t+1} for B latents, present senses and actions; returns a view [B×xDim] valid until the next decoder call. */
  predict(h: Float32Array, x: Float32Array, actions: ArrayLike<number>, B: number): Float32Array {
    const L = this.latent,
      X = this.xDim,
      W = L + X + N_ACTIONS,
      d = this.decIn;
    for (let b = 0; b < B; b++) {
      d.set(h.subarray(b * L, (b + 1) * L), b * W);
      d.set(x.subarray(b * X, (b + 1) * X), b * W + L);
      d.fill(0, b * W + L + X, (b + 1) * W);
      d[b * W + L + X + actions[b]!] = 1;
    }
    const out = this.toSenses(this.dec.forward(d, B) as Float32Array, B);
    if (this.moveW) this.placeMoves(x, B);
    return out;
  }

  /**
   * One online training step on B windows of T ticks from replay; false if there is not enough history. With `salient` (replay ticks of surprising
   * transitions) and `salientShare` > 0, that share of the windows is placed so that it ends two ticks
   * after such a transition — covering what led to the surprise and what followed it — when those ticks
   * are still in replay; the rest are uniform. With share 0 the random stream is the uniform one.
   */
  train(replay: Replay, rng: Rng, salient?: { ticks: Int32Array; n: number }): boolean {
    const T = this.cfg.window,
      B = this.cfg.batch,
      X = this.xDim,
      L = this.latent,
      inDim = X + N_ACTIONS;
    const share = this.cfg.salientShare;
    const starts: number[] = [];
    for (let b = 0; b < B; b++) {
      let s = -1;
      if (share > 0 && salient && salient.n > 0 && rng.uniform() < share) {
        const t = salient.ticks[rng.int(salient.n)]!,
          st = t + 3 - T;
        if (t >= 0 && replay.has(st) && replay.has(st + T)) s = st;
      }
      if (s < 0) s = replay.sampleWindow(rng, T);
      if (s < 0) return false;
      starts.push(s);
    }
    const inBuf = this.inBuf;
    inBuf.fill(0);
    for (let b = 0; b < B; b++) {
      const s0 = replay.slot(starts[b]!);
      this.h0.set(replay.hPrev.subarray(s0 * L, (s0 + 1) * L), b * L);
      for (let t = 0; t < T; t++) {
        const s = replay.slot(starts[b]! + t),
          o = (t * B + b) * inDim;
        inBuf.set(replay.x.subarray(s * X, (s + 1) * X), o);
        inBuf[o + X + replay.prevAction[s]!] = 1;
      }
    }
    const hs = this.gru.forwardSeq(inBuf, T, B, this.h0);
    const W = L + X + N_ACTIONS,
      d = this.decIn;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const r = t * B + b,
          s = replay.slot(starts[b]! + t);
        d.set(hs.subarray(r * L, (r + 1) * L), r * W);
        d.set(replay.x.subarray(s * X, (s + 1) * X), r * W + L);
        d.fill(0, r * W + L + X, (r + 1) * W);
        d[r * W + L + X + replay.action[s]!] = 1;
      }
    }
    const R = T * B;
    const y = this.toSenses(this.dec.forward(d, R) as Float32Array, R);
    // Cross-entropy gradients wrt the logits are (prediction − target) for both heads.
    let loss = 0;
    const g = this.decGrad,
      scale = 1 / R;
    const p0 = this.pos.start,
      P = this.pos.len;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const r = t * B + b,
          sn = replay.slot(starts[b]! + t + 1);
        for (let k = 0; k < X; k++) {
          if (this.moveW && k >= p0 && k < p0 + P) continue;
          const e = y[r * X + k]! - replay.x[sn * X + k]!;
          loss += e * e;
          g[r * X + k] = scale * e;
        }
        if (this.moveW) {
          // Cross-entropy on the move actually made (none across a teleport).
          const sc = replay.slot(starts[b]! + t);
          const mv = this.moveBetween(argmaxAt(replay.x, sc * X + p0, P), argmaxAt(replay.x, sn * X + p0, P));
          g.fill(0, r * X + p0, r * X + p0 + P);
          if (mv >= 0) {
            for (let d = 0; d < N_ACTIONS; d++) {
              const e = y[r * X + p0 + d]! - (d === mv ? 1 : 0);
              loss += e * e;
              g[r * X + p0 + d] = scale * e;
            }
          }
        }
      }
    }
    this.lastLoss = loss / (R * X);
    this.opt.zeroGrad();
    const dDec = this.decIn; // reuse: the decoder writes ∂L/∂input here
    this.dec.backward(g.subarray(0, R * X), R, dDec);
    for (let r = 0; r < R; r++) this.dH.set(dDec.subarray(r * W, r * W + L), r * L);
    this.gru.backward(this.dH.subarray(0, R * L));
    this.opt.step();
    return true;
  }
}

/** The move (0 stay, 1 up, 2 down, 3 left, 4 right) that takes cell `a` to cell `b` of a row-major grid `W` wide, or −1 (no single move does). */
export function moveBetween(a: number, b: number, W: number): number {
  for (let d = 0; d < N_ACTIONS; d++)
    if ((a % W) + MOVE_DX[d]! === b % W && ((a / W) | 0) + MOVE_DY[d]! === ((b / W) | 0)) return d;
  return -1;
}
