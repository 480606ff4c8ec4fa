/**
 * Imported inference graphs: one executor (plan.ts, executor.ts) behind a table per format. ONNX
 * files load through wt.loadGraphModel or wt.onnx.InferenceSession; TF.js graph models (model.json
 * with a GraphDef) through wt.loadGraphModel, from the same sources as layers models.
 */
import { InferenceSession, loadOnnx, OnnxGraphModel, type GraphModelOptions } from './onnx/session.js';
import type { OnnxSource } from './onnx/load.js';
import { supportedOnnxOps } from './onnx/ops.js';
import { getHandler, type IOHandler } from '../nn/io/handlers.js';
import { GraphModel } from './tfjs/model.js';

export { OnnxGraphModel, InferenceSession, type GraphModelOptions, type GraphValueInfo, type InferenceSessionOptions } from './onnx/session.js';
export type { OnnxSource } from './onnx/load.js';
export type { ExecuteOptions } from './executor.js';
export { GraphModel, type GraphTensorInfo, type GraphInputs } from './tfjs/model.js';
export type { GraphArtifacts } from './tfjs/parse.js';

/**
 * Load an inference graph: an ONNX file from a path, a file:// or http(s) URL ending in .onnx, or
 * the file's bytes. Unsupported ops, malformed files and external data outside the model's folder
 * are Errors here, before anything is allocated.
 */
export async function loadGraphModel(source: Uint8Array | ArrayBuffer | `${string}.onnx`, opts?: GraphModelOptions): Promise<OnnxGraphModel>;
/**
 * Load a TF.js graph model (the TF.js converter's model.json and weight shards, quantized or not)
 * from 'file://dir/model.json', an http(s) URL, 'indexeddb://name' or an IOHandler, as TF.js's
 * tf.loadGraphModel does; a string ending in .onnx loads an ONNX file instead.
 */
export async function loadGraphModel(source: string | IOHandler, opts?: GraphModelOptions): Promise<GraphModel>;
export async function loadGraphModel(source: OnnxSource | IOHandler, opts?: GraphModelOptions): Promise<OnnxGraphModel | GraphModel> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || (typeof source === 'string' && /\.onnx(\?.*)?$/i.test(source))) {
    return loadOnnx(source as OnnxSource, opts);
  }
  const handler = getHandler('loadGraphModel', source);
  if (!handler.load) throw new Error(`loadGraphModel: '${String(source)}' can only be saved to, not loaded from`);
  const a = await handler.load();
  const where = typeof source === 'string' ? source : 'the IOHandler\'s model';
  if (a.format === 'layers-model') throw new Error(`loadGraphModel: ${where} is a layers model; load it with wt.loadLayersModel`);
  const data = Array.isArray(a.weightData) ? concat(a.weightData) : a.weightData;
  return new GraphModel({ ...a, weightData: data }, where, opts);
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of parts) { out.set(new Uint8Array(b), at); at += b.byteLength; }
  return out.buffer;
}

/** ONNX Runtime's names, for users who come from it: `wt.onnx.InferenceSession.create(src)`. */
export const onnx = {
  /** ONNX Runtime's session API (create, run, inputNames, outputNames, release). */
  InferenceSession,
  /** The ONNX op types the executor runs. */
  supportedOps: supportedOnnxOps,
};
