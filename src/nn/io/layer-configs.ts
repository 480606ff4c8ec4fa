/**
 * Layers from their Keras configs in model.json ({ class_name, config }, snake_case keys), for
 * Keras 2.x, 3.x and TensorFlow.js files alike. Nothing is allocated here: layers build later.
 */
import { ACTIVATION_NAMES, type ActivationIdentifier, checkActivation } from '../activations.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { ActivationLayer, Dropout, Flatten, Reshape } from '../layers/core.js';
import { Conv2D, type Size2D } from '../layers/conv.js';
import { DepthwiseConv2D } from '../layers/depthwise.js';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D } from '../layers/pooling.js';
import { Conv1D, Conv2DTranspose, Conv3D, Conv3DTranspose } from '../layers/conv-extra.js';
import { SeparableConv1D, SeparableConv2D } from '../layers/separable.js';
import { AveragePooling1D, AveragePooling3D, GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling3D } from '../layers/pooling-extra.js';
import { BatchNormalization } from '../layers/batchnorm.js';
import { Dense, type DenseArgs } from '../layers/dense.js';
import type { Layer, LayerArgs, SymbolicShape } from '../layers/layer.js';
import type { RegularizerIdentifier } from '../regularizers.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from '../layers/merge.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from '../layers/spatial.js';
import { ELU, LeakyReLU, PReLU, ReLU, SoftmaxLayer, ThresholdedReLU } from '../layers/activation-layers.js';
import { LayerNormalization } from '../layers/layernorm.js';
import { Embedding, Permute, RepeatVector, Rescaling } from '../layers/reshaping.js';
import { AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D } from '../layers/noise.js';
import { recurrentFromConfig, RECURRENT_CLASSES } from './recurrent-configs.js';

/** The layer classes a model file may name. */
export const SUPPORTED = [
  'InputLayer', 'Dense', 'Conv2D', 'DepthwiseConv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'Activation', 'Dropout', 'Flatten', 'Reshape',
  'BatchNormalization', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'ZeroPadding2D', 'Cropping2D',
  'UpSampling2D', 'ReLU', 'PReLU', 'LeakyReLU', 'ELU', 'Softmax', 'ThresholdedReLU', 'LayerNormalization', 'Embedding', 'Permute', 'RepeatVector',
  'Rescaling', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D',
  'Conv1D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv1D', 'SeparableConv2D', 'MaxPooling1D', 'AveragePooling1D', 'MaxPooling3D', 'AveragePooling3D',
  'GlobalMaxPooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling2D',
  ...RECURRENT_CLASSES,
];

/** Keras writes the last axis as its positive index (or a one-entry list): -1 where it is the last of the shape flowing in. */
function lastAxis(v: unknown, flowing: SymbolicShape | undefined): number | undefined {
  const a = Array.isArray(v) ? v[0] : v;
  if (typeof a !== 'number') return undefined;
  return flowing !== undefined && a === flowing.length - 1 ? -1 : a;
}

function format(v: unknown): 'channelsLast' | undefined {
  if (v === undefined || v === null || v === 'channels_last' || v === 'channelsLast') return undefined;
  throw new Error(`loadModel: data_format ${JSON.stringify(v)} is not supported (only channels_last)`);
}

function seedOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A config object from model.json. */
export type Config = Record<string, unknown>;

/** The batch input shape a config declares (Keras 2's batch_input_shape or Keras 3's batch_shape). */
export function shapeOf(c: Config): SymbolicShape | undefined {
  const s = (c.batch_input_shape ?? c.batch_shape) as SymbolicShape | undefined;
  return Array.isArray(s) ? s : undefined;
}

/** An activation name from a config (Keras's and TF.js's spellings). */
export function activationOf(v: unknown): ActivationIdentifier {
  try {
    return checkActivation('loadModel', v);
  } catch {
    throw new Error(`loadModel: activation '${String(v)}' is not supported (supported: ${ACTIVATION_NAMES.join(', ')})`);
  }
}

/** @internal */
export function init(v: unknown): Initializer | undefined {
  return initializerFromConfig(v);
}

