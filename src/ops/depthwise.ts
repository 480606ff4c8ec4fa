/**
 * Depthwise and separable convolution over NHWC images (TensorFlow.js's tf.depthwiseConv2d,
 * tf.separableConv2d, tf.fused.depthwiseConv2d). depthwiseConv2d runs the depthwise kernel (each
 * input channel convolved with its own `mult` filters), its gradients the kernel's other two passes;
 * separableConv2d is that followed by a 1x1 conv2d. Every argument is checked before any tensor is
 * created, so a call that throws leaves memory as it was.
 */
import type { Activation } from '../backend/backend.js';
import { EPILOGUE_ACTIVATIONS } from './matmul.js';
import { elu, prelu, relu6 } from './activations.js';
import { checkAlloc } from '../limits.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { add, leakyRelu, relu, sigmoid, step, tanh } from './elementwise.js';
import { reshape } from './movement.js';
import { argShape, asNHWC, convPass, geometry, imageShape, type FusedActivation, type FusedWindowArgs, type PadMode, type Pair } from './window.js';
import { conv2d } from './conv.js';

const ACTIVATIONS: readonly string[] = EPILOGUE_ACTIVATIONS;

/** The arguments of {@link fusedDepthwiseConv2d} (TensorFlow.js's tf.fused.depthwiseConv2d takes the same object). */
export interface FusedDepthwiseConv2dArgs extends FusedWindowArgs {
  /** [filterHeight, filterWidth, inChannels, channelMultiplier]. */
  filter: TensorLike;
  /** [inChannels * channelMultiplier], added to every output pixel. */
  bias?: TensorLike;
}

function depthwise(op: string, args: FusedDepthwiseConv2dArgs): Tensor {
  if (args === null || typeof args !== 'object') throw new Error(`${op}: expected { x, filter, strides, pad, ... }, got ${String(args)}`);
  const { x: xa, filter: fa, strides, pad, dataFormat = 'NHWC', dilations = 1, bias: ba } = args;
  const named = args.activation === 'leakyrelu' ? 'leakyRelu' : args.activation ?? 'linear';
  const alpha = args.leakyreluAlpha ?? 0.2;
  if (!ACTIVATIONS.includes(named)) throw new Error(`${op}: unknown activation '${String(args.activation)}' (expected one of ${ACTIVATIONS.join(', ')}, or leakyrelu)`);
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new Error(`${op}: leakyreluAlpha must be a number, got ${String(args.leakyreluAlpha)}`);
  if (named === 'prelu' && args.preluActivationWeights === undefined) throw new Error(`${op}: activation 'prelu' needs preluActivationWeights`);
  if (named === 'relu6' || named === 'elu' || named === 'prelu') {
    // Composed after the depthwise pass with its bias, as in fused conv2d and matMul.
    const z = depthwise(op, { ...args, activation: 'linear' });
    return named === 'relu6' ? relu6(z) : named === 'elu' ? elu(z) : prelu(z, args.preluActivationWeights!);
  }
  const act = named as Activation;
  const xs = imageShape(op, argShape(op, 'x', xa), dataFormat);
  const fs = argShape(op, 'filter', fa);
  if (fs.length !== 4) throw new Error(`${op}: filter must be of rank 4 [filterHeight, filterWidth, inChannels, channelMultiplier], got rank ${fs.length} ${fmt(fs)}`);
  if (fs[2] !== xs[3]) {
    throw new Error(`${op}: x ${fmt(argShape(op, 'x', xa))} has ${xs[3]} input channels but filter ${fmt(fs)} expects ${fs[2]} (filter is [filterHeight, filterWidth, inChannels, channelMultiplier])`);
  }
  if (fs[0]! < 1 || fs[1]! < 1 || fs[3]! < 1) throw new Error(`${op}: filter ${fmt(fs)} has an empty dimension`);
  const at = geometry(op, xs, fs[0]!, fs[1]!, strides, pad, dilations);
  const mult = fs[3]!, outC = at.inC * mult;
  if (ba !== undefined) {
    const bs = argShape(op, 'bias', ba);
    if (bs.reduce((a, d) => a * d, 1) !== outC || bs.slice(0, -1).some((d) => d !== 1)) {
      throw new Error(`${op}: bias must have one value per output channel ([${outC}] = inChannels * channelMultiplier), got ${fmt(bs)}`);
    }
  }
  const backend = backendOf(op, ba === undefined ? [xa, fa] : [xa, fa, ba]);
  const yShape = [at.batch, at.outH, at.outW, outC];
  checkAlloc(op, yShape, 'float32', backend);
  const x = toTensor(op, xa, backend);
  const w = toTensor(op, fa, backend);
  const b = ba === undefined ? undefined : toTensor(op, ba, backend);
  return asNHWC(x, dataFormat, (x4) => {
    let y = convPass({ kernel: 'depthwise', window: at, channels: mult, x: x4.shape, filter: w.shape, y: yShape }, 'forward', x4, w);
    if (b) y = add(y, b.rank === 1 ? b : reshape(b, [outC]));
    switch (act) {
      case 'relu': return relu(y);
      case 'sigmoid': return sigmoid(y);
      case 'tanh': return tanh(y);
      case 'leakyRelu': return leakyRelu(y, alpha);
      case 'step': return step(y);
      default: return y;
    }
  });
}

