/**
 * TensorFlow's StridedSlice (masks, negative strides, new and shrunk axes), composed from slice and
 * gather (the indices worked out on the host from the shapes), and the resize nodes, which are
 * wt.image's resizes.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext } from '../context.js';

interface Axis {
  /** The output axis comes from input axis `dim` (-1: a new axis of size 1). */
  dim: number;
  begin: number;
  stride: number;
  count: number;
  shrink: boolean;
}

/** The per-axis plan of a StridedSlice on a tensor of `shape`. */
function planSlice(ctx: OpContext, shape: readonly number[]): Axis[] {
  const begin = ctx.ints(1, 'begin') ?? [], end = ctx.ints(2, 'end') ?? [], strides = ctx.ints(3, 'strides') ?? begin.map(() => 1);
  if (end.length !== begin.length || strides.length !== begin.length) ctx.fail(`begin [${begin}], end [${end}] and strides [${strides}] must have one length`);
  const bit = (name: string, i: number): boolean => ((ctx.int(name, 0) >> i) & 1) === 1;
  const out: Axis[] = [];
  let dim = 0;
  for (let i = 0; i < begin.length; i++) {
    if (bit('ellipsis_mask', i)) {
      const rest = begin.slice(i + 1).filter((_, j) => !bit('new_axis_mask', i + 1 + j)).length;
      for (; dim < shape.length - rest; dim++) out.push({ dim, begin: 0, stride: 1, count: shape[dim]!, shrink: false });
      continue;
    }
    if (bit('new_axis_mask', i)) { out.push({ dim: -1, begin: 0, stride: 1, count: 1, shrink: false }); continue; }
    if (dim >= shape.length) ctx.fail(`the slice spec has more axes than ${ctx.fmt(shape)}`);
    const d = shape[dim]!, s = strides[i]!;
    if (s === 0) ctx.fail(`stride ${i} is 0`);
    const norm = (v: number): number => (v < 0 ? v + d : v);
    if (bit('shrink_axis_mask', i)) {
      const b = norm(begin[i]!);
      if (b < 0 || b >= d) ctx.fail(`index ${begin[i]} is out of range for axis ${dim} of ${ctx.fmt(shape)}`);
      out.push({ dim, begin: b, stride: 1, count: 1, shrink: true });
      dim++;
      continue;
    }
    const lo = s > 0 ? 0 : -1, hi = s > 0 ? d : d - 1;
    const clamp = (v: number): number => Math.min(Math.max(v, lo), hi);
    const b = bit('begin_mask', i) ? (s > 0 ? 0 : d - 1) : clamp(norm(begin[i]!));
    const e = bit('end_mask', i) ? (s > 0 ? d : -1) : clamp(norm(end[i]!));
    const count = Math.max(0, Math.ceil((e - b) / s));
    out.push({ dim, begin: b, stride: s, count, shrink: false });
    dim++;
  }
  for (; dim < shape.length; dim++) out.push({ dim, begin: 0, stride: 1, count: shape[dim]!, shrink: false });
  return out;
}

/** StridedSlice: a box of x (strides 1), or gathers along the axes whose stride is not 1. */
export function stridedSlice(ctx: OpContext): Tensor {
  let x = ctx.tensor(0);
  const plan = planSlice(ctx, x.shape);
  const real = plan.filter((a) => a.dim >= 0);
  // Per axis: stride 1 is a box; stride > 1 a box from begin, then a gather every stride-th; a negative
  // stride keeps the whole axis and gathers its indices backwards.
  const axisOf = (i: number): Axis => real.find((a) => a.dim === i)!;
  const boxBegin = x.shape.map((_, i) => (axisOf(i).stride < 0 ? 0 : axisOf(i).begin));
  const boxSize = x.shape.map((d, i) => { const a = axisOf(i); return a.stride < 0 ? d : a.stride === 1 ? a.count : d - a.begin; });
  x = ops.slice(x, boxBegin, boxSize);
  for (const a of real) {
    if (a.stride === 1 || a.count === 0) continue;
    const first = a.stride < 0 ? a.begin : 0;
    const idx = Int32Array.from({ length: a.count }, (_, k) => first + k * a.stride);
    x = ops.gather(x, ops.tensor(idx, [a.count], 'int32'), a.dim);
  }
  if (real.some((a) => a.count === 0)) return ops.zeros(plan.filter((a) => !a.shrink).map((a) => a.count));
  return ops.reshape(x, plan.filter((a) => !a.shrink).map((a) => a.count));
}

/** ResizeBilinear / ResizeNearestNeighbor: images, and the size as a constant. */
export function resize(ctx: OpContext, nearest: boolean): Tensor {
  const x = ctx.tensor(0);
  const s = ctx.ints(1, 'size') ?? [];
  const size: [number, number] = [s[0]!, s[1]!];
  const align = ctx.int('align_corners', 0) === 1, half = ctx.int('half_pixel_centers', 0) === 1;
  return nearest ? ops.resizeNearestNeighbor(x, size, align, half) : ops.resizeBilinear(x, size, align, half);
}
