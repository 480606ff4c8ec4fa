/**
 * Getting an ONNX file's bytes (a path, a file:// or http(s) URL, or bytes) and its external data
 * files, each confined to the model's folder by the same checks as the layers format's weights.
 */
import { confineFile, confineUrl, isUnder, type PathReader } from '../../nn/io/untrusted.js';

/** External data paths are refused in the ONNX loader's name. */
const EXTERNAL: PathReader = { op: 'onnx', what: 'external data path' };
import type { HostTensor } from '../types.js';
import { decodeModel, type OnnxModel } from './model.js';
import { fromBytes, hostDType, type DecodedTensor } from './tensor-proto.js';

/** What an ONNX model may be loaded from. */
export type OnnxSource = string | Uint8Array | ArrayBuffer;

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  const fsName = 'node:fs/promises', pathName = 'node:path';
  try {
    return { fs: (await import(/* @vite-ignore */ fsName)) as Fs, path: (await import(/* @vite-ignore */ pathName)) as Path };
  } catch {
    throw new Error('onnx: loading a model from a path needs Node\'s file system; in a browser pass an http(s) URL or the bytes');
  }
}

/** Where the model came from, so external data can be found beside it. */
type Origin = { kind: 'file'; dir: string; file: string } | { kind: 'url'; url: string } | { kind: 'bytes' };

async function readSource(src: OnnxSource): Promise<{ bytes: Uint8Array; origin: Origin }> {
  if (src instanceof Uint8Array) return { bytes: src, origin: { kind: 'bytes' } };
  if (src instanceof ArrayBuffer) return { bytes: new Uint8Array(src), origin: { kind: 'bytes' } };
  if (typeof src !== 'string') throw new Error(`onnx: expected a path, a URL or the model's bytes, got ${src === null ? 'null' : typeof src}`);
  if (/^https?:\/\//.test(src)) {
    const r = await fetch(src);
    if (!r.ok) throw new Error(`onnx: fetching ${src} failed with HTTP ${r.status}`);
    return { bytes: new Uint8Array(await r.arrayBuffer()), origin: { kind: 'url', url: r.url || src } };
  }
  const { fs, path } = await nodeModules();
  const file = path.resolve(src.startsWith('file://') ? src.slice('file://'.length) : src);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new Error(`onnx: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { bytes, origin: { kind: 'file', dir: path.dirname(file), file } };
}

/** The bytes of one external initializer, read only after its size was checked against its shape. */
async function readExternal(d: DecodedTensor, origin: Origin): Promise<HostTensor> {
  const where = `initializer '${d.name}'`;
  const ext = d.external!;
  const count = d.shape.reduce((a, b) => a * b, 1);
  const bytesPer = { float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, uint32: 4, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1 }[d.dtype];
  if (bytesPer === undefined) throw new Error(`onnx: ${where} has dtype ${d.dtype}, which is not supported`);
  const length = ext.length ?? count * bytesPer;
  if (length !== count * bytesPer) throw new Error(`onnx: ${where} declares ${length} bytes of external data, but its shape [${d.shape}] of ${d.dtype} needs ${count * bytesPer}`);
  let bytes: Uint8Array;
  if (origin.kind === 'bytes') throw new Error(`onnx: ${where} keeps its data in the file '${ext.location}'; load the model from its path or URL so the file can be found`);
  if (origin.kind === 'file') {
    const { fs, path } = await nodeModules();
    const file = await confineFile(fs, path, origin.dir, ext.location, origin.file, EXTERNAL);
    const h = await fs.open(file, 'r');
    try {
      const size = (await h.stat()).size;
      if (ext.offset + length > size) throw new Error(`onnx: ${where} reads bytes ${ext.offset}..${ext.offset + length} of '${ext.location}', which has ${size}`);
      bytes = new Uint8Array(length);
      await h.read(bytes, 0, length, ext.offset);
    } finally {
      await h.close();
    }
  } else {
    const url = confineUrl(origin.url, ext.location, origin.url, EXTERNAL);
    const r = await fetch(url);
    if (!r.ok) throw new Error(`onnx: fetching external data ${url.href} failed with HTTP ${r.status}`);
    if (r.redirected && !isUnder(new URL('.', origin.url), new URL(r.url))) throw new Error(`onnx: external data '${ext.location}' was redirected outside the model's folder`);
    const all = new Uint8Array(await r.arrayBuffer());
    if (ext.offset + length > all.length) throw new Error(`onnx: ${where} reads bytes ${ext.offset}..${ext.offset + length} of '${ext.location}', which has ${all.length}`);
    bytes = all.subarray(ext.offset, ext.offset + length);
  }
  return { kind: 'host', dtype: hostDType(d.dtype)!, shape: d.shape, data: fromBytes(bytes, d.dtype, count, where) };
}

/** Read and decode a model, with its external data, checking everything before any tensor exists. */
export async function readOnnx(src: OnnxSource): Promise<OnnxModel> {
  const { bytes, origin } = await readSource(src);
  const model = decodeModel(bytes);
  for (const d of model.external) model.graph.constants.set(d.name, await readExternal(d, origin));
  return model;
}
