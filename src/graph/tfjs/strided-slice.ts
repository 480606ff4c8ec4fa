/**
 * TensorFlow's StridedSlice node (masks, negative strides, new and shrunk axes), which is
 * wt.stridedSlice's plan and composition, and the resize nodes, which are wt.image's resizes.
 */
import * as ops from '../../ops/index.js';
import { applyStridedSlice, planStridedSlice } from '../../ops/strided-slice.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext } from '../context.js';

/** StridedSlice: the plan and its slices and gathers are wt.stridedSlice's (src/ops/strided-slice.ts). */
export function stridedSlice(ctx: OpContext): Tensor {
  const x = ctx.tensor(0);
  const begin = ctx.ints(1, 'begin') ?? [], end = ctx.ints(2, 'end') ?? [], strides = ctx.ints(3, 'strides') ?? begin.map(() => 1);
  const masks = {
    beginMask: ctx.int('begin_mask', 0), endMask: ctx.int('end_mask', 0), ellipsisMask: ctx.int('ellipsis_mask', 0),
    newAxisMask: ctx.int('new_axis_mask', 0), shrinkAxisMask: ctx.int('shrink_axis_mask', 0),
  };
  return applyStridedSlice(x, planStridedSlice(x.shape, begin, end, strides, masks, (msg) => ctx.fail(msg)));
}

/** ResizeBilinear / ResizeNearestNeighbor: images, and the size as a constant. */
export function resize(ctx: OpContext, nearest: boolean): Tensor {
  const x = ctx.tensor(0);
  const s = ctx.ints(1, 'size') ?? [];
  const size: [number, number] = [s[0]!, s[1]!];
  const align = ctx.int('align_corners', 0) === 1, half = ctx.int('half_pixel_centers', 0) === 1;
  return nearest ? ops.resizeNearestNeighbor(x, size, align, half) : ops.resizeBilinear(x, size, align, half);
}
