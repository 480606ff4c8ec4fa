/**
 * ONNX TensorProto -> HostTensor: dims and element counts are checked before anything is allocated,
 * float16 / int8 / uint8 / int16 / uint16 / bool widen to float32 or int32, double narrows to
 * float32, int64 stays int64 on the host (see HostDType). Data may come as raw_data, as the typed
 * repeated fields, or from an external file, which the loader resolves within the model's folder.
 */
import type { HostDType, HostTensor } from '../types.js';
import { FIXED32, FIXED64, LEN, ProtoReader } from './proto.js';

/** ONNX TensorProto.DataType numbers. */
export const ONNX_DTYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4',
};

const BYTES: Record<string, number> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, uint32: 4, bfloat16: 2,
};

/** The most elements one tensor may declare (2^28: a GiB of float32), and the largest rank. */
export const MAX_ELEMENTS = 2 ** 28;
export const MAX_RANK = 16;

/** Where an initializer's bytes live when they are not in the file itself. */
export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

/** A decoded TensorProto: its name, and either its value or a reference to an external file. */
export interface DecodedTensor {
  name: string;
  dtype: string;
  shape: number[];
  value?: HostTensor;
  external?: ExternalRef;
}

/** The host dtype a file dtype becomes, or undefined where this executor has none. */
export function hostDType(dtype: string): HostDType | undefined {
  switch (dtype) {
    case 'float32': case 'float16': case 'float64': case 'bfloat16': return 'float32';
    case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': return 'int32';
    case 'int64': case 'uint32': return 'int64';
    case 'bool': return 'bool';
    default: return undefined;
  }
}

/** Check a shape from a file: rank, every dim a non-negative integer, and the element count bounded. */
export function checkDims(dims: readonly number[], where: string): number {
  if (dims.length > MAX_RANK) throw new Error(`onnx: ${where} has rank ${dims.length} (at most ${MAX_RANK} is accepted)`);
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`onnx: ${where} has dimension ${d} in [${dims.join(',')}] (expected a non-negative integer)`);
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw new Error(`onnx: ${where} declares ${n} elements ([${dims.join(',')}]), more than the ${MAX_ELEMENTS} accepted`);
  return n;
}

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Typed data from little-endian bytes of `dtype`, widened as hostDType says. */
export function fromBytes(b: Uint8Array, dtype: string, count: number, where: string): HostTensor['data'] {
  const size = BYTES[dtype];
  if (size === undefined) throw new Error(`onnx: ${where} has dtype ${dtype}, which is not supported`);
  if (b.length !== count * size) throw new Error(`onnx: ${where} holds ${b.length} bytes of data, but its ${count} ${dtype} elements need ${count * size}`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (dtype) {
    case 'float32': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = v.getFloat32(4 * i, true); return o; }
    case 'float64': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = v.getFloat64(8 * i, true); return o; }
    case 'float16': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = f16(v.getUint16(2 * i, true)); return o; }
    case 'bfloat16': { const o = new Float32Array(count); const t = new DataView(new ArrayBuffer(4)); for (let i = 0; i < count; i++) { t.setUint32(0, v.getUint16(2 * i, true) << 16, true); o[i] = t.getFloat32(0, true); } return o; }
    case 'int32': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = v.getInt32(4 * i, true); return o; }
    case 'int8': return Int32Array.from(new Int8Array(b.buffer, b.byteOffset, count));
    case 'uint8': return Int32Array.from(b);
    case 'int16': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = v.getInt16(2 * i, true); return o; }
    case 'uint16': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = v.getUint16(2 * i, true); return o; }
    case 'bool': return Uint8Array.from(b, (x) => (x ? 1 : 0));
    case 'uint32': { const o = new Float64Array(count); for (let i = 0; i < count; i++) o[i] = v.getUint32(4 * i, true); return o; }
    default: { // int64
      const o = new Float64Array(count);
      for (let i = 0; i < count; i++) o[i] = v.getInt32(8 * i + 4, true) * 0x100000000 + v.getUint32(8 * i, true);
      return o;
    }
  }
}

/** Typed data from the repeated number fields (float_data, int32_data, int64_data, double_data). */
function fromNumbers(nums: number[], dtype: string, count: number, where: string): HostTensor['data'] {
  if (nums.length !== count) throw new Error(`onnx: ${where} holds ${nums.length} values, but its shape has ${count} elements`);
  switch (hostDType(dtype)) {
    case 'float32': return dtype === 'float16' ? Float32Array.from(nums, (h) => f16(h & 0xffff)) : Float32Array.from(nums);
    case 'int32': return Int32Array.from(nums);
    case 'bool': return Uint8Array.from(nums, (x) => (x ? 1 : 0));
    case 'int64': return Float64Array.from(nums);
    default: throw new Error(`onnx: ${where} has dtype ${dtype}, which is not supported`);
  }
}

/** Decode one TensorProto message; `where` names it in errors ('initializer W'). */
export function decodeTensor(r: ProtoReader, where: string): DecodedTensor {
  const dims: number[] = [];
  const nums: number[] = [];
  let dt = 0, name = '', raw: Uint8Array | undefined, location = 0;
  const ext: Record<string, string> = {};
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1) r.repeated(wire, 'int64', dims, MAX_RANK + 1);
    else if (field === 2 && wire === 0) dt = r.varint();
    else if (field === 4 && (wire === LEN || wire === FIXED32)) r.repeated(wire, 'float', nums, MAX_ELEMENTS);
    else if ((field === 5 || field === 7 || field === 11) && (wire === LEN || wire === 0)) r.repeated(wire, 'int64', nums, MAX_ELEMENTS);
    else if (field === 10 && (wire === LEN || wire === FIXED64)) r.repeated(wire, 'double', nums, MAX_ELEMENTS);
    else if (field === 6 && wire === LEN) r.span();
    else if (field === 8 && wire === LEN) name = r.string();
    else if (field === 9 && wire === LEN) raw = r.bytesField();
    else if (field === 13 && wire === LEN) {
      const e = r.message(`${where}.external_data`);
      let k = '', v = '';
      while (!e.done) {
        const h = e.header();
        if (h.field === 1 && h.wire === LEN) k = e.string();
        else if (h.field === 2 && h.wire === LEN) v = e.string();
        else e.skip(h.wire);
      }
      ext[k] = v;
    } else if (field === 14 && wire === 0) location = r.varint();
    else r.skip(wire);
  }
  const label = name ? `${where} '${name}'` : where;
  const dtype = ONNX_DTYPES[dt] ?? `type ${dt}`;
  const count = checkDims(dims, label);
  if (dtype === 'string') return { name, dtype, shape: dims };
  const hd = hostDType(dtype);
  if (hd === undefined) return { name, dtype, shape: dims };
  if (location === 1) {
    const offset = Number(ext['offset'] ?? 0);
    const length = ext['length'] === undefined ? undefined : Number(ext['length']);
    if (!ext['location']) throw new Error(`onnx: ${label} has external data but no location`);
    if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
      throw new Error(`onnx: ${label} has an external data offset/length that is not a non-negative integer (${ext['offset']}, ${ext['length']})`);
    }
    return { name, dtype, shape: dims, external: { location: ext['location'], offset, length } };
  }
  const data = raw !== undefined ? fromBytes(raw, dtype, count, label) : fromNumbers(nums, dtype, count, label);
  return { name, dtype, shape: dims, value: { kind: 'host', dtype: hd, shape: dims, data, source: dtype } };
}
