/**
 * tf.image's resizes over NHWC batches, composed from gather and arithmetic: the source rows and
 * columns of every output pixel, and their weights, are worked out on the host from the shapes alone
 * (TensorFlow's align_corners / half_pixel_centers rules), so the data sees only gathers and one lerp
 * per axis, and the gradient comes from theirs.
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { argShape, defineOp, toTensor, type TensorLike } from './core.js';
import { add, mul, sub } from './elementwise.js';
import { cast, gather } from './movement.js';
import { tensor } from './creation.js';

function check(op: string, images: TensorLike, size: readonly [number, number], alignCorners: boolean, halfPixelCenters: boolean): readonly number[] {
  const s = argShape(op, images);
  if (!s || (s.length !== 3 && s.length !== 4)) throw new Error(`${op}: expected images of rank 3 or 4 (NHWC), got ${s ? fmt(s) : typeof images}`);
  if (!Array.isArray(size) || size.length !== 2 || size.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`${op}: size must be [newHeight, newWidth] of positive integers, got ${JSON.stringify(size)}`);
  }
  if (alignCorners && halfPixelCenters) throw new Error(`${op}: alignCorners and halfPixelCenters cannot both be true`);
  return s;
}

/** Where output index o samples along an axis of inSize scaled to outSize. */
function scaleOf(inSize: number, outSize: number, align: boolean): number {
  return align && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

function lerpAxis(x: Tensor, axis: number, outSize: number, align: boolean, half: boolean): Tensor {
  const inSize = x.shape[axis]!;
  if (inSize === outSize) return x;
  const scale = scaleOf(inSize, outSize, align);
  const lo = new Int32Array(outSize), hi = new Int32Array(outSize), w = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const at = half ? (o + 0.5) * scale - 0.5 : o * scale;
    const f = Math.floor(at);
    lo[o] = Math.min(Math.max(f, 0), inSize - 1);
    hi[o] = Math.min(Math.max(Math.ceil(at), 0), inSize - 1);
    w[o] = at - f;
  }
  const a = gather(x, tensor(lo, [outSize], 'int32'), axis);
  const b = gather(x, tensor(hi, [outSize], 'int32'), axis);
  return add(a, mul(sub(b, a), tensor(w, x.shape.map((_, i) => (i === axis ? outSize : 1)))));
}

/**
 * Bilinear resize (tf.image.resizeBilinear): images [batch, height, width, channels] (or rank 3) to
 * [batch, newHeight, newWidth, channels], float32, as TensorFlow samples (corners aligned, half-pixel
 * centres, or the legacy rule). Differentiable in the images.
 * @function
 */
export const resizeBilinear = defineOp('resizeBilinear', (images: TensorLike, size: readonly [number, number], alignCorners: boolean = false, halfPixelCenters: boolean = false): Tensor => {
  const s = check('resizeBilinear', images, size, alignCorners, halfPixelCenters);
  const h = s.length - 3;
  let x = toTensor('resizeBilinear', images);
  if (x.dtype !== 'float32') x = cast(x, 'float32');
  return lerpAxis(lerpAxis(x, h, size[0], alignCorners, halfPixelCenters), h + 1, size[1], alignCorners, halfPixelCenters);
});

/**
 * Nearest-neighbour resize (tf.image.resizeNearestNeighbor): each output pixel copies the input
 * pixel TensorFlow's rule picks; keeps the dtype. Differentiable in the images.
 * @function
 */
export const resizeNearestNeighbor = defineOp('resizeNearestNeighbor', (images: TensorLike, size: readonly [number, number], alignCorners: boolean = false, halfPixelCenters: boolean = false): Tensor => {
  const s = check('resizeNearestNeighbor', images, size, alignCorners, halfPixelCenters);
  let y = toTensor('resizeNearestNeighbor', images);
  for (const [axis, outSize] of [[s.length - 3, size[0]], [s.length - 2, size[1]]] as const) {
    const inSize = y.shape[axis]!;
    if (inSize === outSize) continue;
    const scale = scaleOf(inSize, outSize, alignCorners);
    const idx = Int32Array.from({ length: outSize }, (_, o) => {
      const at = halfPixelCenters ? (o + 0.5) * scale : o * scale;
      return Math.max(0, Math.min(alignCorners ? Math.round(at) : Math.floor(at), inSize - 1));
    });
    y = gather(y, tensor(idx, [outSize], 'int32'), axis);
  }
  return y;
});

/** TensorFlow.js's tf.image namespace (the resizes so far). */
export const image = { resizeBilinear, resizeNearestNeighbor };
