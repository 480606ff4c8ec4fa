/** The layer factories (wt.layers.dense, ...) and the class registry model.json loading uses. */
import { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten, Reshape, type ReshapeArgs } from './core.js';
import { Conv2D, type Conv2DArgs } from './conv.js';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D, type Pooling2DArgs } from './pooling.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchnorm.js';
import { Dense, type DenseArgs } from './dense.js';
import type { Layer, LayerArgs } from './layer.js';

export { Layer, LayerVariable, type LayerArgs, type CallContext, type SymbolicShape, type WeightPlan } from './layer.js';
export { Dense, type DenseArgs } from './dense.js';
export { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten, Reshape, type ReshapeArgs } from './core.js';
export { Conv2D, type Conv2DArgs, type Size2D } from './conv.js';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, type Pooling2DArgs } from './pooling.js';
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

/**
 * A 2-D convolution over [batch, height, width, channels] images: activation(conv2d(x, kernel) + bias),
 * kernel [kh, kw, inChannels, filters]. `inputShape` of a first layer is [height, width, channels].
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}

/** Max pooling over poolSize windows (default 2x2, strides = poolSize, padding 'valid'). */
export function maxPooling2d(args: Pooling2DArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}

/** Average pooling over poolSize windows (default 2x2, strides = poolSize; 'same' averages only real pixels). */
export function averagePooling2d(args: Pooling2DArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}

/** The mean over height and width of each channel: [batch, h, w, c] -> [batch, c]. */
export function globalAveragePooling2d(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}

/** Reshapes each example to targetShape (one entry may be -1). */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
