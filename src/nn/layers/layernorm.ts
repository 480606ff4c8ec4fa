/** Layer normalization: each example normalised over its last axis, then scaled (gamma) and shifted (beta). */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs, type LayerVariable, type WeightPlan } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

/** Options of layerNormalization (Keras's names and defaults). */
export interface LayerNormalizationArgs extends LayerArgs {
  /** The normalised axis: only -1 (the last). */
  axis?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  /** Initial offset (default 'zeros'). */
  betaInitializer?: InitializerIdentifier | Initializer;
  /** Initial scale (default 'ones'). */
  gammaInitializer?: InitializerIdentifier | Initializer;
}

/** (x - mean) / sqrt(variance + epsilon) * gamma + beta, with mean and variance over the last axis of each example. */
export class LayerNormalization extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'LayerNormalization';
  /** Always -1. */
  readonly axis: number;
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether beta is learnt. */
  readonly center: boolean;
  /** Whether gamma is learnt. */
  readonly scale: boolean;
  private readonly betaInit: Initializer;
  private readonly gammaInit: Initializer;
  /** The scale, once built (with scale). */
  gamma?: LayerVariable;
  /** The offset, once built (with center). */
  beta?: LayerVariable;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const op = 'layerNormalization';
    const axis = Array.isArray(args.axis) ? (args.axis as number[])[0] : args.axis;
    this.axis = axis ?? -1;
    if (this.axis !== -1) throw new Error(`${op}: only axis -1 (the last) is supported, got ${JSON.stringify(args.axis)}`);
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) throw new Error(`${op}: epsilon must be a positive number, got ${String(args.epsilon)}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInit = getInitializer(op, args.betaInitializer, 'zeros');
    this.gammaInit = getInitializer(op, args.gammaInitializer, 'ones');
  }

  getClassName(): string {
    return LayerNormalization.className;
  }

  /** gamma (with scale), then beta (with center): each [features]. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const c = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof c !== 'number') throw new Error(`${this.name}: needs inputs whose last dimension is known, got ${fmtSymbolic(inputShape)}`);
    return [
      ...(this.scale ? [{ name: 'gamma', shape: [c], trainable: true }] : []),
      ...(this.center ? [{ name: 'beta', shape: [c], trainable: true }] : []),
    ];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    for (const w of this.weightShapes(inputShape)) {
      const v = this.addWeight(w.name, w.shape, w.name === 'gamma' ? this.gammaInit : this.betaInit, seed);
      if (w.name === 'gamma') this.gamma = v;
      else this.beta = v;
    }
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    const mean = ops.mean(x, -1, true);
    const centred = ops.sub(x, mean);
    const variance = ops.mean(ops.square(centred), -1, true);
    let y = ops.div(centred, ops.sqrt(ops.add(variance, this.epsilon)));
    if (this.gamma) y = ops.mul(y, this.gamma.value);
    if (this.beta) y = ops.add(y, this.beta.value);
    return y;
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    return {
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: ser(this.betaInit),
      gamma_initializer: ser(this.gammaInit),
      beta_regularizer: null,
      gamma_regularizer: null,
      ...super.getConfig(),
    };
  }
}