/**
 * Depthwise 2-D convolution (TensorFlow.js's tf.depthwiseConv2d): x [batch, height, width,
 * inChannels] (or rank 3), filter [filterHeight, filterWidth, inChannels, channelMultiplier] ->
 * [batch, outHeight, outWidth, inChannels * channelMultiplier], where output channel c * mult + q is
 * input channel c convolved with filter[:, :, c, q]. strides, pad and dilations as conv2d.
 * Differentiable in x and filter. Throws naming the shapes for a channel mismatch, a bad rank, a
 * kernel bigger than a 'valid' input, a bad stride, dilation or pad.
 * @function
 */
export const depthwiseConv2d = defineOp('depthwiseConv2d', (x: TensorLike, filter: TensorLike, strides: Pair, pad: PadMode, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: Pair = 1): Tensor => {
  return depthwise('depthwiseConv2d', { x, filter, strides, pad, dataFormat, dilations });
});

/**
 * activation(depthwiseConv2d(x, filter) + bias), as TensorFlow.js's tf.fused.depthwiseConv2d; bias
 * has inChannels * channelMultiplier elements. The bias and activation run as their own ops.
 * @function
 */
export const fusedDepthwiseConv2d = defineOp('depthwiseConv2d', (args: FusedDepthwiseConv2dArgs): Tensor => {
  return depthwise('depthwiseConv2d', args);
});

/**
 * Separable 2-D convolution (TensorFlow.js's tf.separableConv2d): depthwiseConv2d(x,
 * depthwiseFilter, strides, pad, dilation) followed by a 1x1 conv2d with pointwiseFilter
 * [1, 1, inChannels * channelMultiplier, outChannels]. Differentiable in all three.
 * @function
 */
export const separableConv2d = defineOp('separableConv2d', (x: TensorLike, depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides: Pair, pad: PadMode, dilation: Pair = 1, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor => {
  const op = 'separableConv2d';
  const ds = argShape(op, 'depthwiseFilter', depthwiseFilter);
  const ps = argShape(op, 'pointwiseFilter', pointwiseFilter);
  if (ds.length !== 4) throw new Error(`${op}: depthwiseFilter must be of rank 4 [filterHeight, filterWidth, inChannels, channelMultiplier], got ${fmt(ds)}`);
  if (ps.length !== 4 || ps[0] !== 1 || ps[1] !== 1 || ps[2] !== ds[2]! * ds[3]!) {
    throw new Error(`${op}: pointwiseFilter must be [1, 1, inChannels * channelMultiplier (${ds[2]! * ds[3]!}), outChannels], got ${fmt(ps)}`);
  }
  backendOf(op, [x, depthwiseFilter, pointwiseFilter]);
  const y = depthwise(op, { x, filter: depthwiseFilter, strides, pad, dataFormat, dilations: dilation });
  return conv2d(y, pointwiseFilter, 1, 'valid', dataFormat);
});
