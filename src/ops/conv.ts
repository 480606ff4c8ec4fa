/**
 * Convolution and pooling over NHWC images: conv2d (with dilation, TensorFlow's 'same' rule, and the
 * fused bias + activation epilogue), maxPool and avgPool. conv2d is im2col -> the matmul kernel ->
 * a reshape, so its gradients are col2im(dy Wᵀ) for the input and colsᵀ dy for the filter; the
 * pools run one window kernel each way. Every argument is checked before any tensor is created,
 * so a call that throws leaves memory as it was.
 */
import type { WindowAttrs } from '../backend/backend.js';
import { checkAlloc } from '../limits.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argDType, argShape as shapeOrNull, backendOf, defineOp, record, runKernel, toTensor, type TensorLike } from './core.js';
import { EPILOGUE_ACTIVATIONS, fusedMatmul, type EpilogueActivation } from './matmul.js';
import { reshape, transpose } from './movement.js';

/**
 * Padding: 'valid' (none), 'same' (TensorFlow's rule: the output is ceil(in / stride), and the
 * smaller half of the padding goes before), a number of zeros on every side, or explicit NHWC pairs
 * [[0, 0], [top, bottom], [left, right], [0, 0]].
 */
export type PadMode = 'valid' | 'same' | number | readonly (readonly [number, number])[];

/** TensorFlow.js's fused activations, as conv2d and matMul accept them. */
export type FusedActivation = EpilogueActivation | 'leakyrelu';

