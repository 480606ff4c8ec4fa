/**
 * The window arguments shared by the convolution and pooling ops: padding rules, stride and
 * dilation pairs, output geometry, NHWC/NCHW handling, and the passes of the conv2d and depthwise
 * kernels as differentiable ops (each pass's gradient is made of the other two).
 */
import type { Activation, ConvMode, WindowAttrs } from '../backend/backend.js';
import type { EpilogueActivation } from './matmul.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argDType, argShape as shapeOrNull, record, runKernel, type TensorLike } from './core.js';
import { reshape, transpose } from './movement.js';

/**
 * Padding: 'valid' (none), 'same' (TensorFlow's rule: the output is ceil(in / stride), and the
 * smaller half of the padding goes before), a number of zeros on every side, or explicit NHWC pairs
 * [[0, 0], [top, bottom], [left, right], [0, 0]].
 */
export type PadMode = 'valid' | 'same' | number | readonly (readonly [number, number])[];

/** TensorFlow.js's fused activations, as conv2d and matMul accept them. */
export type FusedActivation = EpilogueActivation | 'leakyrelu';

/**
 * What the fused window ops (tf.fused.conv2d, tf.fused.depthwiseConv2d) share: the image, the
 * window's geometry and the epilogue. Each op adds its filter and bias with their own shapes.
 */
export interface FusedWindowArgs {
  /** [batch, height, width, inChannels] (or rank 3 without the batch; NCHW with dataFormat). */
  x: TensorLike;
  /** Rows and columns between neighbouring windows: one number for both, or [height, width]. */
  strides: Pair;
  /** 'valid', 'same' (TensorFlow's rule), zeros on every side, or explicit NHWC pairs. */
  pad: PadMode;
  /** Default 'NHWC'. */
  dataFormat?: 'NHWC' | 'NCHW';
  /** Default 1: the gap between taps of the window (its effective size is (k - 1) * dilation + 1). */
  dilations?: Pair;
  /** Applied after the bias (default 'linear'). */
  activation?: FusedActivation;
  /** The negative slope of leakyRelu (default 0.2). */
  leakyreluAlpha?: number;
  /** prelu's slopes, broadcast against the [.., outChannels] output (required with 'prelu'). */
  preluActivationWeights?: TensorLike;
}

