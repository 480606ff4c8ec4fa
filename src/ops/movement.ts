/**
 * Data movement: reshape (a view), transpose, slice, gather, concat, oneHot, broadcastTo,
 * expandDims, squeeze, cast, clone, and copies between backends. Gradients beside each op.
 */
import type { BackendName } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { getBackendInstance } from '../engine.js';
import { broadcastShapes, broadcastStrides, checkShape, fmt, normAxis, sameShape, sizeOf, splitAt, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkInt, fromData, record, runKernel, toTensor, type TensorLike } from './core.js';
import { sumTo } from './reduce.js';

/** Same data, new shape (no copy). One dimension may be -1 and is inferred. */
export function reshape(a: TensorLike, shape: readonly number[]): Tensor {
  const x = toTensor('reshape', a);
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${String(shape)}`);
  const s = shape.slice();
  const free = s.filter((d) => d === -1).length;
  if (free > 1) throw new Error(`reshape: only one dimension may be -1, got ${fmt(shape)}`);
  if (free === 1) {
    const known = sizeOf(s.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)}`);
    s[s.indexOf(-1)] = x.size / known;
  }
  checkShape('reshape', s);
  if (sizeOf(s) !== x.size) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)} (size ${sizeOf(s)})`);
  return record('reshape', [x], x.view(s), (dy) => [reshape(dy, x.shape)]);
}

/** Permute axes; `perm` defaults to reversing them. */
export function transpose(a: TensorLike, perm?: readonly number[]): Tensor {
  const x = toTensor('transpose', a);
  const p = perm ? perm.map((ax) => normAxis('transpose', ax, x.rank)) : [...Array(x.rank).keys()].reverse();
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new Error(`transpose: perm [${perm?.join(',')}] is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`);
  }
  const st = stridesOf(x.shape);
  const shape = p.map((i) => x.shape[i]!);
  const y = p.every((v, i) => v === i)
    ? x.view(x.shape)
    : runKernel('strided', [x], shape, x.dtype, { shape, strides: p.map((i) => st[i]!), offset: 0, dtype: x.dtype });
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return record('transpose', [x], y, (dy) => [transpose(dy, inv)]);
}

/** Zero-pad `x` into `outShape` with x's first element at `begin` (the gradient of slice). */
export function pad(x: Tensor, outShape: readonly number[], begin: readonly number[]): Tensor {
  const y = runKernel('pad', [x], outShape, x.dtype, { xShape: x.shape, outShape, begin, dtype: x.dtype });
  return record('pad', [x], y, (dy) => [slice(dy, begin, x.shape)]);
}

/**
 * A box of `x`: `size[i]` elements from `begin[i]` on each axis (-1 or omitted: to the end).
 * A number for begin/size applies to the first axis only.
 */
export function slice(a: TensorLike, begin: readonly number[] | number, size?: readonly number[] | number): Tensor {
  const x = toTensor('slice', a);
  const b = typeof begin === 'number' ? [begin] : begin.slice();
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : size.slice();
  if (b.length > x.rank || s.length > x.rank) throw new Error(`slice: begin [${b}] / size [${s}] have more entries than ${fmt(x.shape)} has axes`);
  const start = x.shape.map((_, i) => b[i] ?? 0);
  const len = x.shape.map((d, i) => (s[i] === undefined || s[i] === -1 ? d - start[i]! : s[i]!));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(start[i]) || !Number.isInteger(len[i]) || start[i]! < 0 || len[i]! < 0 || start[i]! + len[i]! > d) {
      throw new Error(`slice: begin [${start}] size [${len}] is out of bounds for ${fmt(x.shape)} (axis ${i})`);
    }
  });
  const st = stridesOf(x.shape);
  const offset = start.reduce((acc, v, i) => acc + v * st[i]!, 0);
  const y = runKernel('strided', [x], len, x.dtype, { shape: len, strides: st, offset, dtype: x.dtype });
  return record('slice', [x], y, (dy) => [pad(dy, x.shape, start)]);
}

/** Rows (or entries along `axis`) of `x` picked by int32 `indices` (for batching: gather(x, batchIdx)). */
export function gather(a: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const x = toTensor('gather', a);
  if (x.rank === 0) throw new Error('gather: expected a tensor of rank >= 1, got a scalar');
  const idx = toTensor('gather', indices, x.backend, 'int32');
  if (idx.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${idx.dtype}`);
  const ax = normAxis('gather', axis, x.rank);
  const { outer, size: axisLen, inner } = splitAt(x.shape, ax);
  const shape = [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)];
  const attrs = { outer, axisLen, inner, numIdx: idx.size };
  const y = runKernel('gather', [x, idx], shape, x.dtype, { ...attrs, dtype: x.dtype });
  return record('gather', [x], y, (dy) => [runKernel('scatterAdd', [dy, idx], x.shape, 'float32', attrs)]);
}

