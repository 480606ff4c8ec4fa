/**
 * Converting a model to and from the TensorFlow.js layers format: model.json's topology (Keras
 * configs, snake_case) plus a weight manifest, and one flat little-endian float32 weight buffer.
 */
import { half } from './weights.js';
import type { LayersModel } from '../model.js';

/** One weight in a model.json manifest: its name, shape and dtype; the bytes follow in manifest order. */
export interface WeightSpec {
  /** The weight's full name, as dense_1/kernel. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: 'float32' | 'int32';
  /**
   * How it is stored when quantized (the TensorFlow.js converter's --quantize_uint8 / uint16 /
   * float16): value = q * scale + min for the integer forms; half floats for float16.
   */
  quantization?: {
    /** The stored element type. */
    dtype: 'uint8' | 'uint16' | 'float16';
    /** The value of q = 0 (uint8, uint16). */
    min?: number;
    /** The step between consecutive q (uint8, uint16). */
    scale?: number;
    /** The dtype before quantization, as newer converters write it. */
    original_dtype?: string;
  };
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
  /** A graph model's signature (its named inputs and outputs), as the TF.js converter writes it. */
  signature?: unknown;
}

export const GENERATED_BY = 'webgpu-tensor 0.1.0';

/** Topology, weight specs and the weights' bytes of a built model (reads the weights back). */
export async function modelToArtifacts(model: LayersModel): Promise<ModelArtifacts & { weightData: ArrayBuffer; weightSpecs: WeightSpec[] }> {
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
      model_config: { class_name: model.getClassName(), config: model.getConfig() },
    },
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: vars.map((v) => ({ name: v.fullName, shape: v.shape.slice(), dtype: 'float32' })),
    weightData: buf.buffer,
  };
}

/** @internal One buffer from weight data given as one or several. */
export function concatBuffers(d: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
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


/** @internal One weight's values as float32, dequantized when the file stores it quantized. */
export function decodeWeight(s: WeightSpec, bytes: ArrayBuffer): Float32Array {
  const q = s.quantization;
  if (q?.dtype === 'float16') return Float32Array.from(new Uint16Array(bytes), half);
  if (q) {
    const ints = q.dtype === 'uint8' ? new Uint8Array(bytes) : new Uint16Array(bytes);
    const { min = 0, scale = 1 } = q;
    return Float32Array.from(ints, (v) => v * scale + min);
  }
  return s.dtype === 'int32' ? Float32Array.from(new Int32Array(bytes)) : new Float32Array(bytes);
}
