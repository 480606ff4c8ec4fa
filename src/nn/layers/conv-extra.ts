/**
 * The Keras convolution layers beyond Conv2D: Conv1D (with 'causal' padding), Conv3D,
 * Conv2DTranspose and Conv3DTranspose (the separable ones are in separable.ts). Keras / TensorFlow.js
 * options, defaults and weight names (kernel, bias); each call is the op of the same name, then the
 * bias and the activation.
 */
import * as ops from '../../ops/index.js';
import { convOutputSize } from '../../ops/conv.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyActivation, checkActivation } from '../activations.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { checkDataFormat } from './conv.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

/** A size given as one number for every spatial dim, or as one number per dim. */
export type SizeND = number | readonly number[];

/** The options every convolution layer here takes. */
export interface ConvNDArgs extends LayerArgs {
  /** Output channels. */
  filters: number;
  /** The window, one number for every spatial dim or one per dim. */
  kernelSize: SizeND;
  /** Default 1. */
  strides?: SizeND;
  /** Default 'valid'; 'same' keeps ceil(size / stride); Conv1D also takes 'causal' (left padding only). */
  padding?: 'valid' | 'same' | 'causal';
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
  /** Default 1. */
  dilationRate?: SizeND;
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** A penalty on the kernel (default none). */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias (default none). */
  biasRegularizer?: RegularizerIdentifier;
}

