/**
 * TensorFlow.js's spellings of ops we have under another name or signature, and its rank-specific
 * forms (tensor5d, concat2d, slice3d, reverse4d, ...): one-line aliases that check the rank.
 */
import type { DType, TypedArray } from '../dtype.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { checkInt, checkNumber, defineOp, toTensor, type TensorLike } from './core.js';
import { arange, full, tensor } from './creation.js';
import { matmul } from './matmul.js';
import { concat, pad, reshape, slice } from './movement.js';
import { reverse } from './arrange.js';

/** start, start + step, ... below stop (TensorFlow.js's range; our arange). */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  return arange(start, stop, step, dtype);
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num: number): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'stop', stop);
  checkInt('linspace', 'num', num, 1);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  return tensor(Float32Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step)));
}

/** A tensor of `shape` filled with `value` (TensorFlow.js's fill; our full). */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return full(shape, value, dtype);
}

function ranked(op: string, rank: number, x: Tensor): Tensor {
  if (x.rank !== rank) throw new Error(`${op}: expected a tensor of rank ${rank}, got rank ${x.rank} ${fmt(x.shape)}`);
  return x;
}

/** A rank-5 tensor from values nested 5 deep, or flat values and a 5-entry shape. @function */
export const tensor5d = defineOp('tensor5d', (values: NestedArray | TypedArray | readonly number[], shape?: readonly [number, number, number, number, number], dtype?: DType): Tensor =>
  ranked('tensor5d', 5, tensor(values, shape, dtype)));
/** A rank-6 tensor from values nested 6 deep, or flat values and a 6-entry shape. @function */
export const tensor6d = defineOp('tensor6d', (values: NestedArray | TypedArray | readonly number[], shape?: readonly [number, number, number, number, number, number], dtype?: DType): Tensor =>
  ranked('tensor6d', 6, tensor(values, shape, dtype)));

function concatRank(op: string, rank: number, list: readonly TensorLike[], axis: number): Tensor {
  const ts = list.map((t) => toTensor(op, t));
  for (const t of ts) ranked(op, rank, t);
  return concat(ts, axis);
}
/** Join rank-1 tensors end to end. */
export const concat1d = defineOp('concat1d', (tensors: readonly TensorLike[]): Tensor => concatRank('concat1d', 1, tensors, 0));
/** Join rank-2 tensors along `axis` (default 0). */
export const concat2d = defineOp('concat2d', (tensors: readonly TensorLike[], axis: number = 0): Tensor => concatRank('concat2d', 2, tensors, axis));
/** Join rank-3 tensors along `axis` (default 0). */
export const concat3d = defineOp('concat3d', (tensors: readonly TensorLike[], axis: number = 0): Tensor => concatRank('concat3d', 3, tensors, axis));
/** Join rank-4 tensors along `axis` (default 0). */
export const concat4d = defineOp('concat4d', (tensors: readonly TensorLike[], axis: number = 0): Tensor => concatRank('concat4d', 4, tensors, axis));

/** `size` elements of a rank-1 tensor from `begin`. */
export const slice1d = defineOp('slice1d', (x: TensorLike, begin: number, size: number): Tensor => slice(ranked('slice1d', 1, toTensor('slice1d', x)), [begin], [size]));
/** A [rows, cols] block of a rank-2 tensor. */
export const slice2d = defineOp('slice2d', (x: TensorLike, begin: readonly [number, number], size: readonly [number, number]): Tensor => slice(ranked('slice2d', 2, toTensor('slice2d', x)), begin, size));
/** A block of a rank-3 tensor. */
export const slice3d = defineOp('slice3d', (x: TensorLike, begin: readonly [number, number, number], size: readonly [number, number, number]): Tensor => slice(ranked('slice3d', 3, toTensor('slice3d', x)), begin, size));
/** A block of a rank-4 tensor. */
export const slice4d = defineOp('slice4d', (x: TensorLike, begin: readonly [number, number, number, number], size: readonly [number, number, number, number]): Tensor => slice(ranked('slice4d', 4, toTensor('slice4d', x)), begin, size));

