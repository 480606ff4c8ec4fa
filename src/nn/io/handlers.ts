/**
 * Where models are saved and loaded: 'file://' (Node; node:fs is imported only when used, so browser
 * bundles stay clean), 'indexeddb://' (the TensorFlow.js database layout), 'localstorage://'
 * (./localstorage.ts, TensorFlow.js's key layout), 'downloads://' (browser
 * download of model.json + weights), http(s) URLs (load only), or any TensorFlow.js-style IOHandler.
 */
import type { LayersModel } from '../model.js';
import { GENERATED_BY, modelToArtifacts, type ModelArtifacts, type WeightSpec } from './artifacts.js';
import { localStorageHandler } from './localstorage.js';
import { checkManifest, confineFile, confineUrl, isUnder } from './untrusted.js';

/** What model.save resolves to (TensorFlow.js's io.SaveResult). */
export interface SaveResult {
  /** What was written. */
  modelArtifactsInfo: {
    /** When. */
    dateSaved: Date;
    /** The topology's encoding: always JSON. */
    modelTopologyType: 'JSON';
    /** Bytes of the topology as JSON. */
    modelTopologyBytes: number;
    /** Bytes of the weight manifest as JSON. */
    weightSpecsBytes: number;
    /** Bytes of the weights (4 per float32 value). */
    weightDataBytes: number;
  };
}

/** A destination or source of model artifacts (compatible with TensorFlow.js's io.IOHandler). */
export interface IOHandler {
  /** Store the artifacts; model.save calls it. */
  save?: (artifacts: ModelArtifacts) => Promise<SaveResult | object>;
  /** Fetch the artifacts; loadModel calls it. */
  load?: () => Promise<ModelArtifacts>;
}

interface ModelJson {
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

function info(a: ModelArtifacts, bytes: number): SaveResult {
  const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x)).length;
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: enc(a.modelTopology), weightSpecsBytes: enc(a.weightSpecs), weightDataBytes: bytes } };
}

function modelJson(a: ModelArtifacts, weightsPath: string): ModelJson {
  return {
    modelTopology: a.modelTopology ?? {},
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy ?? GENERATED_BY,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs ?? [] }],
  };
}

function parseModelJson(text: string, where: string): ModelJson {
  let j: ModelJson;
  try {
    j = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new Error(`loadModel: ${where} is not valid JSON (${(e as Error).message})`);
  }
  if (!j || typeof j !== 'object' || !j.modelTopology) throw new Error(`loadModel: ${where} has no modelTopology; is it a TensorFlow.js layers model.json?`);
  return j;
}

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  // Specifiers in variables so bundlers leave them alone; these only run in Node.
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  try {
    return { fs: (await import(/* @vite-ignore */ fsName)) as Fs, path: (await import(/* @vite-ignore */ pathName)) as Path };
  } catch {
    throw new Error("file:// models need Node's file system; in a browser use 'indexeddb://name' or 'downloads://name'");
  }
}

/** 'file://dir' (save) or 'file://dir/model.json' (load). */
function fileHandler(target: string): IOHandler {
  return {
    async save(a) {
      const { fs, path } = await nodeModules();
      await fs.mkdir(target, { recursive: true });
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      await fs.writeFile(path.join(target, 'model.json'), JSON.stringify(modelJson(a, 'weights.bin')));
      await fs.writeFile(path.join(target, 'weights.bin'), data);
      return info(a, data.byteLength);
    },
    async load() {
      const { fs, path } = await nodeModules();
      let file = target;
      try {
        if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'model.json');
      } catch {
        throw new Error(`loadModel: no model at ${target}`);
      }
      const j = parseModelJson(await fs.readFile(file, 'utf8'), file);
      const groups = checkManifest(j.weightsManifest, file);
      const dir = path.dirname(file);
      // Every path is confined and every size compared with the manifest before a byte is read.
      const files: string[] = [];
      for (const g of groups) {
        let bytes = 0;
        for (const p of g.paths) {
          const f = await confineFile(fs, path, dir, p, file);
          const st = await fs.stat(f);
          if (!st.isFile()) throw new Error(`loadModel: weights path '${p}' in ${file} is not a regular file`);
          bytes += st.size;
          files.push(f);
        }
        if (bytes !== g.bytes) throw new Error(`loadModel: the weight files ${g.paths.join(', ')} named in ${file} hold ${bytes} bytes, but their manifest entries declare ${g.bytes}`);
      }
      const bufs: ArrayBuffer[] = [];
      for (const f of files) {
        const b = await fs.readFile(f);
        bufs.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      }
      const read = bufs.reduce((n, b) => n + b.byteLength, 0);
      const declared = groups.reduce((n, g) => n + g.bytes, 0);
      if (read !== declared) throw new Error(`loadModel: read ${read} bytes of weights for ${file}, but its manifest declares ${declared} (did a file change while loading?)`);
      return { modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, signature: j.signature, weightSpecs: groups.flatMap((g) => g.weights), weightData: bufs };
    },
  };
}

