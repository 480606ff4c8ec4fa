/**
 * stridedSlice with TensorFlow's semantics (begin, end and strides per axis; the begin, end,
 * ellipsis, new-axis and shrink-axis bit masks; negative indices and strides), composed from slice
 * and gather with the indices worked out on the host from the shapes. The graph executor's
 * StridedSlice node calls it too.
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { defineOp, toTensor, type TensorLike } from './core.js';
import { gather, reshape, slice } from './movement.js';
import { tensor, zeros } from './creation.js';

interface SliceAxis {
  /** The output axis comes from input axis `dim` (-1: a new axis of size 1). */
  dim: number;
  begin: number;
  stride: number;
  count: number;
  shrink: boolean;
}

/** The masks of a strided slice (bit i applies to entry i of begin, end and strides). */
export interface SliceMasks {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** The per-axis plan of a strided slice on a tensor of `shape`; `fail` raises the caller's Error. */
export function planStridedSlice(shape: readonly number[], begin: readonly number[], end: readonly number[], strides: readonly number[], m: SliceMasks, fail: (msg: string) => never): SliceAxis[] {
  if (end.length !== begin.length || strides.length !== begin.length) fail(`begin [${begin}], end [${end}] and strides [${strides}] must have one length`);
  const bit = (mask: number, i: number): boolean => ((mask >> i) & 1) === 1;
  const out: SliceAxis[] = [];
  let dim = 0;
  for (let i = 0; i < begin.length; i++) {
    if (bit(m.ellipsisMask, i)) {
      const rest = begin.slice(i + 1).filter((_, j) => !bit(m.newAxisMask, i + 1 + j)).length;
      for (; dim < shape.length - rest; dim++) out.push({ dim, begin: 0, stride: 1, count: shape[dim]!, shrink: false });
      continue;
    }
    if (bit(m.newAxisMask, i)) { out.push({ dim: -1, begin: 0, stride: 1, count: 1, shrink: false }); continue; }
    if (dim >= shape.length) fail(`the slice spec has more axes than ${fmt(shape)}`);
    const d = shape[dim]!, s = strides[i]!;
    if (!Number.isInteger(begin[i]) || !Number.isInteger(end[i]) || !Number.isInteger(s)) fail(`begin, end and strides must be integers, got [${begin}], [${end}], [${strides}]`);
    if (s === 0) fail(`stride ${i} is 0`);
    const norm = (v: number): number => (v < 0 ? v + d : v);
    if (bit(m.shrinkAxisMask, i)) {
      const b = norm(begin[i]!);
      if (b < 0 || b >= d) fail(`index ${begin[i]} is out of range for axis ${dim} of ${fmt(shape)}`);
      out.push({ dim, begin: b, stride: 1, count: 1, shrink: true });
      dim++;
      continue;
    }
    const lo = s > 0 ? 0 : -1, hi = s > 0 ? d : d - 1;
    const clamp = (v: number): number => Math.min(Math.max(v, lo), hi);
    const b = bit(m.beginMask, i) ? (s > 0 ? 0 : d - 1) : clamp(norm(begin[i]!));
    const e = bit(m.endMask, i) ? (s > 0 ? d : -1) : clamp(norm(end[i]!));
    const count = Math.max(0, Math.ceil((e - b) / s));
    out.push({ dim, begin: b, stride: s, count, shrink: false });
    dim++;
  }
  for (; dim < shape.length; dim++) out.push({ dim, begin: 0, stride: 1, count: shape[dim]!, shrink: false });
  return out;
}

/** Run a plan on x: a box of x (strides 1), then gathers along the axes whose stride is not 1. */
export function applyStridedSlice(x: Tensor, plan: readonly SliceAxis[]): Tensor {
  const real = plan.filter((a) => a.dim >= 0);
  const shape = plan.filter((a) => !a.shrink).map((a) => a.count);
  if (real.some((a) => a.count === 0)) return zeros(shape, x.dtype);
  // Per axis: stride 1 is a box; stride > 1 a box from begin, then a gather every stride-th; a negative
  // stride keeps the whole axis and gathers its indices backwards.
  const axisOf = (i: number): SliceAxis => real.find((a) => a.dim === i)!;
  const boxBegin = x.shape.map((_, i) => (axisOf(i).stride < 0 ? 0 : axisOf(i).begin));
  const boxSize = x.shape.map((d, i) => { const a = axisOf(i); return a.stride < 0 ? d : a.stride === 1 ? a.count : d - a.begin; });
  let y = slice(x, boxBegin, boxSize);
  for (const a of real) {
    if (a.stride === 1) continue;
    const first = a.stride < 0 ? a.begin : 0;
    const idx = Int32Array.from({ length: a.count }, (_, k) => first + k * a.stride);
    y = gather(y, tensor(idx, [a.count], 'int32'), a.dim);
  }
  return reshape(y, shape);
}

/**
 * A strided slice of `x` (TensorFlow.js's tf.stridedSlice): for each entry i of begin / end /
 * strides, elements begin[i], begin[i] + strides[i], ... up to (not including) end[i] along its
 * axis; negative values count from the end, a negative stride walks backwards. Bit i of beginMask
 * (endMask) ignores begin[i] (end[i]); ellipsisMask stands for every axis not named; newAxisMask
 * inserts an axis of size 1; shrinkAxisMask takes the single element begin[i] and drops the axis.
 * @function
 */
export const stridedSlice = defineOp('stridedSlice', (a: TensorLike, begin: readonly number[], end: readonly number[], strides?: readonly number[],
  beginMask: number = 0, endMask: number = 0, ellipsisMask: number = 0, newAxisMask: number = 0, shrinkAxisMask: number = 0): Tensor => {
  const x = toTensor('stridedSlice', a);
  const fail = (msg: string): never => { throw new Error(`stridedSlice: ${msg} (x ${fmt(x.shape)})`); };
  if (!Array.isArray(begin) || !Array.isArray(end)) fail(`begin and end must be arrays, got ${JSON.stringify(begin)} and ${JSON.stringify(end)}`);
  const plan = planStridedSlice(x.shape, begin, end, strides ?? begin.map(() => 1), { beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask }, fail);
  return applyStridedSlice(x, plan);
});
