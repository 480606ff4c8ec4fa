/**
 * TensorFlow.js's arithmetic beyond the basic binary ops: floorDiv and mod (members of the binary
 * kernel, exact on int32), atan2 (a binary member too), and compositions: squaredDifference, divNoNan, addN, clipByValue,
 * reciprocal, rsqrt.
 */
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { defineOp, record, toTensor, type TensorLike } from './core.js';
import { add, binaryArgs, binaryRaw, clip, div, equal, mul, neg, sqrt, square, sub, where } from './elementwise.js';
import { sumTo } from './reduce.js';
import { cast } from './movement.js';

/**
 * floor(a / b) with broadcasting, always int32 as in TensorFlow.js. Two int32 operands divide
 * exactly over the whole range (x / 0 gives 0, -2^31 / -1 wraps to -2^31); float operands are
 * divided in float32 and the floor converted (a quotient beyond the int32 range, such as x / 0,
 * is not a number TensorFlow.js and we agree on). No gradient (TensorFlow.js's is zero).
 * @function
 */
export const floorDiv = defineOp('floorDiv', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('floorDiv', a, b);
  const q = binaryRaw('floorDiv', x, y);
  return q.dtype === 'int32' ? q : cast(q, 'int32');
});

/**
 * a - floorDiv(a, b) * b with broadcasting: the remainder with the divisor's sign, as TensorFlow.js's
 * mod. int32 operands give an exact int32 (x mod 0 is 0). The gradient is dy for a and
 * -floor(a / b) dy for b.
 * @function
 */
export const mod = defineOp('mod', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('mod', a, b);
  return record('mod', [x, y], binaryRaw('mod', x, y), (dy) => [sumTo(dy, x.shape), sumTo(mul(dy, neg(binaryRaw('floorDiv', x, y))), y.shape)]);
});

/** The angle of the point (b, a) in (-pi, pi], with broadcasting; atan2(0, 0) is 0. @function */
export const atan2 = defineOp('atan2', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('atan2', a, b);
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32'), yf = y.dtype === 'float32' ? y : cast(y, 'float32');
  return record('atan2', [xf, yf], binaryRaw('atan2', xf, yf), (dy) => {
    const r2 = add(square(xf), square(yf));
    return [sumTo(div(mul(dy, yf), r2), xf.shape), sumTo(neg(div(mul(dy, xf), r2)), yf.shape)];
  });
});

/** (a - b)^2 with broadcasting. @function */
export const squaredDifference = defineOp('squaredDifference', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('squaredDifference', a, b);
  return square(sub(x, y));
});

/** a / b, but 0 where b is 0 (even for a = 0 or NaN), with broadcasting. @function */
export const divNoNan = defineOp('divNoNan', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('divNoNan', a, b);
  const zero = equal(y, 0);
  // Divide by 1 where b is 0, so the gradient there is finite (and then masked to 0).
  return where(zero, 0, div(x, where(zero, 1, y)));
});

/** The sum of a list of tensors of one shape and dtype. @function */
export const addN = defineOp('addN', (list: readonly TensorLike[]): Tensor => {
  if (!Array.isArray(list) || list.length === 0) throw new Error(`addN: expected a non-empty array of tensors, got ${Array.isArray(list) ? 'an empty array' : typeof list}`);
  const ts = list.map((t) => toTensor('addN', t));
  for (const t of ts) {
    if (!sameShape(t.shape, ts[0]!.shape) || t.dtype !== ts[0]!.dtype) {
      throw new Error(`addN: every tensor must have the shape and dtype of the first, ${ts[0]!.dtype} ${fmt(ts[0]!.shape)}; got ${t.dtype} ${fmt(t.shape)}`);
    }
  }
  if (ts.length === 1) return add(ts[0]!, 0); // a new tensor, as for longer lists
  return ts.slice(1).reduce((acc, t) => add(acc, t), ts[0]!);
});

/** Values limited to [clipValueMin, clipValueMax] (TensorFlow.js's name for clip). @function */
export const clipByValue = defineOp('clipByValue', (x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor => clip(x, clipValueMin, clipValueMax));

/** 1 / x. @function */
export const reciprocal = defineOp('reciprocal', (x: TensorLike): Tensor => div(1, x));

/** 1 / sqrt(x). @function */
export const rsqrt = defineOp('rsqrt', (x: TensorLike): Tensor => div(1, sqrt(x)));

