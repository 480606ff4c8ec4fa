/**
 * Activations as layers with their own options (Keras's advanced activations): reLU (maxValue,
 * negativeSlope, threshold), leakyReLU, elu, softmax (any axis), thresholdedReLU, and prelu (the
 * only one with a weight, its learnt slopes). Composed from existing ops.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs, type LayerVariable, type WeightPlan } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

function num(op: string, name: string, v: unknown, fallback: number, min = -Infinity): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`${op}: ${name} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${String(v)}`);
  return v;
}

/** The elementwise activation layers: shape in = shape out. */
abstract class Elementwise extends Layer {
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
}

/** Options of reLU (Keras's names). */
export interface ReLUArgs extends LayerArgs {
  /** Outputs are capped here (default none: relu6 is maxValue 6). */
  maxValue?: number | null;
  /** The slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Inputs below it get the negative slope (default 0). */
  threshold?: number;
}

/** x for threshold <= x (capped at maxValue), negativeSlope * (x - threshold) below. */
export class ReLU extends Elementwise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ReLU';
  /** The cap, or null. */
  readonly maxValue: number | null;
  /** The slope below the threshold. */
  readonly negativeSlope: number;
  /** Where the slope changes. */
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    const m = args.maxValue;
    this.maxValue = m === undefined || m === null ? null : num('reLU', 'maxValue', m, 0, 0);
    this.negativeSlope = num('reLU', 'negativeSlope', args.negativeSlope, 0, 0);
    this.threshold = num('reLU', 'threshold', args.threshold, 0);
  }

  getClassName(): string {
    return ReLU.className;
  }

  call(x: Tensor): Tensor {
    let y = this.threshold === 0 && this.negativeSlope === 0 ? ops.relu(x)
      : ops.where(ops.greaterEqual(x, this.threshold), x, ops.mul(ops.sub(x, this.threshold), this.negativeSlope));
    if (this.maxValue !== null) y = ops.minimum(y, this.maxValue);
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold, ...super.getConfig() };
  }
}

/** Options of leakyReLU. */
export interface LeakyReLUArgs extends LayerArgs {
  /** The slope for negative inputs (default 0.3, as in Keras). */
  alpha?: number;
}

/** x for x >= 0, alpha * x below. */
export class LeakyReLU extends Elementwise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'LeakyReLU';
  /** The negative slope. */
  readonly alpha: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.alpha = num('leakyReLU', 'alpha', args.alpha, 0.3);
  }

  getClassName(): string {
    return LeakyReLU.className;
  }

  call(x: Tensor): Tensor {
    return ops.leakyRelu(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Options of elu. */
export interface ELUArgs extends LayerArgs {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/** x for x > 0, alpha * (exp(x) - 1) below. */
export class ELU extends Elementwise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ELU';
  /** The negative part's scale. */
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = num('elu', 'alpha', args.alpha, 1);
  }

  getClassName(): string {
    return ELU.className;
  }

  call(x: Tensor): Tensor {
    // exp of min(x, 0): the branch not taken must not overflow (its gradient would be NaN).
    const neg = ops.mul(ops.sub(ops.exp(ops.minimum(x, 0)), 1), this.alpha);
    return ops.where(ops.greater(x, 0), x, neg);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Options of thresholdedReLU. */
export interface ThresholdedReLUArgs extends LayerArgs {
  /** Inputs at or below it become 0 (default 1). */
  theta?: number;
}

/** x for x > theta, else 0. */
export class ThresholdedReLU extends Elementwise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ThresholdedReLU';
  /** The threshold. */
  readonly theta: number;

  constructor(args: ThresholdedReLUArgs = {}) {
    super(args);
    this.theta = num('thresholdedReLU', 'theta', args.theta, 1, 0);
  }

  getClassName(): string {
    return ThresholdedReLU.className;
  }

  call(x: Tensor): Tensor {
    return ops.mul(x, ops.greater(x, this.theta));
  }

  override getConfig(): Record<string, unknown> {
    return { theta: this.theta, ...super.getConfig() };
  }
}

/** Options of the softmax layer. */
export interface SoftmaxArgs extends LayerArgs {
  /** The axis normalised (default -1). */
  axis?: number;
}

/** Softmax along `axis`. */
export class SoftmaxLayer extends Elementwise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Softmax';
  /** The normalised axis. */
  readonly axis: number;

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const a = Array.isArray(args.axis) ? (args.axis as number[])[0] : args.axis;
    this.axis = a ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`softmax: axis must be an integer, got ${String(args.axis)}`);
  }

  getClassName(): string {
    return SoftmaxLayer.className;
  }

  call(x: Tensor): Tensor {
    return ops.softmax(x, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

/** Options of prelu (Keras's names). */
export interface PReLUArgs extends LayerArgs {
  /** Initial slopes (default 'zeros', as in Keras). */
  alphaInitializer?: InitializerIdentifier | Initializer;
  /** Axes (counted from 1, the batch being 0) along which one slope is shared, e.g. [1, 2] for one slope per image channel. */
  sharedAxes?: number | number[];
}

/** x for x >= 0, alpha * x below, with a learnt alpha per input element (or per channel with sharedAxes). */
export class PReLU extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'PReLU';
  /** Axes sharing one slope, or null. */
  readonly sharedAxes: number[] | null;
  private readonly init: Initializer;
  /** The slopes, once built. */
  alpha?: LayerVariable;

  constructor(args: PReLUArgs = {}) {
    super(args);
    const s = args.sharedAxes;
    const axes = s === undefined || s === null ? null : Array.isArray(s) ? s : [s];
    if (axes && axes.some((a) => !Number.isInteger(a) || a < 1)) throw new Error(`prelu: sharedAxes must be positive integers (axis 0 is the batch), got ${JSON.stringify(s)}`);
    this.sharedAxes = axes;
    this.init = getInitializer('prelu', args.alphaInitializer, 'zeros');
  }

  getClassName(): string {
    return PReLU.className;
  }

  /** alpha: the input's shape without the batch, 1 along the shared axes. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const shape = inputShape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
    if (shape.some((d) => d === null)) throw new Error(`${this.name}: needs the input's non-batch dimensions known (or shared), got ${fmtSymbolic(inputShape)}`);
    return [{ name: 'alpha', shape: shape as number[], trainable: true }];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.alpha = this.addWeight('alpha', this.weightShapes(inputShape)[0]!.shape, this.init, seed);
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    if (!this.alpha) throw new Error(`${this.name}: the layer is not built yet`);
    // relu(x) - alpha * relu(-x): alpha * x below zero, x above.
    return ops.sub(ops.relu(x), ops.mul(this.alpha.value, ops.relu(ops.neg(x))));
  }

  override getConfig(): Record<string, unknown> {
    return {
      alpha_initializer: { class_name: this.init.className, config: this.init.getConfig() },
      alpha_regularizer: null,
      alpha_constraint: null,
      shared_axes: this.sharedAxes,
      ...super.getConfig(),
    };
  }
}
