/** Weightless layers: activation, dropout (seeded, inverted scaling, identity at inference), flatten and reshape. */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { ACTIVATION_NAMES, type ActivationIdentifier, applyActivation, checkActivation } from '../activations.js';
import { mixSeed } from '../seed.js';
import { fmt } from '../../shape.js';
import { type CallContext, Layer, type LayerArgs, type SymbolicShape, fmtSymbolic } from './layer.js';

/** Options of the activation layer. */
export interface ActivationArgs extends LayerArgs {
  /** The function to apply (required): any of ACTIVATION_NAMES (relu, sigmoid, tanh, softmax, gelu, ...). */
  activation: ActivationIdentifier;
}

/** Applies an activation function on its own. */
export class ActivationLayer extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Activation';
  /** The function applied. */
  readonly activation: ActivationIdentifier;
  override supportsMasking = true;

  constructor(args: ActivationArgs) {
    super(args);
    if (args.activation === undefined) throw new Error(`activation: the 'activation' option is required (one of ${ACTIVATION_NAMES.join(', ')})`);
    this.activation = checkActivation(`activation '${this.name}'`, args.activation);
  }

  getClassName(): string {
    return ActivationLayer.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return applyActivation(this.activation, x);
  }

  override getConfig(): Record<string, unknown> {
    return { activation: this.activation, ...super.getConfig() };
  }
}

export interface DropoutArgs extends LayerArgs {
  /** The fraction of inputs dropped during training, in [0, 1). */
  rate: number;
  /** Fixes the masks: with the same seed, the same units drop at the same step on every backend. */
  seed?: number;
}

/**
 * Dropout: during training, zero each input with probability `rate` and scale the rest by
 * 1 / (1 - rate) so expectations match; at inference, pass inputs through unchanged.
 */
export class Dropout extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Dropout';
  /** The fraction of inputs dropped during training. */
  readonly rate: number;
  /** The layer's own seed, if given (else the model's seed decides the masks). */
  readonly seed?: number;
  private calls = 0;
  override supportsMasking = true;

  constructor(args: DropoutArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout: rate must be a number in [0, 1), got ${String(args.rate)}`);
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`dropout: seed must be an integer, got ${String(args.seed)}`);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  getClassName(): string {
    return Dropout.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const seed = this.seed !== undefined ? mixSeed(this.seed, this.calls++) : ctx.seed;
    const keepMask = ops.greaterEqual(ops.rand(x.shape, { seed }), this.rate);
    return ops.mul(x, ops.mul(keepMask, 1 / (1 - this.rate)));
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, noise_shape: null, seed: this.seed ?? null, ...super.getConfig() };
  }
}

/** Flattens each example to one dimension: [batch, a, b, ...] -> [batch, a * b * ...]. */
export class Flatten extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Flatten';

  getClassName(): string {
    return Flatten.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    return [inputShape[0] ?? null, rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1)];
  }

  call(x: Tensor): Tensor {
    if (x.rank === 0) throw new Error(`${this.name}: expected a batch of examples, got a scalar`);
    return x.rank === 2 ? x : ops.reshape(x, [x.shape[0]!, x.size / Math.max(1, x.shape[0]!)]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** The shape of one example (without the batch dimension); one entry may be -1, inferred. */
  targetShape: readonly number[];
}

/** Reshapes each example to targetShape: [batch, ...] -> [batch, ...targetShape]. */
export class Reshape extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Reshape';
  /** The shape of one output example (a -1 entry is inferred from the input). */
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args?.targetShape;
    if (!Array.isArray(t) || t.some((d) => !(Number.isInteger(d) && (d > 0 || d === -1))) || t.filter((d) => d === -1).length > 1) {
      throw new Error(`reshape: targetShape must be an array of positive integers with at most one -1, got ${JSON.stringify(t)}`);
    }
    this.targetShape = t.slice();
  }

  getClassName(): string {
    return Reshape.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    if (rest.some((d) => d === null)) return [inputShape[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const size = (rest as number[]).reduce((a, d) => a * d, 1);
    const free = size / known;
    if (!Number.isInteger(free) || (!this.targetShape.includes(-1) && size !== known)) {
      throw new Error(`${this.name}: cannot reshape examples of shape ${fmtSymbolic(rest)} (${size} values) into ${fmt(this.targetShape)}`);
    }
    return [inputShape[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? free : d))];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, seed);
  }

  call(x: Tensor): Tensor {
    const out = this.computeOutputShape([null, ...x.shape.slice(1)]);
    return ops.reshape(x, [x.shape[0]!, ...(out.slice(1) as number[])]);
  }

  override getConfig(): Record<string, unknown> {
    return { target_shape: this.targetShape.slice(), ...super.getConfig() };
  }
}
