/**
 * DepthwiseConv2D: each input channel convolved with its own depthMultiplier filters, then a bias
 * and an activation (Keras / TensorFlow.js options, defaults and weight names: depthwise_kernel
 * [kh, kw, inChannels, depthMultiplier], bias [inChannels * depthMultiplier]). The depthwise window
 * kernel runs it on every backend.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyRest, checkActivation, fusedPart } from '../activations.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { checkPadding, pair2d, type Size2D, windowOutputShape } from './conv.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

export interface DepthwiseConv2DArgs extends LayerArgs {
  /** [height, width] of the window, or one number for both. */
  kernelSize: Size2D;
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default 1. */
  strides?: Size2D;
  /** Default 'valid'; 'same' keeps ceil(size / stride) (TensorFlow's rule). */
  padding?: 'valid' | 'same';
  /** Only 'channelsLast' ([batch, height, width, channels]). */
  dataFormat?: 'channelsLast';
  /** Default 1. */
  dilationRate?: Size2D;
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** A penalty on the depthwise kernel (default none). */
  depthwiseRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias (default none). */
  biasRegularizer?: RegularizerIdentifier;
}

/** A depthwise 2-D convolution layer. */
export class DepthwiseConv2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'DepthwiseConv2D';
  /** [height, width] of the window. */
  readonly kernelSize: [number, number];
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  /** [rows, columns] between neighbouring windows. */
  readonly strides: [number, number];
  /** 'valid' or 'same'. */
  readonly padding: 'valid' | 'same';
  /** [rows, columns] between neighbouring taps. */
  readonly dilationRate: [number, number];
  /** Applied after the bias. */
  readonly activation: ActivationIdentifier;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Draws the kernel's initial values. */
  readonly depthwiseInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** The penalty on the kernel, if any. */
  readonly depthwiseRegularizer?: Regularizer;
  /** The penalty on the bias, if any. */
  readonly biasRegularizer?: Regularizer;
  /** The [kh, kw, inChannels, depthMultiplier] kernel, once built. */
  depthwiseKernel?: LayerVariable;
  /** The [inChannels * depthMultiplier] bias, once built. */
  bias?: LayerVariable;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    const op = 'depthwiseConv2d';
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) throw new Error(`${op}: depthMultiplier must be a positive integer, got ${String(args.depthMultiplier)}`);
    this.depthMultiplier = m;
    this.kernelSize = pair2d(op, 'kernelSize', args.kernelSize);
    this.strides = pair2d(op, 'strides', args.strides, [1, 1]);
    this.dilationRate = pair2d(op, 'dilationRate', args.dilationRate, [1, 1]);
    this.padding = checkPadding(op, args.padding, args.dataFormat);
    this.activation = checkActivation(`${op} '${this.name}'`, args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = getInitializer(op, args.depthwiseInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.depthwiseRegularizer = getRegularizer(op, args.depthwiseRegularizer);
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
  }

  getClassName(): string {
    return DepthwiseConv2D.className;
  }

  /** depthwise_kernel [kh, kw, inChannels, depthMultiplier], then bias [inChannels * depthMultiplier]. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = inputShape[3];
    if (inputShape.length !== 4 || typeof c !== 'number') {
      throw new Error(`${this.name}: expects images [batch, height, width, channels] with known channels, got input shape ${fmtSymbolic(inputShape)}`);
    }
    this.computeOutputShape(inputShape);
    const plan = [{ name: 'depthwise_kernel', shape: [...this.kernelSize, c, this.depthMultiplier], trainable: true }];
    if (this.useBias) plan.push({ name: 'bias', shape: [c * this.depthMultiplier], trainable: true });
    return plan;
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', kernel!.shape, this.depthwiseInitializer, seed, true, this.depthwiseRegularizer);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInitializer, seed, true, this.biasRegularizer);
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const c = inputShape[3];
    return windowOutputShape(this.name, inputShape, this.kernelSize, this.strides, this.dilationRate, this.padding, typeof c === 'number' ? c * this.depthMultiplier : null);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (!this.depthwiseKernel) throw new Error(`${this.name}: the layer is not built yet`);
    const fused = fusedPart(this.activation);
    const y = ops.fusedDepthwiseConv2d({
      x, filter: this.depthwiseKernel.value, strides: this.strides, pad: this.padding, dilations: this.dilationRate,
      bias: this.bias?.value, activation: fused as ops.FusedActivation,
    });
    return applyRest(this.activation, y);
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    const reg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);
    return {
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      depth_multiplier: this.depthMultiplier,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate.slice(),
      activation: this.activation,
      use_bias: this.useBias,
      depthwise_initializer: ser(this.depthwiseInitializer),
      bias_initializer: ser(this.biasInitializer),
      depthwise_regularizer: reg(this.depthwiseRegularizer),
      bias_regularizer: reg(this.biasRegularizer),
      activity_regularizer: null,
      depthwise_constraint: null,
      bias_constraint: null,
      ...super.getConfig(),
    };
  }
}