/**
 * http(s) URL of a model.json; weights paths are relative to it and must stay under its folder,
 * redirects included. Each group's bytes must equal what its manifest entries declare.
 */
function httpHandler(url: string): IOHandler {
  return {
    async load() {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`loadModel: fetching ${url} failed with HTTP ${res.status}`);
      const j = parseModelJson(await res.text(), url);
      const groups = checkManifest(j.weightsManifest, url);
      const urls = groups.map((g) => g.paths.map((p) => confineUrl(url, p, url)));
      const base = new URL('.', url);
      const bufs: ArrayBuffer[] = [];
      for (const [i, g] of groups.entries()) {
        let bytes = 0;
        for (const [k, u] of urls[i]!.entries()) {
          const p = g.paths[k]!;
          const r = await fetch(u);
          if (!r.ok) throw new Error(`loadModel: fetching weights ${p} failed with HTTP ${r.status}`);
          if (r.redirected && !isUnder(base, new URL(r.url))) {
            void r.body?.cancel();
            throw new Error(`loadModel: weights path '${p}' in ${url} is refused: it was redirected to ${r.url}, outside the model's base URL ${base.href}`);
          }
          // A declared length beyond the manifest is refused before the body is read.
          const length = Number(r.headers.get('content-length') ?? NaN);
          if (Number.isFinite(length) && bytes + length > g.bytes) {
            void r.body?.cancel();
            throw new Error(`loadModel: the weight files ${g.paths.join(', ')} named in ${url} hold more than the ${g.bytes} bytes their manifest entries declare`);
          }
          const b = await r.arrayBuffer();
          bytes += b.byteLength;
          bufs.push(b);
        }
        if (bytes !== g.bytes) throw new Error(`loadModel: the weight files ${g.paths.join(', ')} named in ${url} hold ${bytes} bytes, but their manifest entries declare ${g.bytes}`);
      }
      return { modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, signature: j.signature, weightSpecs: groups.flatMap((g) => g.weights), weightData: bufs };
    },
  };
}

// TensorFlow.js's IndexedDB layout, so either library can read what the other stored.
const DB = 'tensorflowjs';
const MODELS = 'models_store';
const INFOS = 'model_info_store';

function openDb(): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return Promise.reject(new Error('indexeddb:// needs a browser with IndexedDB'));
  return new Promise((resolve, reject) => {
    const req = idb.open(DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, { keyPath: 'modelPath' });
      if (!db.objectStoreNames.contains(INFOS)) db.createObjectStore(INFOS, { keyPath: 'modelPath' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`indexeddb: cannot open database '${DB}': ${String(req.error)}`));
  });
}

