/**
 * The weights of a TF.js model.json (graph or layers): the manifest's specs in order over one byte
 * buffer, dequantized once at load (uint8 / uint16 with min and scale, float16) as the TF.js converter
 * writes them. The layers loader decodes its float16 weights with `half` too. The file is untrusted: every spec is checked and the bytes it needs are counted
 * against the buffer before any value is decoded.
 */
import type { HostTensor } from '../../graph/types.js';

/** A weight as model.json's weightsManifest lists it. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Check one spec from a file, naming `op` and `where` in the Error. */
export function checkManifestWeight(s: unknown, op: string, where: string): ManifestWeight {
  const w = s as ManifestWeight;
  if (!w || typeof w !== 'object' || typeof w.name !== 'string') throw new Error(`${op}: ${where} lists a weight without a name`);
  if (!Array.isArray(w.shape) || w.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new Error(`${op}: weight ${w.name} in ${where} has shape ${JSON.stringify(w.shape)} (expected an array of non-negative integers)`);
  }
  if (!['float32', 'int32', 'bool'].includes(w.dtype)) throw new Error(`${op}: weight ${w.name} in ${where} has dtype ${String(w.dtype)} (expected float32, int32 or bool)`);
  const q = w.quantization;
  if (q !== undefined) {
    if (!q || typeof q !== 'object' || !['uint8', 'uint16', 'float16'].includes(q.dtype)) {
      throw new Error(`${op}: weight ${w.name} in ${where} has quantization ${JSON.stringify(q)} (expected dtype uint8, uint16 or float16)`);
    }
    if (q.dtype !== 'float16' && (!Number.isFinite(q.min) || !Number.isFinite(q.scale))) {
      throw new Error(`${op}: weight ${w.name} in ${where} is ${q.dtype}-quantized without a finite min and scale`);
    }
  }
  return w;
}

/** Bytes the weight takes in the buffer. */
export function weightBytes(w: ManifestWeight): number {
  const n = w.shape.reduce((a, b) => a * b, 1);
  return n * BYTES[w.quantization?.dtype ?? w.dtype]!;
}

/** IEEE half to float: the float16 weights the converter writes. */
export function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Decode every weight of `specs` from `data` (the groups' shards concatenated in order). Throws,
 * before decoding anything, when the bytes the specs need differ from the bytes there are.
 */
export function decodeWeights(specs: ManifestWeight[], data: ArrayBuffer, op: string, where: string): Map<string, HostTensor> {
  let need = 0;
  for (const w of specs) need += weightBytes(w);
  if (!Number.isSafeInteger(need) || need !== data.byteLength) {
    throw new Error(`${op}: the weights in ${where} need ${need} bytes, but the weight files hold ${data.byteLength}`);
  }
  const out = new Map<string, HostTensor>();
  const view = new DataView(data);
  let at = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const q = w.quantization;
    const dtype = w.dtype === 'bool' ? 'bool' : w.dtype === 'int32' ? 'int32' : 'float32';
    const values = dtype === 'bool' ? new Uint8Array(n) : dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (!q) {
      if (dtype === 'bool') values.set(new Uint8Array(data, at, n));
      else for (let i = 0; i < n; i++) values[i] = dtype === 'int32' ? view.getInt32(at + 4 * i, true) : view.getFloat32(at + 4 * i, true);
    } else if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) values[i] = half(view.getUint16(at + 2 * i, true));
    } else {
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < n; i++) {
        const v = (wide ? view.getUint16(at + 2 * i, true) : view.getUint8(at + i)) * q.scale! + q.min!;
        values[i] = dtype === 'float32' ? v : Math.round(v);
      }
    }
    at += weightBytes(w);
    if (out.has(w.name)) throw new Error(`${op}: ${where} lists weight ${w.name} twice`);
    out.set(w.name, { kind: 'host', dtype, shape: w.shape.slice(), data: values });
  }
  return out;
}
