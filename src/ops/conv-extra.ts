/**
 * The convolutions TensorFlow.js has beyond conv2d, composed from the conv2d kernel's passes:
 * conv1d (conv2d of height 1), conv2dTranspose (conv2d's input-gradient pass run forward), conv3d
 * (a sum over the kernel's depth of conv2d on every stride-th depth slice) and conv3dTranspose (its
 * adjoint: conv2dTranspose per kernel depth, spread back onto the depth axis). Their gradients are
 * those of the ops they are made of. Arguments are checked before any tensor is created.
 */
import { checkAlloc } from '../limits.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { add } from './elementwise.js';
import { pad as padOp, reshape, slice } from './movement.js';
import { conv2d } from './conv.js';
import { argShape, convPass, geometry, type PadMode, type Pair } from './window.js';
import { along1, noRounding, spreadEvery, takeEvery, triple, type Triple } from './window3d.js';

export type { Triple } from './window3d.js';

/**
 * 1-D convolution (tf.conv1d): x [batch, width, inChannels] (or rank 2), filter [filterWidth,
 * inChannels, outChannels] -> [batch, outWidth, outChannels]; conv2d over an image of height 1.
 * pad is 'valid', 'same', or a number of zeros at each end. Only dataFormat 'NWC'; dimRoundingMode
 * is not supported (an Error when given). Differentiable.
 * @function
 */
