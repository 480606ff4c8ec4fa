/**
 * tf.image's resizes over NHWC batches, composed from gather and arithmetic: the source rows and
 * columns of every output pixel, and their weights, are worked out on the host from the shapes alone
 * (TensorFlow's align_corners / half_pixel_centers rules), so the data sees only gathers and one lerp
 * per axis, and the gradient comes from theirs.
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { argShape, defineOp, toTensor, type TensorLike } from './core.js';
import { add, div, greater, greaterEqual, lessEqual, mul, sub, where } from './elementwise.js';
import { tensor } from './creation.js';
import { logicalAnd } from './logical.js';
import { clipByValue } from './math.js';
import { ceil, floor, isNaN, round } from './unary-math.js';
import { reverse, tile } from './arrange.js';
import { argMax, max, sum } from './reduce.js';
import { matmul } from './matmul.js';
import { cast, expandDims, gather, oneHot, reshape, slice } from './movement.js';
import { nonMaxSuppression, nonMaxSuppressionAsync, nonMaxSuppressionPadded, nonMaxSuppressionPaddedAsync, nonMaxSuppressionWithScore, nonMaxSuppressionWithScoreAsync } from './nms.js';

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


/**
 * Crops of images resized to one size (tf.image.cropAndResize): images [batch, height, width,
 * channels], boxes [numBoxes, 4] as normalised [y1, x1, y2, x2] (y1 > y2 flips), boxInd [numBoxes]
 * the image of each box, cropSize [cropHeight, cropWidth]. Samples outside the image take
 * `extrapolationValue`. Gives float32 [numBoxes, cropHeight, cropWidth, channels]; differentiable
 * in the images (the sample positions depend on the boxes, worked out with tensor ops, so it runs on
 * every backend without reading back).
 * @function
 */
