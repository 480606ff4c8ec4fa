/**
 * Data movement: reshape (a view), transpose, slice, gather, concat, oneHot, broadcastTo,
 * expandDims, squeeze, cast, clone, and copies between backends. Gradients beside each op.
 */
import type { BackendName } from '../backend/backend.js';
import { type DataType, type DType, isDType, storageOf } from '../dtype.js';
import { getBackendInstance } from '../engine.js';
import { broadcastShapes, broadcastStrides, checkShape, fmt, normAxis, sameShape, sizeOf, splitAt, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkAlloc } from '../limits.js';
import { argDType, argShape, backendOf, checkInt, defineOp, fromData, record, runKernel, toTensor, type TensorLike } from './core.js';
import { sumTo } from './reduce.js';
import { add, greater, mul, sub, where } from './elementwise.js';
import { complexCast, complexClone, complexConcat, complexSlice, complexTranspose, isComplexArg } from './complex.js';

/** Same data, new shape (no copy). One dimension may be -1 and is inferred. @function */
export const reshape = defineOp('reshape', (a: TensorLike, shape: readonly number[]): Tensor => {
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
});

/** Permute axes; `perm` defaults to reversing them. @function */
export const transpose = defineOp('transpose', (a: TensorLike, perm?: readonly number[]): Tensor => {
  if (isComplexArg(a)) return complexTranspose(a, perm);
  const x = toTensor('transpose', a);
  const p = perm ? perm.map((ax) => normAxis('transpose', ax, x.rank)) : [...Array(x.rank).keys()].reverse();
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new Error(`transpose: perm [${perm?.join(',')}] is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`);
  }
  const st = stridesOf(x.shape);
  const shape = p.map((i) => x.shape[i]!);
  const y = p.every((v, i) => v === i)
    ? x.view(x.shape)
    : runKernel('strided', [x], shape, x.dtype, { shape, strides: p.map((i) => st[i]!), offset: 0, dtype: storageOf(x.dtype) });
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return record('transpose', [x], y, (dy) => [transpose(dy, inv)]);
});

/**
 * Pad `x`. TensorFlow.js's form: pad(x, paddings, constantValue = 0) with one [before, after] pair
 * per axis. Also pad(x, outShape, begin): zeros of outShape with x's first element at `begin` (the
 * gradient of slice).
 * @function
 */
export const pad = defineOp('pad', (a: TensorLike, shapeOrPaddings: readonly number[] | readonly (readonly [number, number])[], beginOrValue: readonly number[] | number = 0): Tensor => {
  const x = toTensor('pad', a);
  if (shapeOrPaddings.length > 0 && Array.isArray(shapeOrPaddings[0])) {
    const pads = shapeOrPaddings as readonly (readonly [number, number])[];
    if (pads.length !== x.rank || pads.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
      throw new Error(`pad: paddings must be one [before, after] pair of whole numbers >= 0 per axis of ${fmt(x.shape)}, got ${JSON.stringify(pads)}`);
    }
    const value = typeof beginOrValue === 'number' ? beginOrValue : 0;
    const outShape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const begin = pads.map((p) => p[0]);
    const y = pad(x, outShape, begin);
    if (value === 0) return y;
    // Outside x: value * (1 - mask), exact, where mask is 1 over x's place and 0 in the padding.
    const ones = x.dtype === 'float32' ? new Float32Array(x.size).fill(1) : new Int32Array(x.size).fill(1);
    const mask = pad(fromData(ones, x.shape, x.dtype === 'float32' ? 'float32' : 'int32', x.backend), outShape, begin);
    // (A non-finite value would make value * 0 NaN inside x: there the mask selects instead.)
    if (!Number.isFinite(value)) return where(greater(mask, 0.5), y, fromData(Float32Array.of(value), [], 'float32', x.backend));
    return add(y, mul(sub(1, mask), value));
  }
  const outShape = shapeOrPaddings as readonly number[];
  const begin = beginOrValue as readonly number[];
  checkShape('pad', outShape);
  if (outShape.length !== x.rank || !Array.isArray(begin) || begin.length !== x.rank
    || x.shape.some((d, i) => !Number.isInteger(begin[i]) || begin[i]! < 0 || begin[i]! + d > outShape[i]!)) {
    throw new Error(`pad: ${fmt(x.shape)} placed at [${String(begin)}] does not fit in ${fmt(outShape)}`);
  }
  checkAlloc('pad', outShape, x.dtype, x.backend);
  const y = runKernel('pad', [x], outShape, x.dtype, { xShape: x.shape, outShape, begin, dtype: storageOf(x.dtype) });
  return record('pad', [x], y, (dy) => [slice(dy, begin, x.shape)]);
});

