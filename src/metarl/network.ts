/**
 * The prefrontal meta-RL network (Wang et al. 2018): an LSTM fed the task observation plus the previous
 * action and reward, with a softmax policy head and a scalar value head on its hidden state.
 * Parameter names: `lstm.*`, `pi.*`, `v.*`.
 */
import type { Vec } from '../math/gemm.js';
import type { Rng } from '../math/rng.js';
import { Linear } from '../nn/linear.js';
import { LSTM } from '../nn/lstm.js';
import type { DType, Module, Param } from '../nn/param.js';

export interface NetworkShape {
  obsDim: number;
  nActions: number;
  hidden: number;
  maxSteps: number;
  maxBatch: number;
  dtype?: DType;
}

export class RecurrentActorCritic implements Module {
  readonly lstm: LSTM;
  readonly pi: Linear;
  readonly v: Linear;
  constructor(
    readonly shape: NetworkShape,
    rng: Rng,
  ) {
    const dtype = shape.dtype ?? 'f32';
    const init = rng.fork('init');
    this.lstm = new LSTM('lstm', shape.obsDim, shape.hidden, {
      dtype,
      rng: init,
      maxSteps: shape.maxSteps,
      maxBatch: shape.maxBatch,
    });
    this.pi = new Linear('pi', shape.hidden, shape.nActions, { dtype, rng: init });
    this.v = new Linear('v', shape.hidden, 1, { dtype, rng: init });
    // Small policy-head weights start the policy near uniform, so early exploration is not biased
    // by the random init (a common A2C practice; the value head likewise starts near 0).
    for (let i = 0; i < this.pi.w.data.length; i++) this.pi.w.data[i]! *= 0.1;
    for (let i = 0; i < this.v.w.data.length; i++) this.v.w.data[i]! *= 0.1;
  }

  params(): Param[] {
    return [...this.lstm.params(), ...this.pi.params(), ...this.v.params()];
  }

  /** Policy logits and value for hidden states h [B×H]. */
  heads(h: Vec, B: number, logits: Vec, values: Vec): void {
    this.pi.forward(h, B, logits);
    this.v.forward(h, B, values);
  }
}
