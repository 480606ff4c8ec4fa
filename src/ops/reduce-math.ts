/**
 * Reductions composed from the reduce kernel: all, any (on bool), argMin, logSumExp, norm,
 * euclideanNorm and moments, with TensorFlow.js's signatures and defaults.
 */
import { fmt, normAxes, normAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { defineOp, toTensor, type Axis, type TensorLike } from './core.js';
import { abs, add, exp, log, neg, sqrt, square, sub } from './elementwise.js';
import { argMax, max, mean, min, sum } from './reduce.js';
import { reshape } from './movement.js';

function boolInput(op: string, a: TensorLike): Tensor {
  const x = toTensor(op, a, undefined, Array.isArray(a) || typeof a === 'boolean' ? 'bool' : undefined);
  if (x.dtype !== 'bool') throw new Error(`${op}: expected a bool tensor, got ${x.dtype} ${fmt(x.shape)} (compare, or cast with .cast('bool'))`);
  return x;
}

/** Whether every element along `axis` is true (bool in, bool out). @function */
export const all = defineOp('all', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => min(boolInput('all', a), axis, keepDims));

/** Whether any element along `axis` is true (bool in, bool out). @function */
export const any = defineOp('any', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => max(boolInput('any', a), axis, keepDims));

/** Index (int32) of the smallest value along one axis (default 0, as in TensorFlow.js); the first one wins ties. @function */
export const argMin = defineOp('argMin', (a: TensorLike, axis: number = 0): Tensor => {
  const x = toTensor('argMin', a);
  // -1 - x reverses the order of every int32 without overflow; -x of a float does the same.
  return argMax(x.dtype === 'float32' ? neg(x) : sub(-1, x), axis);
});

/** log(sum(exp(x))) along `axis`, computed as m + log(sum(exp(x - m))) with m the maximum. @function */
export const logSumExp = defineOp('logSumExp', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => {
  const x = toTensor('logSumExp', a);
  const m = max(x, axis, true);
  const y = add(log(sum(exp(sub(x, m)), axis, true)), m);
  return keepDims ? y : reshape(y, y.shape.filter((_, i) => !normAxes('logSumExp', axis, x.rank).includes(i)));
});

/** sqrt(sum(x^2)) along `axis` (all axes when omitted). @function */
export const euclideanNorm = defineOp('euclideanNorm', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => sqrt(sum(square(toTensor('euclideanNorm', a)), axis, keepDims)));

/** The order of a norm: 'euclidean' / 'fro', or 1, 2, Infinity, -Infinity. */
export type NormOrder = 'euclidean' | 'fro' | number;

/**
 * The vector norm over one axis (or all), or the matrix norm over two axes (TensorFlow.js's
 * tf.norm): 'euclidean' / 'fro' / 2: sqrt(sum x^2); 1: sum |x| (matrix: the largest column sum);
 * Infinity: max |x| (matrix: the largest row sum); -Infinity: min |x|.
 * @function
 */
export const norm = defineOp('norm', (a: TensorLike, ord: NormOrder = 'euclidean', axis: Axis = null, keepDims: boolean = false): Tensor => {
  const x = toTensor('norm', a);
  const axes = normAxes('norm', axis, x.rank);
  const matrix = Array.isArray(axis) && axis.length === 2;
  if (Array.isArray(axis) && axis.length > 2) throw new Error(`norm: axis must be one axis or two (a matrix norm), got [${axis}]`);
  let y: Tensor;
  if (ord === 'euclidean' || ord === 'fro' || (ord === 2 && !matrix)) y = sqrt(sum(square(x), axes, true));
  else if (matrix && (ord === 1 || ord === Infinity || ord === -Infinity)) {
    const [r, c] = [normAxis('norm', (axis as number[])[0]!, x.rank), normAxis('norm', (axis as number[])[1]!, x.rank)];
    const sums = sum(abs(x), ord === 1 ? r : c, true);
    y = ord === -Infinity ? min(sums, ord === 1 ? c : r, true) : max(sums, ord === 1 ? c : r, true);
  } else if (matrix) throw new Error(`norm: matrix norm order ${String(ord)} is not supported (expected 'fro', 'euclidean', 1, Infinity or -Infinity)`);
  else if (ord === 1) y = sum(abs(x), axes, true);
  else if (ord === Infinity) y = max(abs(x), axes, true);
  else if (ord === -Infinity) y = min(abs(x), axes, true);
  else throw new Error(`norm: unsupported order ${String(ord)} (expected 'euclidean', 'fro', 1, 2, Infinity or -Infinity, as TensorFlow.js)`);
  return keepDims ? y : reshape(y, x.shape.filter((_, i) => !axes.includes(i)));
});

/** What moments returns. */
export interface Moments {
  /** The mean along the axes. */
  mean: Tensor;
  /** The (biased) variance along the axes. */
  variance: Tensor;
}

/** The mean and variance of `x` along `axis` (all axes when omitted): { mean, variance }. @function */
export const moments = defineOp('moments', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Moments => {
  const x = toTensor('moments', a);
  const m = mean(x, axis, true);
  const variance = mean(square(sub(x, m)), axis, keepDims);
  return { mean: keepDims ? m : mean(x, axis, false), variance };
});