/** Join tensors along `axis`; all other dimensions must agree. */
export function concat(list: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(list) || list.length === 0) throw new Error('concat: expected a non-empty array of tensors');
  const first = toTensor('concat', list[0]!);
  const ts = list.map((t) => toTensor('concat', t, first.backend));
  const ax = normAxis('concat', axis, first.rank);
  for (const t of ts) {
    if (t.rank !== first.rank || t.dtype !== first.dtype || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: cannot join ${fmt(t.shape)} ${t.dtype} to ${fmt(first.shape)} ${first.dtype} along axis ${axis}`);
    }
  }
  let acc = ts[0]!;
  for (let i = 1; i < ts.length; i++) {
    const b = ts[i]!;
    const { outer, inner } = splitAt(acc.shape, ax);
    const shape = acc.shape.map((d, j) => (j === ax ? d + b.shape[ax]! : d));
    const next = runKernel('concat', [acc, b], shape, first.dtype, { outer, aLen: acc.shape[ax]!, bLen: b.shape[ax]!, inner, dtype: first.dtype });
    if (acc !== ts[0]) acc.dispose();
    acc = next;
  }
  const y = acc === ts[0] ? acc.view(acc.shape) : acc;
  return record('concat', ts, y, (dy) => {
    let at = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, j) => (j === ax ? at : 0));
      at += t.shape[ax]!;
      return slice(dy, begin, t.shape);
    });
  });
}

/** Stack same-shaped tensors along a new axis. */
export function stack(list: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(list) || list.length === 0) throw new Error('stack: expected a non-empty array of tensors');
  const ts = list.map((t) => toTensor('stack', t));
  const ax = normAxis('stack', axis, ts[0]!.rank + 1);
  return concat(ts.map((t) => expandDims(t, ax)), ax);
}

/** One-hot rows (float32 [..., depth]) for int32 class indices. */
export function oneHot(indices: TensorLike, depth: number, onValue = 1, offValue = 0): Tensor {
  const idx = toTensor('oneHot', indices, undefined, 'int32');
  if (idx.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${idx.dtype}`);
  checkInt('oneHot', 'depth', depth, 1);
  return runKernel('oneHot', [idx], [...idx.shape, depth], 'float32', { depth, onValue, offValue });
}

/** Repeat `x` along broadcast dimensions to reach `shape`. */
export function broadcastTo(a: TensorLike, shape: readonly number[]): Tensor {
  const x = toTensor('broadcastTo', a);
  checkShape('broadcastTo', shape);
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(out, shape)) throw new Error(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  const y = sameShape(x.shape, shape)
    ? x.view(shape)
    : runKernel('strided', [x], shape, x.dtype, { shape, strides: broadcastStrides(x.shape, shape), offset: 0, dtype: x.dtype });
  return record('broadcastTo', [x], y, (dy) => [sumTo(dy, x.shape)]);
}

/** Insert an axis of length 1 at `axis` (default 0). */
export function expandDims(a: TensorLike, axis = 0): Tensor {
  const x = toTensor('expandDims', a);
  const ax = normAxis('expandDims', axis, x.rank + 1);
  const s = x.shape.slice();
  s.splice(ax, 0, 1);
  return reshape(x, s);
}

/** Remove axes of length 1 (all of them, or those named). */
export function squeeze(a: TensorLike, axis?: number | readonly number[]): Tensor {
  const x = toTensor('squeeze', a);
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((v) => normAxis('squeeze', v, x.rank));
  for (const ax of axes) if (x.shape[ax] !== 1) throw new Error(`squeeze: axis ${ax} of ${fmt(x.shape)} has length ${x.shape[ax]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Convert to another dtype (float32 -> int32 truncates toward zero). */
export function cast(a: TensorLike, dtype: DType): Tensor {
  const x = toTensor('cast', a);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`cast: unknown dtype '${String(dtype)}' (expected float32 or int32)`);
  if (x.dtype === dtype) return reshape(x, x.shape);
  const y = runKernel('cast', [x], x.shape, dtype, { from: x.dtype, to: dtype });
  return record('cast', [x], y, (dy) => [dy]);
}

/** A copy with its own buffer. */
export function clone(a: TensorLike): Tensor {
  const x = toTensor('clone', a);
  const y = runKernel('strided', [x], x.shape, x.dtype, { shape: x.shape, strides: stridesOf(x.shape), offset: 0, dtype: x.dtype });
  return record('clone', [x], y, (dy) => [dy]);
}

/** Copy a tensor to another backend through the host. */
export async function copyTo(x: Tensor, name: BackendName): Promise<Tensor> {
  const b = await getBackendInstance(name);
  const data = await x.data();
  return fromData(data, x.shape, x.dtype, b);
}