/** A shape or stride given as one number for both spatial dims, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** The shape an argument will have, without creating a tensor for it; it must be a float32 tensor-like. */
export function argShape(op: string, name: string, v: TensorLike): readonly number[] {
  const s = shapeOrNull(op, v);
  if (!s) throw new Error(`${op}: ${name} must be a Tensor or an array, got ${v === null ? 'null' : typeof v}`);
  if (argDType(v) !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${argDType(v)} ${fmt(s)} (use .cast('float32'))`);
  return s;
}

export function pair(op: string, name: string, v: unknown): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them [height, width], got ${JSON.stringify(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

/** Output size and leading padding along one spatial dim. */
function along(op: string, pad: PadMode, dim: 0 | 1, inSize: number, k: number, stride: number, dilation: number): { out: number; before: number } {
  const eff = (k - 1) * dilation + 1;
  if (pad === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + eff - inSize, 0);
    return { out, before: Math.floor(total / 2) };
  }
  let before = 0, after = 0;
  if (typeof pad === 'number') {
    before = after = pad;
  } else if (pad !== 'valid') {
    [before, after] = pad[dim + 1]!;
  }
  const padded = inSize + before + after;
  if (eff > padded) {
    const what = dim === 0 ? 'height' : 'width';
    const how = pad === 'valid' ? "pad 'valid'" : `padding ${before}+${after}`;
    throw new Error(`${op}: the kernel ${what} ${k}${dilation > 1 ? ` (${eff} dilated)` : ''} is bigger than the input ${what} ${inSize} with ${how}`);
  }
  return { out: Math.floor((padded - eff) / stride) + 1, before };
}

export function checkPad(op: string, pad: unknown): PadMode {
  if (pad === 'valid' || pad === 'same') return pad;
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) return pad;
  const nonNeg = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (Array.isArray(pad) && pad.length === 4 && pad.every((p) => Array.isArray(p) && p.length === 2 && p.every(nonNeg))) {
    const [b, , , c] = pad as [number, number][];
    if (b![0] === 0 && b![1] === 0 && c![0] === 0 && c![1] === 0) return pad as PadMode;
  }
  throw new Error(`${op}: pad must be 'valid', 'same', a non-negative integer or [[0,0],[top,bottom],[left,right],[0,0]], got ${JSON.stringify(pad)}`);
}

/** The window geometry of an NHWC input [b, h, w, c] under a kh x kw window; throws naming `op`. */
export function geometry(op: string, x: readonly number[], kH: number, kW: number, strides: unknown, pad: unknown, dilations: unknown): WindowAttrs {
  const [strideH, strideW] = pair(op, 'strides', strides);
  const [dilationH, dilationW] = pair(op, 'dilations', dilations);
  const p = checkPad(op, pad);
  const h = along(op, p, 0, x[1]!, kH, strideH, dilationH);
  const w = along(op, p, 1, x[2]!, kW, strideW, dilationW);
  return {
    batch: x[0]!, inH: x[1]!, inW: x[2]!, inC: x[3]!, outH: h.out, outW: w.out, kH, kW,
    strideH, strideW, dilationH, dilationW, padTop: h.before, padLeft: w.before,
  };
}

/** x as NHWC rank 4: rank 3 gains a batch of 1; NCHW is read through its transpose. */
export function imageShape(op: string, xs: readonly number[], dataFormat: unknown): number[] {
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') throw new Error(`${op}: dataFormat must be 'NHWC' or 'NCHW', got ${JSON.stringify(dataFormat)}`);
  if (xs.length !== 3 && xs.length !== 4) {
    throw new Error(`${op}: x must be of rank 3 or 4 ([batch?, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  }
  const s4 = xs.length === 3 ? [1, ...xs] : xs.slice();
  return dataFormat === 'NCHW' ? [s4[0]!, s4[2]!, s4[3]!, s4[1]!] : s4;
}

/** Run `body` on x as NHWC rank 4 and give the result back in x's own rank and layout. */
export function asNHWC(x: Tensor, dataFormat: 'NHWC' | 'NCHW', body: (x4: Tensor) => Tensor): Tensor {
  let x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
  if (dataFormat === 'NCHW') x4 = transpose(x4, [0, 2, 3, 1]);
  let y = body(x4);
  if (dataFormat === 'NCHW') y = transpose(y, [0, 3, 1, 2]);
  return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
}


/** Which kernel, its geometry and the shapes of its three tensors: what a pass needs to run and differentiate. */
export interface ConvFamily {
  kernel: 'conv2d' | 'depthwise';
  window: WindowAttrs;
  /** conv2d: output channels; depthwise: the channel multiplier. */
  channels: number;
  /** The shapes of x, the filter and y. */
  x: readonly number[];
  filter: readonly number[];
  y: readonly number[];
}

/**
 * One pass of a convolution as a differentiable op: forward (a = x, b = filter), inputGrad (a = dy,
 * b = filter) or filterGrad (a = x, b = dy). All three are bilinear, so each one's gradient is made
 * of the other two, and gradients of gradients come for free.
 */
export function convPass(f: ConvFamily, mode: ConvMode, a: Tensor, b: Tensor): Tensor {
  const shape = mode === 'forward' ? f.y : mode === 'inputGrad' ? f.x : f.filter;
  const out = f.kernel === 'conv2d'
    ? runKernel('conv2d', [a, b], shape, 'float32', { ...f.window, outC: f.channels, mode, bias: false, activation: 'linear', alpha: 0 })
    : runKernel('depthwise', [a, b], shape, 'float32', { ...f.window, mult: f.channels, mode });
  const name = mode === 'forward' ? f.kernel : `${f.kernel}${mode === 'inputGrad' ? 'InputGrad' : 'FilterGrad'}`;
  return record(name, [a, b], out, (g, needs) => {
    const want = (i: number, fn: () => Tensor): Tensor | null => (needs[i] === false ? null : fn());
    if (mode === 'forward') return [want(0, () => convPass(f, 'inputGrad', g, b)), want(1, () => convPass(f, 'filterGrad', a, g))];
    if (mode === 'inputGrad') return [want(0, () => convPass(f, 'forward', g, b)), want(1, () => convPass(f, 'filterGrad', g, a))];
    return [want(0, () => convPass(f, 'inputGrad', b, g)), want(1, () => convPass(f, 'forward', a, g))];
  });
}
