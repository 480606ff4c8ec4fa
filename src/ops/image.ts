/**
 * tf.image's resizes over NHWC batches, composed from gather and arithmetic: the source rows and
 * columns of every output pixel, and their weights, are worked out on the host from the shapes alone
 * (TensorFlow's align_corners / half_pixel_centers rules), so the data sees only gathers and one lerp
 * per axis, and the gradient comes from theirs.
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { argShape, defineOp, toTensor, type TensorLike } from './core.js';
import { add, div, equal, greater, greaterEqual, less, lessEqual, mul, sub, where } from './elementwise.js';
import { tensor } from './creation.js';
import { logicalAnd, logicalNot } from './logical.js';
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
/** How image.transform fills points outside the image: TensorFlow's four modes. */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** TensorFlow's coordinate rule for each fill mode, as tensor ops on a coordinate tensor `c` along an axis of `len`. */
function mapCoord(c: Tensor, len: number, mode: FillMode): Tensor {
  if (mode === 'constant') return c;
  if (len <= 1) return mul(c, 0);
  const hi = len - 1;
  if (mode === 'nearest') return clipByValue(c, 0, hi);
  const below = less(c, 0), above = greater(c, hi);
  let v: Tensor;
  if (mode === 'reflect') {
    // [abcd] reflected to [dcba|abcd|dcba]
    const sz2 = 2 * len;
    const lo = add(mul(floor(div(mul(c, -1), sz2)), sz2), c);
    const loR = where(less(lo, -len), add(lo, sz2), sub(mul(lo, -1), 1));
    const up = sub(c, mul(floor(div(c, sz2)), sz2));
    const upR = where(greaterEqual(up, len), sub(sz2 - 1, up), up);
    v = where(below, loR, where(above, upR, c));
  } else {
    // [abcd] wrapped to [abcd|abcd|abcd], with TensorFlow's period rule
    const lo = add(c, mul(add(floor(div(mul(c, -1), hi)), 1), len));
    const up = sub(c, mul(floor(div(c, hi)), len));
    v = where(below, lo, where(above, up, c));
  }
  return clipByValue(v, 0, hi);
}

/**
 * Images [batch, height, width, channels] under projective transforms [1 or batch, 8]: the output
 * pixel (x, y) reads the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with
 * k = c0 x + c1 y + 1, by 'nearest' or 'bilinear' interpolation; points outside the image follow
 * `fillMode` ('constant' gives `fillValue`; 'reflect', 'wrap', 'nearest' as TensorFlow's). The output
 * is `outputShape` [height, width] (default the input's). Composed from gathers and arithmetic, so
 * it runs on every backend and differentiates in the images (tf.image.transform).
 * @function
 */
