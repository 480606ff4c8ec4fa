/**
 * Imported inference graphs: one executor (plan.ts, executor.ts) behind a table per format. ONNX
 * files load through wt.loadGraphModel or wt.onnx.InferenceSession.
 */
import { InferenceSession, loadOnnx, OnnxGraphModel, type GraphModelOptions } from './onnx/session.js';
import type { OnnxSource } from './onnx/load.js';
import { supportedOnnxOps } from './onnx/ops.js';

export { OnnxGraphModel, InferenceSession, type GraphModelOptions, type GraphValueInfo, type InferenceSessionOptions } from './onnx/session.js';
export type { OnnxSource } from './onnx/load.js';
export type { ExecuteOptions } from './executor.js';

/**
 * Load an inference graph: an ONNX file from a path, a file:// or http(s) URL ending in .onnx, or
 * the file's bytes. Unsupported ops, malformed files and external data outside the model's folder
 * are Errors here, before anything is allocated.
 */
export async function loadGraphModel(source: OnnxSource, opts?: GraphModelOptions): Promise<OnnxGraphModel> {
  if (typeof source === 'string' && /\.json(\?.*)?$/i.test(source)) {
    throw new Error(`loadGraphModel: TF.js graph models (model.json) are not supported yet; ONNX files (.onnx) are`);
  }
  return loadOnnx(source, opts);
}

/** ONNX Runtime's names, for users who come from it: `wt.onnx.InferenceSession.create(src)`. */
export const onnx = {
  /** ONNX Runtime's session API (create, run, inputNames, outputNames, release). */
  InferenceSession,
  /** The ONNX op types the executor runs. */
  supportedOps: supportedOnnxOps,
};
