/**
 * Layers from their Keras configs in model.json ({ class_name, config }, snake_case keys), for
 * Keras 2.x, 3.x and TensorFlow.js files alike. Nothing is allocated here: layers build later.
 */
import { ACTIVATION_NAMES, type ActivationIdentifier } from '../activations.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { ActivationLayer, Dropout, Flatten, Reshape } from '../layers/core.js';
import { Conv2D, type Size2D } from '../layers/conv.js';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D } from '../layers/pooling.js';
import { BatchNormalization } from '../layers/batchnorm.js';
import { Dense, type DenseArgs } from '../layers/dense.js';
import type { Layer, LayerArgs, SymbolicShape } from '../layers/layer.js';
import type { RegularizerIdentifier } from '../regularizers.js';

/** A config object from model.json. */
export type Config = Record<string, unknown>;

/** The batch input shape a config declares (Keras 2's batch_input_shape or Keras 3's batch_shape). */
export function shapeOf(c: Config): SymbolicShape | undefined {
  const s = (c.batch_input_shape ?? c.batch_shape) as SymbolicShape | undefined;
  return Array.isArray(s) ? s : undefined;
}

function activationOf(v: unknown): ActivationIdentifier {
  const name = v === 'leaky_relu' ? 'leakyRelu' : v;
  if (!ACTIVATION_NAMES.includes(name as ActivationIdentifier)) {
    throw new Error(`loadModel: activation '${String(v)}' is not supported (supported: ${ACTIVATION_NAMES.join(', ')})`);
  }
  return name as ActivationIdentifier;
}

function init(v: unknown): Initializer | undefined {
  return initializerFromConfig(v);
}

function reg(v: unknown): RegularizerIdentifier | undefined {
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
    default:
      throw new Error(`loadModel: layer class '${String(cls)}' is not supported (supported: Dense, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Activation, Dropout, Flatten, Reshape, BatchNormalization, InputLayer)`);
  }
}

