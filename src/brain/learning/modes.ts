/**
 * Modes: the same learned models used to predict the present, imagine a plan, remember, or simulate
 * another agent. They differ only in output gain. `emit` is the one place outputs are made, and what it
 * returns carries the gain but not the mode — so nothing downstream can learn which weak mode spoke.
 */
import type { NonMotorOutput } from '../messages.js';

export type Mode = 'predict' | 'imagine' | 'remember' | 'empathize';
export const MODES: readonly Mode[] = ['predict', 'imagine', 'remember', 'empathize'];

export function emit(
  names: readonly string[],
  values: ArrayLike<number>,
  gain: number,
  out: NonMotorOutput[],
): void {
  for (let i = 0; i < names.length; i++) out.push({ assessor: names[i]!, value: values[i]!, gain });
}
