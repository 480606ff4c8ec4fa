/**
 * Converting a model to and from the TensorFlow.js layers format: model.json's topology (Keras
 * configs, snake_case) plus a weight manifest, and one flat little-endian float32 weight buffer.
 */
import { fromData } from '../../ops/core.js';
import { tidy } from '../../memory.js';
import { fmt, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { ACTIVATION_NAMES, type ActivationIdentifier } from '../activations.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { ActivationLayer, Dropout, Flatten } from '../layers/core.js';
import { BatchNormalization } from '../layers/batchnorm.js';
import { Dense } from '../layers/dense.js';
import type { Layer, LayerArgs, SymbolicShape } from '../layers/layer.js';
import { Sequential } from '../model.js';
import type { RegularizerIdentifier } from '../regularizers.js';

/** One weight in a model.json manifest: its name, shape and dtype; the bytes follow in manifest order. */
export interface WeightSpec {
  /** The weight's full name, as dense_1/kernel. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: 'float32' | 'int32';
}

/** The same shape as TensorFlow.js's io.ModelArtifacts (the fields this library reads and writes). */
export interface ModelArtifacts {
  /** model.json's modelTopology: the Keras model config. */
  modelTopology?: Record<string, unknown>;
  /** The weights' names, shapes and dtypes, in the order of weightData. */
  weightSpecs?: WeightSpec[];
  /** The weights' bytes, little-endian, in one buffer or several (concatenated in order). */
  weightData?: ArrayBuffer | ArrayBuffer[];
  /** 'layers-model'. */
  format?: string;
  /** The library and version that wrote the model. */
  generatedBy?: string;
  /** The converter that produced it, if any. */
  convertedBy?: string | null;
}

export const GENERATED_BY = 'webgpu-tensor 0.1.0';

/** Topology, weight specs and the weights' bytes of a built model (reads the weights back). */
export async function modelToArtifacts(model: Sequential): Promise<ModelArtifacts & { weightData: ArrayBuffer; weightSpecs: WeightSpec[] }> {
  if (!model.built) throw new Error(`save: ${model.name} is not built yet: give the first layer an inputShape, or call fit/predict once`);
  const vars = model.weights;
  const data = await Promise.all(vars.map((v) => v.value.data()));
  const total = data.reduce((n, d) => n + d.length, 0);
  const buf = new Float32Array(total);
  let at = 0;
  for (const d of data) {
    buf.set(d, at);
    at += d.length;
  }
  return {
    modelTopology: {
      keras_version: GENERATED_BY,
      backend: 'webgpu-tensor',
      model_config: { class_name: 'Sequential', config: model.getConfig() },
    },
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: vars.map((v) => ({ name: v.fullName, shape: v.shape.slice(), dtype: 'float32' })),
    weightData: buf.buffer,
  };
}

type Config = Record<string, unknown>;

function shapeOf(c: Config): SymbolicShape | undefined {
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

/** A layer from its {class_name, config} entry in model.json. */
function layerFromConfig(entry: Config, inputShape: SymbolicShape | undefined): Layer {
  const cls = entry.class_name as string;
  const c = (entry.config ?? {}) as Config;
  const base: LayerArgs = { name: c.name as string | undefined, trainable: c.trainable as boolean | undefined, batchInputShape: inputShape ?? shapeOf(c) };
  switch (cls) {
    case 'Dense':
      return new Dense({
        ...base,
        units: c.units as number,
        activation: activationOf(c.activation ?? 'linear'),
        useBias: c.use_bias as boolean | undefined,
        kernelInitializer: init(c.kernel_initializer),
        biasInitializer: init(c.bias_initializer),
        kernelRegularizer: reg(c.kernel_regularizer),
        biasRegularizer: reg(c.bias_regularizer),
      });
    case 'Activation':
      return new ActivationLayer({ ...base, activation: activationOf(c.activation) });
    case 'Dropout':
      return new Dropout({ ...base, rate: c.rate as number, seed: typeof c.seed === 'number' ? c.seed : undefined });
    case 'Flatten':
      return new Flatten(base);
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      return new BatchNormalization({
        ...base,
        // Keras writes the positive index of the last axis; channels-last is all this library supports.
        axis: typeof axis === 'number' && inputShape && axis === inputShape.length - 1 ? -1 : (axis as number | undefined),
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
      throw new Error(`loadModel: layer class '${String(cls)}' is not supported (supported: Dense, Activation, Dropout, Flatten, BatchNormalization, InputLayer)`);
  }
}

/** Decode the flat weight buffer into one float32 tensor per spec. */
function decodeWeights(specs: readonly WeightSpec[], data: ArrayBuffer): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  let at = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if ((s as { quantization?: unknown }).quantization) throw new Error(`loadModel: weight ${s.name} is quantized, which is not supported`);
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new Error(`loadModel: weight ${s.name} has dtype ${String(s.dtype)} (expected float32 or int32)`);
    if (at + size * 4 > data.byteLength) throw new Error(`loadModel: the weight data (${data.byteLength} bytes) is too short for weight ${s.name} ${fmt(s.shape)}`);
    const bytes = data.slice(at, at + size * 4);
    const vals = s.dtype === 'int32' ? Float32Array.from(new Int32Array(bytes)) : new Float32Array(bytes);
    out.set(s.name.replace(/:0$/, ''), fromData(vals, s.shape, 'float32'));
    at += size * 4;
  }
  return out;
}

function concatBuffers(d: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
  if (!d) return new ArrayBuffer(0);
  if (!Array.isArray(d)) return d;
  const out = new Uint8Array(d.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of d) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** A Sequential model from model.json's topology and weights (ours, or one TensorFlow.js saved). */
export function modelFromArtifacts(a: ModelArtifacts): Sequential {
  let topo = a.modelTopology as Config | undefined;
  if (!topo || typeof topo !== 'object') throw new Error('loadModel: model.json has no modelTopology');
  if (topo.model_config) topo = topo.model_config as Config;
  if (topo.class_name !== 'Sequential') throw new Error(`loadModel: only Sequential models are supported, got '${String(topo.class_name)}'`);
  const cfg = (topo.config ?? {}) as Config;
  const entries = (Array.isArray(cfg) ? cfg : cfg.layers) as Config[] | undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error('loadModel: the model config lists no layers');
  let pending: SymbolicShape | undefined;
  const layers: Layer[] = [];
  for (const e of entries) {
    if (e.class_name === 'InputLayer') {
      pending = shapeOf((e.config ?? {}) as Config);
      continue;
    }
    layers.push(layerFromConfig(e, layers.length === 0 ? pending : undefined));
  }
  const model = new Sequential({ layers, name: typeof cfg.name === 'string' ? cfg.name : undefined });
  if (!model.built) throw new Error('loadModel: the first layer has no batch_input_shape, so the weights cannot be created');
  const specs = a.weightSpecs ?? [];
  tidy(() => {
    const loaded = decodeWeights(specs, concatBuffers(a.weightData));
    const vars = model.weights;
    const byName = vars.every((v) => loaded.has(v.fullName));
    if (!byName && loaded.size !== vars.length) {
      throw new Error(`loadModel: the model has ${vars.length} weights (${vars.map((v) => v.fullName).join(', ')}) but the file holds ${loaded.size} (${[...loaded.keys()].join(', ')})`);
    }
    const ordered = [...loaded.values()];
    vars.forEach((v, i) => {
      const t = byName ? loaded.get(v.fullName)! : ordered[i]!;
      if (!sameShape(t.shape, v.shape)) throw new Error(`loadModel: weight ${v.fullName} should be ${fmt(v.shape)}, the file has ${fmt(t.shape)}`);
      v.assign(t, 'loadModel');
    });
  });
  return model;
}
