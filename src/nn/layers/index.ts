/** The layer factories (wt.layers.dense, ...) and the class registry model.json loading uses. */
import { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten } from './core.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchnorm.js';
import { Dense, type DenseArgs } from './dense.js';
import type { Layer, LayerArgs } from './layer.js';

export { Layer, LayerVariable, type LayerArgs, type CallContext, type SymbolicShape, type WeightPlan } from './layer.js';
export { Dense, type DenseArgs } from './dense.js';
export { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten } from './core.js';
export { BatchNormalization, type BatchNormalizationArgs } from './batchnorm.js';

/** A densely connected layer: activation(x W + b). */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}

/** Applies an activation function (linear, step, sigmoid, tanh, relu, leakyRelu, softmax). */
export function activation(args: ActivationArgs): ActivationLayer {
  return new ActivationLayer(args);
}

/** Randomly zeroes a fraction `rate` of its inputs during training (scaling the rest by 1 / (1 - rate)). */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}

/** Normalises its inputs per feature (batch statistics in training, moving averages at inference). */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

/** Flattens each example into a vector. */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}
