/**
 * Scans and top-k: cumsum and cumprod (running sum / product along one axis, TensorFlow.js's
 * exclusive and reverse flags), prod (the product over axes, from the reduce kernel), and topk (the k
 * largest along the last axis, with their int32 indices). Gradients beside each.
 */
import { storageOf } from '../dtype.js';
import { fmt, normAxes, normAxis, sizeOf, splitAt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkInt, defineOp, empty, record, runKernel, toTensor, untaped, type Axis, type TensorLike } from './core.js';
import { cast, reshape, transpose } from './movement.js';
import { div, mul } from './elementwise.js';
import { full } from './creation.js';

/** float32 and int32 scan as they are; bool counts as int32 (TensorFlow.js upcasts it). */
function numeric(op: string, a: TensorLike): Tensor {
  const x = toTensor(op, a);
  return x.dtype === 'bool' ? cast(x, 'int32') : x;
}

function scanRaw(op: 'sum' | 'prod', x: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const { outer, size, inner } = splitAt(x.shape, axis);
  return runKernel('scan', [x], x.shape, x.dtype, { op, dtype: storageOf(x.dtype), outer, size, inner, exclusive, reverse });
}

function scanArgs(op: string, a: TensorLike, axis: number, exclusive: boolean, reverse: boolean): [Tensor, number] {
  const x = numeric(op, a);
  if (x.rank === 0) throw new Error(`${op}: expected a tensor of rank >= 1, got a scalar`);
  if (typeof exclusive !== 'boolean' || typeof reverse !== 'boolean') throw new Error(`${op}: exclusive and reverse must be booleans, got ${String(exclusive)} and ${String(reverse)}`);
  return [x, normAxis(op, axis, x.rank)];
}

/**
 * The running sum along `axis` (TensorFlow.js's tf.cumsum): exclusive leaves each element out of
 * its own sum, reverse sums from the end. int32 and bool give int32.
 * @function
 */
export const cumsum = defineOp('cumsum', (a: TensorLike, axis: number = 0, exclusive: boolean = false, reverse: boolean = false): Tensor => {
  const [x, ax] = scanArgs('cumsum', a, axis, exclusive, reverse);
  const y = scanRaw('sum', x, ax, exclusive, reverse);
  return record('cumsum', [x], y, (dy) => [cumsum(dy, ax, exclusive, !reverse)]);
});

/**
 * The running product along `axis` (TensorFlow.js's tf.cumprod), with the same flags as cumsum.
 * Its gradient is TensorFlow's: cumsum(dy * y, reversed) / x, so it is not finite where x is 0.
 * @function
 */
export const cumprod = defineOp('cumprod', (a: TensorLike, axis: number = 0, exclusive: boolean = false, reverse: boolean = false): Tensor => {
  const [x, ax] = scanArgs('cumprod', a, axis, exclusive, reverse);
  const y = scanRaw('prod', x, ax, exclusive, reverse);
  return record('cumprod', [x], y, (dy) => [div(cumsum(mul(dy, y), ax, exclusive, !reverse), x)]);
});

/**
 * The product over `axis` (all axes when omitted), TensorFlow.js's tf.prod: int32 and bool give an
 * exact int32 product (wrapping as two's complement), an empty axis gives 1. The gradient is exact
 * with zeros in x: the product of the other elements, from two exclusive scans.
 * @function
 */
export const prod = defineOp('prod', (a: TensorLike, axis: Axis = null, keepDims: boolean = false): Tensor => {
  const x = numeric('prod', a);
  const axes = normAxes('prod', axis, x.rank);
  const rest = [...Array(x.rank).keys()].filter((i) => !axes.includes(i));
  const perm = [...rest, ...axes];
  const outShape = rest.map((i) => x.shape[i]!);
  const n = sizeOf(axes.map((i) => x.shape[i]!));
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  // x with the reduced axes moved last and merged: [rest..., n]
  const flat = (t: Tensor): Tensor => reshape(transpose(t, perm), [...outShape, n]);
  const y = untaped(() => {
    if (n === 0) return full(keepDims ? kept : outShape, 1, x.dtype);
    // the reduce kernel's product along the merged last axis (int32: exact, wrapping)
    const r = runKernel('reduce', [flat(x)], outShape, x.dtype, { op: 'prod', dtype: storageOf(x.dtype), outer: sizeOf(outShape), size: n, inner: 1 });
    return reshape(r, keepDims ? kept : outShape);
  });
  return record('prod', [x], y, (dy) => {
    const xf = flat(x);
    const others = mul(cumprod(xf, -1, true, false), cumprod(xf, -1, true, true));
    const g = mul(others, reshape(dy, [...outShape, 1]));
    const inv = new Array<number>(perm.length);
    perm.forEach((v, i) => (inv[v] = i));
    return [transpose(reshape(g, perm.map((i) => x.shape[i]!)), inv)];
  });
});

/** What topk returns. */
export interface TopK {
  /** The k largest of each row, largest first. */
  values: Tensor;
  /** Their int32 positions along the last axis. */
  indices: Tensor;
}

/**
 * The k largest entries along the last axis (TensorFlow.js's tf.topk), largest first, with their
 * int32 indices; equal values keep the lower index first and NaN ranks above every number. The
 * results are always sorted (`sorted` is accepted for TensorFlow.js's signature). No gradient, as in
 * TensorFlow.js.
 * @function
 */
export const topk = defineOp('topk', (a: TensorLike, k: number = 1, sorted: boolean = true): TopK => {
  const x = toTensor('topk', a);
  if (x.rank === 0) throw new Error('topk: expected a tensor of rank >= 1, got a scalar');
  if (x.dtype === 'bool') throw new Error(`topk: expected a float32 or int32 tensor, got bool ${fmt(x.shape)} (cast it to int32)`);
  const size = x.shape[x.rank - 1]!;
  checkInt('topk', 'k', k);
  if (k > size) throw new Error(`topk: k (${k}) must be at most the last dimension of ${fmt(x.shape)} (${size})`);
  if (typeof sorted !== 'boolean') throw new Error(`topk: sorted must be a boolean, got ${String(sorted)}`);
  const shape = [...x.shape.slice(0, -1), k];
  const values = empty(shape, x.dtype, x.backend, 'topk');
  const indices = empty(shape, 'int32', x.backend, 'topk');
  if (values.size > 0) x.backend.run('topk', [x.handle], [values.handle, indices.handle], { outer: x.size / size, size, k, dtype: storageOf(x.dtype) });
  return { values, indices };
});