function idbHandler(modelPath: string): IOHandler {
  // A transaction that aborts (quota exceeded, say) may fire no error event: without onabort the save would never settle.
  const done = (tx: IDBTransaction) => new Promise<void>((res, rej) => {
    tx.oncomplete = () => res();
    tx.onerror = () => rej(new Error(`indexeddb: ${String(tx.error)}`));
    tx.onabort = () => rej(new Error(`indexeddb: the transaction was aborted (${String(tx.error)})`));
  });
  return {
    async save(a) {
      const db = await openDb();
      try {
        const result = info(a, weightBytes(a.weightData));
        const tx = db.transaction([MODELS, INFOS], 'readwrite');
        tx.objectStore(INFOS).put({ modelPath, modelArtifactsInfo: result.modelArtifactsInfo });
        tx.objectStore(MODELS).put({ modelPath, modelArtifacts: a });
        await done(tx);
        return result;
      } finally {
        db.close();
      }
    },
    async load() {
      const db = await openDb();
      let rec: { modelArtifacts?: ModelArtifacts } | undefined;
      try {
        const tx = db.transaction(MODELS, 'readonly');
        const req = tx.objectStore(MODELS).get(modelPath);
        rec = await new Promise<{ modelArtifacts?: ModelArtifacts } | undefined>((res, rej) => {
          req.onsuccess = () => res(req.result as { modelArtifacts?: ModelArtifacts } | undefined);
          req.onerror = () => rej(new Error(`indexeddb: ${String(req.error)}`));
        });
      } finally {
        db.close();
      }
      if (!rec?.modelArtifacts) throw new Error(`loadModel: no model named '${modelPath}' in IndexedDB`);
      return rec.modelArtifacts;
    },
  };
}

/** Bytes of weight data given as one buffer or several (TensorFlow.js allows both). */
function weightBytes(d: ArrayBuffer | ArrayBuffer[] | undefined): number {
  if (!d) return 0;
  return Array.isArray(d) ? d.reduce((n, b) => n + b.byteLength, 0) : d.byteLength;
}

/** Browser downloads: NAME.json and NAME.weights.bin (the TensorFlow.js naming). */
function downloadsHandler(name: string): IOHandler {
  return {
    async save(a) {
      const doc = (globalThis as { document?: Document }).document;
      if (!doc) throw new Error("downloads:// needs a browser page; in Node use 'file://dir'");
      const base = name || 'model';
      const json = new Blob([JSON.stringify(modelJson(a, `./${base}.weights.bin`))], { type: 'application/json' });
      const bin = new Blob([a.weightData as ArrayBuffer], { type: 'application/octet-stream' });
      for (const [blob, file] of [[json, `${base}.json`], [bin, `${base}.weights.bin`]] as const) {
        const link = doc.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = file;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      }
      return info(a, weightBytes(a.weightData));
    },
  };
}

/** The handler for a URL-like string, or the IOHandler itself. */
export function getHandler(op: string, x: string | IOHandler): IOHandler {
  if (x && typeof x === 'object' && (typeof x.save === 'function' || typeof x.load === 'function')) return x;
  if (typeof x !== 'string') throw new Error(`${op}: expected a URL string ('file://dir', 'indexeddb://name', 'localstorage://name', 'downloads://name') or an IOHandler, got ${typeof x}`);
  const m = /^([a-z]+):\/\/(.*)$/.exec(x);
  const scheme = m?.[1];
  const rest = m?.[2] ?? '';
  if (scheme === 'file') return fileHandler(rest);
  if (scheme === 'indexeddb') {
    if (!rest) throw new Error(`${op}: 'indexeddb://' needs a model name, as in 'indexeddb://my-model'`);
    return idbHandler(rest);
  }
  if (scheme === 'downloads') return downloadsHandler(rest);
  if (scheme === 'localstorage') {
    if (!rest) throw new Error(`${op}: 'localstorage://' needs a model name, as in 'localstorage://my-model'`);
    return localStorageHandler(rest);
  }
  if (scheme === 'http' || scheme === 'https') return httpHandler(x);
  throw new Error(`${op}: unsupported destination '${x}' (expected file://, indexeddb://, localstorage://, downloads://${op === 'loadModel' ? ', http(s)://' : ''} or an IOHandler)`);
}

/** model.save(destination). */
export async function saveModel(model: LayersModel, destination: string | IOHandler): Promise<SaveResult> {
  const h = getHandler('save', destination);
  if (!h.save) throw new Error(`save: '${String(destination)}' can only be loaded from, not saved to`);
  const a = await modelToArtifacts(model);
  const r = await h.save(a);
  return 'modelArtifactsInfo' in r ? (r as SaveResult) : info(a, a.weightData.byteLength);
}