/**
 * A box of `x`: `size[i]` elements from `begin[i]` on each axis (-1 or omitted: to the end).
 * A number for begin/size applies to the first axis only.
 * @function
 */
export const slice = defineOp('slice', (a: TensorLike, begin: readonly number[] | number, size?: readonly number[] | number): Tensor => {
  if (isComplexArg(a)) return complexSlice(a, begin, size);
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
  const y = runKernel('strided', [x], len, x.dtype, { shape: len, strides: st, offset, dtype: storageOf(x.dtype) });
  return record('slice', [x], y, (dy) => [pad(dy, x.shape, start)]);
});

/**
 * Rows (or entries along `axis`) of `x` picked by int32 `indices` (for batching: gather(x, batchIdx)).
 * Output shape: x's shape with the axis replaced by the indices' shape.
 * An index outside [0, x.shape[axis]): the cpu backend throws an Error naming the index, its
 * position and the valid range; webgpu and gpujs, which cannot see the indices without reading them
 * back, give zeros for it (as TensorFlow.js's GPU backends do).
 * @function
 */
export const gather = defineOp('gather', (a: TensorLike, indices: TensorLike, axis: number = 0): Tensor => {
  const backend = backendOf('gather', [a, indices]);
  const sx = argShape('gather', a), si = argShape('gather', indices);
  if (!sx || !si) throw new Error(`gather: expected a Tensor or array for x and for indices, got ${sx ? typeof indices : typeof a}`);
  if (sx.length === 0) throw new Error('gather: expected a tensor of rank >= 1, got a scalar');
  if (argDType(indices, 'int32') !== 'int32') throw new Error(`gather: indices must be int32, got ${argDType(indices)}`);
  const ax = normAxis('gather', axis, sx.length);
  const shape = [...sx.slice(0, ax), ...si, ...sx.slice(ax + 1)];
  checkAlloc('gather', shape, argDType(a), backend);
  const x = toTensor('gather', a, backend);
  const idx = toTensor('gather', indices, backend, 'int32');
  const { outer, size: axisLen, inner } = splitAt(x.shape, ax);
  const attrs = { outer, axisLen, inner, numIdx: idx.size };
  const y = runKernel('gather', [x, idx], shape, x.dtype, { ...attrs, dtype: storageOf(x.dtype) });
  // idx is listed (with no gradient) so that the tape keeps it alive for the backward pass even
  // when this op, or a composite such as reverse or tile, made it.
  return record('gather', [x, idx], y, (dy) => {
    const dx = runKernel('scatterAdd', [dy, idx], x.shape, 'float32', attrs);
    // Linear in dy, with gather as its transpose: recorded for second-order gradients.
    return [record('scatterAdd', [dy, idx], dx, (g) => [gather(g, idx, ax), null]), null];
  });
});

