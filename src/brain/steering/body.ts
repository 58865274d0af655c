/**
 * The body: named physiological variables (cortisol, heart rate, satiety, …) that reactions push and
 * that relax back to a tonic baseline. Plain data; the learner senses it only through the Up message.
 */

export interface BodyVarSpec {
  name: string;
  /** Tonic level the variable relaxes to. */
  baseline: number;
  /** Fraction of the distance to baseline recovered per tick. */
  decay: number;
  min: number;
  max: number;
}

export interface BodySpec {
  vars: BodyVarSpec[];
}

export function initialBody(spec: BodySpec): Float64Array {
  return Float64Array.from(spec.vars, (v) => v.baseline);
}

export function bodyIndex(spec: BodySpec, name: string): number {
  return spec.vars.findIndex((v) => v.name === name);
}

/** One tick of relaxation toward baseline. */
export function relaxBody(spec: BodySpec, s: Float64Array): void {
  for (let i = 0; i < spec.vars.length; i++) {
    const v = spec.vars[i]!;
    s[i] = s[i]! + (v.baseline - s[i]!) * v.decay;
  }
}

export function clampBody(spec: BodySpec, s: Float64Array): void {
  for (let i = 0; i < spec.vars.length; i++) {
    const v = spec.vars[i]!;
    if (s[i]! < v.min) s[i] = v.min;
    else if (s[i]! > v.max) s[i] = v.max;
  }
}

/** Body state scaled to [0, 1] by each variable's range — what the learner senses. */
export function normaliseBody(spec: BodySpec, s: Float64Array, out: Float32Array): void {
  for (let i = 0; i < spec.vars.length; i++) {
    const v = spec.vars[i]!;
    out[i] = (s[i]! - v.min) / (v.max - v.min);
  }
}
