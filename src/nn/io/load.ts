/** loadLayersModel / loadModel: a model in the TensorFlow.js layers format from any source getHandler knows. */
import type { LayersModel } from '../model.js';
import { modelFromArtifacts } from './from-config.js';
import { getHandler, type IOHandler } from './handlers.js';

/**
 * Load a model in the TensorFlow.js layers format (Sequential, Functional or Model; Keras 2 or 3
 * configs; quantized or sharded weights): 'file://dir/model.json', 'indexeddb://name',
 * 'localstorage://name', an http(s) URL or an IOHandler. A Sequential file gives a Sequential.
 */
export async function loadLayersModel(source: string | IOHandler): Promise<LayersModel> {
  const h = getHandler('loadModel', source);
  if (!h.load) throw new Error(`loadModel: '${String(source)}' can only be saved to, not loaded from`);
  return modelFromArtifacts(await h.load());
}
