/**
 * The pooling and window ops TensorFlow.js has beyond maxPool and avgPool: the generic pool (with
 * dilations), maxPoolWithArgmax, maxPool3d, avgPool3d, dilation2d (grayscale morphological
 * dilation) and localResponseNormalization. All are composed: the pool kernel (which takes a
 * dilation), im2col and its adjoint col2im, reductions along an axis, and matmul for LRN's channel
 * window. Arguments are checked before any tensor is created.
 */
import type { WindowAttrs } from '../backend/backend.js';
import { checkAlloc } from '../limits.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, fromData, record, runKernel, toTensor, type TensorLike } from './core.js';
import { add, div, maximum, mul, pow, square, sub } from './elementwise.js';
import { matmul } from './matmul.js';
import { cast, oneHot, pad as padOp, reshape } from './movement.js';
import { argMax, max, sum } from './reduce.js';
import { avgPool, maxPool } from './conv.js';
import { argShape, geometry, imageShape, pair, type PadMode, type Pair } from './window.js';
import { along1, noRounding, takeEvery, triple, type Triple } from './window3d.js';

/** im2col as a differentiable op: its gradient is its adjoint, col2im. */
function im2col(x4: Tensor, at: WindowAttrs): Tensor {
  const cols = runKernel('im2col', [x4], [at.batch * at.outH * at.outW, at.kH * at.kW * at.inC], 'float32', at);
  return record('im2col', [x4], cols, (dy) => [runKernel('col2im', [dy], x4.shape, 'float32', at)]);
}

/** 1 where a window tap falls on the image, 0 in the padding: [outH * outW, kH * kW] (one image, one channel). */
function realTaps(at: WindowAttrs, x4: Tensor): Tensor {
  const one = { ...at, batch: 1, inC: 1 };
  const ones = fromData(new Float32Array(at.inH * at.inW).fill(1), [1, at.inH, at.inW, 1], 'float32', x4.backend);
  return runKernel('im2col', [ones], [at.outH * at.outW, at.kH * at.kW], 'float32', one);
}

/**
 * Pooling with dilations (tf.pool): poolingType 'max' or 'avg' over windowShape windows whose taps
 * are `dilations` apart; strides and dilations default to 1, and one of them must be 1. With
 * dilations > 1 and pad 'same', TensorFlow.js pools over zero padding (the zeros count toward the
 * max and the mean), and so does this. dimRoundingMode is not supported (an Error when given).
 * @function
 */