/** A shape or stride given as one number for both spatial dims, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** The shape an argument will have, without creating a tensor for it; it must be a float32 tensor-like. */
function argShape(op: string, name: string, v: TensorLike): readonly number[] {
  const s = shapeOrNull(op, v);
  if (!s) throw new Error(`${op}: ${name} must be a Tensor or an array, got ${v === null ? 'null' : typeof v}`);
  if (argDType(v) !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${argDType(v)} ${fmt(s)} (use .cast('float32'))`);
  return s;
}

function pair(op: string, name: string, v: unknown): [number, number] {
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

/**
 * The output size along one spatial dim under 'valid' or 'same' padding (TensorFlow's rule); below 1
 * when a 'valid' window does not fit. Layers use it to compute their output shapes.
 */
export function convOutputSize(inSize: number, k: number, stride: number, dilation: number, pad: 'valid' | 'same'): number {
  const eff = (k - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(inSize / stride) : Math.floor((inSize - eff) / stride) + 1;
}

function checkPad(op: string, pad: unknown): PadMode {
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
function geometry(op: string, x: readonly number[], kH: number, kW: number, strides: unknown, pad: unknown, dilations: unknown): WindowAttrs {
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
function imageShape(op: string, xs: readonly number[], dataFormat: unknown): number[] {
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') throw new Error(`${op}: dataFormat must be 'NHWC' or 'NCHW', got ${JSON.stringify(dataFormat)}`);
  if (xs.length !== 3 && xs.length !== 4) {
    throw new Error(`${op}: x must be of rank 3 or 4 ([batch?, height, width, channels]), got rank ${xs.length} ${fmt(xs)}`);
  }
  const s4 = xs.length === 3 ? [1, ...xs] : xs.slice();
  return dataFormat === 'NCHW' ? [s4[0]!, s4[2]!, s4[3]!, s4[1]!] : s4;
}

/** Run `body` on x as NHWC rank 4 and give the result back in x's own rank and layout. */
function asNHWC(x: Tensor, dataFormat: 'NHWC' | 'NCHW', body: (x4: Tensor) => Tensor): Tensor {
  let x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
  if (dataFormat === 'NCHW') x4 = transpose(x4, [0, 2, 3, 1]);
  let y = body(x4);
  if (dataFormat === 'NCHW') y = transpose(y, [0, 3, 1, 2]);
  return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
}

/** The im2col gather as an op (its gradient is col2im), for conv2d's matmul. */
function im2col(x: Tensor, at: WindowAttrs): Tensor {
  const cols = runKernel('im2col', [x], [at.batch * at.outH * at.outW, at.kH * at.kW * at.inC], 'float32', at);
  return record('im2col', [x], cols, (dy) => [col2im(dy, at)]);
}

function col2im(cols: Tensor, at: WindowAttrs): Tensor {
  const x = runKernel('col2im', [cols], [at.batch, at.inH, at.inW, at.inC], 'float32', at);
  return record('col2im', [cols], x, (dy) => [im2col(dy, at)]);
}

/** True when im2col would only copy x in order: a 1x1 stride-1 unpadded kernel, or one window that is the whole image. */
function colsAreX(at: WindowAttrs): boolean {
  if (at.padTop !== 0 || at.padLeft !== 0) return false;
  const pointwise = at.kH === 1 && at.kW === 1 && at.strideH === 1 && at.strideW === 1 && at.outH === at.inH && at.outW === at.inW;
  const whole = at.outH === 1 && at.outW === 1 && at.kH === at.inH && at.kW === at.inW && (at.kH === 1 || at.dilationH === 1) && (at.kW === 1 || at.dilationW === 1);
  return pointwise || whole;
}

const ACTIVATIONS: readonly string[] = EPILOGUE_ACTIVATIONS;

/** The arguments of {@link fusedConv2d} (TensorFlow.js's tf.fused.conv2d takes the same object). */
export interface FusedConv2dArgs {
  /** [batch, height, width, inChannels] (or rank 3 without the batch; NCHW with dataFormat). */
  x: TensorLike;
  /** [filterHeight, filterWidth, inChannels, outChannels]. */
  filter: TensorLike;
  /** Rows and columns between neighbouring windows: one number for both, or [height, width]. */
  strides: Pair;
  /** 'valid', 'same' (TensorFlow's rule), zeros on every side, or explicit NHWC pairs. */
  pad: PadMode;
  /** Default 'NHWC'. */
  dataFormat?: 'NHWC' | 'NCHW';
  /** Default 1: the gap between taps of the window (its effective size is (k - 1) * dilation + 1). */
  dilations?: Pair;
  /** [outChannels], added to every output pixel. */
  bias?: TensorLike;
  /** Applied after the bias (default 'linear'). */
  activation?: FusedActivation;
  /** The negative slope of leakyRelu (default 0.2). */
  leakyreluAlpha?: number;
  /** prelu's slopes, broadcast against the [.., outChannels] output (required with 'prelu'). */
  preluActivationWeights?: TensorLike;
}

/**
 * activation(conv2d(x, filter) + bias) in one matmul kernel (the fused epilogue), as TensorFlow.js's
 * tf.fused.conv2d. Shapes as conv2d; bias has outChannels elements. Throws naming the shapes for a
 * channel mismatch, a kernel bigger than a 'valid' input, a bad stride, dilation, pad or rank.
 * @function
 */
export const fusedConv2d = defineOp('conv2d', (args: FusedConv2dArgs): Tensor => {
  const op = 'conv2d';
  if (args === null || typeof args !== 'object') throw new Error(`${op}: expected { x, filter, strides, pad, ... }, got ${String(args)}`);
  const { x: xa, filter: fa, strides, pad, dataFormat = 'NHWC', dilations = 1, bias: ba } = args;
  const act = args.activation === 'leakyrelu' ? 'leakyRelu' : args.activation ?? 'linear';
  const alpha = args.leakyreluAlpha ?? 0.2;
  if (!ACTIVATIONS.includes(act)) throw new Error(`${op}: unknown activation '${String(args.activation)}' (expected one of ${ACTIVATIONS.join(', ')}, or leakyrelu)`);
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new Error(`${op}: leakyreluAlpha must be a number, got ${String(args.leakyreluAlpha)}`);
  // Every check first: a failed call must leave no tensor behind.
  const xs = imageShape(op, argShape(op, 'x', xa), dataFormat);
  const fs = argShape(op, 'filter', fa);
  if (fs.length !== 4) throw new Error(`${op}: filter must be of rank 4 [filterHeight, filterWidth, inChannels, outChannels], got rank ${fs.length} ${fmt(fs)}`);
  if (fs[2] !== xs[3]) {
    throw new Error(`${op}: x ${fmt(argShape(op, 'x', xa))} has ${xs[3]} input channels but filter ${fmt(fs)} expects ${fs[2]} (filter is [filterHeight, filterWidth, inChannels, outChannels])`);
  }
  if (fs[0]! < 1 || fs[1]! < 1 || fs[3]! < 1) throw new Error(`${op}: filter ${fmt(fs)} has an empty dimension`);
  const at = geometry(op, xs, fs[0]!, fs[1]!, strides, pad, dilations);
  const outC = fs[3]!;
  if (ba !== undefined) {
    const bs = argShape(op, 'bias', ba);
    if (bs.reduce((a, d) => a * d, 1) !== outC || bs.slice(0, -1).some((d) => d !== 1)) {
      throw new Error(`${op}: bias must have one value per output channel ([${outC}]), got ${fmt(bs)}`);
    }
  }
  const backend = backendOf(op, ba === undefined ? [xa, fa] : [xa, fa, ba]);
  const K = at.kH * at.kW * at.inC;
  const rows = at.batch * at.outH * at.outW;
  const direct = colsAreX(at);
  checkAlloc(op, [at.batch, at.outH, at.outW, outC], 'float32', backend);
  if (!direct) checkAlloc(op, [rows, K], 'float32', backend); // the im2col matrix
  const x = toTensor(op, xa, backend);
  const w = toTensor(op, fa, backend);
  const b = ba === undefined ? undefined : toTensor(op, ba, backend);
  return asNHWC(x, dataFormat, (x4) => {
    const cols = direct ? reshape(x4, [rows, K]) : im2col(x4, at);
    const bias = b && b.rank !== 1 ? reshape(b, [outC]) : b;
    const y = fusedMatmul(cols, reshape(w, [K, outC]), { bias, activation: act, alpha, preluActivationWeights: args.preluActivationWeights });
    return reshape(y, [at.batch, at.outH, at.outW, outC]);
  });
});

/**
 * 2-D convolution (TensorFlow.js's tf.conv2d): x [batch, height, width, inChannels] (or rank 3),
 * filter [filterHeight, filterWidth, inChannels, outChannels] -> [batch, outHeight, outWidth,
 * outChannels]. strides and dilations are a number or [height, width]; pad is 'valid', 'same'
 * (TensorFlow's rule), a number or explicit pairs. Differentiable in x and filter, dilated or not.
 * @function
 */
export const conv2d = defineOp('conv2d', (x: TensorLike, filter: TensorLike, strides: Pair, pad: PadMode, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: Pair = 1): Tensor => {
  return fusedConv2d({ x, filter, strides, pad, dataFormat, dilations });
});

function pool(op: 'maxPool' | 'avgPool', kind: 'max' | 'avg', xa: TensorLike, filterSize: Pair, strides: Pair | undefined, pad: PadMode): Tensor {
  const xs = imageShape(op, argShape(op, 'x', xa), 'NHWC');
  const [kH, kW] = pair(op, 'filterSize', filterSize);
  const at = geometry(op, xs, kH, kW, strides ?? filterSize, pad, 1);
  const backend = backendOf(op, [xa]);
  checkAlloc(op, [at.batch, at.outH, at.outW, at.inC], 'float32', backend);
  const x = toTensor(op, xa, backend);
  return asNHWC(x, 'NHWC', (x4) => {
    const attrs = { ...at, op: kind };
    const y = runKernel('pool', [x4], [at.batch, at.outH, at.outW, at.inC], 'float32', attrs);
    return record(op, [x4], y, (dy) => [runKernel('poolGrad', [dy, x4], x4.shape, 'float32', attrs)]);
  });
}

/**
 * Max pooling (tf.maxPool): the largest value of each filterSize window, per channel. x is
 * [batch, height, width, channels] or rank 3; strides default to filterSize. With 'same', taps in the
 * padding are ignored. The gradient goes to the first maximal element of each window.
 * @function
 */
export const maxPool = defineOp('maxPool', (x: TensorLike, filterSize: Pair, strides?: Pair, pad: PadMode = 'valid'): Tensor => {
  return pool('maxPool', 'max', x, filterSize, strides, pad);
});

/**
 * Average pooling (tf.avgPool): the mean of each filterSize window, per channel, over the real
 * elements only (with 'same', padded taps count neither in the sum nor in the divisor).
 * @function
 */
export const avgPool = defineOp('avgPool', (x: TensorLike, filterSize: Pair, strides?: Pair, pad: PadMode = 'valid'): Tensor => {
  return pool('avgPool', 'avg', x, filterSize, strides, pad);
});

/** TensorFlow.js's `tf.fused` namespace: conv2d and matMul with bias + activation in one kernel. */
export const fused = {
  /** activation(conv2d(x, filter) + bias) in one kernel (see {@link fusedConv2d}). */
  conv2d: fusedConv2d,
  /** act(a @ b + bias), TensorFlow.js's tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation }). */
  matMul(args: { a: TensorLike; b: TensorLike; transposeA?: boolean; transposeB?: boolean; bias?: Tensor; activation?: FusedActivation; leakyreluAlpha?: number; preluActivationWeights?: TensorLike }): Tensor {
    const activation = args.activation === 'leakyrelu' ? 'leakyRelu' : args.activation;
    return fusedMatmul(args.a, args.b, { transposeA: args.transposeA, transposeB: args.transposeB, bias: args.bias, activation, alpha: args.leakyreluAlpha, preluActivationWeights: args.preluActivationWeights });
  },
};
