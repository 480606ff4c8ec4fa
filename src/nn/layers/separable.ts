/**
 * The Keras separable convolution layers, SeparableConv2D and SeparableConv1D: a depthwise
 * convolution, then a pointwise one, then the bias and the activation. Keras / TensorFlow.js
 * options, defaults and weight names (depthwise_kernel, pointwise_kernel, bias).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { ConvBase, type ConvNDArgs, reg, ser } from './conv-extra.js';
import type { CallContext, LayerVariable, SymbolicShape, WeightPlan } from './layer.js';

/** The options of SeparableConv1D and SeparableConv2D. */
export interface SeparableConvArgs extends Omit<ConvNDArgs, 'kernelInitializer' | 'kernelRegularizer'> {
  /** Depthwise output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerIdentifier | Initializer;
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: InitializerIdentifier | Initializer;
  /** A penalty on the depthwise kernel (default none). */
  depthwiseRegularizer?: RegularizerIdentifier;
  /** A penalty on the pointwise kernel (default none). */
  pointwiseRegularizer?: RegularizerIdentifier;
}

/** Depthwise then pointwise convolution: depthwise_kernel [...kernelSize, in, depthMultiplier], pointwise_kernel [...1s, in * depthMultiplier, filters], bias [filters]. */
abstract class SeparableConv extends ConvBase {
  /** Depthwise output channels per input channel. */
  readonly depthMultiplier: number;
  /** Draws the depthwise kernel's initial values. */
  readonly depthwiseInitializer: Initializer;
  /** Draws the pointwise kernel's initial values. */
  readonly pointwiseInitializer: Initializer;
  /** The penalty on the depthwise kernel, if any. */
  readonly depthwiseRegularizer?: Regularizer;
  /** The penalty on the pointwise kernel, if any. */
  readonly pointwiseRegularizer?: Regularizer;
  /** The depthwise kernel, once built. */
  depthwiseKernel?: LayerVariable;
  /** The pointwise kernel, once built. */
  pointwiseKernel?: LayerVariable;

  constructor(op: string, rank: number, args: SeparableConvArgs) {
    super(op, rank, args);
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) throw new Error(`${op}: depthMultiplier must be a positive integer, got ${String(args.depthMultiplier)}`);
    this.depthMultiplier = m;
    this.depthwiseInitializer = getInitializer(op, args.depthwiseInitializer, 'glorotUniform');
    this.pointwiseInitializer = getInitializer(op, args.pointwiseInitializer, 'glorotUniform');
    this.depthwiseRegularizer = getRegularizer(op, args.depthwiseRegularizer);
    this.pointwiseRegularizer = getRegularizer(op, args.pointwiseRegularizer);
  }

  /** depthwise_kernel, pointwise_kernel, then bias when useBias. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = this.channels(inputShape);
    this.computeOutputShape(inputShape);
    const plan = [
      { name: 'depthwise_kernel', shape: [...this.kernelSize, c, this.depthMultiplier], trainable: true },
      { name: 'pointwise_kernel', shape: [...this.kernelSize.map(() => 1), c * this.depthMultiplier, this.filters], trainable: true },
    ];
    if (this.useBias) plan.push({ name: 'bias', shape: [this.filters], trainable: true });
    return plan;
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const [dw, pw, bias] = this.weightShapes(inputShape);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', dw!.shape, this.depthwiseInitializer, seed, true, this.depthwiseRegularizer);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', pw!.shape, this.pointwiseInitializer, seed, true, this.pointwiseRegularizer);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInitializer, seed, true, this.biasRegularizer);
    super.build(inputShape, seed);
  }

  /** separableConv2d of a rank-4 x with rank-4 kernels. */
  protected separable(x4: Tensor, dw: Tensor, pw: Tensor, strides: [number, number], dil: [number, number]): Tensor {
    return ops.separableConv2d(x4, dw, pw, strides, this.padding as 'valid' | 'same', dil);
  }

  protected kernels(): [Tensor, Tensor] {
    if (!this.depthwiseKernel || !this.pointwiseKernel) throw new Error(`${this.name}: the layer is not built yet`);
    return [this.depthwiseKernel.value, this.pointwiseKernel.value];
  }

  /** The Keras config (snake_case keys), as model.json holds it. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      depthwise_initializer: ser(this.depthwiseInitializer),
      pointwise_initializer: ser(this.pointwiseInitializer),
      depthwise_regularizer: reg(this.depthwiseRegularizer),
      pointwise_regularizer: reg(this.pointwiseRegularizer),
      depthwise_constraint: null,
      pointwise_constraint: null,
    };
  }
}

/** A separable 2-D convolution over [batch, height, width, channels]. */
export class SeparableConv2D extends SeparableConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'SeparableConv2D';

  constructor(args: SeparableConvArgs) {
    super('separableConv2d', 2, args);
  }

  getClassName(): string {
    return SeparableConv2D.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const [dw, pw] = this.kernels();
    return this.finish(this.separable(x, dw, pw, this.strides as [number, number], this.dilationRate as [number, number]));
  }
}

/** A separable 1-D convolution over [batch, steps, channels]: a separable 2-D one of height 1. */
export class SeparableConv1D extends SeparableConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'SeparableConv1D';

  constructor(args: SeparableConvArgs) {
    super('separableConv1d', 1, args);
  }

  getClassName(): string {
    return SeparableConv1D.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const [dw, pw] = this.kernels();
    const [b, n, c] = x.shape as [number, number, number];
    const y = this.separable(ops.reshape(x, [b, 1, n, c]), ops.reshape(dw, [1, ...dw.shape]), ops.reshape(pw, [1, ...pw.shape]), [1, this.strides[0]!], [1, this.dilationRate[0]!]);
    return this.finish(ops.reshape(y, [b, y.shape[2]!, this.filters]));
  }
}