/** @internal */
export function reg(v: unknown): RegularizerIdentifier | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const c = ((v as Config).config ?? {}) as Config;
  return { l1: Number(c.l1 ?? 0), l2: Number(c.l2 ?? 0) };
}

/** The options Dense and Conv2D share: activation, bias, initializers and regularizers. */
function kernelArgs(c: Config): Pick<DenseArgs, 'activation' | 'useBias' | 'kernelInitializer' | 'biasInitializer' | 'kernelRegularizer' | 'biasRegularizer'> {
  return {
    activation: activationOf(c.activation ?? 'linear'),
    useBias: c.use_bias as boolean | undefined,
    kernelInitializer: init(c.kernel_initializer),
    biasInitializer: init(c.bias_initializer),
    kernelRegularizer: reg(c.kernel_regularizer),
    biasRegularizer: reg(c.bias_regularizer),
  };
}

/**
 * A layer from its {class_name, config} entry in model.json. `inputShape` is the first layer's batch
 * input shape (from an InputLayer entry); `flowing` is the shape that reaches this layer, where known.
 */
export function layerFromConfig(entry: Config, inputShape: SymbolicShape | undefined, flowing: SymbolicShape | undefined): Layer {
  const cls = entry.class_name as string;
  const c = (entry.config ?? {}) as Config;
  const base: LayerArgs = { name: c.name as string | undefined, trainable: c.trainable as boolean | undefined, batchInputShape: inputShape ?? shapeOf(c) };
  switch (cls) {
    case 'Dense':
      return new Dense({
        ...base,
        units: c.units as number,
        ...kernelArgs(c),
      });
    case 'Activation':
      return new ActivationLayer({ ...base, activation: activationOf(c.activation) });
    case 'Dropout':
      return new Dropout({ ...base, rate: c.rate as number, seed: typeof c.seed === 'number' ? c.seed : undefined });
    case 'Flatten':
      return new Flatten(base);
    case 'Conv2D':
      if (c.groups !== undefined && c.groups !== null && c.groups !== 1) throw new Error(`loadModel: Conv2D '${String(c.name)}' has groups ${JSON.stringify(c.groups)}; only 1 is supported`);
      return new Conv2D({
        ...base,
        filters: c.filters as number,
        kernelSize: c.kernel_size as Size2D,
        strides: (c.strides ?? undefined) as Size2D | undefined,
        padding: c.padding as 'valid' | 'same' | undefined,
        dataFormat: c.data_format as 'channelsLast' | undefined,
        dilationRate: (c.dilation_rate ?? undefined) as Size2D | undefined,
        ...kernelArgs(c),
      });
    case 'DepthwiseConv2D':
      return new DepthwiseConv2D({
        ...base,
        kernelSize: c.kernel_size as Size2D,
        depthMultiplier: (c.depth_multiplier ?? undefined) as number | undefined,
        strides: (c.strides ?? undefined) as Size2D | undefined,
        padding: c.padding as 'valid' | 'same' | undefined,
        dataFormat: c.data_format as 'channelsLast' | undefined,
        dilationRate: (c.dilation_rate ?? undefined) as Size2D | undefined,
        activation: activationOf(c.activation ?? 'linear'),
        useBias: c.use_bias as boolean | undefined,
        depthwiseInitializer: init(c.depthwise_initializer),
        biasInitializer: init(c.bias_initializer),
        depthwiseRegularizer: reg(c.depthwise_regularizer),
        biasRegularizer: reg(c.bias_regularizer),
      });
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const args = {
        ...base,
        poolSize: (c.pool_size ?? undefined) as Size2D | undefined,
        strides: (c.strides ?? undefined) as Size2D | undefined,
        padding: c.padding as 'valid' | 'same' | undefined,
        dataFormat: c.data_format as 'channelsLast' | undefined,
      };
      return cls === 'MaxPooling2D' ? new MaxPooling2D(args) : new AveragePooling2D(args);
    }
    case 'Conv1D': case 'Conv3D': case 'Conv2DTranspose': case 'Conv3DTranspose': {
      if (c.groups !== undefined && c.groups !== null && c.groups !== 1) throw new Error(`loadModel: ${cls} '${String(c.name)}' has groups ${JSON.stringify(c.groups)}; only 1 is supported`);
      if (Array.isArray(c.output_padding) || typeof c.output_padding === 'number') throw new Error(`loadModel: ${cls} '${String(c.name)}' has output_padding; it is not supported`);
      const args = {
        ...base, ...kernelArgs(c), filters: c.filters as number, kernelSize: c.kernel_size as number[], strides: (c.strides ?? undefined) as number[] | undefined,
        padding: c.padding as 'valid' | 'same' | 'causal' | undefined, dilationRate: (c.dilation_rate ?? undefined) as number[] | undefined, dataFormat: format(c.data_format),
      };
      return cls === 'Conv1D' ? new Conv1D(args) : cls === 'Conv3D' ? new Conv3D(args) : cls === 'Conv2DTranspose' ? new Conv2DTranspose(args) : new Conv3DTranspose(args);
    }
    case 'SeparableConv1D': case 'SeparableConv2D': {
      const { kernelInitializer: _k, kernelRegularizer: _r, ...rest } = kernelArgs(c);
      const args = {
        ...base, ...rest, filters: c.filters as number, kernelSize: c.kernel_size as number[], strides: (c.strides ?? undefined) as number[] | undefined,
        padding: c.padding as 'valid' | 'same' | undefined, dilationRate: (c.dilation_rate ?? undefined) as number[] | undefined, dataFormat: format(c.data_format),
        depthMultiplier: c.depth_multiplier as number | undefined, depthwiseInitializer: init(c.depthwise_initializer), pointwiseInitializer: init(c.pointwise_initializer),
        depthwiseRegularizer: reg(c.depthwise_regularizer), pointwiseRegularizer: reg(c.pointwise_regularizer),
      };
      return cls === 'SeparableConv1D' ? new SeparableConv1D(args) : new SeparableConv2D(args);
    }
    case 'MaxPooling1D': case 'AveragePooling1D': case 'MaxPooling3D': case 'AveragePooling3D': {
      const args = { ...base, poolSize: (c.pool_size ?? undefined) as number[] | undefined, strides: (c.strides ?? undefined) as number[] | undefined, padding: c.padding as 'valid' | 'same' | undefined, dataFormat: format(c.data_format) };
      return cls === 'MaxPooling1D' ? new MaxPooling1D(args) : cls === 'AveragePooling1D' ? new AveragePooling1D(args) : cls === 'MaxPooling3D' ? new MaxPooling3D(args) : new AveragePooling3D(args);
    }
    case 'GlobalMaxPooling1D': case 'GlobalAveragePooling1D':
      if (c.keepdims === true) throw new Error(`loadModel: ${cls} '${String(c.name)}' has keepdims true; it is not supported`);
      return cls === 'GlobalMaxPooling1D' ? new GlobalMaxPooling1D(base) : new GlobalAveragePooling1D(base);
    case 'GlobalMaxPooling2D':
      if (c.keepdims === true) throw new Error(`loadModel: ${cls} '${String(c.name)}' has keepdims true; it is not supported`);
      return new GlobalMaxPooling2D({ ...base, dataFormat: format(c.data_format) });
    case 'GlobalAveragePooling2D':
      return new GlobalAveragePooling2D({ ...base, dataFormat: c.data_format as 'channelsLast' | undefined });
    case 'Reshape':
      return new Reshape({ ...base, targetShape: c.target_shape as number[] });
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      const rank = (flowing ?? base.batchInputShape)?.length;
      return new BatchNormalization({
        ...base,
        // Keras writes the positive index of the last axis; channels-last is all this library supports.
        axis: typeof axis === 'number' && rank !== undefined && axis === rank - 1 ? -1 : (axis as number | undefined),
        momentum: c.momentum as number | undefined,
        epsilon: c.epsilon as number | undefined,
        center: c.center as boolean | undefined,
        scale: c.scale as boolean | undefined,
        betaInitializer: init(c.beta_initializer),
        gammaInitializer: init(c.gamma_initializer),
        movingMeanInitializer: init(c.moving_mean_initializer),
        movingVarianceInitializer: init(c.moving_variance_initializer),
      });
    }
    case 'Add': return new Add(base);
    case 'Subtract': return new Subtract(base);
    case 'Multiply': return new Multiply(base);
    case 'Average': return new Average(base);
    case 'Maximum': return new Maximum(base);
    case 'Minimum': return new Minimum(base);
    case 'Concatenate': return new Concatenate({ ...base, axis: lastAxis(c.axis, flowing) });
    case 'Dot': return new Dot({ ...base, axes: c.axes as number | [number, number], normalize: c.normalize as boolean | undefined });
    case 'ZeroPadding2D': return new ZeroPadding2D({ ...base, padding: c.padding as [[number, number], [number, number]], dataFormat: format(c.data_format) });
    case 'Cropping2D': return new Cropping2D({ ...base, cropping: c.cropping as [[number, number], [number, number]], dataFormat: format(c.data_format) });
    case 'UpSampling2D': return new UpSampling2D({ ...base, size: c.size as [number, number], interpolation: c.interpolation as 'nearest' | 'bilinear' | undefined, dataFormat: format(c.data_format) });
    case 'ReLU': return new ReLU({ ...base, maxValue: c.max_value as number | null | undefined, negativeSlope: c.negative_slope as number | undefined, threshold: c.threshold as number | undefined });
    case 'LeakyReLU': return new LeakyReLU({ ...base, alpha: (c.alpha ?? c.negative_slope) as number | undefined });
    case 'PReLU': return new PReLU({ ...base, alphaInitializer: init(c.alpha_initializer), sharedAxes: (c.shared_axes ?? undefined) as number[] | undefined });
    case 'ELU': return new ELU({ ...base, alpha: c.alpha as number | undefined });
    case 'Softmax': return new SoftmaxLayer({ ...base, axis: lastAxis(c.axis, flowing) });
    case 'ThresholdedReLU': return new ThresholdedReLU({ ...base, theta: c.theta as number | undefined });
    case 'LayerNormalization':
      return new LayerNormalization({
        ...base,
        axis: lastAxis(c.axis, flowing),
        epsilon: c.epsilon as number | undefined,
        center: c.center as boolean | undefined,
        scale: c.scale as boolean | undefined,
        betaInitializer: init(c.beta_initializer),
        gammaInitializer: init(c.gamma_initializer),
      });
    case 'Embedding':
      return new Embedding({
        ...base,
        inputDim: c.input_dim as number,
        outputDim: c.output_dim as number,
        embeddingsInitializer: init(c.embeddings_initializer),
        maskZero: c.mask_zero as boolean | undefined,
        inputLength: (c.input_length ?? null) as number | null,
      });
    case 'Permute': return new Permute({ ...base, dims: c.dims as number[] });
    case 'RepeatVector': return new RepeatVector({ ...base, n: c.n as number });
    case 'Rescaling': return new Rescaling({ ...base, scale: c.scale as number, offset: c.offset as number | undefined });
    case 'GaussianNoise': return new GaussianNoise({ ...base, stddev: c.stddev as number, seed: seedOf(c.seed) });
    case 'GaussianDropout': return new GaussianDropout({ ...base, rate: c.rate as number, seed: seedOf(c.seed) });
    case 'AlphaDropout': return new AlphaDropout({ ...base, rate: c.rate as number, seed: seedOf(c.seed) });
    case 'SpatialDropout1D': return new SpatialDropout1D({ ...base, rate: c.rate as number, seed: seedOf(c.seed) });
    case 'SpatialDropout2D': return new SpatialDropout2D({ ...base, rate: c.rate as number, seed: seedOf(c.seed) });
    default:
      if ((RECURRENT_CLASSES as readonly string[]).includes(cls)) return recurrentFromConfig(cls, c, base, (e) => layerFromConfig(e, undefined, undefined));
      throw new Error(`loadModel: layer class '${String(cls)}' is not supported (supported: ${SUPPORTED.join(', ')})`);
  }
}

