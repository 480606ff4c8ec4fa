/**
 * Batch normalization over the last axis. Training normalises with the batch's mean and (biased)
 * variance and moves the moving statistics toward them; inference uses the moving statistics.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** Only -1 (the last axis, channels last) is supported. */
  axis?: number;
  /** Default 0.99: moving = moving * momentum + batch * (1 - momentum). */
  momentum?: number;
  /** Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  /** Initial offset (default 'zeros'). */
  betaInitializer?: InitializerIdentifier | Initializer;
  /** Initial scale (default 'ones'). */
  gammaInitializer?: InitializerIdentifier | Initializer;
  /** Initial moving mean (default 'zeros'). */
  movingMeanInitializer?: InitializerIdentifier | Initializer;
  /** Initial moving variance (default 'ones'). */
  movingVarianceInitializer?: InitializerIdentifier | Initializer;
}

export class BatchNormalization extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'BatchNormalization';
  /** The normalized axis: always -1 (the last). */
  readonly axis: number;
  /** The moving statistics' decay. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether an offset beta is learnt. */
  readonly center: boolean;
  /** Whether a scale gamma is learnt. */
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  /** The learnt scale, once built (with scale). */
  gamma?: LayerVariable;
  /** The learnt offset, once built (with center). */
  beta?: LayerVariable;
  /** The moving mean used at inference, once built. */
  movingMean?: LayerVariable;
  /** The moving variance used at inference, once built. */
  movingVariance?: LayerVariable;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const op = 'batchNormalization';
    this.axis = args.axis ?? -1;
    if (this.axis !== -1) throw new Error(`${op}: only axis -1 (channels last) is supported, got ${String(args.axis)}`);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${op}: momentum must be in [0, 1], got ${String(args.momentum)}`);
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) throw new Error(`${op}: epsilon must be a positive number, got ${String(args.epsilon)}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = {
      beta: getInitializer(op, args.betaInitializer, 'zeros'),
      gamma: getInitializer(op, args.gammaInitializer, 'ones'),
      movingMean: getInitializer(op, args.movingMeanInitializer, 'zeros'),
      movingVariance: getInitializer(op, args.movingVarianceInitializer, 'ones'),
    };
  }

  getClassName(): string {
    return BatchNormalization.className;
  }

  /** gamma (when scale) and beta (when center), then moving_mean and moving_variance: each [channels]. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof c !== 'number') throw new Error(`${this.name}: needs inputs whose last dimension is known, got ${fmtSymbolic(inputShape)}`);
    return [
      ...(this.scale ? [{ name: 'gamma', shape: [c], trainable: true }] : []),
      ...(this.center ? [{ name: 'beta', shape: [c], trainable: true }] : []),
      { name: 'moving_mean', shape: [c], trainable: false },
      { name: 'moving_variance', shape: [c], trainable: false },
    ];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const inits: Record<string, Initializer> = { gamma: this.inits.gamma, beta: this.inits.beta, moving_mean: this.inits.movingMean, moving_variance: this.inits.movingVariance };
    const made = new Map(this.weightShapes(inputShape).map((w) => [w.name, this.addWeight(w.name, w.shape, inits[w.name]!, seed, w.trainable)]));
    this.gamma = made.get('gamma');
    this.beta = made.get('beta');
    this.movingMean = made.get('moving_mean');
    this.movingVariance = made.get('moving_variance');
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!this.movingMean || !this.movingVariance) throw new Error(`${this.name}: the layer is not built yet`);
    const axes = [...Array(x.rank - 1).keys()];
    let mean: Tensor, variance: Tensor;
    if (ctx.training) {
      mean = ops.mean(x, axes);
      variance = ops.mean(ops.square(ops.sub(x, mean)), axes);
      const m = this.momentum;
      ctx.updates.push([this.movingMean, ops.add(ops.mul(this.movingMean.value, m), ops.mul(mean, 1 - m))]);
      ctx.updates.push([this.movingVariance, ops.add(ops.mul(this.movingVariance.value, m), ops.mul(variance, 1 - m))]);
    } else {
      mean = this.movingMean.value;
      variance = this.movingVariance.value;
    }
    let y = ops.div(ops.sub(x, mean), ops.sqrt(ops.add(variance, this.epsilon)));
    if (this.gamma) y = ops.mul(y, this.gamma.value);
    if (this.beta) y = ops.add(y, this.beta.value);
    return y;
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: ser(this.inits.beta),
      gamma_initializer: ser(this.inits.gamma),
      moving_mean_initializer: ser(this.inits.movingMean),
      moving_variance_initializer: ser(this.inits.movingVariance),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
      ...super.getConfig(),
    };
  }
}
