/**
 * Regularising noise, active only in training (identity at inference): gaussianNoise (additive),
 * gaussianDropout (multiplicative), alphaDropout (keeps SELU's mean and variance) and
 * spatialDropout1d/2d (drop whole channels). Seeded like dropout: the step's seed, or the layer's.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { mixSeed } from '../seed.js';
import { type CallContext, Layer, type LayerArgs } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

/** Options of the rate-based noise layers. */
export interface NoiseRateArgs extends LayerArgs {
  /** The drop probability, in [0, 1). */
  rate: number;
  /** Fixes the noise: the same seed draws the same noise at the same step on every backend. */
  seed?: number;
}

/** Options of gaussianNoise. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** The noise's standard deviation. */
  stddev: number;
  /** Fixes the noise (as for dropout). */
  seed?: number;
}

abstract class Noise extends Layer {
  /** The layer's own seed, if given. */
  readonly seed?: number;
  private calls = 0;

  constructor(args: LayerArgs & { seed?: number }) {
    super(args);
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`${this.name}: seed must be an integer, got ${String(args.seed)}`);
    this.seed = args.seed;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /** This step's seed. */
  protected stepSeed(ctx: CallContext): number {
    return this.seed !== undefined ? mixSeed(this.seed, this.calls++) : ctx.seed;
  }
}

function checkRate(op: string, rate: unknown): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new Error(`${op}: rate must be a number in [0, 1), got ${String(rate)}`);
  return rate;
}

/** Adds zero-mean Gaussian noise of `stddev` in training. */
export class GaussianNoise extends Noise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GaussianNoise';
  /** The standard deviation. */
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    if (typeof args.stddev !== 'number' || !(args.stddev >= 0) || !Number.isFinite(args.stddev)) throw new Error(`gaussianNoise: stddev must be a finite number >= 0, got ${String(args.stddev)}`);
    this.stddev = args.stddev;
  }

  getClassName(): string {
    return GaussianNoise.className;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.stddev === 0) return x;
    return ops.add(x, ops.randn(x.shape, { seed: this.stepSeed(ctx), std: this.stddev }));
  }

  override getConfig(): Record<string, unknown> {
    return { stddev: this.stddev, seed: this.seed ?? null, ...super.getConfig() };
  }
}

/** Multiplies by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate)) in training. */
export class GaussianDropout extends Noise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GaussianDropout';
  /** The equivalent drop rate. */
  readonly rate: number;

  constructor(args: NoiseRateArgs) {
    super(args);
    this.rate = checkRate('gaussianDropout', args.rate);
  }

  getClassName(): string {
    return GaussianDropout.className;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return ops.mul(x, ops.randn(x.shape, { seed: this.stepSeed(ctx), mean: 1, std: Math.sqrt(this.rate / (1 - this.rate)) }));
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, ...super.getConfig() };
  }
}

/** Dropout that sets dropped inputs to SELU's negative limit and rescales, so mean and variance stay as they were. */
export class AlphaDropout extends Noise {
  /** Keras's class name, as in model.json. */
  static readonly className = 'AlphaDropout';
  /** The drop rate. */
  readonly rate: number;

  constructor(args: NoiseRateArgs) {
    super(args);
    this.rate = checkRate('alphaDropout', args.rate);
  }

  getClassName(): string {
    return AlphaDropout.className;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const r = this.rate;
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const keep = ops.greaterEqual(ops.rand(x.shape, { seed: this.stepSeed(ctx) }), r);
    const a = ((1 - r) * (1 + r * alphaP * alphaP)) ** -0.5;
    const b = -a * alphaP * r;
    const dropped = ops.where(keep, x, alphaP);
    return ops.add(ops.mul(dropped, a), b);
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, noise_shape: null, seed: this.seed ?? null, ...super.getConfig() };
  }
}

/** Dropout of whole channels: each example keeps or drops each channel everywhere. */
export abstract class SpatialDropout extends Noise {
  /** The drop rate. */
  readonly rate: number;
  /** The input rank it takes: 3 ([batch, steps, channels]) or 4 (images). */
  abstract get rank(): 3 | 4;

  constructor(args: NoiseRateArgs) {
    super(args);
    this.rate = checkRate(this.getClassName() === 'SpatialDropout1D' ? 'spatialDropout1d' : 'spatialDropout2d', args.rate);
  }

  /** The input's shape; throws unless it has the layer's rank. */
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    if (s.length !== this.rank) throw new Error(`${this.name}: expects inputs of rank ${this.rank}, got ${fmtSymbolic(s)}`);
    return s;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const shape = x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : 1));
    const keep = ops.greaterEqual(ops.rand(shape, { seed: this.stepSeed(ctx) }), this.rate);
    return ops.mul(x, ops.mul(keep, 1 / (1 - this.rate)));
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed ?? null, ...super.getConfig() };
  }
}

/** Channel dropout over [batch, steps, channels]. */
export class SpatialDropout1D extends SpatialDropout {
  /** Keras's class name, as in model.json. */
  static readonly className = 'SpatialDropout1D';
  get rank(): 3 {
    return 3;
  }
  getClassName(): string {
    return SpatialDropout1D.className;
  }
}

/** Channel dropout over [batch, height, width, channels]. */
export class SpatialDropout2D extends SpatialDropout {
  /** Keras's class name, as in model.json. */
  static readonly className = 'SpatialDropout2D';
  get rank(): 4 {
    return 4;
  }
  getClassName(): string {
    return SpatialDropout2D.className;
  }
}