export const transform = defineOp('transform', (image: TensorLike, transforms: TensorLike, interpolation: 'nearest' | 'bilinear' = 'nearest', fillMode: FillMode = 'constant', fillValue: number = 0, outputShape?: readonly [number, number]): Tensor => {
  const op = 'transform';
  const [B, H, W, C] = rank4(op, image) as [number, number, number, number];
  const ts = argShape(op, transforms);
  if (!ts || ts.length !== 2 || ts[1] !== 8 || (ts[0] !== 1 && ts[0] !== B)) throw new Error(`${op}: expected transforms of shape [1, 8] or [${B}, 8], got ${ts ? fmt(ts) : typeof transforms}`);
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new Error(`${op}: interpolation must be 'nearest' or 'bilinear', got ${String(interpolation)}`);
  if (!['constant', 'reflect', 'wrap', 'nearest'].includes(fillMode)) throw new Error(`${op}: fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got ${String(fillMode)}`);
  if (typeof fillValue !== 'number') throw new Error(`${op}: fillValue must be a number, got ${typeof fillValue}`);
  const [OH, OW] = outputShape ?? [H, W];
  if (![OH, OW].every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${op}: outputShape must be two positive integers, got ${String(outputShape)}`);
  const x = toTensor(op, image);
  const t = cast(toTensor(op, transforms), 'float32');
  const TB = ts[0]!;
  const col = (k: number): Tensor => reshape(slice(t, [0, k], [TB, 1]), [TB, 1, 1]);
  const gx = new Float32Array(OH * OW), gy = new Float32Array(OH * OW);
  for (let yy = 0; yy < OH; yy++) for (let xx = 0; xx < OW; xx++) { gx[yy * OW + xx] = xx; gy[yy * OW + xx] = yy; }
  const ox = tensor(gx, [1, OH, OW]), oy = tensor(gy, [1, OH, OW]);
  const affine = (a: number, b: number, c: number): Tensor => add(add(mul(col(a), ox), mul(col(b), oy)), col(c));
  const proj = add(add(mul(col(6), ox), mul(col(7), oy)), 1);
  const finite = logicalNot(equal(proj, 0));
  const safe = where(finite, proj, 1);
  const inX = mapCoord(div(affine(0, 1, 2), safe), W, fillMode);
  const inY = mapCoord(div(affine(3, 4, 5), safe), H, fillMode);
  const flat = reshape(x.dtype === 'float32' ? x : cast(x, 'float32'), [B * H * W, C]);
  const batchBase = tensor(Float32Array.from({ length: B }, (_, b) => b * H * W), [B, 1, 1]);
  /** The input at integer (py, px) [B or 1, OH, OW], or fillValue outside the image (or where the projection is 0). */
  const read = (py: Tensor, px: Tensor): Tensor => {
    const inside = logicalAnd(logicalAnd(logicalAnd(greaterEqual(py, 0), less(py, H)), logicalAnd(greaterEqual(px, 0), less(px, W))), finite);
    const idx = add(batchBase, add(mul(clipByValue(py, 0, H - 1), W), clipByValue(px, 0, W - 1)));
    const v = reshape(gather(flat, reshape(cast(idx, 'int32'), [-1]), 0), [B, OH, OW, C]);
    return where(expandDims(inside, 3), v, fillValue);
  };
  let y: Tensor;
  if (interpolation === 'nearest') {
    y = read(floor(add(inY, 0.5)), floor(add(inX, 0.5)));
  } else {
    const y0 = floor(inY), x0 = floor(inX), y1 = add(y0, 1), x1 = add(x0, 1);
    const wx1 = expandDims(sub(inX, x0), 3), wx0 = expandDims(sub(x1, inX), 3);
    const wy1 = expandDims(sub(inY, y0), 3), wy0 = expandDims(sub(y1, inY), 3);
    const top = add(mul(wx0, read(y0, x0)), mul(wx1, read(y0, x1)));
    const bottom = add(mul(wx0, read(y1, x0)), mul(wx1, read(y1, x1)));
    y = add(mul(wy0, top), mul(wy1, bottom));
    // a point outside the image (or at infinity) is the fill value itself, as TensorFlow's
    y = where(expandDims(finite, 3), y, fillValue);
  }
  return x.dtype === 'float32' ? y : cast(y, x.dtype);
});

/** Image ops, as TensorFlow.js's tf.image namespace. */
export const image = {
  resizeBilinear, resizeNearestNeighbor, cropAndResize, flipLeftRight, grayscaleToRGB, rgbToGrayscale, rotateWithOffset, threshold, transform,
  /** Greedy non-maximum suppression: the int32 indices of the kept boxes, best first (reads back synchronously: cpu, wasm). */
  nonMaxSuppression,
  /** nonMaxSuppression on any backend, reading the boxes and scores back asynchronously. */
  nonMaxSuppressionAsync,
  /** nonMaxSuppression with the kept scores, and soft NMS (Gaussian score decay) where softNmsSigma > 0. */
  nonMaxSuppressionWithScore,
  /** nonMaxSuppressionWithScore on any backend, reading back asynchronously. */
  nonMaxSuppressionWithScoreAsync,
  /** nonMaxSuppression with the count of kept boxes, and the indices padded to maxOutputSize when asked. */
  nonMaxSuppressionPadded,
  /** nonMaxSuppressionPadded on any backend, reading back asynchronously. */
  nonMaxSuppressionPaddedAsync,
};
