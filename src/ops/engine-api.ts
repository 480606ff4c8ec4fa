/** TensorFlow.js's engine helpers: ready, time, print, and dropout. */
import { activeBackend } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, defineOp, toTensor, type TensorLike } from './core.js';
import { rand } from './creation.js';
import { div, greaterEqual, mul } from './elementwise.js';

/** Resolves once the active backend is ready (it is once setBackend or init has returned). */
export async function ready(): Promise<void> {
  activeBackend();
}

/** What time() measures. */
export interface TimingInfo {
  /** Wall-clock milliseconds of f and the read of its result. */
  wallMs: number;
  /** The same figure: kernels are not timed one by one here. */
  kernelMs: number;
}

/** Run f, wait for its result's values, and report the time taken (TensorFlow.js's tf.time). */
export async function time(f: () => Tensor | void): Promise<TimingInfo> {
  const t0 = performance.now();
  const y = f();
  if (y) await y.data();
  const ms = performance.now() - t0;
  return { wallMs: ms, kernelMs: ms };
}

/** Print a tensor's values to the console (TensorFlow.js's tf.print). */
export function print(x: Tensor, verbose = false): void {
  x.print(verbose);
}

/**
 * Zero each element with probability `rate` and scale the rest by 1 / (1 - rate) (TensorFlow.js's
 * tf.dropout), from the seeded generator.
 * @function
 */
export const dropout = defineOp('dropout', (a: TensorLike, rate: number, noiseShape?: readonly number[], seed?: number): Tensor => {
  const x = toTensor('dropout', a);
  checkNumber('dropout', 'rate', rate);
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return mul(x, 1);
  const keep = greaterEqual(rand(noiseShape ?? x.shape, { seed }), rate);
  return div(mul(x, keep), 1 - rate);
});
