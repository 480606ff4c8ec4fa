/**
 * Batch normalization with given statistics (tf.batchNorm and its rank-checked spellings
 * batchNorm2d/3d/4d): (x - mean) / sqrt(variance + varianceEpsilon) * scale + offset, composed from
 * broadcasting elementwise ops, so differentiable in all five inputs.
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argShape, backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { add, mul, sub } from './elementwise.js';
import { rsqrt } from './math.js';

function norm(op: string, rank: number | null, x: TensorLike, mean: TensorLike, variance: TensorLike, offset: TensorLike | undefined, scale: TensorLike | undefined, varianceEpsilon: number): Tensor {
  const xs = argShape(op, x);
  if (!xs) throw new Error(`${op}: x must be a Tensor or an array, got ${typeof x}`);
  if (rank !== null && xs.length !== rank) throw new Error(`${op}: x must be of rank ${rank}, got rank ${xs.length} ${fmt(xs)}`);
  if (typeof varianceEpsilon !== 'number' || !(varianceEpsilon >= 0)) throw new Error(`${op}: varianceEpsilon must be a number >= 0, got ${JSON.stringify(varianceEpsilon)}`);
  const args: [string, TensorLike | undefined][] = [['mean', mean], ['variance', variance], ['offset', offset], ['scale', scale]];
  for (const [name, v] of args) {
    if (v === undefined || v === null) {
      if (name === 'mean' || name === 'variance') throw new Error(`${op}: ${name} is required`);
      continue;
    }
    const s = argShape(op, v);
    if (!s) throw new Error(`${op}: ${name} must be a Tensor or an array, got ${typeof v}`);
    if (s.length !== 1 && s.length !== xs.length) throw new Error(`${op}: ${name} must be of rank 1 or of x's rank ${xs.length}, got ${fmt(s)}`);
    const last = s.length === 1 ? s[0]! : null;
    if (last !== null && last !== xs[xs.length - 1] && last !== 1) throw new Error(`${op}: ${name} ${fmt(s)} does not match x's last dim ${xs[xs.length - 1]} (x is ${fmt(xs)})`);
  }
  const backend = backendOf(op, args.filter(([, v]) => v !== undefined && v !== null).map(([, v]) => v!).concat([x]));
  const t = toTensor(op, x, backend);
  let y = mul(sub(t, toTensor(op, mean, backend)), rsqrt(add(toTensor(op, variance, backend), varianceEpsilon)));
  if (scale !== undefined && scale !== null) y = mul(y, toTensor(op, scale, backend));
  if (offset !== undefined && offset !== null) y = add(y, toTensor(op, offset, backend));
  return y;
}

/**
 * Batch normalization (tf.batchNorm): (x - mean) / sqrt(variance + varianceEpsilon) * scale +
 * offset, where mean, variance, offset and scale are of rank 1 (one value per last-axis entry) or
 * of x's rank (broadcast). varianceEpsilon defaults to 0.001. Differentiable in every input.
 * @function
 */
export const batchNorm = defineOp('batchNorm', (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon: number = 0.001): Tensor =>
  norm('batchNorm', null, x, mean, variance, offset, scale, varianceEpsilon));

/** tf.batchNorm2d: {@link batchNorm} of a rank-2 x. @function */
export const batchNorm2d = defineOp('batchNorm2d', (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon: number = 0.001): Tensor =>
  norm('batchNorm2d', 2, x, mean, variance, offset, scale, varianceEpsilon));

/** tf.batchNorm3d: {@link batchNorm} of a rank-3 x. @function */
export const batchNorm3d = defineOp('batchNorm3d', (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon: number = 0.001): Tensor =>
  norm('batchNorm3d', 3, x, mean, variance, offset, scale, varianceEpsilon));

/** tf.batchNorm4d: {@link batchNorm} of a rank-4 x. @function */
export const batchNorm4d = defineOp('batchNorm4d', (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon: number = 0.001): Tensor =>
  norm('batchNorm4d', 4, x, mean, variance, offset, scale, varianceEpsilon));