function sizes(op: string, name: string, v: unknown, n: number, fallback?: number): number[] {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return new Array<number>(n).fill(fallback);
  }
  const p = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) && v.length === n ? v : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a list of ${n}, got ${JSON.stringify(v)}`);
  }
  return p.slice() as number[];
}

export const ser = (i: Initializer): object => ({ class_name: i.className, config: i.getConfig() });
export const reg = (r?: Regularizer): object | null => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);

/** What the convolution layers share: sizes, padding, activation, bias. */
export abstract class ConvBase extends Layer {
  /** Output channels. */
  readonly filters: number;
  /** The window per spatial dim. */
  readonly kernelSize: number[];
  /** Steps between neighbouring windows per spatial dim. */
  readonly strides: number[];
  /** 'valid', 'same' or (Conv1D) 'causal'. */
  readonly padding: 'valid' | 'same' | 'causal';
  /** Steps between neighbouring taps per spatial dim. */
  readonly dilationRate: number[];
  /** Applied after the bias. */
  readonly activation: ActivationIdentifier;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** The penalty on the bias, if any. */
  readonly biasRegularizer?: Regularizer;
  /** The [filters] bias, once built (none without useBias). */
  bias?: LayerVariable;

  constructor(protected readonly op: string, protected readonly rank: number, args: ConvNDArgs, causal = false) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`${op}: filters must be a positive integer, got ${String(args.filters)}`);
    this.filters = args.filters;
    this.kernelSize = sizes(op, 'kernelSize', args.kernelSize, rank);
    this.strides = sizes(op, 'strides', args.strides, rank, 1);
    this.dilationRate = sizes(op, 'dilationRate', args.dilationRate, rank, 1);
    checkDataFormat(op, args.dataFormat);
    const p = args.padding ?? 'valid';
    if (p !== 'valid' && p !== 'same' && !(causal && p === 'causal')) throw new Error(`${op}: padding must be 'valid', 'same'${causal ? " or 'causal'" : ''}, got ${JSON.stringify(args.padding)}`);
    this.padding = p;
    this.activation = checkActivation(`${op} '${this.name}'`, args.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
  }

  /** The input's channels, checking its rank. */
  protected channels(inputShape: SymbolicShape): number {
    const c = inputShape[this.rank + 1];
    if (inputShape.length !== this.rank + 2 || typeof c !== 'number') {
      throw new Error(`${this.name}: expects inputs of rank ${this.rank + 2} [batch, ${this.rank === 1 ? 'steps' : this.rank === 2 ? 'height, width' : 'depth, height, width'}, channels] with known channels, got input shape ${fmtSymbolic(inputShape)}`);
    }
    return c;
  }

  /** The output length along spatial dim i (null stays null). */
  protected outLength(n: number | null, i: number): number | null {
    if (n === null) return null;
    const k = this.kernelSize[i]!, st = this.strides[i]!, d = this.dilationRate[i]!;
    // 'causal' is 'valid' after (k - 1) * d zeros on the left.
    const len = this.padding === 'causal' ? convOutputSize(n + (k - 1) * d, k, st, d, 'valid') : convOutputSize(n, k, st, d, this.padding);
    if (len < 1) throw new Error(`${this.name}: the window ${this.kernelSize.join('x')} does not fit the input length ${n} with padding 'valid'`);
    return len;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.channels(inputShape);
    return [inputShape[0] ?? null, ...inputShape.slice(1, this.rank + 1).map((n, i) => this.outLength(n ?? null, i)), this.filters];
  }

  /** bias and activation after the convolution. */
  protected finish(y: Tensor): Tensor {
    return applyActivation(this.activation, this.bias ? ops.add(y, this.bias.value) : y);
  }

  /** The Keras config (snake_case keys), as model.json holds it. */
  override getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate.slice(),
      activation: this.activation,
      use_bias: this.useBias,
      bias_initializer: ser(this.biasInitializer),
      bias_regularizer: reg(this.biasRegularizer),
      activity_regularizer: null,
      bias_constraint: null,
      ...super.getConfig(),
    };
  }
}

/** Conv1D, Conv3D and Conv2DTranspose: one kernel, one bias. */
abstract class KernelConv extends ConvBase {
  /** Draws the kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** The penalty on the kernel, if any. */
  readonly kernelRegularizer?: Regularizer;
  /** The kernel, once built. */
  kernel?: LayerVariable;

  constructor(op: string, rank: number, args: ConvNDArgs, causal = false) {
    super(op, rank, args, causal);
    this.kernelInitializer = getInitializer(op, args.kernelInitializer, 'glorotUniform');
    this.kernelRegularizer = getRegularizer(op, args.kernelRegularizer);
  }

  /** The kernel's shape for `c` input channels. */
  protected kernelShape(c: number): number[] {
    return [...this.kernelSize, c, this.filters];
  }

  /** kernel, then bias [filters] when useBias. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = this.channels(inputShape);
    this.computeOutputShape(inputShape);
    const plan = [{ name: 'kernel', shape: this.kernelShape(c), trainable: true }];
    if (this.useBias) plan.push({ name: 'bias', shape: [this.filters], trainable: true });
    return plan;
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernel!.shape, this.kernelInitializer, seed, true, this.kernelRegularizer);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInitializer, seed, true, this.biasRegularizer);
    super.build(inputShape, seed);
  }

  protected kernelValue(): Tensor {
    if (!this.kernel) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernel.value;
  }

  /** The Keras config (snake_case keys), as model.json holds it. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), kernel_initializer: ser(this.kernelInitializer), kernel_regularizer: reg(this.kernelRegularizer), kernel_constraint: null };
  }
}

/** A 1-D convolution over [batch, steps, channels]: kernel [kernelSize, inChannels, filters]. */
export class Conv1D extends KernelConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Conv1D';

  constructor(args: ConvNDArgs) {
    super('conv1d', 1, args, true);
  }

  getClassName(): string {
    return Conv1D.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const w = this.kernelValue();
    const left = (this.kernelSize[0]! - 1) * this.dilationRate[0]!;
    const xin = this.padding === 'causal' && left > 0 ? ops.pad(x, [[0, 0], [left, 0], [0, 0]]) : x;
    return this.finish(ops.conv1d(xin, w, this.strides[0]!, this.padding === 'same' ? 'same' : 'valid', 'NWC', this.dilationRate[0]!));
  }
}

/** A 3-D convolution over [batch, depth, height, width, channels]: kernel [kd, kh, kw, inChannels, filters]. */
export class Conv3D extends KernelConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Conv3D';

  constructor(args: ConvNDArgs) {
    super('conv3d', 3, args);
  }

  getClassName(): string {
    return Conv3D.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const w = this.kernelValue();
    return this.finish(ops.conv3d(x, w, this.strides as [number, number, number], this.padding as 'valid' | 'same', 'NDHWC', this.dilationRate as [number, number, number]));
  }
}

/** Conv2DTranspose and Conv3DTranspose: kernel [...kernelSize, filters, inChannels]; each output side in * stride ('same') or in * stride + max(kernel - stride, 0) ('valid'). */
abstract class TransposedConv extends KernelConv {
  constructor(op: string, rank: 2 | 3, args: ConvNDArgs) {
    super(op, rank, args);
    if (this.dilationRate.some((d) => d !== 1)) throw new Error(`${op}: dilationRate must be 1, got ${JSON.stringify(args.dilationRate)}`);
  }

  protected override kernelShape(c: number): number[] {
    return [...this.kernelSize, this.filters, c];
  }

  protected override outLength(n: number | null, i: number): number | null {
    if (n === null) return null;
    const s = this.strides[i]!;
    return this.padding === 'same' ? n * s : n * s + Math.max(this.kernelSize[i]! - s, 0);
  }

  /** The output shape of a call on x. */
  protected outShape(x: Tensor): number[] {
    return [x.shape[0]!, ...x.shape.slice(1, this.rank + 1).map((n, i) => this.outLength(n, i)!), this.filters];
  }
}

/** A transposed 2-D convolution (the gradient of a conv2d with respect to its input) over [batch, height, width, channels]. */
export class Conv2DTranspose extends TransposedConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Conv2DTranspose';

  constructor(args: ConvNDArgs) {
    super('conv2dTranspose', 2, args);
  }

  getClassName(): string {
    return Conv2DTranspose.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return this.finish(ops.conv2dTranspose(x, this.kernelValue(), this.outShape(x), this.strides as [number, number], this.padding as 'valid' | 'same'));
  }
}

/** A transposed 3-D convolution over [batch, depth, height, width, channels]. */
export class Conv3DTranspose extends TransposedConv {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Conv3DTranspose';

  constructor(args: ConvNDArgs) {
    super('conv3dTranspose', 3, args);
  }

  getClassName(): string {
    return Conv3DTranspose.className;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return this.finish(ops.conv3dTranspose(x, this.kernelValue(), this.outShape(x), this.strides as [number, number, number], this.padding as 'valid' | 'same'));
  }
}