export const conv1d = defineOp('conv1d', (x: TensorLike, filter: TensorLike, stride: number, pad: 'valid' | 'same' | number, dataFormat: 'NWC' | 'NCW' = 'NWC', dilation: number = 1, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor => {
  const op = 'conv1d';
  noRounding(op, dimRoundingMode);
  const xs = argShape(op, 'x', x), fs = argShape(op, 'filter', filter);
  if (dataFormat !== 'NWC') throw new Error(`${op}: dataFormat must be 'NWC', got ${JSON.stringify(dataFormat)}`);
  if (xs.length !== 2 && xs.length !== 3) throw new Error(`${op}: x must be of rank 2 or 3 ([batch?, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  if (fs.length !== 3) throw new Error(`${op}: filter must be of rank 3 [filterWidth, inChannels, outChannels], got rank ${fs.length} ${fmt(fs)}`);
  if (fs[1] !== xs[xs.length - 1]) throw new Error(`${op}: x ${fmt(xs)} has ${xs[xs.length - 1]} input channels but filter ${fmt(fs)} expects ${fs[1]}`);
  if (typeof stride !== 'number' || typeof dilation !== 'number') throw new Error(`${op}: stride and dilation must be positive integers, got ${JSON.stringify(stride)} and ${JSON.stringify(dilation)}`);
  const x3 = xs.length === 2 ? [1, ...xs] : xs;
  const p: PadMode = typeof pad === 'number' ? [[0, 0], [0, 0], [pad, pad], [0, 0]] : pad;
  geometry(op, [x3[0]!, 1, x3[1]!, x3[2]!], 1, fs[0]!, [1, stride], p, [1, dilation]);
  const backend = backendOf(op, [x, filter]);
  const xt = toTensor(op, x, backend), ft = toTensor(op, filter, backend);
  const y = conv2d(reshape(xt, [x3[0]!, 1, x3[1]!, x3[2]!]), reshape(ft, [1, ...fs]), [1, stride], p, 'NHWC', [1, dilation]);
  return reshape(y, xs.length === 2 ? [y.shape[2]!, y.shape[3]!] : [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
});

/**
 * Transposed 2-D convolution (tf.conv2dTranspose), the gradient of conv2d with respect to its input:
 * x [batch, height, width, inChannels] (or rank 3), filter [filterHeight, filterWidth, outChannels,
 * inChannels], outputShape [batch?, outHeight, outWidth, outChannels] (the conv2d input that strides
 * and pad would map onto x's height and width). Differentiable in x and filter. dimRoundingMode is
 * not supported (an Error when given).
 * @function
 */
export const conv2dTranspose = defineOp('conv2dTranspose', (x: TensorLike, filter: TensorLike, outputShape: readonly number[], strides: Pair, pad: PadMode, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor => {
  const op = 'conv2dTranspose';
  noRounding(op, dimRoundingMode);
  const xs = argShape(op, 'x', x), fs = argShape(op, 'filter', filter);
  if (xs.length !== 3 && xs.length !== 4) throw new Error(`${op}: x must be of rank 3 or 4 ([batch?, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  if (fs.length !== 4) throw new Error(`${op}: filter must be of rank 4 [filterHeight, filterWidth, outChannels, inChannels], got rank ${fs.length} ${fmt(fs)}`);
  if (!Array.isArray(outputShape) || outputShape.length !== xs.length || !outputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: outputShape must be ${xs.length} positive integers (x is ${fmt(xs)}), got ${JSON.stringify(outputShape)}`);
  }
  const x4 = xs.length === 3 ? [1, ...xs] : xs.slice();
  const o4 = outputShape.length === 3 ? [1, ...outputShape] : outputShape.slice();
  if (fs[3] !== x4[3]) throw new Error(`${op}: x ${fmt(xs)} has ${x4[3]} channels but filter ${fmt(fs)} expects ${fs[3]} (filter is [filterHeight, filterWidth, outChannels, inChannels])`);
  if (fs[2] !== o4[3]) throw new Error(`${op}: outputShape ${fmt(outputShape)} has ${o4[3]} channels but filter ${fmt(fs)} gives ${fs[2]}`);
  if (o4[0] !== x4[0]) throw new Error(`${op}: outputShape ${fmt(outputShape)} has batch ${o4[0]} but x ${fmt(xs)} has ${x4[0]}`);
  const at = geometry(op, o4, fs[0]!, fs[1]!, strides, pad, 1);
  if (at.outH !== x4[1] || at.outW !== x4[2]) {
    throw new Error(`${op}: a conv2d of outputShape ${fmt(outputShape)} with this filter, strides and pad gives ${at.outH}x${at.outW}, but x ${fmt(xs)} is ${x4[1]}x${x4[2]}`);
  }
  const backend = backendOf(op, [x, filter]);
  checkAlloc(op, o4, 'float32', backend);
  checkAlloc(op, [x4[0]! * x4[1]! * x4[2]!, fs[0]! * fs[1]! * fs[2]!], 'float32', backend);
  const xt = toTensor(op, x, backend), w = toTensor(op, filter, backend);
  const dy = xs.length === 3 ? reshape(xt, x4) : xt;
  const y = convPass({ kernel: 'conv2d', window: at, channels: fs[3]!, x: o4, filter: fs, y: x4 }, 'inputGrad', dy, w);
  return xs.length === 3 ? reshape(y, outputShape) : y;
});

interface Geom3 {
  x5: number[];
  strides: [number, number, number];
  dil: [number, number, number];
  d: { out: number; before: number; after: number };
  oh: number;
  ow: number;
}

/** The 3-D window of x5 [b, d, h, w, c] under filter dims kd x kh x kw; throws naming op. */
function geom3(op: string, x5: number[], k: readonly number[], strides: unknown, pad: unknown, dilations: unknown): Geom3 {
  const st = triple(op, 'strides', strides), dil = triple(op, 'dilations', dilations);
  const d = along1(op, 'depth', pad, x5[1]!, k[0]!, st[0], dil[0]);
  const hw = geometry(op, [x5[0]!, x5[2]!, x5[3]!, x5[4]!], k[1]!, k[2]!, [st[1], st[2]], pad, [dil[1], dil[2]]);
  return { x5, strides: st, dil, d, oh: hw.outH, ow: hw.outW };
}

function shape5(op: string, xs: readonly number[], dataFormat: unknown): number[] {
  if (dataFormat !== 'NDHWC') throw new Error(`${op}: dataFormat must be 'NDHWC', got ${JSON.stringify(dataFormat)}`);
  if (xs.length !== 4 && xs.length !== 5) throw new Error(`${op}: x must be of rank 4 or 5 ([batch?, depth, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  return xs.length === 4 ? [1, ...xs] : xs.slice();
}

/**
 * 3-D convolution (tf.conv3d): x [batch, depth, height, width, inChannels] (or rank 4), filter
 * [filterDepth, filterHeight, filterWidth, inChannels, outChannels] -> [batch, outDepth, outHeight,
 * outWidth, outChannels]. strides and dilations are a number or [depth, height, width]; pad 'valid'
 * or 'same'. Differentiable in x and filter.
 * @function
 */
export const conv3d = defineOp('conv3d', (x: TensorLike, filter: TensorLike, strides: Triple, pad: 'valid' | 'same', dataFormat: 'NDHWC' | 'NCDHW' = 'NDHWC', dilations: Triple = 1): Tensor => {
  const op = 'conv3d';
  const xs = argShape(op, 'x', x), fs = argShape(op, 'filter', filter);
  const x5 = shape5(op, xs, dataFormat);
  if (fs.length !== 5) throw new Error(`${op}: filter must be of rank 5 [filterDepth, filterHeight, filterWidth, inChannels, outChannels], got rank ${fs.length} ${fmt(fs)}`);
  if (fs[3] !== x5[4]) throw new Error(`${op}: x ${fmt(xs)} has ${x5[4]} input channels but filter ${fmt(fs)} expects ${fs[3]}`);
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${op}: pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
  const g = geom3(op, x5, fs, strides, pad, dilations);
  const [b, , H, W, C] = x5 as [number, number, number, number, number];
  const outC = fs[4]!, outD = g.d.out;
  const backend = backendOf(op, [x, filter]);
  checkAlloc(op, [b, outD, g.oh, g.ow, outC], 'float32', backend);
  const xt = reshape(toTensor(op, x, backend), x5), w = toTensor(op, filter, backend);
  const xp = g.d.before + g.d.after > 0 ? padOp(xt, [[0, 0], [g.d.before, g.d.after], [0, 0], [0, 0], [0, 0]]) : xt;
  let y: Tensor | null = null;
  for (let kd = 0; kd < fs[0]!; kd++) {
    const xs2 = reshape(takeEvery(xp, 1, kd * g.dil[0], outD, g.strides[0]), [b * outD, H, W, C]);
    const wk = reshape(slice(w, [kd, 0, 0, 0, 0], [1, -1, -1, -1, -1]), fs.slice(1));
    const part = conv2d(xs2, wk, [g.strides[1], g.strides[2]], pad, 'NHWC', [g.dil[1], g.dil[2]]);
    y = y ? add(y, part) : part;
  }
  const out = reshape(y!, [b, outD, g.oh, g.ow, outC]);
  return xs.length === 4 ? reshape(out, out.shape.slice(1)) : out;
});

/**
 * Transposed 3-D convolution (tf.conv3dTranspose), the gradient of conv3d with respect to its input:
 * x [batch, depth, height, width, inChannels] (or rank 4), filter [filterDepth, filterHeight,
 * filterWidth, outChannels, inChannels], outputShape [batch?, outDepth, outHeight, outWidth,
 * outChannels]. pad 'valid' or 'same'. Differentiable in x and filter.
 * @function
 */
export const conv3dTranspose = defineOp('conv3dTranspose', (x: TensorLike, filter: TensorLike, outputShape: readonly number[], strides: Triple, pad: 'valid' | 'same'): Tensor => {
  const op = 'conv3dTranspose';
  const xs = argShape(op, 'x', x), fs = argShape(op, 'filter', filter);
  const x5 = shape5(op, xs, 'NDHWC');
  if (fs.length !== 5) throw new Error(`${op}: filter must be of rank 5 [filterDepth, filterHeight, filterWidth, outChannels, inChannels], got rank ${fs.length} ${fmt(fs)}`);
  if (!Array.isArray(outputShape) || outputShape.length !== xs.length || !outputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: outputShape must be ${xs.length} positive integers (x is ${fmt(xs)}), got ${JSON.stringify(outputShape)}`);
  }
  const o5 = outputShape.length === 4 ? [1, ...outputShape] : outputShape.slice();
  if (fs[4] !== x5[4]) throw new Error(`${op}: x ${fmt(xs)} has ${x5[4]} channels but filter ${fmt(fs)} expects ${fs[4]}`);
  if (fs[3] !== o5[4]) throw new Error(`${op}: outputShape ${fmt(outputShape)} has ${o5[4]} channels but filter ${fmt(fs)} gives ${fs[3]}`);
  if (o5[0] !== x5[0]) throw new Error(`${op}: outputShape ${fmt(outputShape)} has batch ${o5[0]} but x ${fmt(xs)} has ${x5[0]}`);
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${op}: pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
  const g = geom3(op, o5, fs, strides, pad, 1);
  if (g.d.out !== x5[1] || g.oh !== x5[2] || g.ow !== x5[3]) {
    throw new Error(`${op}: a conv3d of outputShape ${fmt(outputShape)} with this filter, strides and pad gives ${g.d.out}x${g.oh}x${g.ow}, but x ${fmt(xs)} is ${x5[1]}x${x5[2]}x${x5[3]}`);
  }
  const [b, D, H, W, outC] = o5 as [number, number, number, number, number];
  const inD = x5[1]!;
  const backend = backendOf(op, [x, filter]);
  checkAlloc(op, o5, 'float32', backend);
  const xt = reshape(toTensor(op, x, backend), [b * inD, x5[2]!, x5[3]!, x5[4]!]), w = toTensor(op, filter, backend);
  const padded = D + g.d.before + g.d.after;
  let y: Tensor | null = null;
  for (let kd = 0; kd < fs[0]!; kd++) {
    const wk = reshape(slice(w, [kd, 0, 0, 0, 0], [1, -1, -1, -1, -1]), fs.slice(1));
    const part = reshape(conv2dTranspose(xt, wk, [b * inD, H, W, outC], [g.strides[1], g.strides[2]], pad), [b, inD, H, W, outC]);
    const placed = spreadEvery(part, 1, kd, g.strides[0], padded);
    y = y ? add(y, placed) : placed;
  }
  const out = g.d.before + g.d.after > 0 ? slice(y!, [0, g.d.before, 0, 0, 0], [b, D, H, W, outC]) : y!;
  return xs.length === 4 ? reshape(out, outputShape) : out;
});
