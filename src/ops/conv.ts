/**
 * Convolution and pooling over NHWC images: conv2d (with dilation, TensorFlow's 'same' rule, and the
 * fused bias + activation epilogue), maxPool and avgPool. conv2d runs the conv2d kernel (an implicit
 * GEMM where the backend has one), whose input and filter gradients are its other two passes; a 1x1
 * window is a plain matmul. The pools run one window kernel each way. Every argument is checked before any tensor is created,
 * so a call that throws leaves memory as it was.
 */
import type { Activation, KernelAttrs, WindowAttrs } from '../backend/backend.js';
import { checkAlloc } from '../limits.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, record, recording, runKernel, toTensor, type TensorLike } from './core.js';
import { leakyReluGrad, mul, reluGrad, sigmoidGrad, tanhGrad } from './elementwise.js';
import { EPILOGUE_ACTIVATIONS, fusedMatmul } from './matmul.js';
import { elu, prelu, relu6 } from './activations.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';
import { argShape, asNHWC, convPass, geometry, imageShape, pair, type ConvFamily, type FusedActivation, type FusedWindowArgs, type PadMode, type Pair } from './window.js';
import { fusedDepthwiseConv2d } from './depthwise.js';

export type { FusedActivation, FusedWindowArgs, PadMode, Pair } from './window.js';

/**
 * The output size along one spatial dim under 'valid' or 'same' padding (TensorFlow's rule); below 1
 * when a 'valid' window does not fit. Layers use it to compute their output shapes.
 */
export function convOutputSize(inSize: number, k: number, stride: number, dilation: number, pad: 'valid' | 'same'): number {
  const eff = (k - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(inSize / stride) : Math.floor((inSize - eff) / stride) + 1;
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
export interface FusedConv2dArgs extends FusedWindowArgs {
  /** [filterHeight, filterWidth, inChannels, outChannels]. */
  filter: TensorLike;
  /** [outChannels], added to every output pixel. */
  bias?: TensorLike;
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
  if (act === 'prelu' && args.preluActivationWeights === undefined) throw new Error(`${op}: activation 'prelu' needs preluActivationWeights`);
  if (act === 'relu6' || act === 'elu' || act === 'prelu') {
    // Not in the conv kernel: the convolution with its bias, then the activation as its own op.
    const z = fusedConv2d({ ...args, activation: 'linear' });
    return act === 'relu6' ? relu6(z) : act === 'elu' ? elu(z) : prelu(z, args.preluActivationWeights!);
  }
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
  const yShape = [at.batch, at.outH, at.outW, outC];
  checkAlloc(op, yShape, 'float32', backend);
  // the im2col matrix: backends without an implicit GEMM build it, and the wasm backend's input gradient may
  if (!colsAreX(at)) checkAlloc(op, [rows, K], 'float32', backend);
  const x = toTensor(op, xa, backend);
  const w = toTensor(op, fa, backend);
  const b = ba === undefined ? undefined : toTensor(op, ba, backend);
  return asNHWC(x, dataFormat, (x4) => {
    const bias = b && b.rank !== 1 ? reshape(b, [outC]) : b;
    // A 1x1 window (or one that is the whole image) reads x in order: that is a plain matmul.
    if (colsAreX(at)) return reshape(fusedMatmul(reshape(x4, [rows, K]), reshape(w, [K, outC]), { bias, activation: act, alpha }), yShape);
    const f: ConvFamily = { kernel: 'conv2d', window: at, channels: outC, x: x4.shape, filter: w.shape, y: yShape };
    const inputs = bias ? [x4, w, bias] : [x4, w];
    const y = runKernel('conv2d', inputs, yShape, 'float32', { ...at, outC, mode: 'forward', bias: !!bias, activation: act, alpha });
    return record('conv2d', inputs, y, (dyOut, needs) => {
      const dz = throughActivation(dyOut, y, act, alpha);
      const grads: (Tensor | null)[] = [
        needs[0] === false ? null : convPass(f, 'inputGrad', dz, w),
        needs[1] === false ? null : convPass(f, 'filterGrad', x4, dz),
      ];
      if (bias) grads.push(needs[2] === false ? null : sum(reshape(dz, [rows, outC]), 0));
      return grads;
    });
  });
});

/** dL/dz from dL/dy for y = act(z), in terms of y (for relu, y > 0 exactly where z > 0). */
function throughActivation(dy: Tensor, y: Tensor, act: Activation, alpha: number): Tensor {
  switch (act) {
    case 'linear': return dy;
    case 'tanh': return tanhGrad(dy, y);
    case 'sigmoid': return sigmoidGrad(dy, y);
    case 'relu': return reluGrad(dy, y);
    case 'leakyRelu': return leakyReluGrad(dy, y, alpha);
    case 'step': return mul(dy, 0);
  }
}

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

type PoolAttrs = KernelAttrs['pool'];

/** avgPool's gradient, recorded with avgPool of the same geometry as its transpose (second order). */
function avgPoolGrad(dy: Tensor, x4: Tensor, attrs: PoolAttrs): Tensor {
  const dx = runKernel('poolGrad', [dy, x4], x4.shape, 'float32', attrs);
  return record('avgPoolGrad', [dy], dx, (g) => [avgPoolOf(g, x4, dy.shape, attrs)]);
}

function avgPoolOf(g: Tensor, x4: Tensor, shape: readonly number[], attrs: PoolAttrs): Tensor {
  const y = runKernel('pool', [g], shape, 'float32', attrs);
  return record('avgPool', [g], y, (dy) => [avgPoolGrad(dy, x4, attrs)]);
}

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
    return record(op, [x4], y, (dy) => {
      // maxPool's gradient routes dy to the argmax of each window, a step no op here transposes.
      if (kind === 'max' && recording([dy])) throw new Error('maxPool: second-order gradients (the gradient of a gradient through maxPool) are not supported');
      return [kind === 'avg' ? avgPoolGrad(dy, x4, attrs) : runKernel('poolGrad', [dy, x4], x4.shape, 'float32', attrs)];
    });
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
  /** act(depthwiseConv2d(x, filter) + bias) (see {@link fusedDepthwiseConv2d}). */
  depthwiseConv2d: fusedDepthwiseConv2d,
  /** act(a @ b + bias), TensorFlow.js's tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation }). */
  matMul(args: { a: TensorLike; b: TensorLike; transposeA?: boolean; transposeB?: boolean; bias?: Tensor; activation?: FusedActivation; leakyreluAlpha?: number; preluActivationWeights?: TensorLike }): Tensor {
    const activation = args.activation === 'leakyrelu' ? 'leakyRelu' : args.activation;
    return fusedMatmul(args.a, args.b, { transposeA: args.transposeA, transposeB: args.transposeB, bias: args.bias, activation, alpha: args.leakyreluAlpha, preluActivationWeights: args.preluActivationWeights });
  },
};
