/** TensorBuffer: a mutable host array with a shape, for building a tensor element by element (tf.buffer). */
import { type DType, type TypedArray, isDType, makeArray } from './dtype.js';
import { checkShape, fmt, sizeOf, stridesOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { tensor } from './ops/creation.js';

/** A host array of `shape` and `dtype` whose elements are set and read by their coordinates. */
export class TensorBuffer {
  /** The length of each dimension. */
  readonly shape: number[];
  /** The element type. */
  readonly dtype: DType;
  /** The flat values, row-major. */
  readonly values: TypedArray;
  /** The number of elements. */
  readonly size: number;
  /** Elements between neighbours along each dimension but the last. */
  readonly strides: number[];

  constructor(shape: readonly number[], dtype: DType = 'float32', values?: TypedArray) {
    this.shape = checkShape('buffer', shape);
    if (!isDType(dtype)) throw new Error(`buffer: unknown dtype '${String(dtype)}' (expected float32, int32 or bool)`);
    this.dtype = dtype;
    this.size = sizeOf(this.shape);
    if (values && values.length !== this.size) throw new Error(`buffer: ${values.length} values do not fit shape ${fmt(this.shape)} (which holds ${this.size})`);
    this.values = values ?? makeArray(dtype, this.size);
    this.strides = stridesOf(this.shape).slice(0, -1);
  }

  /** The flat index of coordinates `locs`; throws when they are outside the shape. */
  locToIndex(locs: readonly number[]): number {
    if (locs.length !== this.shape.length) throw new Error(`TensorBuffer: ${locs.length} coordinates for a buffer of rank ${this.shape.length}`);
    let index = 0;
    locs.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= this.shape[i]!) throw new Error(`TensorBuffer: coordinate ${v} of axis ${i} is outside [0, ${this.shape[i]})`);
      index = index * this.shape[i]! + v;
    });
    return index;
  }

  /** The coordinates of flat index `index`. */
  indexToLoc(index: number): number[] {
    const locs = new Array<number>(this.shape.length);
    for (let i = this.shape.length - 1; i >= 0; i--) {
      locs[i] = index % this.shape[i]!;
      index = Math.floor(index / this.shape[i]!);
    }
    return locs;
  }

  /** Set the element at `locs` to `value`. */
  set(value: number | boolean, ...locs: number[]): void {
    this.values[this.locToIndex(locs)] = Number(value);
  }

  /** The element at `locs`. */
  get(...locs: number[]): number {
    return this.values[this.locToIndex(locs)]!;
  }

  /** A tensor of these values on the active backend. */
  toTensor(): Tensor {
    return tensor(this.values, this.shape, this.dtype);
  }
}

/** A TensorBuffer of `shape` (zeros, or `values`), TensorFlow.js's tf.buffer. */
export function buffer(shape: readonly number[], dtype: DType = 'float32', values?: TypedArray): TensorBuffer {
  return new TensorBuffer(shape, dtype, values);
}
