/**
 * Moving blocks of space to and from the batch or the channels (tf.spaceToBatchND,
 * tf.batchToSpaceND, tf.depthToSpace): each is a pad or slice, a reshape and a transpose, so each is
 * differentiable through those. Arguments are checked before any tensor is created.
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argShape, defineOp, toTensor, type TensorLike } from './core.js';
import { pad as padOp, reshape, slice, transpose } from './movement.js';

function blocks(op: string, xs: readonly number[], blockShape: unknown, pairs: unknown, what: string): { block: number[]; pads: [number, number][] } {
  if (!Array.isArray(blockShape) || blockShape.length < 1 || !blockShape.every((b) => Number.isInteger(b) && b >= 1)) {
    throw new Error(`${op}: blockShape must be a non-empty list of positive integers, got ${JSON.stringify(blockShape)}`);
  }
  const M = blockShape.length;
  if (xs.length < M + 1) throw new Error(`${op}: x ${fmt(xs)} must have rank at least ${M + 1} (batch plus ${M} block dims)`);
  if (!Array.isArray(pairs) || pairs.length !== M || !pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new Error(`${op}: ${what} must be ${M} pairs [before, after] of non-negative integers, got ${JSON.stringify(pairs)}`);
  }
  return { block: blockShape as number[], pads: pairs as [number, number][] };
}

/**
 * tf.spaceToBatchND: zero-pads the M spatial dims of x [batch, ...spatial, ...rest] by `paddings`,
 * cuts each into blockShape[i] interleaved parts and stacks those parts onto the batch:
 * [batch * prod(blockShape), ...padded[i] / blockShape[i], ...rest]. Differentiable.
 * @function
 */
export const spaceToBatchND = defineOp('spaceToBatchND', (x: TensorLike, blockShape: readonly number[], paddings: readonly (readonly number[])[]): Tensor => {
  const op = 'spaceToBatchND';
  const xs = argShape(op, x);
  if (!xs) throw new Error(`${op}: x must be a Tensor or an array, got ${typeof x}`);
  const { block, pads } = blocks(op, xs, blockShape, paddings, 'paddings');
  const M = block.length, b = xs[0]!;
  const padded = block.map((_, i) => xs[i + 1]! + pads[i]![0] + pads[i]![1]);
  padded.forEach((p, i) => {
    if (p % block[i]! !== 0) throw new Error(`${op}: padded dim ${i + 1} of x ${fmt(xs)} is ${p}, not a multiple of blockShape[${i}] = ${block[i]}`);
  });
  const rest = xs.slice(M + 1);
  const t = toTensor(op, x);
  const p = pads.some((q) => q[0] + q[1] > 0) ? padOp(t, [[0, 0], ...pads, ...rest.map(() => [0, 0] as [number, number])]) : t;
  const split = [b, ...padded.flatMap((d, i) => [d / block[i]!, block[i]!]), ...rest];
  const perm = [...block.map((_, i) => 2 + 2 * i), 0, ...block.map((_, i) => 1 + 2 * i), ...rest.map((_, i) => 1 + 2 * M + i)];
  return reshape(transpose(reshape(p, split), perm), [b * block.reduce((a, v) => a * v, 1), ...padded.map((d, i) => d / block[i]!), ...rest]);
});

/**
 * tf.batchToSpaceND, the inverse of spaceToBatchND: x [batch, ...spatial, ...rest] with batch a
 * multiple of prod(blockShape) -> [batch / prod(blockShape), ...spatial[i] * blockShape[i] cropped by
 * crops[i], ...rest]. Differentiable.
 * @function
 */
export const batchToSpaceND = defineOp('batchToSpaceND', (x: TensorLike, blockShape: readonly number[], crops: readonly (readonly number[])[]): Tensor => {
  const op = 'batchToSpaceND';
  const xs = argShape(op, x);
  if (!xs) throw new Error(`${op}: x must be a Tensor or an array, got ${typeof x}`);
  const { block, pads } = blocks(op, xs, blockShape, crops, 'crops');
  const M = block.length, prod = block.reduce((a, v) => a * v, 1);
  if (xs[0]! % prod !== 0) throw new Error(`${op}: the batch of x ${fmt(xs)} (${xs[0]}) must be a multiple of prod(blockShape) = ${prod}`);
  const full = block.map((bl, i) => xs[i + 1]! * bl);
  full.forEach((d, i) => {
    if (pads[i]![0] + pads[i]![1] > d) throw new Error(`${op}: crops[${i}] ${JSON.stringify(pads[i])} remove more than dim ${i + 1}'s ${d} entries`);
  });
  const b = xs[0]! / prod, rest = xs.slice(M + 1);
  const t = toTensor(op, x);
  const split = [...block, b, ...xs.slice(1)];
  const perm = [M, ...block.flatMap((_, i) => [M + 1 + i, i]), ...rest.map((_, i) => 2 * M + 1 + i)];
  const y = reshape(transpose(reshape(t, split), perm), [b, ...full, ...rest]);
  if (!pads.some((q) => q[0] + q[1] > 0)) return y;
  return slice(y, [0, ...pads.map((q) => q[0]), ...rest.map(() => 0)], [b, ...full.map((d, i) => d - pads[i]![0] - pads[i]![1]), ...rest]);
});

/**
 * tf.depthToSpace: moves blocks of blockSize * blockSize channels into blockSize x blockSize
 * spatial blocks: [b, h, w, c] -> [b, h * blockSize, w * blockSize, c / blockSize^2], output
 * (y * bs + i, x * bs + j, k) from input channel (i * bs + j) * (c / bs^2) + k. NCHW too.
 * @function
 */
export const depthToSpace = defineOp('depthToSpace', (x: TensorLike, blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor => {
  const op = 'depthToSpace';
  const xs = argShape(op, x);
  if (!xs) throw new Error(`${op}: x must be a Tensor or an array, got ${typeof x}`);
  if (xs.length !== 4) throw new Error(`${op}: x must be of rank 4, got rank ${xs.length} ${fmt(xs)}`);
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new Error(`${op}: blockSize must be an integer >= 2, got ${JSON.stringify(blockSize)}`);
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') throw new Error(`${op}: dataFormat must be 'NHWC' or 'NCHW', got ${JSON.stringify(dataFormat)}`);
  const [b, d1, d2, d3] = xs as [number, number, number, number];
  const c = dataFormat === 'NHWC' ? d3 : d1, h = dataFormat === 'NHWC' ? d1 : d2, w = dataFormat === 'NHWC' ? d2 : d3;
  const bs = blockSize;
  if (c % (bs * bs) !== 0) throw new Error(`${op}: the channels of x ${fmt(xs)} (${c}) must be a multiple of blockSize^2 = ${bs * bs}`);
  const oc = c / (bs * bs);
  const t = toTensor(op, x);
  if (dataFormat === 'NHWC') return reshape(transpose(reshape(t, [b, h, w, bs, bs, oc]), [0, 1, 3, 2, 4, 5]), [b, h * bs, w * bs, oc]);
  return reshape(transpose(reshape(t, [b, bs, bs, oc, h, w]), [0, 3, 4, 1, 5, 2]), [b, oc, h * bs, w * bs]);
});