/** A rank-1 tensor reversed. */
export const reverse1d = defineOp('reverse1d', (x: TensorLike): Tensor => reverse(ranked('reverse1d', 1, toTensor('reverse1d', x))));
/** A rank-2 tensor reversed along `axis` (all axes when omitted). */
export const reverse2d = defineOp('reverse2d', (x: TensorLike, axis?: number | readonly number[]): Tensor => reverse(ranked('reverse2d', 2, toTensor('reverse2d', x)), axis));
/** A rank-3 tensor reversed along `axis` (all axes when omitted). */
export const reverse3d = defineOp('reverse3d', (x: TensorLike, axis?: number | readonly number[]): Tensor => reverse(ranked('reverse3d', 3, toTensor('reverse3d', x)), axis));
/** A rank-4 tensor reversed along `axis` (all axes when omitted). */
export const reverse4d = defineOp('reverse4d', (x: TensorLike, axis?: number | readonly number[]): Tensor => reverse(ranked('reverse4d', 4, toTensor('reverse4d', x)), axis));

/** The dot product of 1-D or 2-D tensors: vector . vector is a scalar, else a matrix product. @function */
export const dot = defineOp('dot', (a: TensorLike, b: TensorLike): Tensor => {
  const x = toTensor('dot', a), y = toTensor('dot', b, x.backend);
  if (x.rank < 1 || x.rank > 2 || y.rank < 1 || y.rank > 2) throw new Error(`dot: expected 1-D or 2-D tensors, got ${fmt(x.shape)} and ${fmt(y.shape)}`);
  const x2 = x.rank === 1 ? reshape(x, [1, x.size]) : x;
  const y2 = y.rank === 1 ? reshape(y, [y.size, 1]) : y;
  const p = matmul(x2, y2);
  const shape = [...(x.rank === 2 ? [x.shape[0]!] : []), ...(y.rank === 2 ? [y.shape[1]!] : [])];
  return reshape(p, shape);
});

/** The outer product of two 1-D tensors: [v1.size, v2.size]. @function */
export const outerProduct = defineOp('outerProduct', (v1: TensorLike, v2: TensorLike): Tensor => {
  const x = toTensor('outerProduct', v1), y = toTensor('outerProduct', v2, x.backend);
  ranked('outerProduct', 1, x);
  ranked('outerProduct', 1, y);
  return matmul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
});

/** The dtype of an op on two dtypes (TensorFlow.js's upcastType): float32 beats int32 beats bool. */
export function upcastType(a: DType, b: DType): DType {
  return a === 'float32' || b === 'float32' ? 'float32' : a === 'int32' || b === 'int32' ? 'int32' : 'bool';
}

/** The dtype of a sum over `dtype` (TensorFlow.js's sumOutType): int32 for int32 and bool. */
export function sumOutType(dtype: DType): DType {
  return dtype === 'float32' ? 'float32' : 'int32';
}

/** pad for rank 1: [before, after] zeros (or constantValue). @function */
export const pad1d = defineOp('pad1d', (x: TensorLike, paddings: readonly [number, number], constantValue: number = 0): Tensor =>
  pad(ranked('pad1d', 1, toTensor('pad1d', x)), [paddings], constantValue));
/** pad for rank 2. @function */
export const pad2d = defineOp('pad2d', (x: TensorLike, paddings: readonly [readonly [number, number], readonly [number, number]], constantValue: number = 0): Tensor =>
  pad(ranked('pad2d', 2, toTensor('pad2d', x)), paddings, constantValue));
/** pad for rank 3. @function */
export const pad3d = defineOp('pad3d', (x: TensorLike, paddings: readonly (readonly [number, number])[], constantValue: number = 0): Tensor =>
  pad(ranked('pad3d', 3, toTensor('pad3d', x)), paddings, constantValue));
/** pad for rank 4. @function */
export const pad4d = defineOp('pad4d', (x: TensorLike, paddings: readonly (readonly [number, number])[], constantValue: number = 0): Tensor =>
  pad(ranked('pad4d', 4, toTensor('pad4d', x)), paddings, constantValue));
