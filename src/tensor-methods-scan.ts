/**
 * Tensor methods for the scan, top-k, N-D indexing and selection ops (cumsum, prod, topk, gatherND, unique, ...):
 * each is the op of the same name, attached to Tensor's prototype as TensorFlow.js has it.
 */
import { Tensor } from './tensor.js';
import * as ops from './ops/index.js';
import type { Axis, TensorLike } from './ops/core.js';

declare module './tensor.js' {
  interface Tensor {
    /** The running sum along `axis` (see {@link ops.cumsum}). */
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** The running product along `axis` (see {@link ops.cumprod}). */
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** The product over `axis` (see {@link ops.prod}). */
    prod(axis?: Axis, keepDims?: boolean): Tensor;
    /** The k largest along the last axis, with their indices (see {@link ops.topk}). */
    topk(k?: number, sorted?: boolean): ops.TopK;
    /** Slices picked by index tuples (see {@link ops.gatherND}). */
    gatherND(indices: TensorLike): Tensor;
    /** A strided slice with TensorFlow's masks (see {@link ops.stridedSlice}). */
    stridedSlice(begin: readonly number[], end: readonly number[], strides?: readonly number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor;
    /** The distinct slices along `axis` (see {@link ops.unique}). */
    unique(axis?: number): ops.Unique;
    /** Sums of rows by segment (see {@link ops.unsortedSegmentSum}). */
    unsortedSegmentSum(segmentIds: TensorLike, numSegments: number): Tensor;
  }
}

const P = Tensor.prototype;
P.cumsum = function (this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean): Tensor { return ops.cumsum(this, axis, exclusive, reverse); };
P.cumprod = function (this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean): Tensor { return ops.cumprod(this, axis, exclusive, reverse); };
P.prod = function (this: Tensor, axis?: Axis, keepDims?: boolean): Tensor { return ops.prod(this, axis, keepDims); };
P.topk = function (this: Tensor, k?: number, sorted?: boolean): ops.TopK { return ops.topk(this, k, sorted); };
P.gatherND = function (this: Tensor, indices: TensorLike): Tensor { return ops.gatherND(this, indices); };
P.unsortedSegmentSum = function (this: Tensor, segmentIds: TensorLike, numSegments: number): Tensor { return ops.unsortedSegmentSum(this, segmentIds, numSegments); };
P.stridedSlice = function (this: Tensor, begin: readonly number[], end: readonly number[], strides?: readonly number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor {
  return ops.stridedSlice(this, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
};
P.unique = function (this: Tensor, axis?: number): ops.Unique { return ops.unique(this, axis); };
