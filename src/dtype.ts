/**
 * Element types a tensor can hold, and the typed arrays that carry them on the host. Backends see
 * only storage types: bool is stored as int32 0/1 on every backend (one layout for the kernels
 * that move data), and read back as a Uint8Array, as TensorFlow.js returns it.
 */

/** The element types a tensor can have (DataType adds complex64). */
export type DType = 'float32' | 'int32' | 'bool';
/**
 * Every element type, as TensorFlow.js's DataType: DType and complex64. A complex64 tensor holds
 * interleaved float32 pairs (real, imaginary), two storage elements per tensor element; only the
 * ops of src/ops/complex.ts and spectral.ts take it (kernels see its float32 pairs). Tensor.dtype is
 * typed DType, so a complex64 tensor is recognised with isComplex().
 */
export type DataType = DType | 'complex64';
/** The host arrays tensor data is read into: Float32Array for float32, Int32Array for int32, Uint8Array for bool. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;
/** The element types a backend buffer holds (bool lives in int32 buffers). */
export type StorageDType = 'float32' | 'int32';
/** The host arrays a backend reads and writes. */
export type StorageArray = Float32Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'int32' || x === 'bool';
}

/** The buffer type that holds `dtype`. */
export function storageOf(dtype: DataType): StorageDType {
  return dtype === 'float32' || dtype === 'complex64' ? 'float32' : 'int32';
}

/** Storage elements per tensor element: 2 for complex64 (real, imaginary), else 1. */
export function lanesOf(dtype: DataType): number {
  return dtype === 'complex64' ? 2 : 1;
}

/** Is `t` a complex64 tensor? */
export function isComplex(t: { readonly dtype: string }): boolean {
  return t.dtype === 'complex64';
}

export function makeArray(dtype: StorageDType, size: number): StorageArray;
export function makeArray(dtype: DType, size: number): TypedArray;
export function makeArray(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : dtype === 'bool' ? new Uint8Array(size) : new Float32Array(size);
}

/** Copy `data` into a fresh typed array of `dtype` (int32 truncates toward zero, like a C cast; bool is x != 0). */
export function toTypedArray(data: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  if (dtype === 'int32') {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) | 0;
    return out;
  }
  if (dtype === 'bool') {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0; // NaN is false, as !!NaN
    return out;
  }
  return Float32Array.from(data as ArrayLike<number>);
}

/** Host data of `dtype` as its backend buffer holds it (bool: Int32Array of 0/1). */
export function toStorage(data: TypedArray): StorageArray {
  return data instanceof Uint8Array ? Int32Array.from(data) : data;
}

/** A backend buffer's contents as the tensor's dtype reads them back. */
export function fromStorage(data: StorageArray, dtype: DType): TypedArray {
  if (dtype !== 'bool') return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  return out;
}

export const BYTES_PER_ELEMENT = 4;
