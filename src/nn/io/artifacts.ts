/**
 * Converting a model to and from the TensorFlow.js layers format: model.json's topology (Keras
 * configs, snake_case) plus a weight manifest, and one flat little-endian float32 weight buffer.
 */
import { activeBackend } from '../../engine.js';
import { checkAlloc } from '../../limits.js';
import { fromData } from '../../ops/core.js';
import { fmt, sameShape } from '../../shape.js';
import { ACTIVATION_NAMES, type ActivationIdentifier } from '../activations.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { ActivationLayer, Dropout, Flatten, Reshape } from '../layers/core.js';
import { Conv2D, type Size2D } from '../layers/conv.js';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D } from '../layers/pooling.js';
import { BatchNormalization } from '../layers/batchnorm.js';
import { Dense, type DenseArgs } from '../layers/dense.js';
import type { Layer, LayerArgs, SymbolicShape } from '../layers/layer.js';
import { Sequential } from '../model.js';
import { checkWeightSpec, specBytes } from './untrusted.js';
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
function layerFromConfig(entry: Config, inputShape: SymbolicShape | undefined, flowing: SymbolicShape | undefined): Layer {
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

/** The weights a model of `layers` would have, in model.weights order, with full names; nothing is built. */
function plannedWeights(layers: readonly Layer[]): { fullName: string; shape: number[] }[] {
  const first = layers[0]?.batchInputShape;
  if (!first) throw new Error('loadModel: the first layer has no batch_input_shape, so the weights cannot be created');
  let shape: SymbolicShape = [null, ...first.slice(1)];
  const out: { fullName: string; shape: number[] }[] = [];
  for (const l of layers) {
    const ws = l.weightShapes(shape);
    // The order of Layer.weights: trainable first, then the others (all in creation order when frozen).
    const ordered = l.trainable ? [...ws.filter((w) => w.trainable), ...ws.filter((w) => !w.trainable)] : ws;
    for (const w of ordered) out.push({ fullName: `${l.name}/${w.name}`, shape: w.shape });
    shape = l.computeOutputShape(shape);
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

/**
 * A Sequential model from model.json's topology and weights (ours, or one TensorFlow.js saved).
 * The file is untrusted: every weight's shape is checked against its layer's config, and against
 * the backend's limits, and the weight bytes against the manifest, before anything is allocated;
 * a load that fails anyway (out of memory) frees what it made, so wt.memory() is as it was.
 */
export function modelFromArtifacts(a: ModelArtifacts): Sequential {
  let topo = a.modelTopology as Config | undefined;
  if (!topo || typeof topo !== 'object') throw new Error('loadModel: model.json has no modelTopology');
  if (topo.model_config) topo = topo.model_config as Config;
  if (topo.class_name !== 'Sequential') throw new Error(`loadModel: only Sequential models are supported, got '${String(topo.class_name)}'`);
  const cfg = (topo.config ?? {}) as Config;
  const entries = (Array.isArray(cfg) ? cfg : cfg.layers) as Config[] | undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error('loadModel: the model config lists no layers');
  let pending: SymbolicShape | undefined;
  let flowing: SymbolicShape | undefined; // the shape that reaches the next layer
  const layers: Layer[] = [];
  for (const e of entries) {
    if (!e || typeof e !== 'object') throw new Error('loadModel: the model config lists a layer that is not an object');
    if (e.class_name === 'InputLayer') {
      pending = shapeOf((e.config ?? {}) as Config);
      continue;
    }
    const layer = layerFromConfig(e, layers.length === 0 ? pending : undefined, flowing);
    layers.push(layer);
    const into = layers.length === 1 ? layer.batchInputShape : flowing;
    flowing = into ? layer.computeOutputShape([null, ...into.slice(1)]) : undefined;
  }
  // Check everything against the plan before the model (and its weights) exist.
  const plan = plannedWeights(layers);
  const specs = (a.weightSpecs ?? []).map((s) => checkWeightSpec(s, 'the weight specs'));
  const names = specs.map((s) => s.name.replace(/:0$/, ''));
  const byName = new Set(names).size === names.length && plan.every((w) => names.includes(w.fullName));
  if (!byName && specs.length !== plan.length) {
    throw new Error(`loadModel: the model has ${plan.length} weights (${plan.map((w) => w.fullName).join(', ')}) but the file holds ${specs.length} (${names.join(', ')})`);
  }
  const backend = activeBackend();
  const specFor = plan.map((w, i) => {
    const s = byName ? specs[names.indexOf(w.fullName)]! : specs[i]!;
    if (!sameShape(s.shape, w.shape)) throw new Error(`loadModel: weight ${w.fullName} should be ${fmt(w.shape)} by its layer's config, the file has ${fmt(s.shape)}`);
    checkAlloc('loadModel', w.shape, 'float32', backend);
    return s;
  });
  const data = concatBuffers(a.weightData);
  const declared = specs.reduce((n, s) => n + specBytes(s), 0);
  if (data.byteLength !== declared) {
    throw new Error(`loadModel: the weight data holds ${data.byteLength} bytes, but the weight specs declare ${declared}${data.byteLength < declared ? ' (too short)' : ''}`);
  }
  const offsets = new Map<WeightSpec, number>();
  specs.reduce((at, s) => (offsets.set(s, at), at + specBytes(s)), 0);
  let model: Sequential | undefined;
  try {
    model = new Sequential({ layers, name: typeof cfg.name === 'string' ? cfg.name : undefined });
    const vars = model.weights;
    if (vars.length !== plan.length || vars.some((v, i) => v.fullName !== plan[i]!.fullName || !sameShape(v.shape, plan[i]!.shape))) {
      throw new Error('loadModel: the layers built weights other than they planned (a layer whose weightShapes disagrees with its build)');
    }
    vars.forEach((v, i) => {
      const s = specFor[i]!;
      const bytes = data.slice(offsets.get(s)!, offsets.get(s)! + specBytes(s));
      const vals = s.dtype === 'int32' ? Float32Array.from(new Int32Array(bytes)) : new Float32Array(bytes);
      v.replace(fromData(vals, v.shape, 'float32', v.value.backend, 'loadModel'));
    });
    return model;
  } catch (e) {
    for (const l of layers) l.dispose();
    throw e;
  }
}