/** Join tensors along `axis`; all other dimensions must agree. @function */
export const concat = defineOp('concat', (list: readonly TensorLike[], axis: number = 0): Tensor => {
  if (!Array.isArray(list) || list.length === 0) throw new Error('concat: expected a non-empty array of tensors');
  if (list.some(isComplexArg)) return complexConcat(list, axis);
  // Shapes, dtypes and the output's size are checked before any argument becomes a tensor.
  const backend = backendOf('concat', list);
  const shapes = list.map((t) => {
    const s = argShape('concat', t);
    if (!s) throw new Error(`concat: expected Tensors or arrays, got ${t === null ? 'null' : typeof t}`);
    return s;
  });
  const s0 = shapes[0]!, dt0 = argDType(list[0]!);
  const ax = normAxis('concat', axis, s0.length);
  shapes.forEach((s, k) => {
    const dt = argDType(list[k]!);
    if (s.length !== s0.length || dt !== dt0 || s.some((d, i) => i !== ax && d !== s0[i])) {
      throw new Error(`concat: cannot join ${fmt(s)} ${dt} to ${fmt(s0)} ${dt0} along axis ${axis}`);
    }
  });
  checkAlloc('concat', s0.map((d, i) => (i === ax ? shapes.reduce((n, s) => n + s[ax]!, 0) : d)), dt0, backend);
  const ts = list.map((t) => toTensor('concat', t, backend));
  const first = ts[0]!;
  let acc = ts[0]!;
  for (let i = 1; i < ts.length; i++) {
    const b = ts[i]!;
    const { outer, inner } = splitAt(acc.shape, ax);
    const shape = acc.shape.map((d, j) => (j === ax ? d + b.shape[ax]! : d));
    const next = runKernel('concat', [acc, b], shape, first.dtype, { outer, aLen: acc.shape[ax]!, bLen: b.shape[ax]!, inner, dtype: storageOf(first.dtype) });
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
});

/** Stack same-shaped tensors along a new axis. @function */
export const stack = defineOp('stack', (list: readonly TensorLike[], axis: number = 0): Tensor => {
  if (!Array.isArray(list) || list.length === 0) throw new Error('stack: expected a non-empty array of tensors');
  const backend = backendOf('stack', list);
  const shapes = list.map((t) => argShape('stack', t));
  const s0 = shapes[0];
  for (const s of shapes) {
    if (!s || !s0 || !sameShape(s, s0)) throw new Error(`stack: tensors must all have the same shape, got ${shapes.map((v) => (v ? fmt(v) : 'a non-tensor')).join(', ')}`);
  }
  const ax = normAxis('stack', axis, s0!.length + 1);
  checkAlloc('stack', [...s0!.slice(0, ax), list.length, ...s0!.slice(ax)], argDType(list[0]!), backend);
  const ts = list.map((t) => toTensor('stack', t, backend));
  return concat(ts.map((t) => expandDims(t, ax)), ax);
});

/** One-hot rows (float32 [..., depth]) for int32 class indices. @function */
export const oneHot = defineOp('oneHot', (indices: TensorLike, depth: number, onValue: number = 1, offValue: number = 0): Tensor => {
  const backend = backendOf('oneHot', [indices]);
  const si = argShape('oneHot', indices);
  if (!si) throw new Error(`oneHot: expected a Tensor or array of indices, got ${indices === null ? 'null' : typeof indices}`);
  if (argDType(indices, 'int32') !== 'int32') throw new Error(`oneHot: indices must be int32, got ${argDType(indices)}`);
  checkInt('oneHot', 'depth', depth, 1);
  checkAlloc('oneHot', [...si, depth], 'float32', backend);
  const idx = toTensor('oneHot', indices, backend, 'int32');
  return runKernel('oneHot', [idx], [...idx.shape, depth], 'float32', { depth, onValue, offValue });
});

/** Repeat `x` along broadcast dimensions to reach `shape`. @function */
export const broadcastTo = defineOp('broadcastTo', (a: TensorLike, shape: readonly number[]): Tensor => {
  const backend = backendOf('broadcastTo', [a]);
  const sx = argShape('broadcastTo', a);
  checkShape('broadcastTo', shape);
  if (sx) {
    const out = broadcastShapes('broadcastTo', sx, shape);
    if (!sameShape(out, shape)) throw new Error(`broadcastTo: cannot broadcast ${fmt(sx)} to ${fmt(shape)}`);
    checkAlloc('broadcastTo', shape, argDType(a), backend);
  }
  const x = toTensor('broadcastTo', a, backend);
  const y = sameShape(x.shape, shape)
    ? x.view(shape)
    : runKernel('strided', [x], shape, x.dtype, { shape, strides: broadcastStrides(x.shape, shape), offset: 0, dtype: storageOf(x.dtype) });
  return record('broadcastTo', [x], y, (dy) => [sumTo(dy, x.shape)]);
});

/** Insert an axis of length 1 at `axis` (default 0). @function */
export const expandDims = defineOp('expandDims', (a: TensorLike, axis: number = 0): Tensor => {
  const x = toTensor('expandDims', a);
  const ax = normAxis('expandDims', axis, x.rank + 1);
  const s = x.shape.slice();
  s.splice(ax, 0, 1);
  return reshape(x, s);
});

/** Remove axes of length 1 (all of them, or those named). @function */
export const squeeze = defineOp('squeeze', (a: TensorLike, axis?: number | readonly number[]): Tensor => {
  const x = toTensor('squeeze', a);
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((v) => normAxis('squeeze', v, x.rank));
  for (const ax of axes) if (x.shape[ax] !== 1) throw new Error(`squeeze: axis ${ax} of ${fmt(x.shape)} has length ${x.shape[ax]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
});

/**
 * Convert to another dtype: float32 -> int32 truncates toward zero; to bool is x != 0 (NaN is
 * true, as in TensorFlow.js); bool reads as 0 and 1. Only float32 -> float32 has a gradient path.
 * @function
 */
export const cast = defineOp('cast', (a: TensorLike, dtype: DataType): Tensor => {
  if (dtype === 'complex64' || isComplexArg(a)) return complexCast(a, dtype);
  const x = toTensor('cast', a);
  if (!isDType(dtype)) throw new Error(`cast: unknown dtype '${String(dtype)}' (expected float32, int32 or bool)`);
  if (x.dtype === dtype) return reshape(x, x.shape);
  if (dtype === 'bool') return notEqualZero(x);
  const from = storageOf(x.dtype);
  if (from === dtype) return x.viewAs(dtype); // bool -> int32: the same 0/1 buffer
  const y = runKernel('cast', [x], x.shape, dtype, { from, to: dtype });
  return x.dtype === 'bool' ? y : record('cast', [x], y, (dy) => [dy]);
});

/** x != 0 as bool: the binary kernel's float32 mask, converted to the int32 0/1 that bool is stored as. */
function notEqualZero(x: Tensor): Tensor {
  const xf = x.dtype === 'float32' ? x : runKernel('cast', [x], x.shape, 'float32', { from: 'int32', to: 'float32' });
  const zero = fromData(new Float32Array(1), [], 'float32', x.backend);
  const m = runKernel('binary', [xf, zero], x.shape, 'float32', { op: 'notEqual', dtype: 'float32', aShape: x.shape, bShape: [], outShape: x.shape });
  const mi = runKernel('cast', [m], x.shape, 'int32', { from: 'float32', to: 'int32' });
  for (const t of [zero, m, ...(xf === x ? [] : [xf])]) t.dispose();
  return mi.viewAs('bool');
}

/** A copy with its own buffer. @function */
export const clone = defineOp('clone', (a: TensorLike): Tensor => {
  if (isComplexArg(a)) return complexClone(a);
  const x = toTensor('clone', a);
  const y = runKernel('strided', [x], x.shape, x.dtype, { shape: x.shape, strides: stridesOf(x.shape), offset: 0, dtype: storageOf(x.dtype) });
  return record('clone', [x], y, (dy) => [dy]);
});

/** Copy a tensor to another backend through the host. */
export async function copyTo(x: Tensor, name: BackendName): Promise<Tensor> {
  const b = await getBackendInstance(name);
  checkAlloc('to', x.shape, x.dtype, b);
  const data = await x.data();
  return fromData(data, x.shape, x.dtype, b, 'to');
}
