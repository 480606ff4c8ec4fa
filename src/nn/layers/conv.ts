/**
 * Conv2D: activation(conv2d(x, kernel) + bias) over NHWC images, one fused conv kernel (im2col and a
 * matmul whose epilogue adds the bias and applies the activation). Keras / TensorFlow.js options and
 * defaults: strides 1, padding 'valid', dilationRate 1, glorotUniform kernel, zero bias.
 */
import * as ops from '../../ops/index.js';
import { convOutputSize } from '../../ops/conv.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyRest, checkActivation, fusedPart } from '../activations.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

/** A size given as one number for both spatial dims, or as [height, width]. */
export type Size2D = number | readonly [number, number];

/** Check a Keras size option (kernelSize, strides, poolSize, dilationRate) and make it a pair. */
export function pair2d(op: string, name: string, v: unknown, fallback?: readonly [number, number]): [number, number] {
  if (v === undefined && fallback) return [fallback[0], fallback[1]];
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them [height, width], got ${JSON.stringify(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

/** Only channelsLast images ([batch, height, width, channels]) are supported. */
export function checkDataFormat(op: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'channelsLast' && dataFormat !== 'channels_last') {
    throw new Error(`${op}: dataFormat must be 'channelsLast' (images as [batch, height, width, channels]), got ${JSON.stringify(dataFormat)}`);
  }
}

/** Validate Keras's padding and dataFormat options. */
export function checkPadding(op: string, padding: unknown, dataFormat: unknown): 'valid' | 'same' {
  checkDataFormat(op, dataFormat);
  const p = padding ?? 'valid';
  if (p !== 'valid' && p !== 'same') throw new Error(`${op}: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
  return p;
}

/** The output shape of a 2-D window over [batch, h, w, c] images (null sizes stay null); throws when a 'valid' window does not fit. */
export function windowOutputShape(name: string, input: SymbolicShape, k: readonly number[], s: readonly number[], d: readonly number[], pad: 'valid' | 'same', channels: number | null): SymbolicShape {
  if (input.length !== 4) throw new Error(`${name}: expects images [batch, height, width, channels], got input shape ${fmtSymbolic(input)}`);
  const size = (i: 0 | 1): number | null => {
    const n = input[i + 1];
    if (n === null || n === undefined) return null;
    const out = convOutputSize(n, k[i]!, s[i]!, d[i]!, pad);
    if (out < 1) throw new Error(`${name}: the ${k[0]}x${k[1]} window${d[i]! > 1 ? ` (dilation ${d[0]}x${d[1]})` : ''} does not fit the input ${fmtSymbolic(input)} with padding 'valid'`);
    return out;
  };
  return [input[0] ?? null, size(0), size(1), channels];
}

export interface Conv2DArgs extends LayerArgs {
  /** Output channels. */
  filters: number;
  /** [height, width] of the window, or one number for both. */
  kernelSize: Size2D;
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
  /** Default 'glorotUniform' (fans: kernel height * width * in / out channels). */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** e.g. `{ l2: 1e-4 }`: adds l2 * sum(kernel^2) to the training loss. */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias, as kernelRegularizer (default none). */
  biasRegularizer?: RegularizerIdentifier;
}

/** A 2-D convolution layer: kernel [kh, kw, inChannels, filters], bias [filters]. */
export class Conv2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Conv2D';
  /** Output channels. */
  readonly filters: number;
  /** [height, width] of the window. */
  readonly kernelSize: [number, number];
  /** [rows, columns] between neighbouring windows. */
  readonly strides: [number, number];
  /** 'valid' (no padding) or 'same' (TensorFlow's rule). */
  readonly padding: 'valid' | 'same';
  /** [rows, columns] between neighbouring taps of a window. */
  readonly dilationRate: [number, number];
  /** Applied after the bias. */
  readonly activation: ActivationIdentifier;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Draws the kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** The penalty on the kernel, if any. */
  readonly kernelRegularizer?: Regularizer;
  /** The penalty on the bias, if any. */
  readonly biasRegularizer?: Regularizer;
  /** The [kh, kw, inChannels, filters] kernel, once built. */
  kernel?: LayerVariable;
  /** The [filters] bias, once built (none without useBias). */
  bias?: LayerVariable;

  constructor(args: Conv2DArgs) {
    super(args);
    const op = 'conv2d';
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`${op}: filters must be a positive integer, got ${String(args.filters)}`);
    this.filters = args.filters;
    this.kernelSize = pair2d(op, 'kernelSize', args.kernelSize);
    this.strides = pair2d(op, 'strides', args.strides, [1, 1]);
    this.dilationRate = pair2d(op, 'dilationRate', args.dilationRate, [1, 1]);
    this.padding = checkPadding(op, args.padding, args.dataFormat);
    this.activation = checkActivation(`${op} '${this.name}'`, args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(op, args.kernelInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(op, args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
  }

  getClassName(): string {
    return Conv2D.className;
  }

  /** kernel [kh, kw, inChannels, filters], then bias [filters] when useBias. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = inputShape[3];
    if (inputShape.length !== 4 || typeof c !== 'number') {
      throw new Error(`${this.name}: expects images [batch, height, width, channels] with known channels, got input shape ${fmtSymbolic(inputShape)}`);
    }
    this.computeOutputShape(inputShape);
    const plan = [{ name: 'kernel', shape: [...this.kernelSize, c, this.filters], trainable: true }];
    if (this.useBias) plan.push({ name: 'bias', shape: [this.filters], trainable: true });
    return plan;
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernel!.shape, this.kernelInitializer, seed, true, this.kernelRegularizer);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInitializer, seed, true, this.biasRegularizer);
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return windowOutputShape(this.name, inputShape, this.kernelSize, this.strides, this.dilationRate, this.padding, this.filters);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    if (!this.kernel) throw new Error(`${this.name}: the layer is not built yet`);
    const fused = fusedPart(this.activation);
    const y = ops.fusedConv2d({
      x, filter: this.kernel.value, strides: this.strides, pad: this.padding, dilations: this.dilationRate,
      bias: this.bias?.value, activation: fused,
    });
    return applyRest(this.activation, y);
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    const reg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);
    return {
      filters: this.filters,
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate.slice(),
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: ser(this.kernelInitializer),
      bias_initializer: ser(this.biasInitializer),
      kernel_regularizer: reg(this.kernelRegularizer),
      bias_regularizer: reg(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      ...super.getConfig(),
    };
  }
}
