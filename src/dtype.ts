/** Element types a tensor can hold, and the typed arrays that carry them on the host. */

/** The element types a tensor can have. */
export type DType = 'float32' | 'int32';
/** The host arrays tensor data is read into and written from: Float32Array for float32, Int32Array for int32. */
export type TypedArray = Float32Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'int32'];

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'int32';
}

export function makeArray(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

/** Copy `data` into a fresh typed array of `dtype` (int32 truncates toward zero, like a C cast). */
export function toTypedArray(data: ArrayLike<number>, dtype: DType): TypedArray {
  if (dtype === 'int32') {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! | 0;
    return out;
  }
  return Float32Array.from(data);
}

export const BYTES_PER_ELEMENT = 4;
