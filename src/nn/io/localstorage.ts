/**
 * 'localstorage://name': models in the browser's localStorage, in TensorFlow.js's layout (keys
 * tensorflowjs_models/NAME/{info, model_topology, weight_specs, weight_data, model_metadata}, the
 * weights as base64), so either library loads what the other saved. localStorage holds a few MB per
 * origin: a larger model fails with a quota Error and leaves nothing half-written.
 */
import type { ModelArtifacts, WeightSpec } from './artifacts.js';
import type { IOHandler, SaveResult } from './handlers.js';

const PREFIX = 'tensorflowjs_models';

function keysOf(name: string): Record<'info' | 'topology' | 'weightSpecs' | 'weightData' | 'modelMetadata', string> {
  const k = (suffix: string): string => `${PREFIX}/${name}/${suffix}`;
  return { info: k('info'), topology: k('model_topology'), weightSpecs: k('weight_specs'), weightData: k('weight_data'), modelMetadata: k('model_metadata') };
}

function storage(): Storage {
  let ls: Storage | undefined;
  try {
    ls = (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    // A page whose storage is blocked throws on access.
  }
  if (!ls || typeof ls.getItem !== 'function') throw new Error("localstorage:// needs a browser page with localStorage; in Node use 'file://dir'");
  return ls;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  // In chunks: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string, where: string): ArrayBuffer {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new Error(`loadModel: the weights of ${where} are not valid base64`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

function joined(d: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (!d) return new Uint8Array(0);
  if (!Array.isArray(d)) return new Uint8Array(d);
  const out = new Uint8Array(d.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of d) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

function parse<T>(text: string | null, what: string, where: string): T {
  if (text === null) throw new Error(`loadModel: ${where} has no ${what} in localStorage`);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`loadModel: the ${what} of ${where} in localStorage is not valid JSON (${(e as Error).message})`);
  }
}

/** The handler behind 'localstorage://name' (name: any non-empty string; '/' is allowed, as in TensorFlow.js). */
export function localStorageHandler(name: string): IOHandler {
  const keys = keysOf(name);
  const where = `'localstorage://${name}'`;
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const ls = storage();
      const bytes = joined(a.weightData);
      const enc = (x: unknown): number => new TextEncoder().encode(JSON.stringify(x)).length;
      const info = { dateSaved: new Date(), modelTopologyType: 'JSON' as const, modelTopologyBytes: enc(a.modelTopology), weightSpecsBytes: enc(a.weightSpecs), weightDataBytes: bytes.byteLength };
      try {
        ls.setItem(keys.info, JSON.stringify(info));
        ls.setItem(keys.topology, JSON.stringify(a.modelTopology));
        ls.setItem(keys.weightSpecs, JSON.stringify(a.weightSpecs));
        ls.setItem(keys.weightData, toBase64(bytes));
        ls.setItem(keys.modelMetadata, JSON.stringify({ format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy }));
      } catch (e) {
        for (const k of Object.values(keys)) ls.removeItem(k);
        throw new Error(`save: ${where} did not fit in localStorage (${(e as Error).message}); ` +
          `it needs about ${Math.ceil((bytes.byteLength * 4) / 3 / 1024)} KiB of weights: use 'indexeddb://${name}' for larger models`);
      }
      return { modelArtifactsInfo: info };
    },
    async load(): Promise<ModelArtifacts> {
      const ls = storage();
      if (ls.getItem(keys.info) === null) throw new Error(`loadModel: no model named '${name}' in localStorage`);
      const info = parse<{ modelTopologyType?: string }>(ls.getItem(keys.info), 'info', where);
      if (info.modelTopologyType !== 'JSON') throw new Error(`loadModel: ${where} holds a ${String(info.modelTopologyType)} topology; only JSON is supported`);
      const out: ModelArtifacts = {
        modelTopology: parse<Record<string, unknown>>(ls.getItem(keys.topology), 'model topology', where),
        weightSpecs: parse<WeightSpec[]>(ls.getItem(keys.weightSpecs), 'weight specs', where),
      };
      const meta = ls.getItem(keys.modelMetadata);
      if (meta !== null) {
        const m = parse<{ format?: string; generatedBy?: string; convertedBy?: string | null }>(meta, 'metadata', where);
        Object.assign(out, { format: m.format, generatedBy: m.generatedBy, convertedBy: m.convertedBy });
      }
      const data = ls.getItem(keys.weightData);
      if (data === null) throw new Error(`loadModel: ${where} has no weight data in localStorage`);
      out.weightData = fromBase64(data, where);
      return out;
    },
  };
}
