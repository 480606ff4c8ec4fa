/** Creating tensors: from data, constants, ranges, identity, and seeded random draws. */
import { holdsStrings, stringTensor, type StringNested } from './string.js';
import { type DType, type TypedArray, isDType, makeArray, toTypedArray } from '../dtype.js';
import { activeBackend } from '../engine.js';
import { checkShape, fmt, sizeOf } from '../shape.js';
import type { Tensor, NestedArray } from '../tensor.js';
import { checkAlloc } from '../limits.js';
import { argDType, checkInt, checkNumber, defineOp, type TensorLike, flattenNested, fromData, inferShape, runKernel } from './core.js';

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, int32 or bool)`);
  return dtype;
}

/**
 * A tensor from nested arrays (`tensor([[1, 2], [3, 4]])`), or from flat data and a shape
 * (`tensor(new Float32Array(6), [2, 3])`). The dtype defaults to float32 (int32 for an Int32Array).
 * Ragged arrays, non-numbers, a shape that does not hold the values, or a tensor larger than the
 * backend (or wt.setMemoryLimit) allows throw an Error.
 * @function
 */
export const tensor = defineOp('tensor', (values: NestedArray | TypedArray | readonly number[] | readonly boolean[] | StringNested, shape?: readonly number[], dtype?: DType | 'string'): Tensor => {
  if (dtype === 'string' || holdsStrings(values)) return stringTensor('tensor', values, shape);
  const dt = checkDType('tensor', dtype ?? argDType(values as TensorLike));
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) {
    flat = values;
    inferred = [values.length];
  } else if (typeof values === 'number' || typeof values === 'boolean') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferShape('tensor', values as NestedArray);
    flat = flattenNested(values as NestedArray);
  } else {
    throw new Error(`tensor: expected a number, nested arrays or a typed array, got ${values === null ? 'null' : typeof values}`);
  }
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number' && typeof flat[i] !== 'boolean') throw new Error(`tensor: element ${i} is ${typeof flat[i]}, expected a number or a boolean`);
  }
  let s = inferred;
  if (shape !== undefined) {
    s = checkShape('tensor', shape);
    if (sizeOf(s) !== flat.length) {
      throw new Error(`tensor: ${flat.length} values do not fit shape ${fmt(s)} (which holds ${sizeOf(s)})`);
    }
  }
  checkAlloc('tensor', s, dt, activeBackend());
  return fromData(toTypedArray(flat, dt), s, dt);
});

/** A rank-0 tensor; NaN and the infinities are values like any other, as in TensorFlow.js. @function */
export const scalar = defineOp('scalar', (value: number | string, dtype: DType | 'string' = 'float32'): Tensor => {
  if (typeof value === 'string') return stringTensor('scalar', value);
  if (typeof value !== 'number') throw new Error(`scalar: value must be a number, got ${value === null ? 'null' : typeof value}`);
  return fromData(toTypedArray([value], checkDType('scalar', dtype as DType)), [], dtype as DType);
});

/**
 * `tensor` with a rank check (TensorFlow.js's tensor1d .. tensor4d): nested arrays `rank` deep, or flat
 * values with a shape of `rank` dimensions. Anything else throws an Error naming the op, the rank it got
 * and the one expected.
 */
function tensorOfRank(op: string, rank: number, values: NestedArray | TypedArray | readonly number[], shape?: readonly number[], dtype?: DType): Tensor {
  if (shape !== undefined && (!Array.isArray(shape) || shape.length !== rank)) {
    throw new Error(`${op}: expected a shape of ${rank} dimension${rank === 1 ? '' : 's'}, got ${Array.isArray(shape) ? fmt(shape) : String(shape)}`);
  }
  const nested = Array.isArray(values);
  if (!nested || shape === undefined) {
    if (!nested && !(values instanceof Float32Array || values instanceof Int32Array)) {
      throw new Error(`${op}: expected nested arrays or a typed array, got ${values === null ? 'null' : typeof values}`);
    }
    const got = nested ? inferShape(op, values as NestedArray).length : 1;
    if (shape === undefined && got !== rank) {
      throw new Error(`${op}: expected values nested ${rank} deep (or flat values and a shape of ${rank} dimensions), got values of rank ${got}`);
    }
  }
  return tensor(values, shape, dtype);
}

/** A rank-1 tensor from an array or typed array: `tensor1d([1, 2, 3])` has shape [3]. */
export function tensor1d(values: readonly number[] | TypedArray, dtype?: DType): Tensor {
  return tensorOfRank('tensor1d', 1, values, undefined, dtype);
}

/** A rank-2 tensor: `tensor2d([[1, 2], [3, 4]])`, or `tensor2d([1, 2, 3, 4], [2, 2])` from flat values. */
export function tensor2d(values: NestedArray | TypedArray | readonly number[], shape?: readonly [number, number], dtype?: DType): Tensor {
  return tensorOfRank('tensor2d', 2, values, shape, dtype);
}

/** A rank-3 tensor from values nested 3 deep, or flat values and a shape [d0, d1, d2]. */
export function tensor3d(values: NestedArray | TypedArray | readonly number[], shape?: readonly [number, number, number], dtype?: DType): Tensor {
  return tensorOfRank('tensor3d', 3, values, shape, dtype);
}

/** A rank-4 tensor from values nested 4 deep, or flat values and a shape [d0, d1, d2, d3] (for images: [batch, height, width, channels]). */
export function tensor4d(values: NestedArray | TypedArray | readonly number[], shape?: readonly [number, number, number, number], dtype?: DType): Tensor {
  return tensorOfRank('tensor4d', 4, values, shape, dtype);
}

/** A tensor of `shape` filled with `value`, its size checked before any memory is taken. */
function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  const s = checkShape(op, shape);
  checkNumber(op, 'value', value);
  checkAlloc(op, s, checkDType(op, dtype), activeBackend());
  const data = makeArray(dtype, sizeOf(s));
  data.fill(value);
  return fromData(data, s, dtype);
}

/** A tensor of `shape` filled with `value`. A shape too large for the backend throws before anything is allocated. @function */
export const full = defineOp('full', (shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor => filled('full', shape, value, dtype));

/** A tensor of `shape` filled with 0 (a shape with a negative or fractional dimension, or too large for the backend, throws). @function */
export const zeros = defineOp('zeros', (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('zeros', shape, 0, dtype));

/** A tensor of `shape` filled with 1 (a shape with a negative or fractional dimension, or too large for the backend, throws). @function */
export const ones = defineOp('ones', (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('ones', shape, 1, dtype));

/** Zeros of x's shape and dtype, on the active backend. @function */
export const zerosLike = defineOp('zerosLike', (x: Tensor): Tensor => filled('zerosLike', x.shape, 0, x.dtype));

/** Ones of x's shape and dtype, on the active backend. @function */
export const onesLike = defineOp('onesLike', (x: Tensor): Tensor => filled('onesLike', x.shape, 1, x.dtype));

/** start, start + step, ... up to (not including) stop. `arange(n)` counts 0..n-1. @function */
export const arange = defineOp('arange', (start: number, stop?: number, step: number = 1, dtype: DType = 'float32'): Tensor => {
  if (stop === undefined) [start, stop] = [0, start];
  checkNumber('arange', 'start', start);
  checkNumber('arange', 'stop', stop);
  checkNumber('arange', 'step', step);
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isFinite(n)) throw new Error(`arange: start ${start}, stop ${stop} and step ${step} give no finite number of values`);
  checkAlloc('arange', [n], checkDType('arange', dtype), activeBackend());
  const data = makeArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromData(data, [n], dtype);
});

/**
 * The numRows x numColumns identity (numColumns defaults to numRows), TensorFlow.js's signature:
 * with `batchShape` the result is [...batchShape, numRows, numColumns], one identity per entry.
 * @function
 */
export const eye = defineOp('eye', (numRows: number, numColumns: number = numRows, batchShape?: readonly number[], dtype: DType = 'float32'): Tensor => {
  checkInt('eye', 'numRows', numRows);
  checkInt('eye', 'numColumns', numColumns);
  if (batchShape !== undefined && !Array.isArray(batchShape)) {
    throw new Error(`eye: batchShape must be an array of dimensions, got ${typeof batchShape === 'string' ? `'${batchShape}' (the dtype is the fourth argument)` : String(batchShape)}`);
  }
  const batch = checkShape('eye', batchShape ?? []);
  const shape = [...batch, numRows, numColumns];
  checkAlloc('eye', shape, checkDType('eye', dtype), activeBackend());
  const data = makeArray(dtype, sizeOf(shape));
  const plane = numRows * numColumns;
  for (let b = 0; b < sizeOf(batch); b++) for (let i = 0; i < Math.min(numRows, numColumns); i++) data[b * plane + i * numColumns + i] = 1;
  return fromData(data, shape, dtype);
});

/** Options of the seeded random ops (rand, randn). */
export interface RandomOptions {
  /** Same seed, same numbers, on every backend. Without one, a fresh seed is drawn from Math.random. */
  seed?: number;
}

function seedOf(op: string, opts?: RandomOptions): number {
  if (opts?.seed === undefined) return (Math.random() * 0x100000000) >>> 0;
  if (!Number.isInteger(opts.seed)) throw new Error(`${op}: seed must be an integer, got ${String(opts.seed)}`);
  return opts.seed >>> 0;
}

/** Uniform numbers in [lo, hi) from the counter-based generator. @function */
export const rand = defineOp('rand', (shape: readonly number[], opts: RandomOptions & { lo?: number; hi?: number } = {}): Tensor => {
  const s = checkShape('rand', shape);
  const lo = checkNumber('rand', 'lo', opts.lo ?? 0);
  const hi = checkNumber('rand', 'hi', opts.hi ?? 1);
  return runKernel('random', [], s, 'float32', { dist: 'uniform', seed: seedOf('rand', opts), a: lo, b: hi }, activeBackend(), 'rand');
});

/** Normal numbers with `mean` and `std` from the counter-based generator. @function */
export const randn = defineOp('randn', (shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor => {
  const s = checkShape('randn', shape);
  const mean = checkNumber('randn', 'mean', opts.mean ?? 0);
  const std = checkNumber('randn', 'std', opts.std ?? 1);
  return runKernel('random', [], s, 'float32', { dist: 'normal', seed: seedOf('randn', opts), a: mean, b: std }, activeBackend(), 'randn');
});