export const pool = defineOp('pool', (input: TensorLike, windowShape: Pair, poolingType: 'avg' | 'max', pad: PadMode, dilations: Pair = 1, strides: Pair = 1, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor => {
  const op = 'pool';
  noRounding(op, dimRoundingMode);
  if (poolingType !== 'avg' && poolingType !== 'max') throw new Error(`${op}: poolingType must be 'avg' or 'max', got ${JSON.stringify(poolingType)}`);
  const xs = imageShape(op, argShape(op, 'x', input), 'NHWC');
  const [kH, kW] = pair(op, 'windowShape', windowShape);
  const [dH, dW] = pair(op, 'dilations', dilations ?? 1), [sH, sW] = pair(op, 'strides', strides ?? 1);
  const p = pad === 0 ? 'valid' : pad;
  if (dH === 1 && dW === 1) return (poolingType === 'max' ? maxPool : avgPool)(input, [kH, kW], [sH, sW], p);
  if (sH !== 1 || sW !== 1) throw new Error(`${op}: either strides or dilations must be 1, got strides [${sH},${sW}] and dilations [${dH},${dW}]`);
  if (p !== 'valid' && p !== 'same') throw new Error(`${op}: with dilations > 1, pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
  const effH = (kH - 1) * dH + 1, effW = (kW - 1) * dW + 1;
  const pads = p === 'same' ? [[Math.floor((effH - 1) / 2), effH - 1 - Math.floor((effH - 1) / 2)], [Math.floor((effW - 1) / 2), effW - 1 - Math.floor((effW - 1) / 2)]] : [[0, 0], [0, 0]];
  const padded = [xs[0]!, xs[1]! + pads[0]![0]! + pads[0]![1]!, xs[2]! + pads[1]![0]! + pads[1]![1]!, xs[3]!];
  const at = geometry(op, padded, kH, kW, 1, 'valid', [dH, dW]);
  const backend = backendOf(op, [input]);
  checkAlloc(op, [at.batch, at.outH, at.outW, at.inC], 'float32', backend);
  const x = toTensor(op, input, backend);
  let x4 = x.rank === 3 ? reshape(x, xs) : x;
  if (p === 'same') x4 = padOp(x4, [[0, 0], pads[0] as [number, number], pads[1] as [number, number], [0, 0]]);
  const attrs = { ...at, op: poolingType };
  const y = runKernel('pool', [x4], [at.batch, at.outH, at.outW, at.inC], 'float32', attrs);
  const out = record(op, [x4], y, (dy) => [runKernel('poolGrad', [dy, x4], x4.shape, 'float32', attrs)]);
  return x.rank === 3 ? reshape(out, out.shape.slice(1)) : out;
});

/** What {@link maxPoolWithArgmax} returns. */
export interface MaxPoolWithArgmaxResult {
  /** The max pool, as maxPool gives it. */
  result: Tensor;
  /** int32, result's shape: the flat input position of each window's first maximum. */
  indexes: Tensor;
}

/**
 * Max pooling that also gives where each maximum came from (tf.maxPoolWithArgmax): returns
 * { result, indexes }, result as maxPool's, indexes (int32) the flat position of each window's
 * first maximum, ((b * height + y) * width + x) * channels + c with includeBatchInIndex, else
 * without the b term. x is [batch, height, width, channels].
 * @function
 */
export const maxPoolWithArgmax = defineOp('maxPoolWithArgmax', (x: TensorLike, filterSize: Pair, strides: Pair, pad: 'valid' | 'same' | number, includeBatchInIndex: boolean = false): MaxPoolWithArgmaxResult => {
  const op = 'maxPoolWithArgmax';
  const xs = argShape(op, 'x', x);
  if (xs.length !== 4) throw new Error(`${op}: x must be of rank 4 [batch, height, width, channels], got rank ${xs.length} ${fmt(xs)}`);
  const [kH, kW] = pair(op, 'filterSize', filterSize);
  const at = geometry(op, xs, kH, kW, strides, pad, 1);
  const backend = backendOf(op, [x]);
  const K = kH * kW, C = at.inC, P = at.outH * at.outW;
  checkAlloc(op, [at.batch * P, K * C], 'float32', backend);
  const xt = toTensor(op, x, backend);
  const result = maxPool(xt, [kH, kW], strides, pad);
  const indexes = (() => {
    const cols = reshape(im2col(xt, at), [at.batch, P, K, C]);
    const off = mul(sub(1, reshape(realTaps(at, xt), [1, P, K, 1])), -3.4e38);
    const k = argMax(add(cols, off), 2);                            // [b, P, C]: the window tap of the first maximum
    // Each tap's position y * width + x on the image, read through the same window.
    const pos = fromData(new Float32Array(at.inH * at.inW).map((_, i) => i), [1, at.inH, at.inW, 1], 'float32', backend);
    const taps = reshape(runKernel('im2col', [pos], [P, K], 'float32', { ...at, batch: 1, inC: 1 }), [1, P, 1, K]);
    const flatPos = sum(mul(cast(oneHot(k, K), 'float32'), taps), 3);   // [b, P, C]
    let idx = add(mul(flatPos, C), fromData(new Float32Array(C).map((_, i) => i), [C], 'float32', backend));
    if (includeBatchInIndex) idx = add(idx, fromData(new Float32Array(at.batch).map((_, i) => i * at.inH * at.inW * C), [at.batch, 1, 1], 'float32', backend));
    return cast(reshape(idx, [at.batch, at.outH, at.outW, C]), 'int32');
  })();
  return { result, indexes };
});

interface Pool3 {
  x5: number[];
  k: [number, number, number];
  st: [number, number, number];
  d: { out: number; before: number; after: number };
  oh: number;
  ow: number;
}

function pool3Args(op: string, xa: TensorLike, filterSize: unknown, strides: unknown, pad: unknown, dimRoundingMode: unknown, dataFormat: unknown): Pool3 {
  const xs = argShape(op, 'x', xa);
  if (dimRoundingMode !== undefined && dimRoundingMode !== null) throw new Error(`${op}: dimRoundingMode is not supported (got ${JSON.stringify(dimRoundingMode)}); leave it undefined`);
  if (dataFormat !== 'NDHWC') throw new Error(`${op}: dataFormat must be 'NDHWC', got ${JSON.stringify(dataFormat)}`);
  if (xs.length !== 4 && xs.length !== 5) throw new Error(`${op}: x must be of rank 4 or 5 ([batch?, depth, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  const x5 = xs.length === 4 ? [1, ...xs] : xs.slice();
  const k = triple(op, 'filterSize', filterSize), st = triple(op, 'strides', strides);
  const d = along1(op, 'depth', pad, x5[1]!, k[0], st[0], 1);
  const hw = geometry(op, [x5[0]!, x5[2]!, x5[3]!, x5[4]!], k[1], k[2], [st[1], st[2]], pad, 1);
  return { x5, k, st, d, oh: hw.outH, ow: hw.outW };
}

/** The 2-D pool of every depth slice, then the depth window's max or mean over its real slices. */
function pool3(op: string, kind: 'max' | 'avg', xa: TensorLike, g: Pool3, pad: PadMode): Tensor {
  const [b, D, H, W, C] = g.x5 as [number, number, number, number, number];
  const backend = backendOf(op, [xa]);
  checkAlloc(op, [b, g.d.out, g.oh, g.ow, C], 'float32', backend);
  const x = toTensor(op, xa, backend);
  const y2 = reshape((kind === 'max' ? maxPool : avgPool)(reshape(x, [b * D, H, W, C]), [g.k[1], g.k[2]], [g.st[1], g.st[2]], pad), [b, D, g.oh, g.ow, C]);
  // Depth padding: the lowest float for max (never chosen over a real slice), zeros for avg.
  const yp = g.d.before + g.d.after > 0 ? padOp(y2, [[0, 0], [g.d.before, g.d.after], [0, 0], [0, 0], [0, 0]], kind === 'max' ? -3.4028234663852886e38 : 0) : y2;
  let acc: Tensor | null = null;
  for (let kd = 0; kd < g.k[0]; kd++) {
    const part = takeEvery(yp, 1, kd, g.d.out, g.st[0]);
    acc = acc ? (kind === 'max' ? maximum(acc, part) : add(acc, part)) : part;
  }
  let y = acc!;
  if (kind === 'avg') {
    const counts = new Float32Array(g.d.out).map((_, o) => {
      const s = o * g.st[0] - g.d.before;
      return Math.min(s + g.k[0], D) - Math.max(s, 0);
    });
    y = div(y, fromData(counts, [1, g.d.out, 1, 1, 1], 'float32', backend));
  }
  return x.rank === 4 ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 3-D max pooling (tf.maxPool3d): the largest value of each filterSize [depth, height, width]
 * window of x [batch, depth, height, width, channels] (or rank 4); padded taps are ignored.
 * Differentiable. dimRoundingMode is not supported (an Error when given).
 * @function
 */
export const maxPool3d = defineOp('maxPool3d', (x: TensorLike, filterSize: Triple = 1, strides: Triple, pad: 'valid' | 'same' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat: 'NDHWC' | 'NCDHW' = 'NDHWC'): Tensor => {
  const g = pool3Args('maxPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
  return pool3('maxPool3d', 'max', x, g, pad);
});

/**
 * 3-D average pooling (tf.avgPool3d): the mean of each filterSize [depth, height, width] window
 * of x [batch, depth, height, width, channels] (or rank 4) over its real taps. Differentiable.
 * dimRoundingMode is not supported (an Error when given).
 * @function
 */
export const avgPool3d = defineOp('avgPool3d', (x: TensorLike, filterSize: Triple = 1, strides: Triple, pad: 'valid' | 'same' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat: 'NDHWC' | 'NCDHW' = 'NDHWC'): Tensor => {
  const g = pool3Args('avgPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
  return pool3('avgPool3d', 'avg', x, g, pad);
});

/**
 * Grayscale morphological dilation (tf.dilation2d): out[b, y, x, c] = the max over the window's
 * real taps of x[b, y*sH + i*dH - top, x*sW + j*dW - left, c] + filter[i, j, c]. x is [batch,
 * height, width, depth] (or rank 3), filter [filterHeight, filterWidth, depth]; pad 'valid' or
 * 'same'. Differentiable in x and filter (the gradient goes to the maximal tap).
 * @function
 */
export const dilation2d = defineOp('dilation2d', (x: TensorLike, filter: TensorLike, strides: Pair, pad: 'valid' | 'same', dilations: Pair = 1, dataFormat: 'NHWC' = 'NHWC'): Tensor => {
  const op = 'dilation2d';
  const xs = imageShape(op, argShape(op, 'x', x), dataFormat);
  if (dataFormat !== 'NHWC') throw new Error(`${op}: dataFormat must be 'NHWC', got ${JSON.stringify(dataFormat)}`);
  const fs = argShape(op, 'filter', filter);
  if (fs.length !== 3) throw new Error(`${op}: filter must be of rank 3 [filterHeight, filterWidth, depth], got rank ${fs.length} ${fmt(fs)}`);
  if (fs[2] !== xs[3]) throw new Error(`${op}: x has depth ${xs[3]} but filter ${fmt(fs)} has depth ${fs[2]}`);
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${op}: pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
  const at = geometry(op, xs, fs[0]!, fs[1]!, strides, pad, dilations);
  const backend = backendOf(op, [x, filter]);
  const K = at.kH * at.kW, P = at.outH * at.outW;
  checkAlloc(op, [at.batch * P, K * at.inC], 'float32', backend);
  const xt = toTensor(op, x, backend), f = toTensor(op, filter, backend);
  const x4 = xt.rank === 3 ? reshape(xt, xs) : xt;
  const cols = reshape(im2col(x4, at), [at.batch, P, K, at.inC]);
  const off = mul(sub(1, reshape(realTaps(at, x4), [1, P, K, 1])), -3.4e38);
  const y = reshape(max(add(add(cols, reshape(f, [1, 1, K, at.inC])), off), 2), [at.batch, at.outH, at.outW, at.inC]);
  return xt.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
});

/**
 * Local response normalization (tf.localResponseNormalization) across channels:
 * x / (bias + alpha * sum of x^2 over channels c - depthRadius .. c + depthRadius) ^ beta, for x
 * [batch?, height, width, channels]. Defaults as TensorFlow.js: depthRadius 5, bias 1, alpha 1,
 * beta 0.5. Differentiable.
 * @function
 */
export const localResponseNormalization = defineOp('localResponseNormalization', (x: TensorLike, depthRadius: number = 5, bias: number = 1, alpha: number = 1, beta: number = 0.5): Tensor => {
  const op = 'localResponseNormalization';
  const xs = argShape(op, 'x', x);
  if (xs.length !== 3 && xs.length !== 4) throw new Error(`${op}: x must be of rank 3 or 4 ([batch?, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  if (!Number.isInteger(depthRadius) || depthRadius < 0) throw new Error(`${op}: depthRadius must be a non-negative integer, got ${JSON.stringify(depthRadius)}`);
  for (const [n, v] of [['bias', bias], ['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${n} must be a finite number, got ${JSON.stringify(v)}`);
  }
  const backend = backendOf(op, [x]);
  const C = xs[xs.length - 1]!;
  const xt = toTensor(op, x, backend);
  // The channel window as a [C, C] band matrix: sum over the window = x^2 @ band.
  const band = new Float32Array(C * C);
  for (let i = 0; i < C; i++) for (let j = Math.max(0, i - depthRadius); j <= Math.min(C - 1, i + depthRadius); j++) band[i * C + j] = 1;
  const s = reshape(matmul(reshape(square(xt), [xt.size / C, C]), fromData(band, [C, C], 'float32', backend)), xs);
  return div(xt, pow(add(mul(s, alpha), bias), beta));
});