export const cropAndResize = defineOp('cropAndResize', (images: TensorLike, boxes: TensorLike, boxInd: TensorLike, cropSize: readonly [number, number], method: 'bilinear' | 'nearest' = 'bilinear', extrapolationValue: number = 0): Tensor => {
  const op = 'cropAndResize';
  const s = argShape(op, images), bs = argShape(op, boxes), is = argShape(op, boxInd);
  if (!s || s.length !== 4) throw new Error(`${op}: images must have rank 4 [batch, height, width, channels], got ${s ? fmt(s) : typeof images}`);
  if (!bs || bs.length !== 2 || bs[1] !== 4) throw new Error(`${op}: boxes must have shape [numBoxes, 4], got ${bs ? fmt(bs) : typeof boxes}`);
  if (!is || is.length !== 1 || is[0] !== bs[0]) throw new Error(`${op}: boxInd must have shape [${bs[0]}] (one per box), got ${is ? fmt(is) : typeof boxInd}`);
  if (!Array.isArray(cropSize) || cropSize.length !== 2 || cropSize.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${op}: cropSize must be [cropHeight, cropWidth] of positive integers, got ${JSON.stringify(cropSize)}`);
  if (method !== 'bilinear' && method !== 'nearest') throw new Error(`${op}: method must be 'bilinear' or 'nearest', got '${String(method)}'`);
  const [B, H, W, C] = s as [number, number, number, number];
  const N = bs[0]!, [ch, cw] = cropSize;
  let x = toTensor(op, images);
  if (x.dtype !== 'float32') x = cast(x, 'float32');
  const b = cast(toTensor(op, boxes), 'float32');
  const bi = cast(toTensor(op, boxInd), 'float32');
  // Per box, the sample coordinates along one axis: [N, n].
  const coords = (lo: Tensor, hi: Tensor, inSize: number, n: number): Tensor => {
    if (n === 1) return reshape(mul(add(lo, hi), 0.5 * (inSize - 1)), [N, 1]);
    const step = mul(sub(hi, lo), (inSize - 1) / (n - 1));
    return add(reshape(mul(lo, inSize - 1), [N, 1]), mul(reshape(step, [N, 1]), tensor(Float32Array.from({ length: n }, (_, k) => k), [1, n])));
  };
  const col = (k: number): Tensor => reshape(slice(b, [0, k], [N, 1]), [N]);
  const ys = coords(col(0), col(2), H, ch), xs = coords(col(1), col(3), W, cw);
  const inside = (v: Tensor, size: number): Tensor => logicalAnd(greaterEqual(v, 0), lessEqual(v, size - 1));
  const valid = logicalAnd(reshape(inside(ys, H), [N, ch, 1]), reshape(inside(xs, W), [N, 1, cw]));
  const clampI = (v: Tensor, size: number): Tensor => clipByValue(v, 0, size - 1);
  const flat = reshape(x, [B * H * W, C]);
  const base = reshape(mul(bi, H * W), [N, 1, 1]);
  // Rows [N, ch, 1] and columns [N, 1, cw] as flat pixel offsets, gathered as [N, ch, cw, C].
  const at = (yi: Tensor, xi: Tensor): Tensor => gather(flat, cast(add(add(base, mul(reshape(clampI(yi, H), [N, ch, 1]), W)), reshape(clampI(xi, W), [N, 1, cw])), 'int32'), 0);
  let y: Tensor;
  if (method === 'nearest') {
    y = at(floor(add(ys, 0.5)), floor(add(xs, 0.5)));
  } else {
    const top = floor(ys), left = floor(xs), bottom = ceil(ys), right = ceil(xs);
    const yl = reshape(sub(ys, top), [N, ch, 1, 1]), xl = reshape(sub(xs, left), [N, 1, cw, 1]);
    const tl = at(top, left), tr = at(top, right), bl = at(bottom, left), br = at(bottom, right);
    const t = add(tl, mul(sub(tr, tl), xl)), bo = add(bl, mul(sub(br, bl), xl));
    y = add(t, mul(sub(bo, t), yl));
  }
  return where(reshape(valid, [N, ch, cw, 1]), y, extrapolationValue);
});

function rank4(op: string, image: TensorLike): readonly number[] {
  const s = argShape(op, image);
  if (!s || s.length !== 4) throw new Error(`${op}: image must have rank 4 [batch, height, width, channels], got ${s ? fmt(s) : typeof image}`);
  return s;
}

/** Images [batch, height, width, channels] mirrored left to right (tf.image.flipLeftRight). @function */
export const flipLeftRight = defineOp('flipLeftRight', (image: TensorLike): Tensor => {
  rank4('flipLeftRight', image);
  return reverse(toTensor('flipLeftRight', image), 2);
});

/** A grayscale image (last dimension 1) as RGB, the channel repeated three times (tf.image.grayscaleToRGB). @function */
export const grayscaleToRGB = defineOp('grayscaleToRGB', (image: TensorLike): Tensor => {
  const s = argShape('grayscaleToRGB', image);
  if (!s || s.length < 2 || s[s.length - 1] !== 1) throw new Error(`grayscaleToRGB: expected an image of rank >= 2 whose last dimension is 1, got ${s ? fmt(s) : typeof image}`);
  return tile(toTensor('grayscaleToRGB', image), s.map((_, i) => (i === s.length - 1 ? 3 : 1)));
});

/** An RGB image (last dimension 3) as grayscale (last dimension 1), with the CCIR 601 luma weights, in the image's dtype (tf.image.rgbToGrayscale). @function */
export const rgbToGrayscale = defineOp('rgbToGrayscale', (image: TensorLike): Tensor => {
  const s = argShape('rgbToGrayscale', image);
  if (!s || s.length < 2 || s[s.length - 1] !== 3) throw new Error(`rgbToGrayscale: expected an image of rank >= 2 whose last dimension is 3, got ${s ? fmt(s) : typeof image}`);
  const x = toTensor('rgbToGrayscale', image);
  const gray = matmul(reshape(cast(x, 'float32'), [-1, 3]), tensor(Float32Array.of(0.2989, 0.587, 0.114), [3, 1]));
  const y = reshape(gray, [...s.slice(0, -1), 1]);
  return x.dtype === 'float32' ? y : cast(y, x.dtype);
});

/**
 * Images [batch, height, width, channels] rotated by `radians` about `center` (a fraction of the
 * width and height, or [x, y] fractions), nearest pixel; uncovered pixels take `fillValue` (a
 * number, or one value per channel with the alpha channel opaque) (tf.image.rotateWithOffset).
 * @function
 */
export const rotateWithOffset = defineOp('rotateWithOffset', (image: TensorLike, radians: number, fillValue: number | readonly [number, number, number] = 0, center: number | readonly [number, number] = 0.5): Tensor => {
  const op = 'rotateWithOffset';
  const [B, H, W, C] = rank4(op, image) as [number, number, number, number];
  if (typeof radians !== 'number' || !Number.isFinite(radians)) throw new Error(`${op}: radians must be a finite number, got ${String(radians)}`);
  const cx = W * (typeof center === 'number' ? center : center[0]), cy = H * (typeof center === 'number' ? center : center[1]);
  const sin = Math.sin(radians), cos = Math.cos(radians);
  const src = new Int32Array(H * W), inside = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = Math.round((x - cx) * cos - (y - cy) * sin + cx), sy = Math.round((x - cx) * sin + (y - cy) * cos + cy);
      const ok = sx >= 0 && sx < W && sy >= 0 && sy < H;
      src[y * W + x] = ok ? sy * W + sx : 0;
      inside[y * W + x] = ok ? 1 : 0;
    }
  }
  const x = toTensor(op, image);
  const picked = gather(reshape(x, [B, H * W, C]), tensor(src, [H * W], 'int32'), 1);
  const fill = typeof fillValue === 'number' ? Array.from({ length: C }, () => fillValue) : Array.from({ length: C }, (_, c) => (c === 3 ? 255 : fillValue[c] ?? 0));
  const y = where(tensor(inside, [1, H * W, 1], 'bool'), picked, tensor(x.dtype === 'int32' ? Int32Array.from(fill) : Float32Array.from(fill), [1, 1, C], x.dtype === 'int32' ? 'int32' : 'float32'));
  return reshape(y, [B, H, W, C]);
});

/**
 * A binary image (0 or 255, int32) from an image [height, width, 1 or 3] (RGB is made grayscale
 * first): pixels above the threshold (threshValue * 255 for 'binary', Otsu's for 'otsu') become 255,
 * or those at or below it with `inverted` (tf.image.threshold).
 * @function
 */
export const threshold = defineOp('threshold', (image: TensorLike, method: 'binary' | 'otsu' = 'binary', inverted: boolean = false, threshValue: number = 0.5): Tensor => {
  const op = 'threshold';
  const s = argShape(op, image);
  if (!s || s.length !== 3 || (s[2] !== 3 && s[2] !== 1)) throw new Error(`${op}: image must have shape [height, width, 1 or 3], got ${s ? fmt(s) : typeof image}`);
  if (method !== 'binary' && method !== 'otsu') throw new Error(`${op}: method must be 'binary' or 'otsu', got '${String(method)}'`);
  const x = toTensor(op, image);
  const gray = s[2] === 3 ? reshape(matmul(reshape(cast(x, 'float32'), [-1, 3]), tensor(Float32Array.of(0.2989, 0.587, 0.114), [3, 1])), [s[0]!, s[1]!, 1]) : cast(x, 'float32');
  let t: Tensor | number = threshValue * 255;
  if (method === 'otsu') {
    // Otsu: the histogram of the rounded levels, and for each split t the between-class variance
    // w0 w1 (m0 - m1)^2, from prefix sums (a matmul with a triangular matrix); the first best t wins.
    const hist = sum(oneHot(reshape(cast(round(gray), 'int32'), [-1]), 256), 0);
    const tri = new Float32Array(256 * 256);
    for (let i = 0; i < 256; i++) for (let j = i; j < 256; j++) tri[i * 256 + j] = 1;
    const levels = tensor(Float32Array.from({ length: 256 }, (_, k) => k), [256]);
    const cum = reshape(matmul(reshape(hist, [1, 256]), tensor(tri, [256, 256])), [256]);
    const cumMass = reshape(matmul(reshape(mul(hist, levels), [1, 256]), tensor(tri, [256, 256])), [256]);
    const total = s[0]! * s[1]!;
    const head = slice(cum, [0], [255]), headMass = slice(cumMass, [0], [255]);
    const allMass = slice(cumMass, [255], [1]);
    const w0 = div(head, total), w1 = div(sub(total, head), total);
    const m0 = div(headMass, head), m1 = div(sub(allMass, headMass), sub(total, head));
    const d = sub(m0, m1);
    const v0 = mul(mul(w0, w1), mul(d, d));
    const v = where(isNaN(v0), 0, v0);
    t = where(greater(max(v), 0), cast(argMax(v), 'float32'), -1);
  }
  const hit = inverted ? lessEqual(gray, t) : greater(gray, t);
  return cast(mul(cast(hit, 'int32'), 255), 'int32');
});

/** TensorFlow.js's tf.image namespace. */
export const image = {
  resizeBilinear, resizeNearestNeighbor, cropAndResize, flipLeftRight, grayscaleToRGB, rgbToGrayscale, rotateWithOffset, threshold,
  nonMaxSuppression, nonMaxSuppressionAsync, nonMaxSuppressionWithScore, nonMaxSuppressionWithScoreAsync, nonMaxSuppressionPadded, nonMaxSuppressionPaddedAsync,
};
